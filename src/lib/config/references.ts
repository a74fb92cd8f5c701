/**
 * What a capability's config reads from the sources: the tables and columns its mappings name.
 * Each area exports a function `<area>References(section): SourceReference[]` from `src/lib/<area>/references.ts`;
 * `plantops systems audit` checks every reference for schema drift (missing table/column, incompatible type)
 * and load safety (filter/join/sort columns without an index), naming `configPath` in its findings.
 */
export interface ColumnReference {
  /** Column name as configured. */
  column: string
  /** Where in plantops.yaml it is named, e.g. "stock.erp.columns.qty". */
  configPath: string
  /** What plantops needs the column to hold; the audit checks type compatibility. */
  expected: 'text' | 'number' | 'date' | 'any'
  /** The nightly job filters, joins, groups or sorts on it: it should be indexed on large tables. */
  keyed?: boolean
}

export interface SourceReference {
  /** Source name (a key of `sources`). */
  source: string
  /** Table name; absent when the mapping is a free SELECT (then only `query` is set). */
  table?: string
  /** A free read-only SELECT the mapping uses instead of a table. */
  query?: string
  /** Config path of the table/query setting, e.g. "stock.erp.table". */
  configPath: string
  columns: ColumnReference[]
  /** What the job does with it, for messages: "nightly stock reconciliation, ERP side". */
  purpose: string
}
