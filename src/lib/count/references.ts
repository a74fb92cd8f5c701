import {configuredTable, type SourceReference} from '../config/references.js'
import type {StockConfig} from '../stock/config.js'
import {type CountConfig, erpItemsSchema, erpStockSchema} from './config.js'
import {usesStockSection} from './erp-reads.js'
import {msg} from '../systems/message.js'

/**
 * What blind counts read from the sources, for `plantops systems audit` (schema drift and indexes).
 * Keyed columns: the bin stock is filtered by warehouse and status, movements by time and location.
 * Through the stock section (fromStock), the ERP balances, items, unit factors and code maps are the stock section's
 * references; the count lists only its own tables and the deprecated keys still in use.
 */
export function countReferences(section: CountConfig | undefined, config?: {stock?: StockConfig}): SourceReference[] {
  if (!section) return []
  const refs: SourceReference[] = []
  const w = section.wms
  const wms = <T extends object>(t: T) => ({...t, source: w.source})
  refs.push(
    configuredTable(wms(w.stock), 'count.wms.stock', [['location', 'text'], ['warehouse', 'text', true], ['item', 'text'], ['lot', 'text'], ['qty', 'number'], ['unit', 'text'], ['status', 'text']], msg('references.purpose.countWmsStock')),
  )
  if (w.locations) refs.push(configuredTable(wms(w.locations), 'count.wms.locations', [['location', 'text'], ['zone', 'text'], ['lastCounted', 'date']], msg('references.purpose.countLocations')))
  if (w.movements) {
    const keys: Parameters<typeof configuredTable>[2] = [['at', 'date', true], ['type', 'text'], ['location', 'text', true], ['item', 'text'], ['lot', 'text'], ['qty', 'number'], ['erpPosted', 'number']]
    refs.push(configuredTable(wms(w.movements), 'count.wms.movements', keys, msg('references.purpose.countMovements')))
  }
  const e = section.erp
  const viaStock = usesStockSection(section, config?.stock)
  if (e) {
    const erp = <T extends object>(t: T) => ({...t, source: e.source})
    const items = e.items ?? (viaStock ? undefined : erpItemsSchema.parse({}))
    const itemKeys: Parameters<typeof configuredTable>[2] = [['item', 'text'], ['description', 'text'], ['unit', 'text'], ['unitCost', 'number'], ['abcClass', 'text'], ['annualUsage', 'number']]
    if (items) refs.push(configuredTable(erp(items), 'count.erp.items', itemKeys, msg('references.purpose.countErpItems')))
    // the deprecated keys, read only without the stock section
    if (!viaStock) {
      refs.push(configuredTable(erp(e.stock ?? erpStockSchema.parse({})), 'count.erp.stock', [['item', 'text'], ['warehouse', 'text'], ['lot', 'text'], ['qty', 'number']], msg('references.purpose.countErpStock')))
      if (e.units) refs.push(configuredTable(erp(e.units), 'count.erp.units', [['item', 'text'], ['unit', 'text'], ['factor', 'number']], msg('references.purpose.countErpUnits')))
    }
  }
  const x = section.mapping.items
  if (x && !viaStock) refs.push(configuredTable(x, 'count.mapping.items', [['wms', 'text'], ['erp', 'text']], msg('references.purpose.countItemMap')))
  return refs
}
