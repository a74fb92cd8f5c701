import type {Knex} from 'knex'

import type {Reader} from '../sources/source.js'

/** A read of one configured table or SELECT: fixed short aliases for the configured columns, filters pushed down. */
export interface SideRead {
  sql: string
  bindings: unknown[]
}

export interface SideReadSpec {
  table?: string
  query?: string
  /** alias → configured column (undefined: not configured, read as NULL; null: not read at all). */
  columns: Record<string, string | null | undefined>
  filters?: Record<string, Array<string | number>>
  /** Aliases of FLOAT columns: read as DOUBLE (`col + 0e0`) so their full binary value arrives, not 6 digits. */
  doubles?: Set<string>
  /** Extra range conditions: [column, operator, value]. */
  where?: Array<[string, '>' | '<=' | '>=' | '<', string]>
  /** Further conditions or an ORDER BY on the builder (a count's batches, status exclusions, walking order). */
  refine?: (q: Knex.QueryBuilder) => void
}

/**
 * Build the SELECT for a side with knex's builder (identifiers quoted by knex, values bound): never hand-escaped.
 * A free query is wrapped as a derived table so its own ORDER BY/grouping stays its own business.
 */
export function buildSideRead(knex: Knex, spec: SideReadSpec): SideRead {
  const select: Record<string, string | Knex.Raw> = {}
  for (const [alias, column] of Object.entries(spec.columns)) {
    if (column === null) continue
    select[alias] = column === undefined ? knex.raw('NULL') : spec.doubles?.has(alias) ? knex.raw('?? + 0e0', [column]) : column
  }
  let q = knex.select(select as Record<string, string>)
  q = spec.table !== undefined ? q.from(spec.table) : q.from(knex.raw(`(${spec.query}) AS plantops_side`))
  for (const [column, values] of Object.entries(spec.filters ?? {})) q = q.whereIn(column, values)
  for (const [column, op, value] of spec.where ?? []) q = q.where(column, op, value)
  spec.refine?.(q)
  const native = q.toSQL()
  return {sql: native.sql, bindings: [...native.bindings]}
}

/** MySQL protocol column type of FLOAT (single precision). */
const MYSQL_FLOAT = 4

/**
 * The read of a side, with its FLOAT number columns read at full precision: MariaDB/MySQL send FLOAT as text of 6
 * significant digits (1234567.875 → "1234570", 16777216 → "16777200"), so a probe (`LIMIT 0`, no rows) learns the
 * column types and FLOAT columns are selected as DOUBLE, whose shortest round-trip text is the float's exact value.
 * (They stay inexact by nature: `systems audit` warns about them.)
 */
export async function planSideRead(reader: Reader, knex: Knex, spec: SideReadSpec, numeric: string[]): Promise<SideRead> {
  const read = buildSideRead(knex, spec)
  const wanted = numeric.filter((a) => spec.columns[a] !== undefined && spec.columns[a] !== null)
  if (wanted.length === 0 || knex.client.config?.client !== 'mysql2') return read
  let fields: Array<{name: string; columnType: number}> = []
  const probe = `SELECT * FROM (${read.sql}) AS plantops_probe LIMIT 0`
  for await (const _ of reader.streamBatches(probe, read.bindings, {rowsAsArray: true, onFields: (f) => (fields = f)}));
  const doubles = new Set(wanted.filter((a) => fields.some((f) => f.name === a && f.columnType === MYSQL_FLOAT)))
  return doubles.size === 0 ? read : buildSideRead(knex, {...spec, doubles})
}
