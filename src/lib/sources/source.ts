import type {Knex} from 'knex'

import {quietKnexLog} from './knex-log.js'

import {ReadOnlyViolation} from '../cli/errors.js'
import {redact} from '../cli/secrets.js'
import {t} from '../i18n/index.js'
import type {SourceConfig} from '../config/sources-schema.js'
import {checkConfiguredSelect, checkReadOnly, describeRead, guardReason, placeholders} from './read-guard.js'
import {noResultSetError, toSourceError} from './source-errors.js'
import {rawColumnKinds, RawRow, RowFramer, type MysqlWire, type RawColumn, type RawKind} from './raw-rows.js'

export type Bindings = readonly unknown[]
export type Row = Record<string, unknown>

/** What a job reads through: the source itself, or one consistent snapshot of it. */
export interface Reader {
  query<T = Row>(sql: string, bindings?: Bindings): Promise<T[]>
  stream<T = Row>(sql: string, bindings?: Bindings): AsyncIterable<T>
  /** The rows in arrays of about `batchSize` (one await per batch); `rowsAsArray` gives each row as its column values in SELECT order. */
  streamBatches<T = Row>(sql: string, bindings?: Bindings, opts?: BatchOptions): AsyncIterable<T[]>
  /**
   * Every row handed to `fn` as it arrives, synchronously (MySQL: from the protocol parser, no batch held), resolving
   * with the number of rows. `fn` throwing stops the read and rejects with that error as thrown. Optional: call it
   * through `eachRow(reader, …)`, which falls back to streamBatches.
   */
  eachRow?<T = Row>(sql: string, bindings: Bindings, fn: (row: T) => void, opts?: BatchOptions): Promise<number>
  /**
   * Like eachRow, but MySQL rows come as byte ranges of the protocol buffer (`sink.raw`, one reused RawRow) when every
   * column of the result can be read that way, else as arrays of values (`sink.row`). Optional: call it through
   * `eachRawRow(reader, …)`, which falls back to eachRow.
   */
  eachRawRow?(sql: string, bindings: Bindings, sink: RawRowSink, opts?: BatchOptions): Promise<number>
}

/**
 * What a raw read hands its rows to. `start` is called once, before the first row, with the kind of each column, or
 * null when the rows come as arrays of values (a column mysql2 converts in a way the raw row does not repeat, or a
 * reader without a raw path: SQLite); its answer false asks for arrays anyway. Then every row goes to `raw` (the
 * RawRow is refilled for the next row: keep nothing of it) or to `row` (its column values in SELECT order). Either
 * throwing stops the read and rejects with that error as thrown.
 */
export interface RawRowSink {
  start(kinds: readonly RawKind[] | null): boolean
  raw(row: RawRow): void
  row(values: unknown[]): void
}

/**
 * Hand every row of a read to `sink`, raw when the reader can (MySQL/MariaDB), else as arrays of values (eachRow):
 * for reads of millions of rows that copy most bytes through, no JS string or array is made per row.
 */
export async function eachRawRow(reader: Reader, sql: string, bindings: Bindings, sink: RawRowSink, opts: BatchOptions = {}): Promise<number> {
  if (reader.eachRawRow) return reader.eachRawRow(sql, bindings, sink, opts)
  let started = false
  return eachRow<unknown[]>(reader, sql, bindings, (r) => {
    if (!started) {
      started = true
      sink.start(null)
    }
    sink.row(r)
  }, {...opts, rowsAsArray: true})
}

/**
 * Hand every row of a read to `fn`, one at a time: the reader's own eachRow when it has one, else its batches. For
 * reads of millions of rows whose rows are used at once (normalised and spilled): no row outlives its turn, so none is
 * copied by the young-generation GC or promoted to the old one (profile at 2,000,000 rows/side, batches of 4,096 rows:
 * a quarter of a reader thread's time was GC and its heap grew with the table).
 */
export async function eachRow<T = Row>(reader: Reader, sql: string, bindings: Bindings, fn: (row: T) => void, opts: BatchOptions = {}): Promise<number> {
  if (reader.eachRow) return reader.eachRow<T>(sql, bindings, fn, opts)
  let n = 0
  for await (const batch of reader.streamBatches<T>(sql, bindings, opts)) {
    for (let i = 0; i < batch.length; i++) fn(batch[i])
    n += batch.length
  }
  return n
}

export interface BatchOptions {
  /** Rows per batch (default 4096). At most about two batches are held in memory. */
  batchSize?: number
  /** Each row as an array of its column values in SELECT order instead of an object. */
  rowsAsArray?: boolean
  /** MySQL/MariaDB only: the result's columns and their protocol types (e.g. 4 = FLOAT), before the first row. */
  onFields?: (fields: Array<{name: string; columnType: number}>) => void
}

const DEFAULT_BATCH = 4096

/** Why the lag is unknown: a code, worded by the catalogs (`errors.guard.replicaNote.*`) where it is shown. */
export type ReplicaNote = 'sqliteFile' | 'noPrivilege' | 'stopped'

export type ReplicaStatus =
  | {isReplica: false; lagSeconds: null; via: 'replica-status' | 'lag-query'; note?: ReplicaNote}
  | {isReplica: true; lagSeconds: number | null; via: 'replica-status' | 'lag-query'; ioRunning?: boolean; sqlRunning?: boolean; note?: ReplicaNote}

/** What the write probe saw, as a catalog message (key + variables) so the audit keeps it English and shows it translated. */
export interface ProbeDetail {
  key: string
  vars?: Record<string, unknown>
}

export interface ServerInfo {
  flavor: 'mariadb' | 'mysql' | 'sqlite'
  version: string
  /** The session's read-only state as the server reports it. */
  readOnlySession: boolean
}

export interface OpenSourceOptions {
  /** Directory that relative SQLite file names resolve against (the config file's directory). */
  baseDir?: string
}

type Flavor = ServerInfo['flavor']

/**
 * A read-only connection to one configured source (a replica). Every statement passes the read guard, every MySQL
 * connection is `SET SESSION TRANSACTION READ ONLY` with a statement timeout, and every statement runs inside a
 * read-only transaction (`START TRANSACTION READ ONLY`, or the snapshot's); SQLite files open `readonly`.
 * Bindings are rendered client-side by knex's escaping at the placeholders the server's lexer would see (a `?` in a
 * literal stays text), and a statement that returns no result set is an error, never a row.
 * Errors become SourceError (exit 3) naming the source.
 */
export class Source implements Reader {
  readonly name: string
  readonly config: SourceConfig
  readonly dialect: 'mysql' | 'sqlite'
  /** Rows returned to plantops by this source, for run history. */
  rowsRead = 0
  private readonly knex: Knex
  /** MySQL connections of the snapshots running now (abortSnapshots). */
  private readonly live = new Set<LiveConnection>()
  private flavor: Flavor | undefined
  private readonly where: {host?: string; port?: number; database?: string; filename?: string}

  private constructor(name: string, config: SourceConfig, knex: Knex, where: Source['where']) {
    this.name = name
    this.config = config
    this.dialect = config.client
    this.knex = knex
    this.where = where
    if (config.client === 'sqlite') this.flavor = 'sqlite'
  }

  static async open(name: string, config: SourceConfig, opts: OpenSourceOptions = {}): Promise<Source> {
    const {default: knexFactory} = await import('knex')
    if (config.client === 'sqlite') {
      const path = await import('node:path')
      const filename = path.resolve(opts.baseDir ?? process.cwd(), config.connection.filename)
      const knex = knexFactory({
        client: 'better-sqlite3',
        log: quietKnexLog,
        connection: {filename, options: {readonly: true}},
        useNullAsDefault: true,
        pool: {min: 0, max: 1},
      })
      const src = new Source(name, config, knex, {filename: config.connection.filename})
      await src.ping()
      return src
    }
    const c = config.connection
    const timeoutSeconds = config.statementTimeoutSeconds
    const holder: {flavor?: Flavor} = {}
    const knex = knexFactory({
      client: 'mysql2',
      log: quietKnexLog,
      connection: {
        host: c.host,
        port: c.port,
        user: c.user,
        password: c.password ?? '',
        database: c.database,
        socketPath: c.socketPath,
        connectTimeout: Math.round(config.connectTimeoutSeconds * 1000),
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
        dateStrings: true,
        multipleStatements: false,
        charset: 'utf8mb4',
      },
      pool: {
        min: 0,
        max: 4,
        // Server-side read-only session and statement timeout on every pooled connection.
        afterCreate(conn: MysqlCallbackConnection, done: (err: Error | null, conn: unknown) => void) {
          prepareMysqlSession(conn, timeoutSeconds)
            .then((flavor) => {
              holder.flavor = flavor
              done(null, conn)
            })
            .catch((error: Error) => done(error, conn))
        },
      },
      acquireConnectionTimeout: Math.round(config.connectTimeoutSeconds * 1000) + 2000,
    })
    const src = new Source(name, config, knex, {host: c.host, port: c.port, database: c.database})
    try {
      await src.ping()
    } catch (error) {
      await knex.destroy().catch(() => {})
      throw error
    }
    src.flavor = holder.flavor
    return src
  }

  /** Identifier quoting by knex's dialect (never hand-escaped). */
  quoteId(identifier: string): string {
    return this.knex.raw('??', [identifier]).toQuery()
  }

  /** Render a query builder callback to SQL + bindings without running it (for building guarded reads). */
  builder(): Knex {
    return this.knex
  }

  async query<T = Row>(sql: string, bindings: Bindings = []): Promise<T[]> {
    this.guard(sql)
    const text = this.render(sql, bindings)
    try {
      const rows = this.dialect === 'mysql' ? await this.inReadTransaction((c) => this.mysqlRows<T>(c as MysqlCallbackConnection, text)) : extractRows<T>(await this.knex.raw(text), this.dialect)
      this.rowsRead += rows.length
      return rows
    } catch (error) {
      throw toSourceError(this.name, error, this.where, describeRead(text, this.dialect))
    }
  }

  stream<T = Row>(sql: string, bindings: Bindings = []): AsyncIterable<T> {
    this.guard(sql)
    return rowsOf(this.batchesOn<T>(undefined, sql, bindings, {}))
  }

  /**
   * Stream a read in batches: one await per batch instead of per row. MySQL reads on the mysql2 connection itself
   * (no knex stream), pausing the connection while two batches wait for the consumer; breaking out releases (or, in a
   * snapshot, drains) the connection.
   */
  streamBatches<T = Row>(sql: string, bindings: Bindings = [], opts: BatchOptions = {}): AsyncIterable<T[]> {
    this.guard(sql)
    return this.batchesOn<T>(undefined, sql, bindings, opts)
  }

  eachRow<T = Row>(sql: string, bindings: Bindings, fn: (row: T) => void, opts: BatchOptions = {}): Promise<number> {
    this.guard(sql)
    return this.eachOn<T>(undefined, sql, bindings, fn, opts)
  }

  eachRawRow(sql: string, bindings: Bindings, sink: RawRowSink, opts: BatchOptions = {}): Promise<number> {
    this.guard(sql)
    return this.eachRawOn(undefined, sql, bindings, sink, opts)
  }

  /**
   * Run `fn` inside one read-only transaction on one connection: a consistent snapshot (InnoDB's
   * `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`, SQLite's deferred transaction).
   * Do not start a query while iterating a stream of the same snapshot: finish the stream first.
   */
  async snapshot<T>(fn: (reader: Reader) => Promise<T>): Promise<T> {
    let conn: unknown
    try {
      conn = await this.knex.client.acquireConnection()
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    }
    const run = (sql: string) => (this.dialect === 'mysql' ? exec(conn as MysqlCallbackConnection, sql) : this.knex.raw(sql).connection(conn))
    if (this.dialect === 'mysql') this.live.add(conn as LiveConnection)
    try {
      await run(this.dialect === 'mysql' ? 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY' : 'BEGIN')
      const reader: Reader = {
        query: async <R = Row>(sql: string, bindings: Bindings = []) => {
          this.guard(sql)
          const text = this.render(sql, bindings)
          try {
            const rows = this.dialect === 'mysql' ? await this.mysqlRows<R>(conn as MysqlCallbackConnection, text) : extractRows<R>(await this.knex.raw(text).connection(conn), this.dialect)
            this.rowsRead += rows.length
            return rows
          } catch (error) {
            throw toSourceError(this.name, error, this.where, describeRead(text, this.dialect))
          }
        },
        stream: <R = Row>(sql: string, bindings: Bindings = []) => {
          this.guard(sql)
          return rowsOf(this.batchesOn<R>(conn, sql, bindings, {}))
        },
        streamBatches: <R = Row>(sql: string, bindings: Bindings = [], opts: BatchOptions = {}) => {
          this.guard(sql)
          return this.batchesOn<R>(conn, sql, bindings, opts)
        },
        eachRow: <R = Row>(sql: string, bindings: Bindings, fn: (row: R) => void, opts: BatchOptions = {}) => {
          this.guard(sql)
          return this.eachOn<R>(conn, sql, bindings, fn, opts)
        },
        eachRawRow: (sql: string, bindings: Bindings, sink: RawRowSink, opts: BatchOptions = {}) => {
          this.guard(sql)
          return this.eachRawOn(conn, sql, bindings, sink, opts)
        },
      }
      const result = await fn(reader)
      await run(this.dialect === 'mysql' ? 'COMMIT' : 'COMMIT')
      return result
    } catch (error) {
      await run('ROLLBACK').catch(() => {})
      throw error instanceof Error && 'exitCode' in error ? error : toSourceError(this.name, error, this.where)
    } finally {
      this.live.delete(conn as LiveConnection)
      await this.releaseConnection(conn)
    }
  }

  /**
   * Close the connections of this source's running snapshots (MySQL): a read in one stops at once with a lost
   * connection instead of taking the rest of its result (the stock diff's other side has failed). The pool drops them.
   */
  abortSnapshots(): void {
    // the socket itself: mysql2's destroy() only half-closes it, and the server goes on sending the result
    for (const c of this.live) (c.stream ?? c).destroy()
    this.live.clear()
  }

  /** One read-only transaction around `fn` on a pooled connection (MySQL): nothing is sent outside one. */
  private async inReadTransaction<T>(fn: (conn: unknown) => Promise<T>): Promise<T> {
    const conn = await this.knex.client.acquireConnection()
    try {
      await exec(conn as MysqlCallbackConnection, 'START TRANSACTION READ ONLY')
      const out = await fn(conn)
      await exec(conn as MysqlCallbackConnection, 'COMMIT')
      return out
    } catch (error) {
      await exec(conn as MysqlCallbackConnection, 'ROLLBACK').catch(() => {})
      throw error
    } finally {
      await this.releaseConnection(conn)
    }
  }

  /** Give a connection back to the pool; a connection that failed (killed, dropped) is destroyed, never reused. */
  private async releaseConnection(conn: unknown): Promise<void> {
    // knex's pool validates connections on release/acquire: a fatal error (KILL, dropped socket) removes it
    await this.knex.client.releaseConnection(conn).catch(() => {})
  }

  /** Rows of one statement on a MySQL connection; an OK packet (no result set) is an error, not a row. */
  private mysqlRows<T>(conn: MysqlCallbackConnection, sql: string): Promise<T[]> {
    return new Promise((resolve, reject) => {
      conn.query(sql, (err, rows) => {
        if (err) reject(err)
        else if (!Array.isArray(rows)) reject(noResultSetError(this.name, describeRead(sql, 'mysql')))
        else resolve(rows as T[])
      })
    })
  }

  /**
   * SQL with its bindings rendered by knex's escaping, at the placeholders the server's lexer sees: a `?` inside a
   * literal (`WHERE note = '?'`) is text. SQL without bindings is sent exactly as written.
   */
  private render(sql: string, bindings: Bindings): string {
    if (bindings.length === 0) return sql
    const at = placeholders(sql, this.dialect)
    if (at.length !== bindings.length) throw new Error(`internal: ${bindings.length} binding(s) for ${at.length} placeholder(s) in ${sql.slice(0, 120)}`)
    let out = ''
    let last = 0
    at.forEach((p, k) => {
      out += sql.slice(last, p.start) + this.knex.raw(p.identifier ? '??' : '?', [bindings[k] as Knex.RawBinding]).toQuery()
      last = p.end
    })
    return out + sql.slice(last)
  }

  /** Replica lag: the source's lagQuery if configured, else SHOW REPLICA STATUS (falling back to SHOW SLAVE STATUS). */
  async replicaStatus(): Promise<ReplicaStatus> {
    if (this.config.lagQuery) {
      const verdict = checkConfiguredSelect(this.config.lagQuery, this.dialect)
      if (!verdict.ok) throw new ReadOnlyViolation(this.name, `sources.${this.name}.lagQuery: ${guardReason(verdict)}`)
      const rows = await this.query<Row>(this.config.lagQuery)
      const v = rows[0] ? Object.values(rows[0])[0] : null
      const lag = v === null || v === undefined ? null : Number(v)
      return {isReplica: true, lagSeconds: lag !== null && Number.isFinite(lag) ? lag : null, via: 'lag-query'}
    }
    if (this.dialect === 'sqlite') return {isReplica: false, lagSeconds: null, via: 'replica-status', note: 'sqliteFile'}
    let rows: Row[] | undefined
    for (const sql of ['SHOW REPLICA STATUS', 'SHOW SLAVE STATUS']) {
      try {
        rows = await this.inReadTransaction((c) => this.mysqlRows<Row>(c as MysqlCallbackConnection, sql))
        break
      } catch (error) {
        const code = (error as {code?: string}).code
        if (code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_ERROR') {
          return {isReplica: false, lagSeconds: null, via: 'replica-status', note: 'noPrivilege'}
        }
        // syntax error: older server without SHOW REPLICA STATUS; try the next form
      }
    }
    if (!rows || rows.length === 0) return {isReplica: false, lagSeconds: null, via: 'replica-status'}
    const r = rows[0]
    const lagRaw = r.Seconds_Behind_Source ?? r.Seconds_Behind_Master
    const lag = lagRaw === null || lagRaw === undefined ? null : Number(lagRaw)
    return {
      isReplica: true,
      lagSeconds: lag,
      via: 'replica-status',
      ioRunning: String(r.Replica_IO_Running ?? r.Slave_IO_Running) === 'Yes',
      sqlRunning: String(r.Replica_SQL_Running ?? r.Slave_SQL_Running) === 'Yes',
      note: lag === null ? 'stopped' : undefined,
    }
  }

  async serverInfo(): Promise<ServerInfo> {
    if (this.dialect === 'sqlite') {
      const rows = await this.query<{v: string}>('SELECT sqlite_version() AS v')
      return {flavor: 'sqlite', version: rows[0].v, readOnlySession: true}
    }
    const version = (await this.query<{v: string}>('SELECT VERSION() AS v'))[0].v
    const flavor = /mariadb/i.test(version) ? 'mariadb' : 'mysql'
    // MySQL 8.0.3 removed tx_read_only (transaction_read_only since 5.7.20); MariaDB before 11.1 has only tx_read_only
    let rows: Array<{ro: number | string}>
    try {
      rows = await this.query<{ro: number | string}>(flavor === 'mysql' ? 'SELECT @@SESSION.transaction_read_only AS ro' : 'SELECT @@SESSION.tx_read_only AS ro')
    } catch {
      rows = await this.query<{ro: number | string}>(flavor === 'mysql' ? 'SELECT @@SESSION.tx_read_only AS ro' : 'SELECT @@SESSION.transaction_read_only AS ro')
    }
    return {flavor, version, readOnlySession: String(rows[0].ro) === '1'}
  }

  /**
   * Prove that the server refuses a write in plantops' read-only transaction: one UPDATE of a table that does not
   * exist (it can change nothing, whatever the outcome), sent past the guard inside START TRANSACTION READ ONLY.
   * MariaDB/MySQL answer "Cannot execute statement in a READ ONLY transaction" (1792) before looking for the table;
   * any other answer means a statement could write. SQLite files are opened read-only.
   */
  async probeReadOnly(): Promise<{refused: boolean; detail: ProbeDetail}> {
    if (this.dialect === 'sqlite') return {refused: true, detail: {key: 'errors.guard.probeSqlite'}}
    const table = `plantops_read_only_probe_${Math.random().toString(36).slice(2, 10)}`
    try {
      await this.inReadTransaction((c) => q(c as MysqlCallbackConnection, `UPDATE ${table} SET probe = 1`))
      return {refused: false, detail: {key: 'errors.guard.probeAccepted'}}
    } catch (error) {
      const e = error as {errno?: number; code?: string; message?: string}
      if (e.errno === 1792 || e.code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION') return {refused: true, detail: {key: 'errors.guard.probeReadOnlyTransaction'}}
      // a SELECT-only account is refused even earlier, by its privileges: the real boundary
      if (e.errno === 1142 || e.errno === 1044 || e.code === 'ER_TABLEACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR') return {refused: true, detail: {key: 'errors.guard.probeNoPrivilege'}}
      return {refused: false, detail: {key: 'errors.guard.probeNotRefused', vars: {error: redact(`${e.code ?? ''} ${e.message ?? String(error)}`.trim())}}}
    }
  }

  get serverFlavor(): Flavor | undefined {
    return this.flavor
  }

  async close(): Promise<void> {
    await this.knex.destroy().catch(() => {})
  }

  /**
   * TESTS ONLY: send a statement without the read guard, to prove the server itself refuses writes.
   * Not used by any command.
   */
  async rawUnguardedForTests(sql: string): Promise<unknown> {
    try {
      return await this.knex.raw(sql)
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    }
  }

  private guard(sql: string): void {
    const verdict = checkReadOnly(sql)
    if (!verdict.ok) throw new ReadOnlyViolation(this.name, guardReason(verdict))
  }

  private async ping(): Promise<void> {
    try {
      if (this.dialect === 'mysql') await this.inReadTransaction((c) => this.mysqlRows(c as MysqlCallbackConnection, 'SELECT 1'))
      else await this.knex.raw('SELECT 1')
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    }
  }

  /**
   * eachRawRow on a connection (a snapshot's) or a pooled one: MySQL rows as byte ranges when every column allows it,
   * else (and SQLite) as arrays of values.
   */
  private async eachRawOn(conn: unknown, sql: string, bindings: Bindings, sink: RawRowSink, opts: BatchOptions): Promise<number> {
    let started = false
    const fn = (row: unknown) => {
      if (row instanceof RawRow) sink.raw(row)
      else {
        if (!started) {
          started = true
          sink.start(null)
        }
        sink.row(row as unknown[])
      }
    }
    const rawStart = (kinds: readonly RawKind[] | null): boolean => {
      started = true
      return sink.start(kinds) && kinds !== null
    }
    return this.eachOn<unknown>(conn, sql, bindings, fn, {...opts, rowsAsArray: true}, this.dialect === 'mysql' ? rawStart : undefined)
  }

  /** eachRow on a connection (a snapshot's) or a pooled one: MySQL rows straight from the parser, SQLite by batches. */
  private async eachOn<T>(conn: unknown, sql: string, bindings: Bindings, fn: (row: T) => void, opts: BatchOptions, rawStart?: RawStart): Promise<number> {
    let n = 0
    if (this.dialect === 'sqlite') {
      for await (const batch of this.batchesOn<T>(conn, sql, bindings, opts)) {
        for (let i = 0; i < batch.length; i++) fn(batch[i])
        n += batch.length
      }
      return n
    }
    let thrown: {error: unknown} | undefined
    const each = (row: unknown): boolean => {
      try {
        fn(row as T)
        n++
        return true
      } catch (error) {
        thrown = {error}
        return false
      }
    }
    for await (const _ of this.batchesOn<T>(conn, sql, bindings, opts, each, rawStart)) {
      // nothing is batched: rows went to `each`
    }
    if (thrown) throw thrown.error
    return n
  }

  private async *batchesOn<T>(conn: unknown, sql: string, bindings: Bindings, opts: BatchOptions, each?: (row: unknown) => boolean, rawStart?: RawStart): AsyncIterable<T[]> {
    const size = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH))
    const own = conn === undefined
    let c: unknown
    try {
      c = conn ?? (await this.knex.client.acquireConnection())
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    }
    try {
      const text = this.render(sql, bindings)
      if (this.dialect === 'sqlite') yield* this.sqliteBatches<T>(c as SqliteDb, text, size, opts.rowsAsArray === true)
      else yield* this.mysqlBatches<T>(c as MysqlStreamConnection, own, text, size, opts.rowsAsArray === true, opts.onFields, each, rawStart)
    } finally {
      if (own) await this.releaseConnection(c)
    }
  }

  private *sqliteBatches<T>(db: SqliteDb, sql: string, size: number, rowsAsArray: boolean): Generator<T[]> {
    let it: IterableIterator<unknown> | undefined
    try {
      const stmt = db.prepare(sql)
      it = (rowsAsArray ? stmt.raw(true) : stmt).iterate()
      let batch: unknown[] = []
      for (let r = it.next(); !r.done; r = it.next()) {
        batch.push(r.value)
        if (batch.length >= size) {
          this.rowsRead += batch.length
          const out = batch
          batch = []
          yield out as T[]
        }
      }
      it = undefined
      if (batch.length > 0) {
        this.rowsRead += batch.length
        yield batch as T[]
      }
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    } finally {
      // an early stop closes better-sqlite3's iterator (and frees the statement for the connection)
      it?.return?.()
    }
  }

  /**
   * Rows straight from mysql2's 'result' events into arrays. The connection is paused when two full batches wait
   * for the consumer and resumed when it takes one, so memory stays at about two batches whatever the table size.
   * With `each`, every row goes to it at once instead (nothing is batched or yielded); `each` returning false (its
   * function threw) stops the read: the rest of the result is discarded, and the generator ends without an error of
   * its own (the caller rethrows the function's). With `rawStart` too (and `each`), the result's columns are offered
   * to it and, when it accepts, every row reaches `each` as one reused RawRow parsed from the packet (rawRowState).
   */
  private async *mysqlBatches<T>(c: MysqlStreamConnection, own: boolean, sql: string, size: number, rowsAsArray: boolean, onFields?: BatchOptions['onFields'], each?: (row: unknown) => boolean, rawStart?: RawStart): AsyncGenerator<T[]> {
    // what is being read, for an error's message: worded only when there is one (wording it loads the catalogs, which
    // a reader thread otherwise never needs)
    const reading = () => describeRead(sql, 'mysql')
    // our own pooled connection reads inside its own read-only transaction (a snapshot's already is in one)
    if (own) {
      try {
        await exec(c as unknown as MysqlCallbackConnection, 'START TRANSACTION READ ONLY')
      } catch (error) {
        throw toSourceError(this.name, error, this.where, reading())
      }
    }
    const ready: unknown[][] = []
    let batch: unknown[] = []
    let done = false
    let failed: unknown
    let paused = false
    let discard = false
    let wake: (() => void) | undefined
    const notify = () => {
      const w = wake
      wake = undefined
      w?.()
    }
    let gotFields = false
    const query = c.query({sql, rowsAsArray})
    // a raw read frames its rows from the socket's chunks itself (RowFramer), mysql2 parses the rest
    const framer = each !== undefined && rawStart !== undefined ? RowFramer.install(c as unknown as MysqlWire, query as unknown as {next?: unknown}) : null
    query.on('fields', (fields: unknown) => {
      if (fields !== undefined) gotFields = true
      // the result's column types (e.g. FLOAT), for readers that select FLOAT as DOUBLE
      if (fields !== undefined && onFields) onFields((fields as Array<{name: string; columnType: number}>).map((f) => ({name: f.name, columnType: f.columnType})))
      const kinds = fields !== undefined && rawStart !== undefined && each !== undefined ? rawColumnKinds(fields as RawColumn[]) : null
      if (fields !== undefined && rawStart !== undefined && each !== undefined && rawStart(kinds) && kinds !== null) {
        const row = new RawRow(kinds)
        const deliver = (r: RawRow) => {
          if (discard) return
          this.rowsRead++
          if (!each(r)) {
            stopped = true
            discard = true
            notify()
          }
        }
        const malformed = () => {
          if (failed === undefined) failed = Object.assign(new Error('malformed row packet'), {code: 'PROTOCOL_MALFORMED_ROW'})
          discard = true
          notify()
        }
        const state = rawRowState(query as unknown as MysqlQueryCommand, row, deliver, malformed)
        framer?.rows(state, row, deliver, malformed)
      } else framer?.release()
    })
    let stopped = false
    query.on('result', (row: unknown) => {
      if (discard) return
      if (!gotFields) {
        // an OK packet (a statement that returns no result set): never a row
        if (failed === undefined) failed = noResultSetError(this.name, reading())
        return
      }
      if (each !== undefined) {
        this.rowsRead++
        if (!each(row)) {
          stopped = true
          discard = true
          notify()
        }
        return
      }
      batch.push(row)
      if (batch.length >= size) {
        ready.push(batch)
        batch = []
        if (ready.length >= 2 && !paused) {
          paused = true
          c.pause()
        }
        notify()
      }
    })
    query.on('error', (error: unknown) => {
      if (failed === undefined) failed = error
      done = true
      notify()
    })
    query.on('end', () => {
      if (batch.length > 0 && !discard) ready.push(batch)
      batch = []
      done = true
      notify()
    })
    // mysql2 reports a lost connection (KILL, server restart, network) on the connection, not on a streaming query:
    // without this the reader would wait for rows that never come
    const onLost = (error?: unknown) => {
      if (done) return
      if (failed === undefined) failed = error ?? Object.assign(new Error(t('errors.guard.serverClosed')), {code: 'PROTOCOL_CONNECTION_LOST'})
      done = true
      notify()
    }
    const onClose = () => onLost()
    c.on('error', onLost)
    c.on('end', onClose)
    c.stream?.on('close', onClose)
    let finished = false
    try {
      for (;;) {
        if (failed !== undefined) throw failed
        if (stopped) break
        const next = ready.shift()
        if (next !== undefined) {
          if (paused && ready.length < 2) {
            paused = false
            c.resume()
          }
          this.rowsRead += next.length
          yield next as T[]
          continue
        }
        if (done) break
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
      if (!stopped) {
        finished = true
        if (own) await exec(c as unknown as MysqlCallbackConnection, 'COMMIT')
      } else if (own && done) await exec(c as unknown as MysqlCallbackConnection, 'ROLLBACK').catch(() => {})
    } catch (error) {
      finished = done
      if (own && done) await exec(c as unknown as MysqlCallbackConnection, 'ROLLBACK').catch(() => {})
      throw toSourceError(this.name, error, this.where, reading())
    } finally {
      if (!finished && !done) {
        // the consumer stopped early: the rest of the result is still coming on this connection
        discard = true
        ready.length = 0
        if (own) {
          // our own pooled connection: close it (the pool discards it) rather than read rows nobody wants
          c.destroy()
        } else {
          // a snapshot's connection must stay usable: read the rest and drop it
          if (paused) c.resume()
          while (!done) await new Promise<void>((resolve) => (wake = resolve))
        }
      } else if (paused) c.resume()
      if (done) framer?.uninstall()
      c.removeListener('error', onLost)
      c.removeListener('end', onClose)
      c.stream?.removeListener('close', onClose)
    }
  }
}

/** A mysql2 connection as abortSnapshots closes it. */
interface LiveConnection {
  destroy(): void
  stream?: {destroy(): void}
}

type RawStart = (kinds: readonly RawKind[] | null) => boolean

/** The parts of mysql2's Query command (lib/commands/query.js) that rawRowState replaces. */
interface MysqlQueryCommand {
  row: (this: MysqlQueryCommand, packet: MysqlPacket, connection: unknown) => unknown
}

interface MysqlPacket {
  buffer: Buffer
  offset: number
  end: number
  isEOF(): boolean
}

/**
 * Make a streaming mysql2 Query hand its rows as byte ranges: its `row` state (the one that runs mysql2's generated
 * text-row parser and emits 'result' with an array of values) is replaced, on this one command, by a state that fills
 * `row` from the packet and calls `deliver`. The end of the result (the EOF packet) still goes through mysql2's own
 * state, so 'end', errors and the connection's bookkeeping are unchanged. Installed from the 'fields' event: mysql2
 * then moves to `this.row` after the column definitions' EOF. Returns the state: a RowFramer reads the rows itself
 * from the moment mysql2 is in it; this state reads the rows mysql2 still parses (no framer: compressed protocol…).
 */
function rawRowState(query: MysqlQueryCommand, row: RawRow, deliver: (row: RawRow) => void, malformed: () => void): MysqlQueryCommand['row'] {
  const original = Object.getPrototypeOf(query).row as MysqlQueryCommand['row']
  let bad = false
  const state: MysqlQueryCommand['row'] = function (packet, connection) {
    if (packet.isEOF()) return original.call(this, packet, connection)
    if (bad) return state
    if (row.parse(packet.buffer, packet.offset, packet.end)) deliver(row)
    else {
      bad = true
      malformed()
    }
    return state
  }
  query.row = state
  return state
}

/** Rows one at a time from a batched read (the per-row `stream`). */
async function* rowsOf<T>(batches: AsyncIterable<T[]>): AsyncIterable<T> {
  for await (const batch of batches) yield* batch
}

interface MysqlStreamConnection {
  query(opts: {sql: string; rowsAsArray: boolean}): {on(event: string, fn: (arg: never) => void): unknown}
  pause(): void
  resume(): void
  destroy(): void
  on(event: string, fn: (arg?: unknown) => void): unknown
  removeListener(event: string, fn: (arg?: unknown) => void): unknown
  stream?: {on(event: string, fn: () => void): unknown; removeListener(event: string, fn: () => void): unknown}
}

interface SqliteStatement {
  iterate(...params: unknown[]): IterableIterator<unknown>
  raw(on: boolean): SqliteStatement
}

interface SqliteDb {
  prepare(sql: string): SqliteStatement
}

interface MysqlCallbackConnection {
  query(sql: string, cb: (err: Error | null, rows?: unknown) => void): void
}

function q(conn: MysqlCallbackConnection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => conn.query(sql, (err, rows) => (err ? reject(err) : resolve(rows))))
}

/** A transaction-control statement of plantops' own (START TRANSACTION READ ONLY, COMMIT, ROLLBACK). */
async function exec(conn: MysqlCallbackConnection, sql: string): Promise<void> {
  await q(conn, sql)
}

async function prepareMysqlSession(conn: MysqlCallbackConnection, timeoutSeconds: number): Promise<Flavor> {
  await q(conn, 'SET SESSION TRANSACTION READ ONLY')
  // the read guard reads literals with backslash escapes and "…" as strings: make the server read them the same way
  const mode = ((await q(conn, 'SELECT @@SESSION.sql_mode AS m')) as Array<{m: string}>)[0]?.m ?? ''
  const kept = mode.split(',').filter((m) => m !== '' && !['NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES', 'ANSI'].includes(m.toUpperCase()))
  if (kept.length !== mode.split(',').filter((m) => m !== '').length) {
    if (!kept.every((m) => /^[A-Z_]+$/i.test(m))) throw new Error(`unexpected sql_mode ${mode}`)
    await q(conn, `SET SESSION sql_mode = '${kept.join(',')}'`)
  }
  const rows = (await q(conn, 'SELECT VERSION() AS v')) as Array<{v: string}>
  const flavor: Flavor = /mariadb/i.test(rows[0]?.v ?? '') ? 'mariadb' : 'mysql'
  if (flavor === 'mariadb') await q(conn, `SET SESSION max_statement_time = ${Number(timeoutSeconds)}`)
  else await q(conn, `SET SESSION MAX_EXECUTION_TIME = ${Math.round(Number(timeoutSeconds) * 1000)}`)
  // a slow consumer (writing XLSX while streaming) must not be cut off by the server
  await q(conn, 'SET SESSION net_write_timeout = 600')
  return flavor
}

function extractRows<T>(result: unknown, dialect: 'mysql' | 'sqlite'): T[] {
  if (dialect === 'mysql') {
    const r = result as unknown[]
    return (Array.isArray(r) && Array.isArray(r[0]) ? r[0] : []) as T[]
  }
  return (Array.isArray(result) ? result : []) as T[]
}
