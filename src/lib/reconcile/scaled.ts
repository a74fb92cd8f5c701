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

/**
 * Parse a decimal text exactly ("123.4500", "-0.5", "1e-7"); throws on anything that is not a number. Texts of at
 * most 15 digits (every DECIMAL(18,4) stock quantity below 10^11) are read digit by digit into an exact double and
 * become a BigInt without parsing a string (profile at 2,000,000 keys/side: the regex, the slices and BigInt(string)
 * were 7% of the reconcile); longer or unusual texts take the general path. Same value and scale either way.
 */
export function parseScaled(text: string): Scaled {
  const n = text.length
  if (n > 0 && n <= 17) {
    let i = 0
    const c0 = text.charCodeAt(0)
    if (c0 === 45 || c0 === 43) i = 1
    let v = 0
    let digits = 0
    let s = -1
    let zeros = 0
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48)
        digits++
        if (s >= 0) {
          s++
          zeros = c === 48 ? zeros + 1 : 0
        }
      } else if (c === 46 && s < 0) s = 0
      else break
    }
    if (i === n && digits > 0 && digits <= 15) {
      if (s < 0) s = 0
      else if (zeros > 0) {
        // trailing fraction zeros dropped, as below: v stays an exact integer (v < 2^53 is divisible by 10^zeros)
        v /= POW10N[zeros]
        s -= zeros
      }
      return {v: BigInt(c0 === 45 ? -v : v), s}
    }
  }
  return parseScaledText(text)
}

const POW10N = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

function parseScaledText(text: string): Scaled {
  if (!PLAIN.test(text)) {
    // exponent notation (within bounds) or garbage (throws)
    const p = parseQuantityText(text)
    // a defect (callers pass text a reader already accepted): its message is for whoever fixes the code, in English
    if (!p.ok) throw new TypeError(`not a quantity: ${JSON.stringify(text.slice(0, 60))} (${quantityReason(p, 'en')})`)
    return parseScaledText(p.text)
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

/** An exact integer and scale read by readPlainDigits (a reused scratch object: no allocation per value). */
export interface PlainDigits {
  v: number
  s: number
}

const SCRATCH: PlainDigits = {v: 0, s: 0}
const UTF8 = new TextDecoder()

/**
 * text[from, to) as a plain decimal ([+-]digits[.digits], 1 to 15 digits) into `out`: v the digits as an integer (signed;
 * exact in a double), s the count after the point. False, `out` untouched, for anything else (more digits, exponent,
 * spaces): the caller then takes the general path (parseScaled). `text` may also be UTF-8 bytes (a spilled partition
 * read in place by the stock reconcile): the same digits, read as byte values.
 */
export function readPlainDigits(text: string | Uint8Array, from: number, to: number, out: PlainDigits): boolean {
  const str = typeof text === 'string'
  let i = from
  let neg = false
  const c0 = str ? text.charCodeAt(i) : text[i]
  if (c0 === 45) {
    neg = true
    i++
  } else if (c0 === 43) i++
  let v = 0
  let digits = 0
  let s = -1
  for (; i < to; i++) {
    const c = str ? text.charCodeAt(i) : text[i]
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48)
      digits++
      if (s >= 0) s++
    } else if (c === 46 && s < 0) s = 0
    else return false
  }
  if (digits === 0 || digits > 15) return false
  out.v = neg ? -v : v
  out.s = s < 0 ? 0 : s
  return true
}

/**
 * Σ|x| over many decimal texts, exact: short plain texts (≤ 15 digits) are added as exact doubles, one running sum per
 * scale, moved into a BigInt before a sum could pass 2^53; anything else goes through parseScaled. The hot path of a
 * stock diff adds one ERP quantity per matching key, without a BigInt per key.
 */
export class AbsSum {
  private readonly small: number[] = []
  private big: Scaled = {v: 0n, s: 0}

  addText(text: string): void {
    this.addRange(text, 0, text.length)
  }

  /**
   * Add |text[from, to)|, the same as addText(text.slice(from, to)) without the slice; `text` may be UTF-8 bytes (see
   * readPlainDigits).
   */
  addRange(text: string | Uint8Array, from: number, to: number): void {
    if (to - from <= 17 && readPlainDigits(text, from, to, SCRATCH)) {
      this.addDigits(Math.abs(SCRATCH.v), SCRATCH.s)
      return
    }
    this.add(parseScaled(typeof text === 'string' ? text.slice(from, to) : UTF8.decode(text.subarray(from, to))))
  }

  /** Add v × 10^-s for a non-negative integer v below 10^15 (digits already read): no BigInt. */
  addDigits(v: number, s: number): void {
    const acc = this.small[s] ?? 0
    if (acc > 8e15) {
      this.big = addScaled(this.big, {v: BigInt(acc), s})
      this.small[s] = v
    } else this.small[s] = acc + v
  }

  add(x: Scaled): void {
    if (x.v !== 0n) this.big = addScaled(this.big, x.v < 0n ? {v: -x.v, s: x.s} : x)
  }

  value(): Scaled {
    let out = this.big
    for (let s = 0; s < this.small.length; s++) if (this.small[s]) out = addScaled(out, {v: BigInt(this.small[s]), s})
    return out
  }

  /** The sum so far, and start again from zero. */
  take(): Scaled {
    const out = this.value()
    this.small.length = 0
    this.big = {v: 0n, s: 0}
    return out
  }
}

const PCT_DEN_MAX = 10n ** 40n
const PCT_MAX = 10n ** 34n

/**
 * diff ÷ |ref| × 100 to 4 places, half away from zero, as the text Decimal's `diffPct(diff, ref).toFixed()` gives
 * (classify.ts), exactly and without Decimal: null when ref is zero. Undefined when the operands are so long that
 * Decimal's 80-digit division could round the quotient across a half at the 4th place (a run of ~40 nines needs a
 * divisor of ~40 digits): the caller then computes with Decimal.
 */
export function pctText(diff: Scaled, ref: Scaled): string | null | undefined {
  if (ref.v === 0n) return null
  const ra = ref.v < 0n ? -ref.v : ref.v
  const den = ra * pow10(diff.s)
  if (den >= PCT_DEN_MAX) return undefined
  const num = (diff.v < 0n ? -diff.v : diff.v) * pow10(ref.s + 6)
  let q = num / den
  if (2n * (num % den) >= den) q++
  if (q >= PCT_MAX) return undefined
  return formatScaled({v: diff.v < 0n ? -q : q, s: 4})
}

/** Significant digits of a scaled value's integer (an upper bound: trailing zeros count). */
export function scaledDigits(a: Scaled): number {
  return (a.v < 0n ? -a.v : a.v).toString().length
}

/**
 * A Scaled as the exact number key-causes.ts computes with (isSignError, isUnitFactor): the same answers as Decimal
 * while no product passes Decimal's 80 digits (callers keep operands within 38 digits), without Decimal's cost.
 */
export class ExactScaled implements Scaled {
  constructor(
    readonly v: bigint,
    readonly s: number,
  ) {}

  static of(a: Scaled): ExactScaled {
    return new ExactScaled(a.v, a.s)
  }

  isZero(): boolean {
    return this.v === 0n
  }

  eq(o: Scaled): boolean {
    return cmpScaled(this, o) === 0
  }

  neg(): ExactScaled {
    return new ExactScaled(-this.v, this.s)
  }

  minus(o: Scaled): ExactScaled {
    return ExactScaled.of(addScaled(this, {v: -o.v, s: o.s}))
  }

  times(o: Scaled): ExactScaled {
    return new ExactScaled(this.v * o.v, this.s + o.s)
  }
}
