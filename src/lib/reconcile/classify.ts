import {Decimal} from '../decimal/decimal.js'
import {Rational} from './rational.js'

/** The five outcomes of comparing one key's two quantities. */
export const STATUSES = ['match', 'within_tolerance', 'over_tolerance', 'only_in_erp', 'only_in_wms'] as const
export type Status = (typeof STATUSES)[number]

/** A tolerance: the difference is tolerated when |diff| ≤ abs OR |diff| ≤ pct% of |reference|. No limit: zero tolerance. */
export interface Tolerance {
  abs?: Decimal
  pct?: Decimal
}

const HUNDRED = new Decimal(100)

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

/** A configured limit: abs and/or pct as decimal text or numbers. */
export interface ToleranceLimitConfig {
  abs?: number | string
  pct?: number | string
}

/**
 * The one tolerance rule: by item category when one is configured for the item's category, else by class, else the
 * default (category wins). Built once; each distinct rule's Decimals are made once.
 */
export function toleranceRule(cfg: {default?: ToleranceLimitConfig; byClass: Record<string, ToleranceLimitConfig>; byCategory: Record<string, ToleranceLimitConfig>}): (item: {cls: string | null; cat: string | null} | undefined) => Tolerance {
  const cache = new Map<string, Tolerance>()
  const tol = (key: string, l: ToleranceLimitConfig | undefined): Tolerance => {
    let t = cache.get(key)
    if (!t) {
      t = {abs: l?.abs === undefined ? undefined : new Decimal(l.abs), pct: l?.pct === undefined ? undefined : new Decimal(l.pct)}
      cache.set(key, t)
    }
    return t
  }
  return (info) => {
    if (info?.cat && cfg.byCategory[info.cat]) return tol(`g:${info.cat}`, cfg.byCategory[info.cat])
    if (info?.cls && cfg.byClass[info.cls]) return tol(`c:${info.cls}`, cfg.byClass[info.cls])
    return tol('default', cfg.default)
  }
}
