/**
 * The query layer's read-only guard: plantops sends a source nothing but reads.
 * This is a guard in front of the server-side protection (read-only session + read-only transaction), not a replacement.
 *
 * We do not parse SQL; we strip comments and quoted text (so keywords inside strings do not count), then
 * accept only single statements that start with a read verb and contain no clause that writes or locks.
 */
export type GuardVerdict = {ok: true} | {ok: false; reason: string}

const READ_VERBS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'VALUES', 'TABLE'])
const WRITE_WORDS = /\b(INSERT|UPDATE|DELETE|REPLACE|MERGE|UPSERT|CREATE|ALTER|DROP|TRUNCATE|RENAME|GRANT|REVOKE|CALL|LOAD|HANDLER|LOCK|UNLOCK|SET|ATTACH|DETACH|VACUUM|REINDEX|ANALYZE|OPTIMIZE|REPAIR|PRAGMA|DO|INSTALL|UNINSTALL|FLUSH|KILL|PURGE|RESET|CHANGE|START|STOP|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|XA|PREPARE|EXECUTE|DEALLOCATE|SHUTDOWN)\b/i

/** Remove comments, string literals and quoted identifiers; returns null when a literal or comment never closes. */
export function stripLiterals(sql: string): string | null {
  let out = ''
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end
      out += ' '
    } else if (c === '#') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end
      out += ' '
    } else if (c === '/' && next === '*') {
      // MySQL executes /*! ... */ "comments": treat their content as code
      const end = sql.indexOf('*/', i + 2)
      if (end === -1) return null
      if (sql[i + 2] === '!' || sql[i + 2] === '+') out += ` ${sql.slice(i + 3, end).replace(/^\d{5,6}/, '')} `
      else out += ' '
      i = end + 2
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c
      let j = i + 1
      let closed = false
      while (j < n) {
        if (sql[j] === '\\' && c !== '`' && c !== '[') {
          j += 2
          continue
        }
        if (sql[j] === close) {
          if (sql[j + 1] === close) {
            j += 2
            continue
          }
          closed = true
          break
        }
        j++
      }
      if (!closed) return null
      out += c === "'" || c === '"' ? " '' " : ' q '
      i = j + 1
    } else {
      out += c
      i++
    }
  }
  return out
}

export function checkReadOnly(sql: string): GuardVerdict {
  const code = stripLiterals(sql)
  if (code === null) return {ok: false, reason: 'unterminated quote or comment'}
  const trimmed = code.trim().replace(/;\s*$/, '')
  if (trimmed === '') return {ok: false, reason: 'empty statement'}
  if (trimmed.includes(';')) return {ok: false, reason: 'more than one statement'}
  const first = /^\(*\s*([A-Za-z]+)/.exec(trimmed)?.[1]?.toUpperCase()
  if (!first || !READ_VERBS.has(first)) return {ok: false, reason: `statements starting with ${first ?? '?'} are not reads`}
  if (first === 'EXPLAIN' && /\bANALYZE\b/i.test(trimmed)) {
    return {ok: false, reason: 'EXPLAIN ANALYZE executes the statement'}
  }
  if (first !== 'SHOW' && first !== 'DESCRIBE' && first !== 'DESC') {
    if (/\bFOR\s+(UPDATE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i.test(trimmed)) return {ok: false, reason: 'locking read'}
    const w = WRITE_WORDS.exec(trimmed)
    // "SET" is legal inside a read only as part of CHARACTER SET / charset casts
    if (w && !(w[1].toUpperCase() === 'SET' && /CHARACTER\s+SET|CHARSET/i.test(trimmed.slice(Math.max(0, w.index - 12), w.index + 3)))) {
      return {ok: false, reason: `contains ${w[1].toUpperCase()}`}
    }
    if (/\bINTO\b/i.test(trimmed)) return {ok: false, reason: 'SELECT … INTO writes a file or variables'}
  }
  return {ok: true}
}
