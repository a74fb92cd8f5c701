import {SourceError} from '../cli/errors.js'
import {Decimal} from '../decimal/decimal.js'
import {t, tIn, type Language} from '../i18n/index.js'

/**
 * Quantities as they are read from a source: only plain decimal text is a quantity (an optional sign, digits, an
 * optional point, and an optional exponent within ±MAX_EXPONENT). Everything else — `0x10`, `0b101`, `NaN`,
 * `Infinity`, `1,200`, `n/a`, text with tabs or newlines, `1e50000000` — is refused when the row is read, so that a
 * bad value is a clear source error (exit 3) naming where it is, never an internal error (or a heap blow-up) later.
 *
 * The result is canonical plain decimal text (no exponent), safe to write into spill records and to parse exactly
 * with `parseScaled`.
 */

/** Largest |exponent| accepted in `1.5e3` notation (a DOUBLE's range is about 1e±308). */
export const MAX_EXPONENT = 400

const PLAIN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/
const EXPONENT = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/

/**
 * Why a value is not a quantity: a code (a key under `errors.quantity.*`) and its variables, no sentence. Parsing runs
 * per row on the hot path; a refusal is a constant object except `type` (a value that is not even text), and only
 * `quantityReason` (called where a person reads it) builds words.
 */
export type QuantityRefusal = {ok: false; code: 'notFinite' | 'notPlain' | 'exponent'} | {ok: false; code: 'notNumberType'; type: string}

/** The plain decimal text of a value, or why it is not a quantity. */
export type QuantityParse = {ok: true; text: string} | QuantityRefusal

const NOT_FINITE: QuantityRefusal = Object.freeze({ok: false, code: 'notFinite'})
const NOT_PLAIN: QuantityRefusal = Object.freeze({ok: false, code: 'notPlain'})
const EXPONENT_RANGE: QuantityRefusal = Object.freeze({ok: false, code: 'exponent'})

/** Why a value is not a quantity, in the language in force (or in `lang`, e.g. English for a defect's message). */
export function quantityReason(refusal: QuantityRefusal, lang?: Language): string {
  const vars = refusal.code === 'notNumberType' ? {type: refusal.type, max: MAX_EXPONENT} : {max: MAX_EXPONENT}
  const key = `errors.quantity.${refusal.code}` // i18n-dynamic: errors.quantity.*
  return lang ? tIn(lang, key, vars) : t(key, vars)
}

/** Plain decimal text of `value`, or why it is not a quantity. NULL is not handled here (the caller's nullQty rule). */
export function parseQuantity(value: unknown): QuantityParse {
  if (typeof value === 'string') return parseQuantityText(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return NOT_FINITE
    // shortest round-trip text of the binary value
    return parseQuantityText(String(value))
  }
  if (typeof value === 'bigint') return {ok: true, text: value.toString()}
  if (Buffer.isBuffer(value)) return parseQuantityText(value.toString('utf8'))
  return {ok: false, code: 'notNumberType', type: typeof value}
}

export function parseQuantityText(raw: string): QuantityParse {
  let s = raw
  if (s.length > 0 && (s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32)) s = s.replace(/^ +| +$/g, '')
  if (PLAIN.test(s)) return {ok: true, text: s}
  const m = EXPONENT.exec(s)
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return NOT_PLAIN
  if (m[4].replace(/^[+-]?0*/, '').length > 4 || Math.abs(Number(m[4])) > MAX_EXPONENT) {
    return EXPONENT_RANGE
  }
  return {ok: true, text: shift(m[1], m[2], m[3] ?? '', Number(m[4]))}
}

/** sign int.frac × 10^exp as plain decimal text. */
function shift(sign: string, int: string, frac: string, exp: number): string {
  let digits = int + frac
  let point = int.length + exp
  const lead = digits.length - digits.replace(/^0+/, '').length
  digits = digits.slice(lead).replace(/0+$/, '')
  point -= lead
  if (digits === '') return '0'
  let out: string
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length)
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`
  return sign === '-' ? `-${out}` : out
}

export type NullQty = 'zero' | 'error'

/** Where a quantity column is read from, for error messages. */
export interface QuantityOrigin {
  source: string
  table?: string
  query?: string
  column: string
  nullQty: NullQty
}

/** The common case, checked per row without allocating: a string that is already plain decimal text. */
export function isPlainQuantity(value: unknown): value is string {
  return typeof value === 'string' && PLAIN.test(value)
}

/**
 * `isPlainQuantity` on bytes (a value's text as UTF-8, e.g. a raw MySQL row's column): buf[start, end) is plain decimal
 * text, [+-]digits[.digits] or [+-].digits, exactly what the PLAIN rule accepts. No string is made.
 */
export function isPlainQuantityBytes(buf: Uint8Array, start: number, end: number): boolean {
  let k = start
  if (k < end && (buf[k] === 43 || buf[k] === 45)) k++
  let digits = 0
  while (k < end && buf[k] >= 48 && buf[k] <= 57) {
    k++
    digits++
  }
  if (k < end && buf[k] === 46) {
    k++
    while (k < end && buf[k] >= 48 && buf[k] <= 57) {
      k++
      digits++
    }
  }
  return digits > 0 && k === end
}

/**
 * A reader of one quantity column: canonical decimal text, or a SourceError (exit 3) naming the source, table,
 * column, key and value. `key` describes the row (only called on error).
 */
export function quantityReader(origin: QuantityOrigin): (value: unknown, key: () => string) => string {
  return (value, key) => {
    if (typeof value === 'string' && PLAIN.test(value)) return value
    if (value === null || value === undefined) {
      if (origin.nullQty === 'zero') return '0'
      throw badQuantity(origin, key(), value, t('errors.engine.isNull'))
    }
    const p = parseQuantity(value)
    if (p.ok) return p.text
    throw badQuantity(origin, key(), value, t('errors.engine.isBad', {reason: quantityReason(p)}))
  }
}

/** An optional number column (unit cost, pack size, unit factor): '' for NULL/empty, else canonical text. */
export function optionalNumberReader(origin: Omit<QuantityOrigin, 'nullQty'>): (value: unknown, key: () => string) => string {
  const q = quantityReader({...origin, nullQty: 'zero'})
  return (value, key) => (value === null || value === undefined || value === '' ? '' : q(value, key))
}

/** `quantityReader` for code that computes with Decimal (a count's few thousand lines), not scaled integers. */
export function decimalReader(origin: QuantityOrigin): (value: unknown, key: () => string) => Decimal {
  const q = quantityReader(origin)
  return (value, key) => new Decimal(q(value, key))
}

/** `optionalNumberReader` as a Decimal: null for NULL/empty. */
export function optionalDecimalReader(origin: Omit<QuantityOrigin, 'nullQty'>): (value: unknown, key: () => string) => Decimal | null {
  const q = optionalNumberReader(origin)
  return (value, key) => {
    const t = q(value, key)
    return t === '' ? null : new Decimal(t)
  }
}

function badQuantity(origin: Omit<QuantityOrigin, 'nullQty'>, key: string, value: unknown, what: string): SourceError {
  const where = origin.table === undefined ? t('errors.stock.sideQuery') : t('errors.stock.sideTable', {table: origin.table})
  return new SourceError(origin.source, t('errors.engine.badValue', {where, column: origin.column, value: showValue(value), key, what}), {
    code: 'BAD_VALUE',
    hints: [t('errors.engine.badValueHint'), t('errors.engine.badValueFixHint')],
  })
}

function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  let s = Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
  if (s.length > 60) s = `${s.slice(0, 60)}… (${s.length} characters)`
  return JSON.stringify(s)
}
