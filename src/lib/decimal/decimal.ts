import {Decimal as DecimalJs} from 'decimal.js'

/**
 * Exact decimal arithmetic for quantities and money. A private Decimal constructor with enough precision
 * for DECIMAL(65,30) and friends, so sums of millions of DECIMAL(28,10) values never round.
 * Never compare or add quantities as JS numbers.
 */
export const Decimal = DecimalJs.clone({precision: 80, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 60})
export type Decimal = InstanceType<typeof Decimal>

export const ZERO = new Decimal(0)

/** Parse a database or file value into an exact decimal; null for NULL/empty. Throws on garbage. */
export function toDecimal(value: unknown): Decimal | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return new Decimal(value.toString())
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`)
    // shortest round-trip representation: 0.1 stays "0.1"
    return new Decimal(String(value))
  }
  if (typeof value === 'string') {
    const s = value.trim()
    if (s === '') return null
    return new Decimal(s)
  }
  if (DecimalJs.isDecimal(value)) return new Decimal(value as DecimalJs)
  throw new TypeError(`not a decimal: ${String(value)}`)
}

/** Same as toDecimal but NULL/empty becomes zero. */
export function toDecimalOrZero(value: unknown): Decimal {
  return toDecimal(value) ?? ZERO
}

/** Plain decimal string without exponent and without trailing zeros ("1.50" -> "1.5", "1E+3" -> "1000"). */
export function formatDecimal(d: Decimal | null | undefined): string {
  if (d === null || d === undefined) return ''
  if (d.isZero()) return '0'
  return d.toFixed()
}

/** Fixed number of decimals, rounded half-up (for display and money). */
export function formatFixed(d: Decimal | null | undefined, places: number): string {
  if (d === null || d === undefined) return ''
  return d.toFixed(places)
}

export function isDecimalString(s: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s.trim())
}
