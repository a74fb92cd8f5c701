import {Decimal} from '../decimal/decimal.js'
import type {AbcClass} from './config.js'

/**
 * ABC classes by annual usage value (Pareto): items ranked by value, highest first; an item is A while the cumulative
 * share of value before it is below cutoffs.A, B while below cutoffs.B, else C. Items with no value are C.
 * Ties are broken by item code so the result never depends on read order.
 */
export function classifyByUsageValue(
  items: Iterable<{item: string; value: Decimal}>,
  cutoffs: {A: number; B: number},
): Map<string, AbcClass> {
  const list = [...items].filter((i) => i.value.gt(0))
  list.sort((a, b) => b.value.cmp(a.value) || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
  const total = list.reduce((s, i) => s.plus(i.value), new Decimal(0))
  const out = new Map<string, AbcClass>()
  if (total.isZero()) return out
  const cutA = total.times(cutoffs.A)
  const cutB = total.times(cutoffs.B)
  let before = new Decimal(0)
  for (const i of list) {
    out.set(i.item, before.lt(cutA) ? 'A' : before.lt(cutB) ? 'B' : 'C')
    before = before.plus(i.value)
  }
  return out
}

/** A class value as found in a column ("a", " B ", "C类") or null when it is not A/B/C. */
export function parseClass(value: unknown): AbcClass | null {
  if (value === null || value === undefined) return null
  const s = String(value).normalize('NFKC').trim().toUpperCase().charAt(0)
  return s === 'A' || s === 'B' || s === 'C' ? s : null
}

/** The stricter of two classes (A before B before C). */
export function strictestClass(a: AbcClass, b: AbcClass): AbcClass {
  return a < b ? a : b
}
