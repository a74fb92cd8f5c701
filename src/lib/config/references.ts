/**
 * What a capability's config reads from the sources: the tables and columns its mappings name.
 * Each area exports a function `<area>References(section): SourceReference[]` from `src/lib/<area>/references.ts`;
 * `plantops systems audit` checks every reference for schema drift (missing table/column, incompatible type)
 * and load safety (filter/join/sort columns without an index), naming `configPath` in its findings.
 */

import type {Msg} from '../systems/message.js'
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
  /**
   * What the job does with it, for messages: a catalog message kept as key + variables (`references.purpose.stockErp`:
   * "nightly stock reconciliation, ERP side"), so an audit finding stores it and shows it in either language; a plain
   * string is shown as written (hand-built references).
   */
  purpose: Msg | string
}

/** One column of a table reference: [column as configured (unset: not read), key under `<configPath>.columns`, expected type, keyed]. */
export type ColumnSpec = [string | null | undefined, string, ColumnReference['expected'], boolean?]

/**
 * The reference of one configured table or SELECT at `configPath` (its `table`/`query` setting), with the columns
 * that are set, each at `<configPath>.columns.<key>`.
 */
export function tableReference(source: string, where: {table?: string; query?: string}, configPath: string, columns: ColumnSpec[], purpose: Msg | string): SourceReference {
  return {
    source,
    ...(where.table === undefined ? {query: where.query} : {table: where.table}),
    configPath: `${configPath}.${where.table === undefined ? 'query' : 'table'}`,
    columns: columns
      .filter((c): c is [string, string, ColumnReference['expected'], boolean?] => c[0] !== undefined && c[0] !== null)
      .map(([column, key, expected, keyed]) => ({column, configPath: `${configPath}.columns.${key}`, expected, ...(keyed ? {keyed} : {})})),
    purpose,
  }
}

/**
 * `tableReference` of a configured table whose column settings are named like the keys: `cfg.columns[key]` for each
 * [key, expected, keyed] (the common case: `stock.items.columns.uom` is the column read as `uom`).
 */
export function configuredTable(
  cfg: {source: string; table?: string; query?: string; columns: Record<string, string | null | undefined>},
  configPath: string,
  keys: Array<[string, ColumnReference['expected'], boolean?]>,
  purpose: Msg | string,
): SourceReference {
  return tableReference(cfg.source, cfg, configPath, keys.map(([key, expected, keyed]) => [cfg.columns[key], key, expected, keyed]), purpose)
}
