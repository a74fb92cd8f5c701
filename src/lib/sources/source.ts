import type {Knex} from 'knex'

import {quietKnexLog} from './knex-log.js'

import {ReadOnlyViolation} from '../cli/errors.js'
import type {SourceConfig} from '../config/sources-schema.js'
import {checkReadOnly} from './read-guard.js'
import {toSourceError} from './source-errors.js'

export type Bindings = readonly unknown[]
export type Row = Record<string, unknown>

/** What a job reads through: the source itself, or one consistent snapshot of it. */
export interface Reader {
  query<T = Row>(sql: string, bindings?: Bindings): Promise<T[]>
  stream<T = Row>(sql: string, bindings?: Bindings): AsyncIterable<T>
  /** The rows in arrays of about `batchSize` (one await per batch); `rowsAsArray` gives each row as its column values in SELECT order. */
  streamBatches<T = Row>(sql: string, bindings?: Bindings, opts?: BatchOptions): AsyncIterable<T[]>
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

export type ReplicaStatus =
  | {isReplica: false; lagSeconds: null; via: 'replica-status' | 'lag-query'; note?: string}
  | {isReplica: true; lagSeconds: number | null; via: 'replica-status' | 'lag-query'; ioRunning?: boolean; sqlRunning?: boolean; note?: string}

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
 * connection is `SET SESSION TRANSACTION READ ONLY` with a statement timeout, SQLite files open `readonly`.
 * Errors become SourceError (exit 3) naming the source.
 */
export class Source implements Reader {
  readonly name: string
  readonly config: SourceConfig
  readonly dialect: 'mysql' | 'sqlite'
  /** Rows returned to plantops by this source, for run history. */
  rowsRead = 0
  private readonly knex: Knex
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
    try {
      const rows = extractRows<T>(await this.knex.raw(sql, bindings as Knex.RawBinding[]), this.dialect)
      this.rowsRead += rows.length
      return rows
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
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
    const run = (sql: string) => this.knex.raw(sql).connection(conn)
    try {
      await run(this.dialect === 'mysql' ? 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY' : 'BEGIN')
      const reader: Reader = {
        query: async <R = Row>(sql: string, bindings: Bindings = []) => {
          this.guard(sql)
          try {
            const rows = extractRows<R>(await this.knex.raw(sql, bindings as Knex.RawBinding[]).connection(conn), this.dialect)
            this.rowsRead += rows.length
            return rows
          } catch (error) {
            throw toSourceError(this.name, error, this.where)
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
      }
      const result = await fn(reader)
      await run(this.dialect === 'mysql' ? 'COMMIT' : 'COMMIT')
      return result
    } catch (error) {
      await run('ROLLBACK').catch(() => {})
      throw error instanceof Error && 'exitCode' in error ? error : toSourceError(this.name, error, this.where)
    } finally {
      await this.knex.client.releaseConnection(conn)
    }
  }

  /** Replica lag: the source's lagQuery if configured, else SHOW REPLICA STATUS (falling back to SHOW SLAVE STATUS). */
  async replicaStatus(): Promise<ReplicaStatus> {
    if (this.config.lagQuery) {
      const rows = await this.query<Row>(this.config.lagQuery)
      const v = rows[0] ? Object.values(rows[0])[0] : null
      const lag = v === null || v === undefined ? null : Number(v)
      return {isReplica: true, lagSeconds: lag !== null && Number.isFinite(lag) ? lag : null, via: 'lag-query'}
    }
    if (this.dialect === 'sqlite') return {isReplica: false, lagSeconds: null, via: 'replica-status', note: 'SQLite file'}
    let rows: Row[] | undefined
    for (const sql of ['SHOW REPLICA STATUS', 'SHOW SLAVE STATUS']) {
      try {
        rows = extractRows<Row>(await this.knex.raw(sql), 'mysql')
        break
      } catch (error) {
        const code = (error as {code?: string}).code
        if (code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_ERROR') {
          return {isReplica: false, lagSeconds: null, via: 'replica-status', note: 'lag unknown: the account lacks REPLICATION CLIENT (or SLAVE MONITOR) privilege'}
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
      note: lag === null ? 'replication is stopped or broken (lag unknown)' : undefined,
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
    if (!verdict.ok) throw new ReadOnlyViolation(this.name, verdict.reason)
  }

  private async ping(): Promise<void> {
    try {
      await this.knex.raw('SELECT 1')
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    }
  }

  private async *batchesOn<T>(conn: unknown, sql: string, bindings: Bindings, opts: BatchOptions): AsyncIterable<T[]> {
    const size = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH))
    const own = conn === undefined
    let c: unknown
    try {
      c = conn ?? (await this.knex.client.acquireConnection())
    } catch (error) {
      throw toSourceError(this.name, error, this.where)
    }
    try {
      if (this.dialect === 'sqlite') yield* this.sqliteBatches<T>(c as SqliteDb, sql, bindings, size, opts.rowsAsArray === true)
      else yield* this.mysqlBatches<T>(c as MysqlStreamConnection, own, sql, bindings, size, opts.rowsAsArray === true, opts.onFields)
    } finally {
      if (own) await this.knex.client.releaseConnection(c)
    }
  }

  private *sqliteBatches<T>(db: SqliteDb, sql: string, bindings: Bindings, size: number, rowsAsArray: boolean): Generator<T[]> {
    let it: IterableIterator<unknown> | undefined
    try {
      const stmt = db.prepare(sql)
      it = (rowsAsArray ? stmt.raw(true) : stmt).iterate(...(bindings as unknown[]))
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
   */
  private async *mysqlBatches<T>(c: MysqlStreamConnection, own: boolean, sql: string, bindings: Bindings, size: number, rowsAsArray: boolean, onFields?: BatchOptions['onFields']): AsyncGenerator<T[]> {
    // knex renders `??` identifiers and `?` values into native SQL + values (never hand-escaped)
    const native = this.knex.raw(sql, bindings as Knex.RawBinding[]).toSQL().toNative()
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
    const query = c.query({sql: native.sql, values: native.bindings as unknown[], rowsAsArray})
    if (onFields) query.on('fields', (fields: Array<{name: string; columnType: number}> | undefined) => onFields((fields ?? []).map((f) => ({name: f.name, columnType: f.columnType}))))
    query.on('result', (row: unknown) => {
      if (discard) return
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
    let finished = false
    try {
      for (;;) {
        if (failed !== undefined) throw failed
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
      finished = true
    } catch (error) {
      finished = done
      throw toSourceError(this.name, error, this.where)
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
    }
  }
}

/** Rows one at a time from a batched read (the per-row `stream`). */
async function* rowsOf<T>(batches: AsyncIterable<T[]>): AsyncIterable<T> {
  for await (const batch of batches) yield* batch
}

interface MysqlStreamConnection {
  query(opts: {sql: string; values: unknown[]; rowsAsArray: boolean}): {on(event: string, fn: (arg: never) => void): unknown}
  pause(): void
  resume(): void
  destroy(): void
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

async function prepareMysqlSession(conn: MysqlCallbackConnection, timeoutSeconds: number): Promise<Flavor> {
  await q(conn, 'SET SESSION TRANSACTION READ ONLY')
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
