/**
 * How a value is rendered: text as is; qty/money/pct/int as numbers (right-aligned, number formats in XLSX); date as
 * a date (XLSX date cells, plant-local); auto: a JS number stays a number in XLSX, anything else is text.
 */
export type ColumnKind = 'text' | 'qty' | 'money' | 'pct' | 'int' | 'date' | 'auto'

export interface Column<R> {
  key: keyof R & string
  header: string
  kind?: ColumnKind
  /** XLSX column width in characters; computed from content when absent. */
  width?: number
  /**
   * Terminal tables narrower than their content: how much the column matters (0–10, default 5). The lowest go first;
   * 10 is never left out (the key columns).
   */
  priority?: number
  /** Terminal tables: the column may be shortened (names, descriptions), down to `minWidth` (default 8). */
  shrink?: boolean
  minWidth?: number
  /** A column whose cells differ in kind (a summary's value column): the kind of this row's cell. */
  kindOf?: (row: R) => ColumnKind
}

export type Cell = string | number | boolean | null | undefined | bigint

/** The value of a row's cell as text, the same in table and CSV. Decimals arrive as strings already. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof (value as {toFixed?: unknown}).toFixed === 'function' && typeof (value as {isZero?: unknown}).isZero === 'function') {
    return (value as {toFixed(): string}).toFixed()
  }
  return JSON.stringify(value)
}
