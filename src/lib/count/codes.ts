/**
 * Count keys. Codes of hand-typed sheets and of both systems are compared in the stock reconciliation's loose form
 * (`reconcile/keys.ts` looseCode: Unicode NFKC, no white space anywhere, upper case). Lots: the same, with NULL and
 * '' the same "no lot".
 */
import {looseCode} from '../reconcile/keys.js'

export function normLot(value: unknown): string {
  return looseCode(value)
}

/** Key of one stock line: location × item × lot. */
export function lineKey(location: string, item: string, lot: string | null | undefined): string {
  return `${looseCode(location)}\u0001${looseCode(item)}\u0001${normLot(lot)}`
}

/** Key of one ERP balance: item × warehouse × lot. */
export function erpKey(item: string, warehouse: string, lot: string | null | undefined): string {
  return `${looseCode(item)}\u0001${looseCode(warehouse)}\u0001${normLot(lot)}`
}

/** Walking order: location codes compared naturally (A2 before A10), then item, then lot. */
const collator = new Intl.Collator('en', {numeric: true, sensitivity: 'base'})
export function compareWalking(a: {location: string; sku: string; lot: string | null}, b: {location: string; sku: string; lot: string | null}): number {
  return collator.compare(a.location, b.location) || collator.compare(a.sku, b.sku) || collator.compare(a.lot ?? '', b.lot ?? '')
}
