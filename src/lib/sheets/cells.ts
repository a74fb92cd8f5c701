import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {parseQuantityText, type QuantityRefusal} from '../reconcile/quantity.js'

/**
 * A cell as read from a file, reduced to what the importer needs. `text` is the value as a person sees it (written
 * back unchanged to the rejects workbook); `num` is the raw number of a numeric cell (a date serial in a date column);
 * `date` is set when the file itself typed the cell as a date; `error` when the cell cannot be read: an Excel error
 * value as written (`#N/A`, `#NUM!`…) or a CellErrorCode (worded for a person by cellErrorText).
 */
export interface Cell {
  text: string
  num?: number
  date?: string
  error?: string
}

export const EMPTY_CELL: Cell = {text: ''}

/** Why a cell cannot be read, when it is not an Excel error value. */
export type CellErrorCode = 'invalid_date' | 'error_value' | 'formula_uncalculated'

/** A cell's `error` in the language in force: an Excel error value stays as written (`#N/A`), a code is worded. */
export function cellErrorText(error: string): string {
  // i18n-dynamic: sheets.cellError.*
  return error.startsWith('#') ? error : t(`sheets.cellError.${error}`)
}

export type DateSystem = 1900 | 1904

/**
 * A date-formatted numeric cell (an Excel serial in the workbook's date system), as a Cell: `date` is the calendar
 * date, `text` adds the time of day when there is one. No time zone is involved.
 */
export function dateCell(serial: number, system: DateSystem): Cell {
  if (!Number.isFinite(serial)) return {text: '', error: 'invalid_date'}
  let t = Math.round((serial - 25_569 + (system === 1904 ? 1462 : 0)) * 86_400_000)
  // 1900-system serials below 61 are one day early (Excel's phantom 1900-02-29)
  if (t < Date.UTC(1900, 1, 28)) t += 86_400_000
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return {text: '', error: 'invalid_date'}
  const iso = d.toISOString()
  const date = iso.slice(0, 10)
  const time = iso.slice(11, 19)
  return {text: time === '00:00:00' ? date : `${date} ${time}`, date}
}

/** A numeric cell's value as written in the file (`<v>`): shown as Excel shows it, the raw number kept for dates. */
export function numberCell(v: string): Cell {
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) return {text: '', error: '#NUM!'}
  return {text: formatExcelNumber(n), num: n}
}

/** A number as Excel shows it: 15 significant digits, no float noise (0.1+0.2 → "0.3"), no exponent. */
export function formatExcelNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n)
  const d = new Decimal(n.toPrecision(15))
  return d.isZero() ? '0' : d.toFixed()
}

/** ISO date (yyyy-mm-dd) of an Excel serial in the 1900 or 1904 date system. No time zone is involved. */
export function serialToIsoDate(serial: number, system: DateSystem): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null
  const days = Math.floor(serial)
  // 1900 system: serial 1 = 1900-01-01 and Excel's phantom 1900-02-29 is serial 60; from 61 on, 1899-12-30 + serial.
  const base = system === 1904 ? Date.UTC(1904, 0, 1) : days >= 61 ? Date.UTC(1899, 11, 30) : Date.UTC(1899, 11, 31)
  if (system === 1900 && days === 60) return null
  return new Date(base + days * 86_400_000).toISOString().slice(0, 10)
}

/** Fold full-width characters (digits, letters, punctuation, ideographic space) to their ASCII forms and trim. */
export function foldWidth(s: string): string {
  if (PLAIN_ASCII.test(s)) return s // the common case, without the cost of NFKC
  return s.normalize('NFKC').replace(/\s+/g, ' ').trim()
}

const PLAIN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/

const DATE_PATTERNS: Array<{re: RegExp; order: 'ymd' | 'dmy'}> = [
  {re: /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/, order: 'ymd'},
  {re: /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?(?:\s*\d{1,2}[:时]\d{2}.*)?$/, order: 'ymd'},
  {re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/, order: 'dmy'},
  {re: /^(\d{4})(\d{2})(\d{2})$/, order: 'ymd'},
]

/** A date typed as text: 2026/11/21, 2026-11-21, 2026年11月21日, 21.11.2026, 20261121 (optionally with a time). */
export function parseTextDate(text: string): string | null {
  const s = foldWidth(text)
  for (const {re, order} of DATE_PATTERNS) {
    const m = re.exec(s)
    if (!m) continue
    const [y, mo, d] = order === 'ymd' ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]]
    return isoIfValid(Number(y), Number(mo), Number(d))
  }
  return null
}

function isoIfValid(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return null
  const t = new Date(Date.UTC(y, m - 1, d))
  if (t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null
  return t.toISOString().slice(0, 10)
}

/**
 * A decimal typed by a person: full-width digits, thousands separators ("1,234.50"), a currency sign, spaces.
 * Returns null when it is not a number or is out of range (see readTextDecimal). Exact: never goes through a JS float.
 */
export function parseTextDecimal(text: string): Decimal | null {
  const r = readTextDecimal(text)
  return r.ok ? r.value : null
}

/** A typed decimal, or why not: not a number at all, or a number whose exponent is out of range. */
export type TextDecimal = {ok: true; value: Decimal} | {ok: false; outOfRange: QuantityRefusal | null}

const NOT_A_NUMBER: TextDecimal = Object.freeze({ok: false, outOfRange: null})

/**
 * parseTextDecimal with the reason it refused. A number written with an exponent (`1.5e3`) is bounded by the rule the
 * sources' quantities follow (src/lib/reconcile/quantity.ts: an exponent within ±MAX_EXPONENT): `1e50000000` would
 * otherwise become 50,000,001 digits in memory, in the store and in every report.
 */
export function readTextDecimal(text: string): TextDecimal {
  if (PLAIN_DECIMAL.test(text)) return {ok: true, value: new Decimal(text)}
  let s = foldWidth(text).replace(/^[¥$€£]\s*/, '').replace(/\s*(元|RMB|CNY)$/i, '').replace(/\s+/g, '')
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '')
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NOT_A_NUMBER
  if (s.includes('e') || s.includes('E')) {
    const q = parseQuantityText(s)
    if (!q.ok) return q.code === 'exponent' ? {ok: false, outOfRange: q} : NOT_A_NUMBER
  }
  return {ok: true, value: new Decimal(s)}
}

/**
 * A copy of `s` that shares no memory with the text it was cut from. Strings read from a workbook are slices of the
 * XML chunk they came from; keeping one (a key in a Set for the whole file) would keep the whole chunk alive:
 * about 1 KB per row, 100 MB on a 100,000-line file.
 */
export function detach(s: string): string {
  return s.length === 0 ? s : Buffer.from(s, 'utf16le').toString('utf16le')
}
