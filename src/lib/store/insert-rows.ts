import type {Knex} from 'knex'

/**
 * Rows written into plantops' store many at a time. On SQLite one prepared INSERT per table and column list is reused
 * for every row, its parameters bound by position from one reused array: knex would build a multi-row INSERT text per
 * batch and better-sqlite3 would prepare it again each time (measured on 7,969 stock variances: 0.25-0.50 CPU-s with
 * knex batches against 0.03-0.05 s). On MySQL the rows go as knex multi-row INSERTs of bounded size.
 */

export interface SqliteStatement {
  run(...params: unknown[]): {lastInsertRowid: number | bigint; changes: number}
  all(...params: unknown[]): unknown[]
}

/** The better-sqlite3 connection under a knex SQLite pool (the parts the store uses). */
export interface SqliteDb {
  prepare(sql: string): SqliteStatement
  exec(sql: string): void
  inTransaction: boolean
}

/** Whether this knex (or transaction) talks to SQLite through better-sqlite3. */
export function isSqliteKnex(knex: Knex | Knex.Transaction): boolean {
  const client = (knex.client as {config?: {client?: unknown}}).config?.client
  return client === 'better-sqlite3' || client === 'sqlite3'
}

/**
 * Inserts rows through prepared statements on one better-sqlite3 connection, one statement per table and column
 * list (rows of one shape in a row reuse it). Values are bound as knex binds them on SQLite: undefined as NULL,
 * booleans as 0/1, dates as their epoch milliseconds.
 */
export class SqliteRowInserter {
  private readonly statements = new Map<string, SqliteStatement>()
  private readonly last = new Map<string, {cols: string[]; stmt: SqliteStatement; values: unknown[]}>()

  constructor(
    private readonly db: SqliteDb,
    /** Identifier quoting by the store's knex dialect. */
    private readonly quote: (identifier: string) => string,
  ) {}

  /** A statement prepared once per key on this connection. */
  prepared(key: string, sql: () => string): SqliteStatement {
    let s = this.statements.get(key)
    if (!s) {
      s = this.db.prepare(sql())
      this.statements.set(key, s)
    }
    return s
  }

  insert(table: string, row: Record<string, unknown>): {lastInsertRowid: number | bigint} {
    let hit = this.last.get(table)
    if (!hit || !sameKeys(row, hit.cols)) {
      const cols = Object.keys(row)
      const q = this.quote
      const stmt = this.prepared(`insert ${table} ${cols.join(',')}`, () => `INSERT INTO ${q(table)} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
      hit = {cols, stmt, values: new Array<unknown>(cols.length)}
      this.last.set(table, hit)
    }
    const {cols, values} = hit
    for (let i = 0; i < cols.length; i++) values[i] = sqliteValue(row[cols[i]])
    return hit.stmt.run(values)
  }
}

/**
 * `rows` into `table` through `trx`: inside a transaction all rows or, when it rolls back, none. The prepared-statement
 * path needs a SQLite transaction (its own connection); other callers get knex's batches. `rows` is iterated once:
 * a generator's rows are written as they come, none of them kept (hundreds of thousands of findings: an array of
 * their store rows beside the findings themselves doubled the heap of the run that saved them).
 */
export async function insertRows(trx: Knex | Knex.Transaction, table: string, rows: Iterable<Record<string, unknown>>): Promise<void> {
  if (isSqliteKnex(trx) && (trx as Knex.Transaction).isTransaction) {
    let inserter: SqliteRowInserter | null = null
    for (const row of rows) {
      // a transaction's client hands out the transaction's own connection
      inserter ??= new SqliteRowInserter((await trx.client.acquireConnection()) as SqliteDb, (id) => trx.raw('??', [id]).toQuery())
      inserter.insert(table, row)
    }
    return
  }
  let batch: Array<Record<string, unknown>> = []
  let per = 0
  for (const row of rows) {
    per ||= Math.max(1, Math.floor(20_000 / Math.max(1, Object.keys(row).length)))
    batch.push(row)
    if (batch.length === per) {
      await trx(table).insert(batch)
      batch = []
    }
  }
  if (batch.length > 0) await trx(table).insert(batch)
}

/** Whether `row`'s own keys are exactly `cols`, in that order. */
function sameKeys(row: Record<string, unknown>, cols: string[]): boolean {
  let i = 0
  for (const k in row) {
    if (k !== cols[i]) return false
    i++
  }
  return i === cols.length
}

function sqliteValue(v: unknown): unknown {
  if (v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v instanceof Date) return v.valueOf()
  return v
}
