/**
 * The query layer's read-only guard: plantops sends a source nothing but reads.
 *
 * This is one layer of three (see README "Security"): every MySQL/MariaDB connection is a read-only session and every
 * statement runs inside a read-only transaction (the server refuses writes), this guard refuses anything that is not a
 * plain read before it is sent, and a SELECT-only account is the real boundary.
 *
 * The guard reads SQL the way the server's lexer does (MariaDB 10.x / MySQL 8 `sql_lex.cc`), not with regexes over
 * the raw text:
 * - `'…'` and `"…"` are literals with backslash escapes and doubled quotes (plantops' MySQL sessions remove
 *   NO_BACKSLASH_ESCAPES from sql_mode, so the server agrees); `` `…` `` are identifiers;
 * - `#` and `-- ` (two dashes followed by a space, a control character or the end) are comments, but `--x` is two
 *   minus signs; `/* … *\/` is a comment, while `/*! … *\/`, `/*!NNNNN … *\/`, `/*M! … *\/`, `/*M!NNNNNN … *\/` are
 *   *code* the server runs (and `/*+ … *\/` are MySQL optimizer hints, which can set variables): they are refused;
 * - keywords can be glued to numbers, quotes and punctuation (`1e1FROM`, `'a'INTO`, `1INTO@a`), so words are split
 *   where the server splits them, and a word after `name.` is an identifier (`t.update`), as the server reads it.
 *
 * What is accepted: exactly one statement (one optional trailing `;`), and
 * - configured SQL (`query:`, `lagQuery:`): a plain SELECT, `(SELECT …)`, or `WITH … SELECT`, with no `INTO` (any
 *   spelling: `INTO OUTFILE`, `INTO DUMPFILE`, `INTO @var`), no locking clause (`FOR UPDATE`, `FOR SHARE`,
 *   `LOCK IN SHARE MODE`) and no `PROCEDURE`;
 * - plantops' own statements additionally `SHOW …`, `DESCRIBE`/`DESC`, and `EXPLAIN` of such a SELECT.
 * Functions named like statements (`REPLACE(sku, ' ', '')`, `INSERT(str, …)`) are expressions inside a SELECT and are
 * accepted: a SELECT cannot contain a write statement, so only the first word and the clauses above decide.
 */

import {t} from '../i18n/index.js'

/**
 * Why the guard refused a statement: a code (a key under `errors.guard.*` in the catalogs) and its variables. The
 * verdict carries no sentence: `guardReason(verdict)` words it in the language in force where a person reads it.
 */
export const GUARD_REASONS = [
  'nul',
  'semicolonLookalike',
  'optimizerHint',
  'executableComment',
  'unterminatedComment',
  'unterminatedQuote',
  'empty',
  'moreThanOne',
  'unbalanced',
  'placeholder',
  'setStatement',
  'explainAnalyze',
  'explainNotSelect',
  'withName',
  'withAs',
  'withParen',
  'afterWith',
  'afterWithConfigured',
  'notRead',
  'notPlainSelect',
  'selectInto',
  'lockInShareMode',
  'lockingRead',
  'procedure',
  'setStatementInside',
] as const
export type GuardReason = (typeof GUARD_REASONS)[number]

export interface GuardRefusal {
  ok: false
  code: GuardReason
  /** The variables of the reason's message (SQL words and characters, never translated). */
  vars?: Record<string, string>
}

export type GuardVerdict = {ok: true} | GuardRefusal

/** The reason of a refusal in the language in force (error messages, config problems). */
export function guardReason(refusal: Pick<GuardRefusal, 'code' | 'vars'>): string {
  return t(`errors.guard.${refusal.code}`, refusal.vars) // i18n-dynamic: errors.guard.*
}

function refuse(code: GuardReason, vars?: Record<string, string>): GuardRefusal {
  return vars === undefined ? {ok: false, code} : {ok: false, code, vars}
}

export interface GuardOptions {
  /** Configured SQL: only one plain SELECT / WITH … SELECT (no SHOW, DESCRIBE, EXPLAIN). */
  configured?: boolean
  /** The source's dialect: SQLite has no backslash escapes and `--` always starts a comment. Default mysql. */
  dialect?: 'mysql' | 'sqlite'
}

type Token =
  | {t: 'word'; text: string; up: string; start: number; end: number}
  | {t: 'punct'; text: string; start: number; end: number}
  | {t: 'string'; start: number; end: number}
  | {t: 'qident'; start: number; end: number}

/** Characters that look like a semicolon: refused outside literals so no reader (or human) mistakes them for one. */
const SEMICOLON_LOOKALIKES = new Set(['\uFF1B', '\u037E', '\uFE54', '\uFE14'])

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13)
}

function isWordChar(code: number): boolean {
  if (code >= 0x80 && SEMICOLON_LOOKALIKES.has(String.fromCharCode(code))) return false
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code >= 0x80
}

class LexError extends Error {
  constructor(
    readonly code: GuardReason,
    readonly vars?: Record<string, string>,
  ) {
    super(code)
  }
}

/** Split SQL into tokens as the server's lexer does; comments are dropped, executable comments are an error. */
function lex(sql: string, dialect: 'mysql' | 'sqlite'): Token[] {
  const out: Token[] = []
  const n = sql.length
  let i = 0
  while (i < n) {
    const c = sql[i]
    const code = sql.charCodeAt(i)
    if (isSpace(code)) {
      i++
      continue
    }
    if (code === 0) throw new LexError('nul')
    if (SEMICOLON_LOOKALIKES.has(c)) throw new LexError('semicolonLookalike', {code: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`})
    if (c === '#' && dialect === 'mysql') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
      continue
    }
    if (c === '-' && sql[i + 1] === '-') {
      // MariaDB/MySQL: a comment only when the dashes are followed by whitespace, a control character or the end;
      // `--x` is minus minus x. SQLite: always a comment.
      const after = sql.charCodeAt(i + 2)
      if (dialect === 'sqlite' || Number.isNaN(after) || after <= 32 || after === 127) {
        const end = sql.indexOf('\n', i)
        i = end === -1 ? n : end + 1
        continue
      }
    }
    if (c === '/' && sql[i + 1] === '*') {
      const marker = sql[i + 2]
      if (marker === '!' || ((marker === 'M' || marker === 'm') && sql[i + 3] === '!') || marker === '+') {
        const shown = sql.slice(i, Math.min(n, i + (marker === 'M' ? 4 : 3)))
        throw new LexError(marker === '+' ? 'optimizerHint' : 'executableComment', {comment: `${shown}…*/`})
      }
      const end = sql.indexOf('*/', i + 2)
      if (end === -1) throw new LexError('unterminatedComment')
      i = end + 2
      continue
    }
    if (c === "'" || c === '"' || c === '`' || (c === '[' && dialect === 'sqlite')) {
      const close = c === '[' ? ']' : c
      const backslash = dialect === 'mysql' && c !== '`'
      let j = i + 1
      let closed = false
      while (j < n) {
        const d = sql[j]
        if (backslash && d === '\\') {
          j += 2
          continue
        }
        if (d === close) {
          if (close !== ']' && sql[j + 1] === close) {
            j += 2
            continue
          }
          closed = true
          break
        }
        j++
      }
      if (!closed) throw new LexError('unterminatedQuote')
      const literal = c === "'" || (c === '"' && dialect === 'mysql')
      out.push({t: literal ? 'string' : 'qident', start: i, end: j + 1})
      i = j + 1
      continue
    }
    if (isWordChar(code)) {
      let j = i + 1
      while (j < n && isWordChar(sql.charCodeAt(j))) j++
      const text = sql.slice(i, j)
      out.push({t: 'word', text, up: text.toUpperCase(), start: i, end: j})
      i = j
      continue
    }
    out.push({t: 'punct', text: c, start: i, end: i + 1})
    i++
  }
  return out
}

/**
 * The keywords a word can stand for. A word that starts with a digit can be a number glued to a keyword
 * (`1e1FROM` is `1e1 FROM`, `0x1FINTO`…): its alphabetic tails count too (over-strict for identifiers like `1st_into`).
 */
function keywordsOf(w: Extract<Token, {t: 'word'}>): string[] {
  if (!/^[0-9]/.test(w.up)) return [w.up]
  const tails = new Set<string>()
  for (const m of w.up.matchAll(/[A-Z_$]+[A-Z0-9_$]*/g)) tails.add(w.up.slice(m.index))
  for (const m of w.up.matchAll(/[A-Z_$]+/g)) tails.add(m[0])
  return [...tails]
}

/** A word right after `ident.` (no space) is an identifier to the server (`t.update`, `s.into`), never a keyword. */
function isQualifiedName(tokens: Token[], k: number): boolean {
  const dot = tokens[k - 1]
  const before = tokens[k - 2]
  if (!dot || dot.t !== 'punct' || dot.text !== '.' || dot.end !== tokens[k].start || !before || before.end !== dot.start) return false
  return before.t === 'qident' || (before.t === 'word' && !/^[0-9]/.test(before.text))
}

function wordAt(tokens: Token[], k: number): string | undefined {
  const tok = tokens[k]
  return tok?.t === 'word' && !isQualifiedName(tokens, k) ? tok.up : undefined
}

function isPunct(tok: Token | undefined, ch: string): boolean {
  return tok?.t === 'punct' && tok.text === ch
}

/** Index after the parenthesised group starting at k (tokens[k] is `(`), or -1 when it never closes. */
function skipGroup(tokens: Token[], k: number): number {
  let depth = 0
  for (let j = k; j < tokens.length; j++) {
    if (isPunct(tokens[j], '(')) depth++
    else if (isPunct(tokens[j], ')')) {
      depth--
      if (depth === 0) return j + 1
    }
  }
  return -1
}

/** The word that starts the statement at k, skipping opening parentheses. */
function verbAt(tokens: Token[], k: number): {verb: string | undefined; at: number} {
  let j = k
  while (isPunct(tokens[j], '(')) j++
  return {verb: wordAt(tokens, j), at: j}
}

/** After `WITH` at k: the main statement's verb (CTE definitions skipped), or a reason why the clause cannot be read. */
function mainVerbAfterWith(tokens: Token[], k: number): {verb: string | undefined; at: number} | {error: GuardReason} {
  let j = k + 1
  if (wordAt(tokens, j) === 'RECURSIVE') j++
  for (;;) {
    const name = tokens[j]
    if (!name || (name.t !== 'word' && name.t !== 'qident')) return {error: 'withName'}
    j++
    if (isPunct(tokens[j], '(')) {
      j = skipGroup(tokens, j)
      if (j < 0) return {error: 'unbalanced'}
    }
    if (wordAt(tokens, j) !== 'AS') return {error: 'withAs'}
    j++
    if (!isPunct(tokens[j], '(')) return {error: 'withParen'}
    j = skipGroup(tokens, j)
    if (j < 0) return {error: 'unbalanced'}
    if (wordAt(tokens, j) === 'CYCLE') {
      while (j < tokens.length && wordAt(tokens, j) !== 'RESTRICT') j++
      j++
    }
    if (isPunct(tokens[j], ',')) {
      j++
      continue
    }
    return verbAt(tokens, j)
  }
}

/** The clauses that turn a SELECT into a write or a lock, anywhere in it. */
function selectProblem(tokens: Token[], from: number): GuardRefusal | undefined {
  for (let k = from; k < tokens.length; k++) {
    if (tokens[k].t !== 'word' || isQualifiedName(tokens, k)) continue
    const next = wordAt(tokens, k + 1)
    for (const kw of keywordsOf(tokens[k] as Extract<Token, {t: 'word'}>)) {
      if (kw === 'INTO' || kw === 'OUTFILE' || kw === 'DUMPFILE') return refuse('selectInto', {keyword: kw})
      if (kw === 'LOCK' || kw === 'LOCKED') return refuse('lockInShareMode')
      if (kw === 'FOR' && (next === 'UPDATE' || next === 'SHARE')) return refuse('lockingRead', {clause: `FOR ${next}`})
      if (kw === 'PROCEDURE') return refuse('procedure')
      if (kw === 'SET' && next === 'STATEMENT') return refuse('setStatementInside')
    }
  }
  return undefined
}

function verdictOf(sql: string, opts: GuardOptions): GuardVerdict {
  const dialect = opts.dialect ?? 'mysql'
  let tokens: Token[]
  try {
    tokens = lex(sql, dialect)
  } catch (error) {
    if (error instanceof LexError) return refuse(error.code, error.vars)
    throw error
  }
  while (isPunct(tokens.at(-1), ';')) {
    tokens.pop()
    if (isPunct(tokens.at(-1), ';')) return refuse('moreThanOne')
  }
  if (tokens.length === 0) return refuse('empty')
  if (tokens.some((tok) => isPunct(tok, ';'))) return refuse('moreThanOne')
  let depth = 0
  for (const tok of tokens) {
    if (isPunct(tok, '(')) depth++
    else if (isPunct(tok, ')') && --depth < 0) break
  }
  if (depth !== 0) return refuse('unbalanced')

  if (opts.configured && tokens.some((tok) => isPunct(tok, '?'))) {
    return refuse('placeholder')
  }
  let {verb, at} = verbAt(tokens, 0)
  if (verb === 'SET' && wordAt(tokens, at + 1) === 'STATEMENT') {
    return refuse('setStatement')
  }
  if (!opts.configured && at === 0) {
    if (verb === 'SHOW') return {ok: true}
    // DESCRIBE/DESC are EXPLAIN: `DESCRIBE tbl [col]`, or the plan of a statement (which must be a SELECT)
    if (verb === 'EXPLAIN' || verb === 'DESCRIBE' || verb === 'DESC') {
      let j = 1
      for (;;) {
        const w = wordAt(tokens, j)
        if (w === 'ANALYZE') return refuse('explainAnalyze')
        if (w === 'EXTENDED' || w === 'PARTITIONS' || w === 'QUERY' || w === 'PLAN') j++
        else if (w === 'FORMAT' && isPunct(tokens[j + 1], '=')) j += 3
        else break
      }
      const rest = tokens.slice(j)
      if (rest.length >= 1 && rest.length <= 5 && rest.every((tok) => tok.t === 'word' || tok.t === 'qident' || tok.t === 'string' || isPunct(tok, '.')) && !['SELECT', 'WITH', 'DELETE', 'UPDATE', 'INSERT', 'REPLACE', 'ANALYZE'].includes(wordAt(tokens, j) ?? '')) {
        return {ok: true} // DESCRIBE tbl [col], EXPLAIN db.tbl
      }
      ;({verb, at} = verbAt(tokens, j))
      if (verb !== 'SELECT' && verb !== 'WITH') return refuse('explainNotSelect', {verb: verb ?? '?'})
    }
  }
  if (verb === 'WITH') {
    const main = mainVerbAfterWith(tokens, at)
    if ('error' in main) return refuse(main.error)
    if (main.verb !== 'SELECT') return refuse(opts.configured ? 'afterWithConfigured' : 'afterWith', {verb: main.verb ?? (main.at < tokens.length ? sql.slice(tokens[main.at].start, tokens[main.at].end) : '?')})
  } else if (verb !== 'SELECT') {
    const first = verb ?? (tokens[at] ? sql.slice(tokens[at].start, tokens[at].end) : '?')
    return refuse(opts.configured ? 'notPlainSelect' : 'notRead', {first})
  }
  return selectProblem(tokens, at) ?? {ok: true}
}

/** The guard in front of every statement plantops sends (its own SELECT/SHOW/DESCRIBE/EXPLAIN, and configured SQL). */
export function checkReadOnly(sql: string, opts: GuardOptions = {}): GuardVerdict {
  return verdictOf(sql, opts)
}

/** Configured SQL (`query:`, `lagQuery:`): one plain SELECT or WITH … SELECT, nothing else. */
export function checkConfiguredSelect(sql: string, dialect: 'mysql' | 'sqlite' = 'mysql'): GuardVerdict {
  return verdictOf(sql, {configured: true, dialect})
}

/**
 * Where the `?` (value) and `??` (identifier) placeholders are, as the server's lexer sees the text: a `?` inside a
 * string literal, a quoted identifier or a comment is text, not a placeholder (`WHERE note = '?'` has none).
 * Call only on SQL the guard accepted.
 */
export function placeholders(sql: string, dialect: 'mysql' | 'sqlite' = 'mysql'): Array<{start: number; end: number; identifier: boolean}> {
  const tokens = lex(sql, dialect)
  const out: Array<{start: number; end: number; identifier: boolean}> = []
  for (let k = 0; k < tokens.length; k++) {
    if (!isPunct(tokens[k], '?')) continue
    if (isPunct(tokens[k + 1], '?') && tokens[k + 1].start === tokens[k].end) {
      out.push({start: tokens[k].start, end: tokens[k + 1].end, identifier: true})
      k++
    } else out.push({start: tokens[k].start, end: tokens[k].end, identifier: false})
  }
  return out
}

/** What a read reads, for messages: the first table after FROM (`stock`), or "a configured query" for a derived table. */
export function describeRead(sql: string, dialect: 'mysql' | 'sqlite' = 'mysql'): string {
  let tokens: Token[]
  try {
    tokens = lex(sql, dialect)
  } catch {
    return t('errors.source.aQuery')
  }
  const from = tokens.findIndex((tok, k) => wordAt(tokens, k) === 'FROM' && tok.t === 'word')
  if (from < 0) return t('errors.source.aQuery')
  const target = tokens[from + 1]
  if (!target || isPunct(target, '(')) return t('errors.source.aConfiguredQuery')
  let end = from + 2
  while (isPunct(tokens[end], '.') && tokens[end + 1]) end += 2
  return sql.slice(target.start, tokens[end - 1].end)
}
