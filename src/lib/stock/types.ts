import type {Status} from '../reconcile/classify.js'

export const CAUSES = ['uom_factor', 'lot_swap', 'in_transit', 'code_format', 'sign'] as const
export type Cause = (typeof CAUSES)[number]

/**
 * One reconciled key. The CSV contract, in order (the last six appended in 2026-12, new columns only ever at the end):
 * item,warehouse,lot,erp_qty,wms_qty,diff,diff_pct,uom,status,cause,first_seen,value_diff,in_transit_qty,explained,action,item_name,warehouse_name,stale
 * (`stale` is the run's, not the key's: see ReportedRow).
 * Quantities are exact decimal strings in the ERP unit; diff = wms_qty - erp_qty (a missing side counts as 0).
 */
export interface StockVarianceRow {
  item: string
  warehouse: string
  lot: string
  /** null: the ERP has no balance for the key. */
  erp_qty: string | null
  /** null: the WMS has no bins for the key. */
  wms_qty: string | null
  diff: string
  /** diff ÷ |erp_qty| × 100, 4 places; null when erp_qty is missing or zero. */
  diff_pct: string | null
  uom: string
  status: Status
  cause: Cause | null
  /** Date (YYYY-MM-DD) of the first run in the current unbroken series of runs that reported this key; null for matches. */
  first_seen: string | null
  /** diff × unit cost, 2 places; only with --show-cost. */
  value_diff: string | null
  /** How many consecutive runs (this one included) have reported this key. */
  runs_seen: number | null
  class: string | null
  category: string | null
  /** Quantity in flight (ERP unit) that the in-transit rule found for the key, when any. */
  in_transit_qty: string | null
  /** The difference is exactly explained by a cause that clears on its own (in_transit): it does not fail `--fail-on over-tolerance`. */
  explained: boolean
  /** What to do about the variance (beside its cause); null for matches. */
  action: string | null
  /** The item's description from the item master (stock.items.columns.description), when configured. */
  item_name: string | null
  /** The warehouse's name from the ERP warehouse master (stock.warehouses), when configured. */
  warehouse_name: string | null
}

/**
 * A row as the CSV and XLSX write it: the key, and `stale`, the replicas this run read although they lagged more than
 * their maxLagSeconds (--allow-stale), as `source:lagSeconds` (`source:unknown`) joined by `;`, on every row; empty
 * when every replica was fresh enough.
 */
export type ReportedRow = StockVarianceRow & {stale?: string}

export const CSV_COLUMNS = ['item', 'warehouse', 'lot', 'erp_qty', 'wms_qty', 'diff', 'diff_pct', 'uom', 'status', 'cause', 'first_seen', 'value_diff', 'in_transit_qty', 'explained', 'action', 'item_name', 'warehouse_name', 'stale'] as const

/** Ordering of reported keys: warehouse, item, lot (UTF-16 code unit order: the same everywhere, whatever the collation). */
export function compareRows(a: Pick<StockVarianceRow, 'warehouse' | 'item' | 'lot'>, b: Pick<StockVarianceRow, 'warehouse' | 'item' | 'lot'>): number {
  if (a.warehouse !== b.warehouse) return a.warehouse < b.warehouse ? -1 : 1
  if (a.item !== b.item) return a.item < b.item ? -1 : 1
  if (a.lot !== b.lot) return a.lot < b.lot ? -1 : 1
  return 0
}
