/**
 * Code normalisation for matching keys across systems and hand-typed sheets: Unicode NFKC (full-width ＲＭ－１ → RM-1),
 * no whitespace anywhere, upper case. Lots: the same, with NULL and '' the same "no lot".
 */
// printable ASCII without spaces needs neither NFKC nor whitespace removal: the fast path for almost every code
const PLAIN = /^[\x21-\x7e]*$/

export function normCode(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = typeof value === 'string' ? value : String(value)
  if (PLAIN.test(s)) return s.toUpperCase()
  return s.normalize('NFKC').replace(/\s+/gu, '').toUpperCase()
}

export function normLot(value: unknown): string {
  return normCode(value)
}

/** Key of one stock line: location × item × lot. */
export function lineKey(location: string, item: string, lot: string | null | undefined): string {
  return `${normCode(location)}\u0001${normCode(item)}\u0001${normLot(lot)}`
}

/** Key of one ERP balance: item × warehouse × lot. */
export function erpKey(item: string, warehouse: string, lot: string | null | undefined): string {
  return `${normCode(item)}\u0001${normCode(warehouse)}\u0001${normLot(lot)}`
}

/** Walking order: location codes compared naturally (A2 before A10), then item, then lot. */
const collator = new Intl.Collator('en', {numeric: true, sensitivity: 'base'})
export function compareWalking(a: {location: string; sku: string; lot: string | null}, b: {location: string; sku: string; lot: string | null}): number {
  return collator.compare(a.location, b.location) || collator.compare(a.sku, b.sku) || collator.compare(a.lot ?? '', b.lot ?? '')
}
