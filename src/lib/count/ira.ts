import {zForConfidence} from './sample-size.js'

/**
 * Inventory record accuracy (IRA) = lines within tolerance / lines counted, with a Wilson score interval for the
 * share in the whole population. When the sample is a sizeable share of a finite population (n/N > 5%), the finite
 * population correction shrinks the variance by (N − n)/(N − 1): Wilson's formula is used with the effective sample
 * size n' = n·(N − 1)/(N − n) (n = N gives the exact share, no interval).
 */
export interface Proportion {
  /** Lines within tolerance. */
  within: number
  /** Lines counted. */
  counted: number
  /** Point estimate within / counted (null when nothing was counted). */
  ira: number | null
  low: number | null
  high: number | null
  confidence: number
  /** Population the interval speaks for (null: treated as infinite). */
  population: number | null
  fpcApplied: boolean
}

export function wilsonInterval(within: number, counted: number, opts: {population?: number | null; confidence?: number} = {}): Proportion {
  const confidence = opts.confidence ?? 95
  const population = opts.population ?? null
  if (counted === 0) return {within, counted, ira: null, low: null, high: null, confidence, population, fpcApplied: false}
  if (within < 0 || within > counted) throw new RangeError(`within (${within}) must be between 0 and counted (${counted})`)
  const p = within / counted
  const z = zForConfidence(confidence)
  let n = counted
  let fpcApplied = false
  if (population !== null && population > 1 && counted / population > 0.05) {
    fpcApplied = true
    if (counted >= population) return {within, counted, ira: p, low: p, high: p, confidence, population, fpcApplied}
    n = (counted * (population - 1)) / (population - counted)
  }
  const z2 = z * z
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return {within, counted, ira: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), confidence, population, fpcApplied}
}
