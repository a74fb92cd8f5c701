import type {StockConfig, StockGrain} from './config.js'

/** Where a read happens: inside the ERP side's snapshot, the WMS side's, or alone on its own source. */
export type ReadPlace = 'erp' | 'wms' | 'alone'

/** Who reads what, in which snapshot: decided once from the config (a pure function). */
export interface ReadPlan {
  /** Item master, per-item units: in the snapshot of the side on the same source, else alone after both sides. */
  items: ReadPlace | null
  units: ReadPlace | null
  /**
   * Movements in transit: in the WMS snapshot when on the WMS source (after the item map), in the ERP snapshot when on
   * the ERP source and coded like the ERP, else alone after both sides (WMS-coded movements need the item map).
   */
  transit: ReadPlace | null
  /** The item cross-reference: a CSV file, inside the WMS snapshot (same source), or alone before the sides. */
  itemMap: 'file' | 'wms' | 'alone' | null
}

export function planReads(cfg: StockConfig): ReadPlan {
  const at = (source: string | undefined): ReadPlace | null => (source === undefined ? null : source === cfg.erp.source ? 'erp' : source === cfg.wms.source ? 'wms' : 'alone')
  const t = cfg.inTransit
  const im = cfg.itemMap
  return {
    items: at(cfg.items?.source),
    units: at(cfg.units.itemUnits?.source),
    transit: t === undefined ? null : t.source === cfg.wms.source ? 'wms' : t.source === cfg.erp.source && t.side === 'erp' ? 'erp' : 'alone',
    itemMap: im === undefined ? null : 'file' in im ? 'file' : im.source === cfg.wms.source ? 'wms' : 'alone',
  }
}

/** Every source the run reads (sides and lookups): each is checked for replica lag before anything is read. */
export function planSources(cfg: StockConfig): string[] {
  const im = cfg.itemMap
  const names = [cfg.erp.source, cfg.wms.source, cfg.items?.source, cfg.units.itemUnits?.source, cfg.inTransit?.source, cfg.warehouses?.source, im && 'source' in im ? im.source : undefined]
  return [...new Set(names.filter((s): s is string => s !== undefined))]
}

/** What one run reconciles: the grain and the --warehouse / --class filters, and the history scope they make. */
export interface DiffScope {
  grain: StockGrain
  noLots: boolean
  /** ERP warehouse codes (normalised like ERP codes); empty = all. */
  warehouses: string[]
  classes: string[]
  /** The history key: variances are remembered per grain and filter. */
  key: string
}

export function diffScope(grain: StockGrain, warehouses: string[], classes: string[]): DiffScope {
  return {grain, noLots: grain === 'item-warehouse', warehouses, classes, key: JSON.stringify({grain, warehouses: [...warehouses].sort(), classes: [...classes].sort()})}
}

/** Partitions for small and mid-sized sides (and when the size is unknown). */
export const MIN_PARTITIONS = 1024
export const MAX_PARTITIONS = 4096
/** Rows of the larger side per partition the default aims at (the bins plant: ~2,000-2,500 keys per partition and side, ~3,000-3,600 WMS bin rows). */
export const ROWS_PER_PARTITION = 3600

/**
 * How many hash partitions a run spills to, from the larger side's row count (an estimate: MySQL's table statistics):
 * one per ROWS_PER_PARTITION rows in steps of 256, between MIN_PARTITIONS and MAX_PARTITIONS. A partition's keys are
 * reconciled in memory at once: at a fixed 1,024, a 5,000,000-row plant put 5-6.5k keys in each, whose Maps and texts
 * outgrow the merge threads' young generation (scavenges copying them again and again: 2-3x the merge's CPU) and land in
 * V8's large-object space (freed only by full collections).
 */
export function partitionsFor(rows: number): number {
  const n = Math.ceil(rows / ROWS_PER_PARTITION / 256) * 256
  return Math.min(MAX_PARTITIONS, Math.max(MIN_PARTITIONS, n))
}
