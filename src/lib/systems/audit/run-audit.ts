import type {ColumnReference, SourceReference} from '../../config/references.js'
import type {PlantopsConfig} from '../../config/schema.js'
import type {SourceConfig} from '../../config/sources-schema.js'
import {isPlantopsError} from '../../cli/errors.js'
import {Source} from '../../sources/source.js'
import type {SkippedArea} from '../all-references.js'
import type {SystemsConfig} from '../config.js'
import type {Health} from '../map/model.js'
import {isIndexed, listColumns, listIndexColumns, tableRows, type ColumnInfo} from '../../sources/catalog.js'
import {countBySeverity, makeFinding, sortFindings, type Finding, type Severity} from './findings.js'
import {assessGrants, CRITICAL_PRIVILEGES, grantsFixMsg} from './grants.js'
import {english, msg, msgList, type Msg} from '../message.js'
import {checkTypeCompat} from './type-compat.js'

export interface SystemAudit {
  system: string
  source: string
  reachable: boolean
  server: {flavor: string; version: string} | null
  readOnlySession: boolean | null
  replica: {isReplica: boolean; lagSeconds: number | null; maxLagSeconds: number; via: string; note: string | null} | null
  /** Write/admin privileges the account holds on the database it reads (MySQL). */
  writePrivileges: string[]
  referencesChecked: number
  freshness: {table: string; column: string; newest: string | null; ageHours: number | null; maxAgeHours: number; rows: number; rowsEstimated: boolean} | null
  health: Health
  elapsedMs: number
}

export interface AuditReport {
  startedAt: string
  finishedAt: string
  systems: SystemAudit[]
  findings: Finding[]
  counts: Record<Severity, number>
  /** Configured sections whose mappings could not be checked (area without a references module). */
  skippedAreas: Array<SkippedArea<string>>
}

export interface AuditTarget {
  system: string
  source: string
  config: SourceConfig
  updatedAt?: {table: string; column: string; maxAgeHours: number}
  updatedAtPath?: string
}

export interface AuditOptions {
  config: Pick<PlantopsConfig, 'sources' | 'systems'>
  baseDir: string
  references: SourceReference[]
  skippedAreas?: Array<SkippedArea<string>>
  /** Count rows read per source (run history). */
  onRowsRead?: (source: string, rows: number) => void
  onProgress?: (done: number, total: number) => void
}

const DEFAULT_AUDIT = {connectTimeoutSeconds: 5, largeTableRows: 100_000}

/** Every system with a source (and every configured source on no system), each audited once. */
export function auditTargets(config: AuditOptions['config']): {targets: AuditTarget[]; unmapped: string[]} {
  const targets: AuditTarget[] = []
  const covered = new Set<string>()
  for (const [id, sys] of Object.entries(config.systems?.systems ?? {})) {
    if (!sys.source || !config.sources[sys.source]) continue
    covered.add(sys.source)
    targets.push({system: id, source: sys.source, config: config.sources[sys.source], updatedAt: sys.updatedAt, updatedAtPath: sys.updatedAt ? `systems.systems.${id}.updatedAt` : undefined})
  }
  const unmapped: string[] = []
  for (const [name, cfg] of Object.entries(config.sources)) {
    if (covered.has(name)) continue
    unmapped.push(name)
    targets.push({system: name, source: name, config: cfg})
  }
  return {targets, unmapped}
}

/**
 * The audit: every target in parallel, each with a short connect timeout. An unreachable source is a critical
 * finding, not an error: the audit always completes and reports on everything it could reach.
 */
export async function runAudit(opts: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date().toISOString()
  const settings = {...DEFAULT_AUDIT, ...opts.config.systems?.audit}
  const {targets, unmapped} = auditTargets(opts.config)
  const bySource = new Map<string, SourceReference[]>()
  for (const r of opts.references) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r])
  let done = 0
  const results = await Promise.all(
    targets.map(async (t) => {
      // mapping references are checked once per source (on the first system that reads it); each system's own
      // freshness reference on its own audit
      const first = targets.find((x) => x.source === t.source) === t
      const refs = (bySource.get(t.source) ?? []).filter((r) => (r.configPath.startsWith('systems.systems.') ? r.configPath.startsWith(`systems.systems.${t.system}.`) : first))
      const r = await auditOne(t, refs, settings, opts)
      opts.onProgress?.(++done, targets.length)
      return r
    }),
  )
  const findings: Finding[] = results.flatMap((r) => r.findings)
  if (opts.config.systems) {
    for (const name of unmapped) {
      findings.push(
        makeFinding({
          severity: 'info',
          system: name,
          source: name,
          check: 'coverage',
          message: msg('audit.finding.coverage', {source: name}),
          fix: msg('audit.fix.coverage', {source: name}),
          configPath: `sources.${name}`,
        }),
      )
    }
  }
  const configured = new Set(Object.keys(opts.config.sources))
  for (const r of opts.references) {
    if (!configured.has(r.source)) {
      findings.push(makeFinding({severity: 'critical', system: r.source, source: r.source, check: 'schema-table', message: msg('audit.finding.unknownSource', {path: r.configPath, source: r.source}), fix: msg('audit.fix.unknownSource'), configPath: r.configPath, subject: 'unknown-source'}))
    }
  }
  const sorted = sortFindings(findings)
  return {startedAt, finishedAt: new Date().toISOString(), systems: results.map((r) => r.audit), findings: sorted, counts: countBySeverity(sorted), skippedAreas: opts.skippedAreas ?? []}
}

async function auditOne(t: AuditTarget, refs: SourceReference[], settings: typeof DEFAULT_AUDIT, opts: AuditOptions): Promise<{audit: SystemAudit; findings: Finding[]}> {
  const t0 = Date.now()
  const findings: Finding[] = []
  const add = (f: Omit<Parameters<typeof makeFinding>[0], 'system' | 'source'>) => findings.push(makeFinding({...f, system: t.system, source: t.source}))
  const audit: SystemAudit = {
    system: t.system,
    source: t.source,
    reachable: false,
    server: null,
    readOnlySession: null,
    replica: null,
    writePrivileges: [],
    referencesChecked: 0,
    freshness: null,
    health: 'ok',
    elapsedMs: 0,
  }
  const finish = () => {
    audit.elapsedMs = Date.now() - t0
    audit.health = findings.some((f) => f.severity === 'critical') ? 'critical' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'ok'
    return {audit, findings}
  }
  const cfg: SourceConfig = {...t.config, connectTimeoutSeconds: Math.min(t.config.connectTimeoutSeconds, settings.connectTimeoutSeconds)}
  let src: Source
  try {
    src = await Source.open(t.source, cfg, {baseDir: opts.baseDir})
  } catch (error) {
    const hints = isPlantopsError(error) ? error.hints : []
    add({
      severity: 'critical',
      check: 'reachable',
      message: refs.length > 0 ? msg('audit.finding.unreachableRefs', {error: (error as Error).message, count: refs.length}) : msg('audit.finding.unreachable', {error: (error as Error).message}),
      fix: hints.join(' ') || msg('audit.fix.checkConnection', {path: `sources.${t.source}.connection`}),
      configPath: `sources.${t.source}.connection`,
    })
    return finish()
  }
  audit.reachable = true
  try {
    const info = await src.serverInfo()
    audit.server = {flavor: info.flavor, version: info.version}
    audit.readOnlySession = info.readOnlySession
    if (!info.readOnlySession) {
      add({severity: 'critical', check: 'read-only-session', message: msg('audit.finding.sessionNotReadOnly', {source: t.source}), fix: msg('audit.fix.sessionNotReadOnly'), configPath: `sources.${t.source}`})
    }
    // never say read-only on the session variable alone: prove that the server refuses a write in plantops' transaction
    const probe = await src.probeReadOnly()
    if (!probe.refused) {
      audit.readOnlySession = false
      add({severity: 'critical', check: 'read-only-session', message: msg('audit.finding.writeProbe', {source: t.source, detail: probe.detail}), fix: msg('audit.fix.writeProbe'), configPath: `sources.${t.source}`, subject: 'write-probe'})
    }
    await checkReplica(src, t, audit, add)
    if (src.dialect === 'mysql') await checkGrants(src, t, audit, add)
    for (const ref of refs) {
      audit.referencesChecked++
      if (ref.table) await checkTableReference(src, t, ref, settings, add)
      else if (ref.query) await checkQueryReference(src, ref, settings, add)
    }
    if (t.updatedAt && t.updatedAtPath) await checkFreshness(src, t, audit, findings, settings, add)
  } catch (error) {
    add({severity: 'critical', check: 'reachable', message: msg('audit.finding.stopped', {source: t.source, error: (error as Error).message}), fix: isPlantopsError(error) ? error.hints.join(' ') || null : null, configPath: `sources.${t.source}`, subject: 'stopped'})
  } finally {
    opts.onRowsRead?.(t.source, src.rowsRead)
    await src.close()
  }
  return finish()
}

type Add = (f: Omit<Parameters<typeof makeFinding>[0], 'system' | 'source'>) => void

async function checkReplica(src: Source, t: AuditTarget, audit: SystemAudit, add: Add): Promise<void> {
  if (src.dialect === 'sqlite' && !t.config.lagQuery) return
  const rs = await src.replicaStatus()
  const max = t.config.maxLagSeconds
  // the note: English in the audit's JSON, in the language in force inside the finding shown to the operator
  const note = rs.note ? msg(`errors.guard.replicaNote.${rs.note}`) : null // i18n-dynamic: errors.guard.replicaNote.*
  audit.replica = {isReplica: rs.isReplica, lagSeconds: rs.lagSeconds, maxLagSeconds: max, via: rs.via, note: note ? english(note) : null}
  if (!rs.isReplica) {
    add({severity: 'info', check: 'replica-lag', message: note ? msg('audit.finding.replicaUnknown', {note}) : msg('audit.finding.notReplica', {source: t.source}), fix: msg('audit.fix.notReplica'), configPath: `sources.${t.source}`, subject: 'not-replica'})
    return
  }
  if (src.dialect === 'mysql' && rs.via === 'replica-status') {
    const ro = await src.query<{ro: number | string}>('SELECT @@GLOBAL.read_only AS ro')
    if (String(ro[0]?.ro) === '0') {
      add({severity: 'warning', check: 'read-only-session', message: msg('audit.finding.globalReadOnlyOff', {source: t.source}), fix: msg('audit.fix.globalReadOnlyOff'), configPath: `sources.${t.source}`, subject: 'global-read-only'})
    }
  }
  if (rs.lagSeconds === null) {
    add({severity: 'critical', check: 'replica-lag', message: msg('audit.finding.replicationStopped', {source: t.source, io: rs.ioRunning === false ? msg('audit.finding.ioThreadStopped') : '', sql: rs.sqlRunning === false ? msg('audit.finding.sqlThreadStopped') : ''}), fix: msg('audit.fix.replicationStopped'), configPath: `sources.${t.source}`, subject: 'stopped'})
  } else if (rs.lagSeconds > max) {
    add({severity: 'critical', check: 'replica-lag', message: msg('audit.finding.lag', {source: t.source, lag: formatSeconds(rs.lagSeconds), max: formatSeconds(max)}), fix: msg('audit.fix.lag', {path: `sources.${t.source}.maxLagSeconds`}), configPath: `sources.${t.source}.maxLagSeconds`, subject: 'lag'})
  }
}

async function checkGrants(src: Source, t: AuditTarget, audit: SystemAudit, add: Add): Promise<void> {
  let lines: string[]
  let who = 'the plantops account'
  let whoShown: Msg | string = msg('audit.finding.plantopsAccount')
  try {
    const rows = await src.query<Record<string, string>>('SHOW GRANTS')
    lines = rows.map((r) => String(Object.values(r)[0]))
    const cu = await src.query<{u: string}>('SELECT CURRENT_USER() AS u')
    const m = /^(.*)@([^@]*)$/.exec(String(cu[0]?.u ?? ''))
    if (m) whoShown = who = `'${m[1]}'@'${m[2]}'`
  } catch (error) {
    add({severity: 'warning', check: 'grants', message: msg('audit.finding.grantsUnreadable', {error: (error as Error).message}), fix: null, configPath: `sources.${t.source}.connection.user`, subject: 'unreadable'})
    return
  }
  // privileges that come through roles (MySQL 8 / MariaDB): the role's own grants, one level deep
  const roles = assessGrants(lines, '').roles
  for (const role of roles) {
    try {
      const rows = await src.query<Record<string, string>>(`SHOW GRANTS FOR ${roleIdentifier(src, role)}`)
      lines.push(...rows.map((r) => String(Object.values(r)[0])))
    } catch {
      // not allowed to look at the role: its privileges stay unknown (the lines we have are still assessed)
    }
  }
  const database = t.config.client === 'mysql' ? t.config.connection.database : ''
  const v = assessGrants(lines, database)
  const onDb = [...new Set(v.onDatabase.map((p) => p.privilege))]
  audit.writePrivileges = onDb
  const critical = onDb.filter((p) => CRITICAL_PRIVILEGES.has(p))
  const scopes = [...new Set(v.onDatabase.map((p) => p.scope))].join(', ')
  const fix = grantsFixMsg(v, who, database, t.source, whoShown)
  if (critical.length > 0) {
    add({severity: 'critical', check: 'grants', message: msg('audit.finding.grantsWrite', {who: whoShown, database, privileges: onDb.join(', '), scopes}), fix, configPath: `sources.${t.source}.connection.user`, subject: 'write-on-database'})
  } else if (onDb.length > 0) {
    add({severity: 'warning', check: 'grants', message: msg('audit.finding.grantsExtra', {who: whoShown, database, privileges: onDb.join(', '), scopes}), fix, configPath: `sources.${t.source}.connection.user`, subject: 'extra-on-database'})
  }
  const elsewhere = [...new Map(v.elsewhere.map((p) => [`${p.privilege} on ${p.scope}`, p])).values()]
  if (elsewhere.length > 0) {
    const list = msgList(
      elsewhere.slice(0, 6).map((p) => msg('audit.finding.privilegeOn', {privilege: p.privilege, scope: p.scope})),
      msg('audit.finding.privilegeSeparator'),
      elsewhere.length > 6 ? '…' : undefined,
    )
    add({severity: 'warning', check: 'grants', message: msg('audit.finding.grantsElsewhere', {who: whoShown, list}), fix, configPath: `sources.${t.source}.connection.user`, subject: 'write-elsewhere'})
  }
}

/** `role` or `role`@`host` (MySQL 8 roles have a host part; MariaDB roles do not). */
function roleIdentifier(src: Source, role: string): string {
  const m = /^(.+?)@(.+)$/.exec(role.trim())
  const unq = (x: string) => x.replace(/^[`'"]|[`'"]$/g, '')
  return m ? `${src.quoteId(unq(m[1]))}@${src.quoteId(unq(m[2]))}` : src.quoteId(unq(role))
}

async function checkTableReference(src: Source, t: AuditTarget, ref: SourceReference, settings: typeof DEFAULT_AUDIT, add: Add): Promise<void> {
  const table = ref.table as string
  const cols = await listColumns(src, table)
  if (!cols) {
    add({severity: 'critical', check: 'schema-table', message: msg('audit.finding.tableMissing', {table, purpose: ref.purpose, source: t.source, path: ref.configPath}), fix: msg('audit.fix.tableMissing', {path: ref.configPath}), configPath: ref.configPath, subject: table})
    return
  }
  const present = new Map<string, ColumnInfo>(cols.map((c) => [c.name.toLowerCase(), c]))
  const okCols: ColumnReference[] = []
  for (const c of ref.columns) {
    const found = present.get(c.column.toLowerCase())
    if (!found) {
      const near = suggestColumns(c.column, cols.map((x) => x.name))
      add({severity: 'critical', check: 'schema-column', message: msg('audit.finding.columnMissing', {table, column: c.column, source: t.source, purpose: ref.purpose, path: c.configPath, similar: near.length ? msg('audit.finding.similarColumns', {columns: near.join(', ')}) : ''}),
        fix: msg('audit.fix.columnMissing', {path: c.configPath, perhaps: near.length ? msg('audit.fix.perhaps', {column: near[0]}) : ''}), configPath: c.configPath, subject: `${table}.${c.column}`})
      continue
    }
    okCols.push(c)
    const compat = checkTypeCompat(c.expected, found.type)
    if (!compat.ok) {
      // i18n-dynamic: audit.expected.*
      add({severity: compat.severity, check: 'column-type', message: msg('audit.finding.columnType', {table, column: found.name, type: found.type, path: c.configPath, expected: msg(`audit.expected.${c.expected}`), why: compat.why}), fix: msg('audit.fix.columnType', {path: c.configPath}), configPath: c.configPath, subject: `${table}.${c.column}`})
    }
  }
  const keyed = okCols.filter((c) => c.keyed)
  if (keyed.length === 0) return
  const size = await tableRows(src, table)
  if (size.rows < settings.largeTableRows) return
  const indexes = await listIndexColumns(src, table)
  const keyedNames = new Set(keyed.map((c) => c.column.toLowerCase()))
  for (const c of keyed) {
    if (isIndexed(c.column, keyedNames, indexes)) continue
    const q = `SELECT … FROM ${table} WHERE/JOIN/ORDER BY ${c.column}`
    add({
      severity: 'warning',
      check: 'index',
      message: msg('audit.finding.noIndex', {purpose: ref.purpose, table, column: c.column, path: c.configPath, rows: `${size.estimated ? '≈' : ''}${size.rows.toLocaleString('en-US')}`, query: q}),
      fix: msg('audit.fix.createIndex', {sql: `CREATE INDEX ix_${table}_${c.column} ON ${table} (${[...keyedNames].join(', ')});`}),
      configPath: c.configPath,
      subject: `${table}.${c.column}`,
    })
  }
}

async function checkQueryReference(src: Source, ref: SourceReference, settings: typeof DEFAULT_AUDIT, add: Add): Promise<void> {
  const query = (ref.query as string).trim().replace(/;\s*$/, '')
  let plan: Array<Record<string, unknown>>
  try {
    plan = await src.query<Record<string, unknown>>(`EXPLAIN ${src.dialect === 'sqlite' ? 'QUERY PLAN ' : ''}${query}`)
  } catch (error) {
    add({severity: 'critical', check: 'query', message: msg('audit.finding.queryFails', {path: ref.configPath, purpose: ref.purpose, source: ref.source, error: (error as Error).message}), fix: msg('audit.fix.queryFails', {path: ref.configPath}), configPath: ref.configPath, subject: 'explain'})
    return
  }
  if (src.dialect !== 'mysql') return
  for (const row of plan) {
    const type = String(row.type ?? '')
    const rows = Number(row.rows ?? 0)
    if (type === 'ALL' && rows >= settings.largeTableRows) {
      add({severity: 'warning', check: 'index', message: msg('audit.finding.queryScan', {path: ref.configPath, purpose: ref.purpose, table: String(row.table), rows: rows.toLocaleString('en-US'), query: query.slice(0, 200)}), fix: msg('audit.fix.queryScan'), configPath: ref.configPath, subject: `scan:${String(row.table)}`})
    }
  }
}

async function checkFreshness(src: Source, t: AuditTarget, audit: SystemAudit, findings: Finding[], settings: typeof DEFAULT_AUDIT, add: Add): Promise<void> {
  const u = t.updatedAt as NonNullable<AuditTarget['updatedAt']>
  // the drift check has already said the table/column is missing
  const paths = new Set([`${t.updatedAtPath}.table`, `${t.updatedAtPath}.column`])
  if (findings.some((f) => (f.check === 'schema-table' || f.check === 'schema-column') && paths.has(f.configPath ?? ''))) return
  const size = await tableRows(src, u.table)
  // MAX() without an index reads the whole table: the audit must not do the full scan it warns about
  if (size.rows >= settings.largeTableRows && !isIndexed(u.column, new Set([u.column.toLowerCase()]), await listIndexColumns(src, u.table))) {
    audit.freshness = {table: u.table, column: u.column, newest: null, ageHours: null, maxAgeHours: u.maxAgeHours, rows: size.rows, rowsEstimated: size.estimated}
    add({severity: 'info', check: 'freshness', message: msg('audit.finding.freshnessUnmeasured', {source: t.source, table: u.table, column: u.column}), fix: msg('audit.fix.freshnessUnmeasured', {table: u.table, column: u.column, path: t.updatedAtPath}), configPath: `${t.updatedAtPath}.column`, subject: 'unindexed'})
    return
  }
  const nowExpr = src.dialect === 'mysql' ? 'NOW()' : "datetime('now','localtime')"
  const rows = await src.query<{newest: unknown; now: string}>(`SELECT MAX(??) AS newest, ${nowExpr} AS now FROM ??`, [u.column, u.table])
  const newest = rows[0]?.newest
  const age = ageInHours(newest, String(rows[0]?.now ?? ''))
  const ageHours = age === null ? null : Math.round(age * 100) / 100
  audit.freshness = {table: u.table, column: u.column, newest: newest === null || newest === undefined ? null : String(newest), ageHours, maxAgeHours: u.maxAgeHours, rows: size.rows, rowsEstimated: size.estimated}
  if (newest === null || newest === undefined) {
    add({severity: 'warning', check: 'freshness', message: msg('audit.finding.freshnessEmpty', {table: u.table, source: t.source, column: u.column}), fix: msg('audit.fix.freshnessEmpty'), configPath: `${t.updatedAtPath}.table`, subject: 'empty'})
  } else if (ageHours !== null && ageHours > u.maxAgeHours) {
    add({severity: 'warning', check: 'freshness', message: msg('audit.finding.stale', {table: u.table, column: u.column, source: t.source, newest: String(newest), age: ageHours.toFixed(1), max: u.maxAgeHours}), fix: msg('audit.fix.stale', {source: t.source, path: `${t.updatedAtPath}.maxAgeHours`}), configPath: `${t.updatedAtPath}.maxAgeHours`, subject: 'stale'})
  }
}

/** Hours between two naive wall-clock timestamps from the same server (or epoch seconds/ms vs now). */
export function ageInHours(newest: unknown, now: string): number | null {
  if (newest === null || newest === undefined) return null
  if (typeof newest === 'number' || /^\d{9,13}$/.test(String(newest))) {
    const n = Number(newest)
    const ms = n > 1e12 ? n : n * 1000
    return (Date.now() - ms) / 3_600_000
  }
  const a = Date.parse(`${String(newest).replace(' ', 'T').slice(0, 19)}Z`)
  const b = Date.parse(`${now.replace(' ', 'T').slice(0, 19)}Z`)
  if (Number.isNaN(a) || Number.isNaN(b)) return null
  return (b - a) / 3_600_000
}

function suggestColumns(wanted: string, names: string[]): string[] {
  const w = wanted.toLowerCase().replace(/[_\s]/g, '')
  return names
    .map((n) => ({n, d: distance(w, n.toLowerCase().replace(/[_\s]/g, ''))}))
    .filter((x) => x.d <= Math.max(2, Math.floor(w.length / 3)) || x.n.toLowerCase().includes(wanted.toLowerCase()) || wanted.toLowerCase().includes(x.n.toLowerCase()))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.n)
}

function distance(a: string, b: string): number {
  const dp = Array.from({length: a.length + 1}, (_, i) => [i, ...Array(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) dp[0][j] = j
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
  return dp[a.length][b.length]
}

function formatSeconds(s: number): Msg {
  if (s < 120) return msg('audit.duration.seconds', {n: s})
  if (s < 7200) return msg('audit.duration.minutes', {n: Math.round(s / 60)})
  return msg('audit.duration.hours', {n: (s / 3600).toFixed(1)})
}

export type {SystemsConfig}
