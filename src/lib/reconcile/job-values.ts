/**
 * Value handling of reconcile jobs: dates and timestamps read from any source (DATE, DATETIME, text), normalised
 * text for the `text` comparator, and the plant-local clock for the grace period.
 */

const p2 = (n: number) => String(n).padStart(2, '0')

/** A timestamp as sortable plant-local text 'YYYY-MM-DD HH:MM:SS', or null when absent or not a timestamp. */
const CANONICAL_TS = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/
const CANONICAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

export function timestampText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null
  // the common case: DATETIME text as MySQL (dateStrings) and SQLite give it
  if (typeof value === 'string' && value.length === 19 && CANONICAL_TS.test(value) && dayFits(value)) return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : localDateTime(value)
  const s = String(value).trim()
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(s)
  if (!m) return null
  const [y, mo, d, h, mi, se] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || se > 59) return null
  return `${m[1]}-${p2(mo)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(se)}`
}

/** A date as 'YYYY-MM-DD'; `{bad: text}` when the value is present but does not parse; null when absent. */
export function dateValue(value: unknown): string | {bad: string} | null {
  if (value === null || value === undefined || value === '') return null
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? {bad: String(value)} : localDateTime(value).slice(0, 10)
  if (typeof value === 'string' && value.length === 10 && CANONICAL_DATE.test(value) && dayFits(value)) return value
  const s = String(value).trim()
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  if (compact && validDate(Number(compact[1]), Number(compact[2]), Number(compact[3]))) return `${compact[1]}-${compact[2]}-${compact[3]}`
  const t = timestampText(s)
  return t === null ? {bad: s} : t.slice(0, 10)
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const leap = m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))
  return d <= DAYS[m - 1] + (leap ? 1 : 0)
}

/** Day of month within the month, for text already shaped YYYY-MM-DD… */
function dayFits(s: string): boolean {
  const d = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48)
  if (d <= 28) return true
  return validDate(Number(s.slice(0, 4)), (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48), d)
}

/** Whole days from date a to date b (YYYY-MM-DD), b − a. */
export function daysBetween(a: string, b: string): number {
  if (a === b) return 0 // the common case on the merge's hot path (most due dates agree): no parsing
  const ms = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)))
  return Math.round((ms(b) - ms(a)) / 86_400_000)
}

export function localDateTime(d: Date): string {
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`
}

/** The grace cut-off: records changed after it are in flight. `asOf` is "now" or a plant-local datetime. */
export function graceCutoff(asOf: string, afterMinutes: number, now = new Date()): string {
  let base: Date
  if (asOf === 'now') base = now
  else {
    const t = timestampText(asOf)
    if (t === null) throw new Error(`not a datetime: ${asOf}`)
    base = new Date(Number(t.slice(0, 4)), Number(t.slice(5, 7)) - 1, Number(t.slice(8, 10)), Number(t.slice(11, 13)), Number(t.slice(14, 16)), Number(t.slice(17, 19)))
  }
  return localDateTime(new Date(base.getTime() - afterMinutes * 60_000))
}

/** Text compared loosely: NFKC, white space collapsed, trimmed, upper case. */
export function normalText(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).normalize('NFKC').replace(/\s+/g, ' ').trim().toUpperCase()
}

/** Text of a database value ('' for NULL), numbers as written. */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return localDateTime(value)
  return typeof value === 'string' ? value : String(value)
}
