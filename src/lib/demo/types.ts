import type {DemoSystem} from './schema.js'
import type {ReconcileManifest} from './reconcile-plant.js'

export type {DemoSystem} from './schema.js'

export interface DemoMysqlOptions {
  host: string
  port: number
  user: string
  password?: string
  /** Database names are `${prefix}erp`, `${prefix}wms`, `${prefix}mes`. Default 'plantops_demo_'. Letters, digits, _ only. */
  prefix?: string
  /** Drop existing databases of those names even when plantops demo did not create them. */
  force?: boolean
}

export interface DemoProgress {
  phase: 'prepare' | 'items' | 'stock' | 'mes' | 'orders' | 'indexes' | 'done'
  /** Rows written so far (all tables, all systems). */
  rows: number
  /** Approximate rows the build will write in total. */
  totalRows: number
}

export interface DemoOptions {
  /**
   * SQLite: target directory for erp.db, wms.db, mes.db and demo-manifest.json (default ./demo-plant).
   * MySQL: where demo-manifest.json is written; when omitted with `mysql`, no manifest file is written.
   */
  dir?: string
  /** Build into MariaDB/MySQL instead of SQLite. */
  mysql?: DemoMysqlOptions
  /** ERP stock_balance rows (exact); WMS bin_stock is about 1.5x. Default 20000. Items = stockRows / 5 unless `items`. */
  stockRows?: number
  /** Item master size; default round(stockRows / 5) (4000 for the default plant). */
  items?: number
  /** PRNG seed (32-bit integer). Default 20261120. */
  seed?: number
  /** Snapshot time of the plant, wall-clock plant time. Default 2026-11-20T22:00:00. */
  asOf?: string
  /** Rows per multi-row INSERT. Default 1000 (SQLite) / 5000 (MySQL). */
  batchSize?: number
  onProgress?: (p: DemoProgress) => void
}

export type DemoDb =
  | {system: DemoSystem; client: 'sqlite'; /** absolute path */ filename: string}
  | {system: DemoSystem; client: 'mysql'; host: string; port: number; user: string; database: string; /** the password itself is never kept */ passwordSet: boolean}

export interface DemoPlant {
  systems: {erp: DemoDb; wms: DemoDb; mes: DemoDb}
  manifest: DemoManifest
  /** Absolute path of demo-manifest.json, when one was written. */
  manifestPath: string | null
  /** Rows per table, keyed `system.table` (e.g. `wms.bin_stock`). */
  counts: Record<string, number>
  elapsedMs: number
}

export const DISCREPANCY_KINDS = [
  'qty_small',
  'qty_big',
  'only_in_erp',
  'only_in_wms',
  'uom_factor',
  'lot_swap',
  'code_format',
  'in_transit',
  'sign',
  'decimal_exact',
  'damaged',
] as const
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number]

export interface DemoErpKey {
  item: string
  /** ERP warehouse code (WH01...). */
  warehouse: string
  lot: string | null
}

export interface DemoWmsKey {
  /** The sku exactly as written in bin_stock (for code_format: the malformed spelling). */
  sku: string
  /** WMS warehouse code (RM, SF, FG, SP). */
  warehouse: string
  lot: string | null
}

/**
 * One seeded discrepancy, for one item x warehouse x lot key. Both addresses are always given (where the row is,
 * or where it would be); a side that has no rows has qty null.
 */
export interface DemoManifestEntry {
  kind: DiscrepancyKind
  erp: DemoErpKey
  wms: DemoWmsKey
  /** ERP stock_balance.qty (ERP unit); null when ERP has no row. */
  erpQty: string | null
  /**
   * Sum of the key's WMS bins, status DAMAGED excluded, converted to the ERP unit by each bin's own uom label
   * (erp.item_uoms factor); null when WMS has no bins. For uom_factor this is the (wrong) value the labels give.
   */
  wmsQty: string | null
  /** The item's ERP unit. */
  uom: string
  /** What a correctly configured reconciliation should report for this key. */
  expected: 'match' | 'within_tolerance' | 'over_tolerance' | 'only_in_erp' | 'only_in_wms' | 'in_transit'
  note: string
  /** in_transit: unposted SHIP quantity within the window (ERP unit); erpQty - wmsQty = transitQty. */
  transitQty?: string
  /** damaged: DAMAGED bin quantity (ERP unit), excluded from wmsQty. */
  damagedQty?: string
  /** lot_swap: the other lot of the pair. */
  swappedWithLot?: string | null
  /** uom_factor: wmsQty / erpQty (e.g. "1000", "0.001", "100"). */
  factor?: string
}

export interface DemoManifest {
  version: 1
  seed: number
  asOf: string
  stockRows: number
  items: number
  /** ERP warehouse code -> WMS warehouse code. */
  warehouseMap: Record<string, string>
  /** WMS sku <-> ERP item: `S` + the digits of the item code (RM-10023 <-> S10023); table wms.sku_xref. */
  skuRule: string
  /** WMS unit -> ERP unit conversions that occur (WMS qty x factor = ERP qty); PCS->箱 is per item (1 / pack_size). */
  unitConversions: Array<{wmsUom: string; erpUom: string; factor: string; items: number}>
  /** Bin statuses a reconciliation excludes. */
  excludedStatuses: string[]
  /** In-transit rule: WMS movements of this type, erp_posted = 0, moved_at in (asOf - windowHours, asOf]. */
  inTransit: {movementType: 'SHIP'; erpPosted: 0; windowHours: number; from: string; to: string}
  /** Per ABC class, the tolerance (% of ERP qty) qty_small stays within and qty_big exceeds. */
  suggestedTolerancePct: {A: number; B: number; C: number}
  countsByKind: Record<DiscrepancyKind, number>
  entries: DemoManifestEntry[]
  /** The reconcile jobs' seeded discrepancies (orders-mes, shipments, items). */
  reconcile: ReconcileManifest
}
