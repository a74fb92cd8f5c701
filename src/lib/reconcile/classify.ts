import {Decimal} from '../decimal/decimal.js'
import {Rational} from './rational.js'
import {addScaled, cmpScaled, parseScaled, scaledDigits, type Scaled} from './scaled.js'

/** The five outcomes of comparing one key's two quantities. */
export const STATUSES = ['match', 'within_tolerance', 'over_tolerance', 'only_in_erp', 'only_in_wms'] as const
export type Status = (typeof STATUSES)[number]

/** A tolerance: the difference is tolerated when |diff| ≤ abs OR |diff| ≤ pct% of |reference|. No limit: zero tolerance. */
export interface Tolerance {
  abs?: Decimal
  pct?: Decimal
}

const HUNDRED = new Decimal(100)

/** A configured limit, as decimal text (`stock.tolerance.*`, a count's tolerance by class). */
export interface ToleranceLimit {
  abs?: string
  pct?: string
}

/** Limits by item category, by item class, and the default: the one tolerance rule of stock diff and count report. */
export interface ToleranceRules {
  default?: ToleranceLimit
  byClass?: Record<string, ToleranceLimit>
  byCategory?: Record<string, ToleranceLimit>
}

/**
 * The tolerance of an item: its category's limit when one is set (a category rule wins), else its class's, else the
 * default (none: zero tolerance). Limits are parsed once and shared.
 */
export function toleranceRule(rules: ToleranceRules): (item?: {cls?: string | null; cat?: string | null}) => Tolerance {
  const cache = new Map<string, Tolerance>()
  const tol = (key: string, l: ToleranceLimit | undefined): Tolerance => {
    let t = cache.get(key)
    if (!t) {
      t = {abs: l?.abs === undefined ? undefined : new Decimal(l.abs), pct: l?.pct === undefined ? undefined : new Decimal(l.pct)}
      cache.set(key, t)
    }
    return t
  }
  return (item) => {
    if (item?.cat && rules.byCategory?.[item.cat]) return tol(`g:${item.cat}`, rules.byCategory[item.cat])
    if (item?.cls && rules.byClass?.[item.cls]) return tol(`c:${item.cls}`, rules.byClass[item.cls])
    return tol('default', rules.default)
  }
}

export function withinTolerance(diff: Decimal, reference: Decimal, tol: Tolerance): boolean {
  const a = diff.abs()
  if (a.isZero()) return true
  if (tol.abs !== undefined && a.lte(tol.abs)) return true
  if (tol.pct !== undefined && !reference.isZero() && a.lte(reference.abs().times(tol.pct).div(HUNDRED))) return true
  return false
}

/**
 * Status of one key. `left` is the reference side (ERP), `right` the compared side (WMS); null = the side has no row.
 * A key present on one side only with a zero quantity is a match (nothing to act on).
 */
export function classify(left: Decimal | null, right: Decimal | null, tol: Tolerance): Status {
  if (left === null && right === null) return 'match'
  if (right === null) return left!.isZero() ? 'match' : 'only_in_erp'
  if (left === null) return right.isZero() ? 'match' : 'only_in_wms'
  const diff = right.minus(left)
  if (diff.isZero()) return 'match'
  return withinTolerance(diff, left, tol) ? 'within_tolerance' : 'over_tolerance'
}

/** Operands of at most this many digits: Decimal's 80-digit sums and products of them are exact, so answers agree. */
const SCALED_DIGITS = 38
/** A tolerance's limits as scaled integers (null: too long for the exact path), per Tolerance (shared by toleranceRule). */
const scaledLimits = new WeakMap<Tolerance, {abs?: Scaled; pct?: Scaled} | null>()

function limitsOf(tol: Tolerance): {abs?: Scaled; pct?: Scaled} | null {
  let l = scaledLimits.get(tol)
  if (l === undefined) {
    const abs = tol.abs === undefined ? undefined : parseScaled(tol.abs.toFixed())
    const pct = tol.pct === undefined ? undefined : parseScaled(tol.pct.toFixed())
    l = (abs !== undefined && scaledDigits(abs) > SCALED_DIGITS) || (pct !== undefined && scaledDigits(pct) > SCALED_DIGITS) ? null : {abs, pct}
    scaledLimits.set(tol, l)
  }
  return l
}

/**
 * `classify` on exact scaled integers (the same answers, without Decimal: profile at 2,000,000 keys/side, 8,000
 * variances, Decimal's subtraction, products and division were most of classifying them). Undefined when an operand or
 * limit is longer than SCALED_DIGITS digits: the caller then classifies with Decimal.
 */
export function classifyScaled(left: Scaled | null, right: Scaled | null, tol: Tolerance): Status | undefined {
  if (left === null && right === null) return 'match'
  if (right === null) return left!.v === 0n ? 'match' : 'only_in_erp'
  if (left === null) return right.v === 0n ? 'match' : 'only_in_wms'
  if (scaledDigits(left) > SCALED_DIGITS || scaledDigits(right) > SCALED_DIGITS) return undefined
  const lim = limitsOf(tol)
  if (lim === null) return undefined
  const d = addScaled(right, {v: -left.v, s: left.s})
  if (d.v === 0n) return 'match'
  const a = d.v < 0n ? {v: -d.v, s: d.s} : d
  if (lim.abs !== undefined && cmpScaled(a, lim.abs) <= 0) return 'within_tolerance'
  // |diff| <= |left| x pct / 100, i.e. |diff| x 100 <= |left| x pct
  if (lim.pct !== undefined && left.v !== 0n && cmpScaled({v: a.v * 100n, s: a.s}, {v: (left.v < 0n ? -left.v : left.v) * lim.pct.v, s: left.s + lim.pct.s}) <= 0) return 'within_tolerance'
  return 'over_tolerance'
}

/** diff / reference × 100, to 4 places; null when the reference is zero or missing. */
export function diffPct(diff: Decimal, reference: Decimal | null): Decimal | null {
  if (reference === null || reference.isZero()) return null
  return diff.div(reference.abs()).times(HUNDRED).toDecimalPlaces(4)
}

/** `classify` on exact rationals (quantities converted through a non-terminating unit factor): no rounding at all. */
export function classifyExact(left: Rational | null, right: Rational | null, tol: Tolerance): Status {
  if (left === null && right === null) return 'match'
  if (right === null) return left!.isZero() ? 'match' : 'only_in_erp'
  if (left === null) return right.isZero() ? 'match' : 'only_in_wms'
  const a = right.minus(left).abs()
  if (a.isZero()) return 'match'
  if (tol.abs !== undefined && a.cmp(Rational.of(tol.abs)) <= 0) return 'within_tolerance'
  if (tol.pct !== undefined && !left.isZero() && a.times(Rational.of('100')).cmp(left.abs().times(Rational.of(tol.pct))) <= 0) return 'within_tolerance'
  return 'over_tolerance'
}

/**
 * A count compares a counted quantity with a system's (WMS, ERP) in the same vocabulary: `match`,
 * `within_tolerance`, `over_tolerance`; `not_compared` when the system has no comparable quantity (no ERP read, the
 * item is not mapped, or its unit does not convert), the count's equivalent of a key on one side only.
 */
export const COUNT_STATUSES = ['match', 'within_tolerance', 'over_tolerance', 'not_compared'] as const
export type CountedStatus = (typeof COUNT_STATUSES)[number]

/** `classify` with the system quantity as the reference and the counted quantity as the compared side. */
export function classifyCounted(system: Decimal | null, counted: Decimal | null, tol: Tolerance): CountedStatus {
  if (system === null || counted === null) return 'not_compared'
  return classify(system, counted, tol) as CountedStatus
}

/** Whether a status is within tolerance (a match included): what IRA counts as accurate. */
export function isWithin(status: Status | CountedStatus): boolean {
  return status === 'match' || status === 'within_tolerance'
}
