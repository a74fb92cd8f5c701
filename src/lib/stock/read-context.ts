import type {CodeMap} from '../reconcile/mapping.js'
import {warehouseMap} from '../reconcile/mapping.js'
import type {StockConfig} from './config.js'
import {sideNormalizers, type ReadContext} from './read-sides.js'
import type {Spill} from './spill.js'

export interface ReadContextInput {
  cfg: StockConfig
  spill: Spill
  /** The item cross-reference as known so far (the caller may replace it once read inside a snapshot). */
  itemMap: CodeMap
  /** --warehouse, as typed (normalised here like ERP codes); empty = all. */
  warehouses: readonly string[]
  /** Compare at item × warehouse: both sides' lots read as ''. */
  noLots: boolean
  onRows?: ReadContext['onRows']
  rawRows?: boolean
}

/**
 * The context a side read works in, built one way wherever a side is read (this thread, a reader thread, tests): both
 * sides' normalisers (lots netted away when the scope has none), the warehouse map, the ERP warehouse filter.
 */
export function readContext(o: ReadContextInput): ReadContext {
  const erpNorm = sideNormalizers(o.cfg.erp.normalize)
  const wmsNorm = sideNormalizers(o.cfg.wms.normalize)
  if (o.noLots) {
    erpNorm.lot = () => ''
    wmsNorm.lot = () => ''
  }
  const ctx: ReadContext = {
    cfg: o.cfg,
    spill: o.spill,
    erpNorm,
    wmsNorm,
    itemMap: o.itemMap,
    whMap: warehouseMap(o.cfg, wmsNorm.code, erpNorm.code),
    warehouses: new Set(o.warehouses.map((w) => erpNorm.code(w))),
    noLots: o.noLots,
    onRows: o.onRows,
  }
  if (o.rawRows !== undefined) ctx.rawRows = o.rawRows
  return ctx
}
