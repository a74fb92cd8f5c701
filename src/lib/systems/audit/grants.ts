import {english, msg, type Msg} from '../message.js'

/**
 * `SHOW GRANTS` lines → what the account may do, and whether it can change the database plantops reads.
 * Handles MySQL and MariaDB forms: privilege lists with column lists, `ALL [PRIVILEGES]`, `*.*`, `db.*`, `db.table`,
 * wildcard database names (`erp\_%`), `WITH GRANT OPTION`, role grants (`GRANT role TO user`) and PROXY.
 */
export interface ParsedGrant {
  line: string
  privileges: string[]
  /** Database part of ON ..., unquoted ("*" for *.*); null for role grants. */
  database: string | null
  /** Table part ("*" for db.*). */
  table: string | null
  withGrantOption: boolean
  /** GRANT role TO user: the roles named. */
  roles: string[]
}

/** Privileges that let the account change data or schema, or bypass the server's read_only. */
export const WRITE_PRIVILEGES = [
  'ALL PRIVILEGES',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'DROP',
  'INDEX',
  'TRIGGER',
  'CREATE VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'CREATE TEMPORARY TABLES',
  'DELETE HISTORY',
  'SUPER',
  'READ_ONLY ADMIN',
  'CONNECTION_ADMIN',
  'SYSTEM_VARIABLES_ADMIN',
  'FILE',
  'GRANT OPTION',
] as const

/** The worst of them: direct writes and schema changes (critical on the database read). */
export const CRITICAL_PRIVILEGES = new Set(['ALL PRIVILEGES', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'ALTER', 'DROP', 'SUPER', 'READ_ONLY ADMIN', 'GRANT OPTION', 'DELETE HISTORY', 'TRIGGER'])

function unquote(s: string): string {
  const t = s.trim()
  if ((t.startsWith('`') && t.endsWith('`')) || (t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))) {
    return t.slice(1, -1).replace(/``/g, '`')
  }
  return t
}

/** Split "SELECT (a, b), INSERT" on top-level commas. */
function splitPrivileges(list: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const c of list) {
    if (c === '(') depth++
    if (c === ')') depth--
    if (c === ',' && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += c
  }
  if (cur.trim()) out.push(cur)
  return out.map((p) => p.replace(/\(.*\)/s, '').trim().toUpperCase().replace(/\s+/g, ' ')).filter(Boolean)
}

/** Split "`db`.`t`" / "db.*" / "*.*" at the dot that is outside quotes. */
function splitObject(obj: string): [string, string] {
  let q: string | null = null
  for (let i = 0; i < obj.length; i++) {
    const c = obj[i]
    if (q) {
      if (c === q) q = null
    } else if (c === '`' || c === "'" || c === '"') q = c
    else if (c === '.') return [unquote(obj.slice(0, i)), unquote(obj.slice(i + 1))]
  }
  return [unquote(obj), '*']
}

export function parseGrantLine(line: string): ParsedGrant | null {
  const text = line.trim()
  const m = /^GRANT\s+([\s\S]+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\s+BODY)?)\s+)?((?:`(?:[^`]|``)*`|[^\s.`]+)(?:\.(?:`(?:[^`]|``)*`|[^\s`]+))?)\s+TO\s+/i.exec(text)
  if (m) {
    const [database, table] = splitObject(m[2])
    return {line: text, privileges: normaliseAll(splitPrivileges(m[1])), database, table, withGrantOption: /\bWITH\s+GRANT\s+OPTION\b/i.test(text) || /\bWITH\b[\s\S]*\bGRANT\s+OPTION\b/i.test(text.slice(m[0].length)), roles: []}
  }
  const r = /^GRANT\s+([\s\S]+?)\s+TO\s+/i.exec(text)
  if (r && !/\bON\b/i.test(r[1])) {
    return {line: text, privileges: [], database: null, table: null, withGrantOption: false, roles: r[1].split(',').map(unquote)}
  }
  return null
}

function normaliseAll(privs: string[]): string[] {
  return privs.map((p) => (p === 'ALL' ? 'ALL PRIVILEGES' : p))
}

/** Does a grant's database (possibly a LIKE pattern with _ and %, \ escapes) cover `database`? */
export function grantCoversDatabase(grantDb: string | null, database: string): boolean {
  if (grantDb === null) return false
  if (grantDb === '*') return true
  if (!/[%_]/.test(grantDb)) return grantDb === database
  let re = '^'
  for (let i = 0; i < grantDb.length; i++) {
    const c = grantDb[i]
    if (c === '\\' && i + 1 < grantDb.length) {
      re += escapeRe(grantDb[++i])
    } else if (c === '%') re += '.*'
    else if (c === '_') re += '.'
    else re += escapeRe(c)
  }
  return new RegExp(`${re}$`, 'i').test(database)
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export interface GrantVerdict {
  /** Write/admin privileges on the database plantops reads (or on *.*). */
  onDatabase: Array<{privilege: string; scope: string; line: string}>
  /** Write privileges on other databases only. */
  elsewhere: Array<{privilege: string; scope: string; line: string}>
  roles: string[]
  canSelect: boolean
  unparsed: string[]
}

export function assessGrants(lines: string[], database: string): GrantVerdict {
  const verdict: GrantVerdict = {onDatabase: [], elsewhere: [], roles: [], canSelect: false, unparsed: []}
  for (const line of lines) {
    const g = parseGrantLine(line)
    if (!g) {
      if (line.trim() && !/^SET\s+DEFAULT\s+ROLE/i.test(line.trim())) verdict.unparsed.push(line)
      continue
    }
    verdict.roles.push(...g.roles)
    if (g.database === null) continue
    const scope = `${g.database === '*' ? '*' : g.database}.${g.table ?? '*'}`
    const covers = grantCoversDatabase(g.database, database)
    const privs = g.withGrantOption ? [...g.privileges, 'GRANT OPTION'] : g.privileges
    if (covers && privs.some((p) => p === 'SELECT' || p === 'ALL PRIVILEGES')) verdict.canSelect = true
    for (const p of privs) {
      if (!(WRITE_PRIVILEGES as readonly string[]).includes(p)) continue
      const target = covers ? verdict.onDatabase : verdict.elsewhere
      target.push({privilege: p, scope, line})
    }
  }
  return verdict
}

/** Privileges that make an account an administrator: its grants must not be taken away to suit plantops. */
const ADMIN_PRIVILEGES = new Set(['ALL PRIVILEGES', 'GRANT OPTION', 'SUPER', 'READ_ONLY ADMIN', 'CONNECTION_ADMIN', 'SYSTEM_VARIABLES_ADMIN', 'FILE', 'CREATE USER', 'SHUTDOWN', 'RELOAD', 'PROCESS'])

/**
 * Broad: write or admin privileges on every database (`*.*`), an admin privilege anywhere, privileges through roles,
 * write privileges beyond the database read, or an account named root. Revoking such an account's privileges would
 * cripple whoever else uses it (pasting `REVOKE ALL … FROM 'root'` breaks the server's administration).
 */
export function isBroadAccount(v: GrantVerdict, who: string): boolean {
  const all = [...v.onDatabase, ...v.elsewhere]
  return (
    /^'root'@/i.test(who) ||
    v.roles.length > 0 ||
    v.elsewhere.length > 0 ||
    all.some((p) => p.scope.startsWith('*.') || ADMIN_PRIVILEGES.has(p.privilege))
  )
}

/** The exact statements that create a dedicated SELECT-only account for plantops (run on the primary). */
export function dedicatedAccountSql(database: string, host: string, user = 'plantops_ro'): string {
  const acct = `'${user}'@'${host}'`
  return `CREATE USER ${acct} IDENTIFIED BY '<a new password>'; GRANT SELECT ON \`${database.replace(/`/g, '``')}\`.* TO ${acct}; GRANT REPLICATION CLIENT ON *.* TO ${acct};`
}

/**
 * What to do about an account that holds more than SELECT. A broad or admin account is left alone: create a
 * dedicated SELECT-only account and point plantops at it (never `REVOKE ALL` on it). A narrow account (write
 * privileges on the read database only, granted directly) may have exactly those privileges revoked if it serves
 * plantops alone; the dedicated account is still offered.
 */
export function grantsFix(v: GrantVerdict, who: string, database: string, source: string): string {
  return english(grantsFixMsg(v, who, database, source))
}

/** grantsFix as a catalog message (`shown`: how the account is named to people; `who` as SHOW GRANTS names it). */
export function grantsFixMsg(v: GrantVerdict, who: string, database: string, source: string, shown: Msg | string = who): Msg {
  const host = /@'([^']*)'$/.exec(who)?.[1] ?? '%'
  const create = msg('audit.fix.grantsCreate', {sql: dedicatedAccountSql(database, host), source, passwordRef: `\${PLANTOPS_${source.toUpperCase()}_PASSWORD}`})
  if (isBroadAccount(v, who)) return msg('audit.fix.grantsBroad', {who: shown, create})
  const privs = [...new Set(v.onDatabase.map((p) => p.privilege))].join(', ')
  const scopes = [...new Set(v.onDatabase.map((p) => p.scope))]
  const on = scopes.length === 1 && scopes[0].endsWith('.*') ? `\`${database}\`.*` : scopes.map((s) => s).join(', ')
  return msg('audit.fix.grantsNarrow', {create, who: shown, revoke: `REVOKE ${privs} ON ${on} FROM ${who}; GRANT SELECT ON \`${database}\`.* TO ${who};`})
}
