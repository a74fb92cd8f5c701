import type {Knex} from 'knex'

/** A read of one configured table or SELECT: fixed short aliases for the configured columns, filters pushed down. */
export interface SideRead {
  sql: string
  bindings: unknown[]
}

export interface SideReadSpec {
  table?: string
  query?: string
  /** alias → configured column (undefined: not configured, read as NULL). */
  columns: Record<string, string | undefined>
  filters?: Record<string, Array<string | number>>
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
  for (const [alias, column] of Object.entries(spec.columns)) select[alias] = column === undefined ? knex.raw('NULL') : column
  let q = knex.select(select as Record<string, string>)
  q = spec.table !== undefined ? q.from(spec.table) : q.from(knex.raw(`(${spec.query}) AS plantops_side`))
  for (const [column, values] of Object.entries(spec.filters ?? {})) q = q.whereIn(column, values)
  for (const [column, op, value] of spec.where ?? []) q = q.where(column, op, value)
  spec.refine?.(q)
  const native = q.toSQL()
  return {sql: native.sql, bindings: [...native.bindings]}
}
