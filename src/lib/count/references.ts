import type {ColumnReference, SourceReference} from '../config/references.js'
import type {StockConfig} from '../stock/config.js'
import {type CountConfig, erpItemsSchema, erpStockSchema} from './config.js'
import {usesStockSection} from './erp-reads.js'

/**
 * What blind counts read from the sources, for `plantops systems audit` (schema drift and indexes).
 * Keyed columns: the bin stock is filtered by warehouse and status, movements by time and location.
 */
export function countReferences(section: CountConfig | undefined, config?: {stock?: StockConfig}): SourceReference[] {
  if (!section) return []
  const refs: SourceReference[] = []
  const col = (column: string | null, configPath: string, expected: ColumnReference['expected'], keyed = false): ColumnReference[] =>
    column ? [{column, configPath, expected, ...(keyed ? {keyed} : {})}] : []
  const w = section.wms
  const s = w.stock.columns
  refs.push({
    source: w.source,
    table: w.stock.table,
    configPath: 'count.wms.stock.table',
    purpose: 'blind count population (WMS bin stock)',
    columns: [
      ...col(s.location, 'count.wms.stock.columns.location', 'text'),
      ...col(s.warehouse, 'count.wms.stock.columns.warehouse', 'text', true),
      ...col(s.item, 'count.wms.stock.columns.item', 'text'),
      ...col(s.lot, 'count.wms.stock.columns.lot', 'text'),
      ...col(s.qty, 'count.wms.stock.columns.qty', 'number'),
      ...col(s.unit, 'count.wms.stock.columns.unit', 'text'),
      ...col(s.status, 'count.wms.stock.columns.status', 'text'),
    ],
  })
  if (w.locations) {
    const c = w.locations.columns
    refs.push({
      source: w.source,
      table: w.locations.table,
      configPath: 'count.wms.locations.table',
      purpose: 'blind count zones and last count dates (WMS locations)',
      columns: [...col(c.location, 'count.wms.locations.columns.location', 'text'), ...col(c.zone, 'count.wms.locations.columns.zone', 'text'), ...col(c.lastCounted, 'count.wms.locations.columns.lastCounted', 'date')],
    })
  }
  if (w.movements) {
    const c = w.movements.columns
    refs.push({
      source: w.source,
      table: w.movements.table,
      configPath: 'count.wms.movements.table',
      purpose: 'blind count cut-off (WMS movements during the count)',
      columns: [
        ...col(c.at, 'count.wms.movements.columns.at', 'date', true),
        ...col(c.type, 'count.wms.movements.columns.type', 'text'),
        ...col(c.location, 'count.wms.movements.columns.location', 'text', true),
        ...col(c.item, 'count.wms.movements.columns.item', 'text'),
        ...col(c.lot, 'count.wms.movements.columns.lot', 'text'),
        ...col(c.qty, 'count.wms.movements.columns.qty', 'number'),
        ...col(c.erpPosted, 'count.wms.movements.columns.erpPosted', 'number'),
      ],
    })
  }
  const e = section.erp
  // through the stock section, the ERP balances (and without count.erp.items, the items) are the stock section's references
  const viaStock = usesStockSection(section, config?.stock)
  const items = e?.items ?? (e && !viaStock ? erpItemsSchema.parse({}) : undefined)
  const balances = e && !viaStock ? (e.stock ?? erpStockSchema.parse({})) : undefined
  if (e && items) {
    const i = items.columns
    refs.push({
      source: e.source,
      table: items.table,
      configPath: 'count.erp.items.table',
      purpose: 'blind count item facts (ERP items: description, unit, cost, ABC class)',
      columns: [
        ...col(i.item, 'count.erp.items.columns.item', 'text'),
        ...col(i.description, 'count.erp.items.columns.description', 'text'),
        ...col(i.unit, 'count.erp.items.columns.unit', 'text'),
        ...col(i.unitCost, 'count.erp.items.columns.unitCost', 'number'),
        ...col(i.abcClass, 'count.erp.items.columns.abcClass', 'text'),
        ...col(i.annualUsage, 'count.erp.items.columns.annualUsage', 'number'),
      ],
    })
  }
  // the deprecated count.erp.stock (with a stock section the count reads stock.erp, listed by the stock section)
  if (e && balances) {
    const b = balances.columns
    refs.push({
      source: e.source,
      table: balances.table,
      configPath: 'count.erp.stock.table',
      purpose: 'blind count ERP snapshot (stock balances)',
      columns: [
        ...col(b.item, 'count.erp.stock.columns.item', 'text'),
        ...col(b.warehouse, 'count.erp.stock.columns.warehouse', 'text'),
        ...col(b.lot, 'count.erp.stock.columns.lot', 'text'),
        ...col(b.qty, 'count.erp.stock.columns.qty', 'number'),
      ],
    })
  }
  if (e?.units && !viaStock) {
      const u = e.units.columns
      refs.push({
        source: e.source,
        table: e.units.table,
        configPath: 'count.erp.units.table',
        purpose: 'blind count unit factors',
        columns: [...col(u.item, 'count.erp.units.columns.item', 'text'), ...col(u.unit, 'count.erp.units.columns.unit', 'text'), ...col(u.factor, 'count.erp.units.columns.factor', 'number')],
      })
  }
  const x = section.mapping.items
  if (x && !viaStock) {
    refs.push({
      source: x.source,
      table: x.table,
      configPath: 'count.mapping.items.table',
      purpose: 'blind count item cross-reference (WMS → ERP)',
      columns: [...col(x.columns.wms, 'count.mapping.items.columns.wms', 'text'), ...col(x.columns.erp, 'count.mapping.items.columns.erp', 'text')],
    })
  }
  return refs
}
