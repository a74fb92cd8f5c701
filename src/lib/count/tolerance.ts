import {Decimal} from '../decimal/decimal.js'
import type {AbcClass} from './config.js'

export type ToleranceStatus = 'match' | 'within' | 'over'

/**
 * Within tolerance when |counted − expected| ≤ pct% of |expected|. An expected zero tolerates no difference.
 * 'match' when there is no difference at all.
 */
export function toleranceStatus(counted: Decimal, expected: Decimal, pct: number): ToleranceStatus {
  const diff = counted.minus(expected).abs()
  if (diff.isZero()) return 'match'
  const allowed = expected.abs().times(new Decimal(pct)).div(100)
  return diff.lte(allowed) ? 'within' : 'over'
}

export function tolerancePctFor(cls: AbcClass, table: Record<AbcClass, number>): number {
  return table[cls]
}
