import {Decimal} from '../decimal/decimal.js'
import {parseQuantityText, quantityReason} from './quantity.js'

/**
 * Exact decimal quantities as scaled integers (value = v / 10^s), for the hot path: parsing and adding millions of
 * DECIMAL strings with BigInt is exact and several times faster than decimal.js. Convert to Decimal only where
 * division or display needs it.
 */
export interface Scaled {
  v: bigint
  s: number
}

const POW10: bigint[] = [1n]
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1] * 10n)
  return POW10[n]
}

const PLAIN = /^[+-]?\d+(\.\d*)?$|^[+-]?\.\d+$/

/** Parse a decimal text exactly ("123.4500", "-0.5", "1e-7"); throws on anything that is not a number. */
export function parseScaled(text: string): Scaled {
  if (!PLAIN.test(text)) {
    // exponent notation (within bounds) or garbage (throws)
    const p = parseQuantityText(text)
    // a defect (callers pass text a reader already accepted): its message is for whoever fixes the code, in English
    if (!p.ok) throw new TypeError(`not a quantity: ${JSON.stringify(text.slice(0, 60))} (${quantityReason(p, 'en')})`)
    return parseScaled(p.text)
  }
  const dot = text.indexOf('.')
  if (dot < 0) return {v: BigInt(text), s: 0}
  let end = text.length
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--
  const frac = text.slice(dot + 1, end)
  let int = text.slice(0, dot)
  if (int === '' || int === '-' || int === '+') int += '0'
  return {v: BigInt(int + frac), s: frac.length}
}

/** a + b, exact. */
export function addScaled(a: Scaled, b: Scaled): Scaled {
  if (a.s === b.s) return {v: a.v + b.v, s: a.s}
  if (a.s > b.s) return {v: a.v + b.v * pow10(a.s - b.s), s: a.s}
  return {v: a.v * pow10(b.s - a.s) + b.v, s: b.s}
}

/** Compare exactly: -1, 0, 1. */
export function cmpScaled(a: Scaled, b: Scaled): number {
  let x = a.v
  let y = b.v
  if (a.s > b.s) y *= pow10(a.s - b.s)
  else if (b.s > a.s) x *= pow10(b.s - a.s)
  return x < y ? -1 : x > y ? 1 : 0
}

export function isZeroScaled(a: Scaled): boolean {
  return a.v === 0n
}

/** Plain decimal text without trailing zeros ("2.5", "-0.001", "0"). */
export function formatScaled(a: Scaled): string {
  let v = a.v
  let s = a.s
  while (s > 0 && v % 10n === 0n) {
    v /= 10n
    s--
  }
  if (s === 0) return v.toString()
  const neg = v < 0n
  let digits = (neg ? -v : v).toString()
  if (digits.length <= s) digits = '0'.repeat(s - digits.length + 1) + digits
  const out = `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`
  return neg ? `-${out}` : out
}

export function scaledToDecimal(a: Scaled): Decimal {
  return new Decimal(formatScaled(a))
}

export const ZERO_SCALED: Scaled = {v: 0n, s: 0}
