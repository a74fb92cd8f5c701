/**
 * Writes the demo plant into SQLite files or MariaDB/MySQL databases through knex: tables first, rows as multi-row
 * INSERTs in batches (the SQL for the next batch is built while the previous one runs), secondary indexes last.
 * knex, better-sqlite3 and mysql2 load lazily.
 */
import {mkdirSync, renameSync, rmSync} from 'node:fs'
import path from 'node:path'
import type {Knex} from 'knex'
import {SourceError, UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {RowSink} from './generate.js'
import {type Cell, createIndexSql, createTableSql, type DemoSystem, type Dialect, insertPrefix, rowLiteral, type TableSpec, tableSpec, tablesOf} from './schema.js'
import type {DemoDb, DemoMysqlOptions} from './types.js'

export const SYSTEMS: readonly DemoSystem[] = ['erp', 'wms', 'mes']
export const DEFAULT_MYSQL_PREFIX = 'plantops_demo_'

async function loadKnex(): Promise<typeof import('knex').default> {
  return (await import('knex')).default
}

/** Library code never prints: knex's own warnings (e.g. "Acquire connection error") are dropped; errors still throw. */
export const SILENT_KNEX_LOG = {warn() {}, error() {}, debug() {}, deprecate() {}}

/** One system's database being built. */
export interface BuildTarget {
  system: DemoSystem
  dialect: Dialect
  db: DemoDb
  knex: Knex
  /** Called after success: move the finished file into place (SQLite). */
  commit(): Promise<void>
  /** Called after failure: remove what was half built (SQLite temp file) and close. */
  abort(): Promise<void>
}

/* ---------------------------------------------------------------------------------------------------- SQLite */

export function sqliteFiles(dir: string): Record<DemoSystem, string> {
  return {erp: path.join(dir, 'erp.db'), wms: path.join(dir, 'wms.db'), mes: path.join(dir, 'mes.db')}
}

function removeSqlite(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, {force: true})
}

/**
 * Opens SQLite build targets. Each database is built under a temporary name in the same directory and renamed over
 * the old file only when the whole plant is built, so a failed rebuild leaves the previous plant intact.
 */
export async function openSqliteTargets(dir: string): Promise<BuildTarget[]> {
  mkdirSync(dir, {recursive: true})
  const knexFn = await loadKnex()
  const files = sqliteFiles(dir)
  const targets: BuildTarget[] = []
  for (const system of SYSTEMS) {
    const final = files[system]
    const tmp = path.join(dir, `.${system}.db.building-${process.pid}`)
    removeSqlite(tmp)
    const knex = knexFn({client: 'better-sqlite3', connection: {filename: tmp}, useNullAsDefault: true, log: SILENT_KNEX_LOG})
    await knex.raw('PRAGMA journal_mode = MEMORY')
    await knex.raw('PRAGMA synchronous = OFF')
    await knex.raw('PRAGMA temp_store = MEMORY')
    await knex.raw('PRAGMA cache_size = -65536')
    await knex.raw('BEGIN')
    targets.push({
      system,
      dialect: 'sqlite',
      db: {system, client: 'sqlite', filename: final},
      knex,
      async commit() {
        await knex.raw('COMMIT')
        await knex.raw('ANALYZE')
        await knex.raw('PRAGMA journal_mode = DELETE')
        await knex.destroy()
        removeSqlite(final)
        renameSync(tmp, final)
      },
      async abort() {
        await knex.destroy().catch(() => undefined)
        removeSqlite(tmp)
      },
    })
  }
  return targets
}

/* ---------------------------------------------------------------------------------------------------- MySQL */

export function mysqlDatabaseNames(prefix: string): Record<DemoSystem, string> {
  return {erp: `${prefix}erp`, wms: `${prefix}wms`, mes: `${prefix}mes`}
}

export function checkMysqlPrefix(prefix: string): void {
  if (!/^[A-Za-z0-9_]{0,48}$/.test(prefix)) {
    throw new UsageError(t('errors.demo.prefix', {prefix}), {hints: [t('errors.demo.prefixHint')]})
  }
}

function mysqlConnection(m: DemoMysqlOptions, database?: string): Record<string, unknown> {
  return {
    host: m.host,
    port: m.port,
    user: m.user,
    ...(m.password ? {password: m.password} : {}),
    ...(database ? {database} : {}),
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    connectTimeout: 10_000,
  }
}

function mysqlError(m: DemoMysqlOptions, err: unknown): SourceError {
  const msg = err instanceof Error ? err.message : String(err)
  // i18n-ok: the name the error gives the demo server, like a source name
  return new SourceError(`demo mysql ${m.host}:${m.port}`, t('errors.demo.mysql', {reason: msg}), {
    code: 'DEMO_MYSQL_FAILED',
    cause: err,
    hints: [t('errors.demo.mysqlHint'), t('errors.demo.mysqlGrantHint', {user: m.user, prefix: m.prefix ?? DEFAULT_MYSQL_PREFIX})],
  })
}

/** The table that marks a database as built by `plantops demo` (the only databases it will drop without --force). */
export const DEMO_MARKER_TABLE = '_plantops_demo'

/** Of `names`, the databases that exist and do not carry the demo marker table. */
async function foreignDatabases(admin: Knex, names: string[]): Promise<string[]> {
  const [existing] = (await admin.raw(`SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => '?').join(', ')})`, names)) as [Array<{name: string}>]
  if (existing.length === 0) return []
  const found = existing.map((r) => r.name)
  const [marked] = (await admin.raw(
    `SELECT TABLE_SCHEMA AS name FROM information_schema.TABLES WHERE TABLE_NAME = ? AND TABLE_SCHEMA IN (${found.map(() => '?').join(', ')})`,
    [DEMO_MARKER_TABLE, ...found],
  )) as [Array<{name: string}>]
  const ours = new Set(marked.map((r) => r.name))
  return found.filter((n) => !ours.has(n))
}

/**
 * Drops and recreates `${prefix}erp|wms|mes` (refused for an existing database without the demo's marker table,
 * unless `force`), marks them as the demo's, then opens one knex (one connection) per database.
 */
export async function openMysqlTargets(m: DemoMysqlOptions): Promise<BuildTarget[]> {
  const prefix = m.prefix ?? DEFAULT_MYSQL_PREFIX
  checkMysqlPrefix(prefix)
  const knexFn = await loadKnex()
  const names = mysqlDatabaseNames(prefix)
  const admin = knexFn({client: 'mysql2', connection: mysqlConnection(m), pool: {min: 0, max: 1}, log: SILENT_KNEX_LOG})
  try {
    let foreign: string[]
    try {
      foreign = await foreignDatabases(admin, Object.values(names))
    } catch (err) {
      throw mysqlError(m, err)
    }
    if (foreign.length > 0 && !m.force) {
      const databases = foreign.map((d) => `"${d}"`).join(', ')
      throw new UsageError(t('errors.demo.notOurs', {count: foreign.length, databases, server: `${m.host}:${m.port}`}), {
        code: 'DEMO_DATABASE_NOT_OURS',
        hints: [t('errors.demo.notOursPrefixHint'), t('errors.demo.notOursForceHint', {count: foreign.length})],
      })
    }
    try {
      for (const system of SYSTEMS) {
        await admin.raw(`DROP DATABASE IF EXISTS \`${names[system]}\``)
        await admin.raw(`CREATE DATABASE \`${names[system]}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
        await admin.raw(`CREATE TABLE \`${names[system]}\`.\`${DEMO_MARKER_TABLE}\` (created_by VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL)`)
        await admin.raw(`INSERT INTO \`${names[system]}\`.\`${DEMO_MARKER_TABLE}\` VALUES ('plantops demo', NOW())`)
      }
    } catch (err) {
      throw mysqlError(m, err)
    }
  } finally {
    await admin.destroy().catch(() => undefined)
  }
  const targets: BuildTarget[] = []
  for (const system of SYSTEMS) {
    const knex = knexFn({
      client: 'mysql2',
      connection: mysqlConnection(m, names[system]),
      log: SILENT_KNEX_LOG,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: {query: (sql: string, cb: (err: unknown) => void) => void}, done: (err: unknown, conn: unknown) => void) {
          conn.query("SET SESSION unique_checks = 0, foreign_key_checks = 0, sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'", (err) => done(err, conn))
        },
      },
    })
    targets.push({
      system,
      dialect: 'mysql',
      db: {system, client: 'mysql', host: m.host, port: m.port, user: m.user, database: names[system], passwordSet: Boolean(m.password)},
      knex,
      async commit() {
        await knex.destroy()
      },
      async abort() {
        await knex.destroy().catch(() => undefined)
      },
    })
  }
  return targets
}

/** Drops the demo databases (used by tests and `demo --drop`-like cleanups). */
export async function dropMysqlDemo(m: DemoMysqlOptions): Promise<void> {
  const prefix = m.prefix ?? DEFAULT_MYSQL_PREFIX
  checkMysqlPrefix(prefix)
  const knexFn = await loadKnex()
  const admin = knexFn({client: 'mysql2', connection: mysqlConnection(m), pool: {min: 0, max: 1}, log: SILENT_KNEX_LOG})
  try {
    for (const name of Object.values(mysqlDatabaseNames(prefix))) await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``)
  } finally {
    await admin.destroy()
  }
}

/* ---------------------------------------------------------------------------------------------------- batching */

interface Buffer {
  spec: TableSpec
  prefix: string
  tuples: string[]
}

/**
 * Buffers rows per table and sends multi-row INSERTs one after the other on the target's single connection.
 * The generator may run ahead by a few statements (pace() waits only when more than MAX_QUEUED are pending),
 * so the database always has the next statement ready while the SQL after it is being built.
 */
const MAX_QUEUED = 3

class DbWriter {
  private readonly buffers = new Map<string, Buffer>()
  private tail: Promise<unknown> = Promise.resolve()
  private readonly pending: Array<Promise<unknown>> = []
  private failure: unknown = undefined

  constructor(
    readonly target: BuildTarget,
    private readonly batchSize: number,
    private readonly onRows: (n: number) => void,
  ) {}

  add(table: string, row: Cell[]): void {
    if (this.failure !== undefined) throw this.failure
    let buf = this.buffers.get(table)
    if (!buf) {
      const spec = tableSpec(table)
      buf = {spec, prefix: insertPrefix(spec), tuples: []}
      this.buffers.set(table, buf)
    }
    buf.tuples.push(rowLiteral(buf.spec, row, this.target.dialect))
    if (buf.tuples.length >= this.batchSize) this.flush(buf)
  }

  private flush(buf: Buffer): void {
    if (buf.tuples.length === 0) return
    const n = buf.tuples.length
    const sql = buf.prefix + buf.tuples.join(',')
    buf.tuples = []
    this.enqueue(sql, n)
  }

  private enqueue(sql: string, rows: number): void {
    const p = this.tail.then(async () => {
      await this.target.knex.raw(sql)
      this.onRows(rows)
    })
    this.tail = p
    this.pending.push(p)
    p.then(
      () => {
        this.pending.splice(this.pending.indexOf(p), 1)
      },
      // keep a handler attached so a failure waits for pace()/flushAll() instead of crashing the process
      (err: unknown) => {
        if (this.failure === undefined) this.failure = err
      },
    )
  }

  async pace(): Promise<void> {
    if (this.failure !== undefined) throw this.failure
    while (this.pending.length > MAX_QUEUED) {
      await this.pending[0]
      if (this.failure !== undefined) throw this.failure
    }
  }

  async flushAll(): Promise<void> {
    for (const buf of this.buffers.values()) this.flush(buf)
    await this.tail
  }
}

export interface PlantWriter extends RowSink {
  counts: Record<string, number>
  rowsWritten(): number
  createTables(): Promise<void>
  finish(onIndexes: () => void): Promise<void>
}

export function createPlantWriter(targets: BuildTarget[], batchSize: number, onRows: (total: number) => void): PlantWriter {
  let total = 0
  const counts: Record<string, number> = {}
  const writers = new Map<DemoSystem, DbWriter>()
  const tableSystem = new Map<string, DemoSystem>()
  for (const t of targets) {
    writers.set(
      t.system,
      new DbWriter(t, batchSize, (n) => {
        total += n
        onRows(total)
      }),
    )
    for (const spec of tablesOf(t.system)) {
      tableSystem.set(spec.name, t.system)
      counts[`${t.system}.${spec.name}`] = 0
    }
  }
  return {
    counts,
    rowsWritten: () => total,
    async createTables() {
      for (const t of targets) for (const spec of tablesOf(t.system)) await t.knex.raw(createTableSql(spec, t.dialect))
    },
    add(table, row) {
      const system = tableSystem.get(table)
      if (!system) throw new Error(`demo: table ${table} has no target`)
      counts[`${system}.${table}`]++
      writers.get(system)!.add(table, row)
    },
    async pace() {
      await Promise.all([...writers.values()].map((w) => w.pace()))
    },
    async finish(onIndexes) {
      await Promise.all([...writers.values()].map((w) => w.flushAll()))
      onIndexes()
      await Promise.all(
        targets.map(async (t) => {
          for (const spec of tablesOf(t.system)) for (const sql of createIndexSql(spec)) await t.knex.raw(sql)
          if (t.dialect === 'mysql') await t.knex.raw(`ANALYZE TABLE ${tablesOf(t.system).map((s) => s.name).join(', ')}`)
        }),
      )
    },
  }
}

export function isMysqlConnectError(err: unknown): boolean {
  const code = (err as {code?: string})?.code
  return typeof code === 'string' && /^(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ER_ACCESS_DENIED_ERROR|PROTOCOL_CONNECTION_LOST)$/.test(code)
}

export function wrapMysqlError(m: DemoMysqlOptions, err: unknown): unknown {
  return isMysqlConnectError(err) ? mysqlError(m, err) : err
}
