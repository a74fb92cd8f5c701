/** How a value is rendered: text as is; qty/money/pct/int as numbers (right-aligned, number formats in XLSX). */
export type ColumnKind = 'text' | 'qty' | 'money' | 'pct' | 'int' | 'date'

export interface Column<R> {
  key: keyof R & string
  header: string
  kind?: ColumnKind
  /** XLSX column width in characters; computed from content when absent. */
  width?: number
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
