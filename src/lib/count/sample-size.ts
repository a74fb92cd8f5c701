/**
 * Sample sizes for estimating a proportion (here: the share of stock lines whose records are right).
 * Cochran's formula n0 = χ²·p(1−p)/e² with p = 0.5 (the most conservative), then the finite population correction
 * n = n0 / (1 + (n0 − 1)/N), rounded to the nearest whole line. This is exactly Krejcie & Morgan's (1970)
 * s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)); with χ² taken as the table value to 3 decimals (3.841 for 95%) it
 * reproduces their published table.
 */

export interface SampleSizeInput {
  population: number
  /** Confidence level in percent, e.g. 95. */
  confidence: number
  /** Margin of error in percent, e.g. 5. */
  margin: number
  /** Expected proportion; 0.5 unless known. */
  proportion?: number
}

export interface SampleSize {
  population: number
  confidence: number
  margin: number
  /** z for the two-sided confidence level. */
  z: number
  /** χ² with one degree of freedom at the confidence level, as tables print it (3 decimals): z² rounded. */
  chiSquare: number
  /** Sample size for an infinite population. */
  n0: number
  /** Sample size with the finite population correction, rounded to the nearest line, at most the population. */
  size: number
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |relative error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`)
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  if (p > 1 - low) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/** Two-sided z for a confidence level in percent (95 → 1.95996…). */
export function zForConfidence(confidencePct: number): number {
  if (!(confidencePct > 0 && confidencePct < 100)) throw new RangeError(`confidence must be between 0 and 100 (exclusive), got ${confidencePct}`)
  return normalQuantile(1 - (1 - confidencePct / 100) / 2)
}

export function sampleSize(input: SampleSizeInput): SampleSize {
  const {population, confidence, margin} = input
  const p = input.proportion ?? 0.5
  if (!Number.isInteger(population) || population < 0) throw new RangeError(`population must be a whole number ≥ 0, got ${population}`)
  if (!(margin > 0 && margin < 100)) throw new RangeError(`margin must be between 0 and 100 (exclusive), got ${margin}`)
  const z = zForConfidence(confidence)
  const chiSquare = Math.round(z * z * 1000) / 1000
  const e = margin / 100
  const n0 = (chiSquare * p * (1 - p)) / (e * e)
  if (population === 0) return {population, confidence, margin, z, chiSquare, n0, size: 0}
  const n = n0 / (1 + (n0 - 1) / population)
  // nearest whole line (Krejcie & Morgan's rounding); a tiny epsilon keeps x.5 computed as x.4999… from rounding down
  const size = Math.min(population, Math.max(1, Math.round(n + 1e-9)))
  return {population, confidence, margin, z, chiSquare, n0, size}
}
