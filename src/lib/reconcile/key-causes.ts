/**
 * The causes of one key's variance that its own quantities show (no other key needed): a movement in transit that
 * explains the difference exactly, a sign error, a unit factor. Quantities are exact: Decimals (terminating values) or
 * Rationals (converted through a factor that does not terminate); the caller picks one kind for all of them.
 */
export interface ExactNumber<N> {
  isZero(): boolean
  eq(o: N): boolean
  neg(): N
  minus(o: N): N
  times(o: N): N
}

/** The difference ERP − WMS is exactly the quantity in transit (a missing side counts as zero). */
export function explainedByTransit<N extends ExactNumber<N>>(erp: N, wms: N, transit: N): boolean {
  return erp.minus(wms).eq(transit)
}

/** One side is the other with the sign flipped (and not zero). */
export function isSignError<N extends ExactNumber<N>>(erp: N, wms: N): boolean {
  return !erp.isZero() && erp.eq(wms.neg())
}

/** Both sides present and non-zero, and one is the other times a known unit factor (either way round). */
export function isUnitFactor<N extends ExactNumber<N>>(erp: N, wms: N, factors: Iterable<N>): boolean {
  if (erp.isZero() || wms.isZero()) return false
  for (const f of factors) if (wms.eq(erp.times(f)) || erp.eq(wms.times(f))) return true
  return false
}

/** sign, then uom_factor (in_transit is decided first by the caller, which also reports the quantity in transit). */
export function quantityCause<N extends ExactNumber<N>>(erp: N, wms: N, factors: () => Iterable<N>): 'sign' | 'uom_factor' | null {
  if (isSignError(erp, wms)) return 'sign'
  if (isUnitFactor(erp, wms, factors())) return 'uom_factor'
  return null
}
