import {configuredTable, type ColumnReference, type SourceReference} from '../config/references.js'
import type {StockConfig} from './config.js'
import {msg} from '../systems/message.js'

type Expected = ColumnReference['expected']

/** Every table and column the `stock` section reads, for `plantops systems audit` (schema drift, missing indexes). */
export function stockReferences(section: StockConfig | undefined): SourceReference[] {
  if (!section) return []
  const out: SourceReference[] = []
  const {erp, wms} = section
  const filterCols = (filters: Record<string, unknown>, path: string): ColumnReference[] =>
    Object.keys(filters).map((c) => ({column: c, configPath: `${path}.filters.${c}`, expected: 'any' as const, keyed: true}))

  // both sides name the same key columns; the WMS side adds its bin-level ones; filter columns are keyed
  const keyColumns: Array<[string, Expected, boolean?]> = [['item', 'text'], ['warehouse', 'text'], ['lot', 'text'], ['qty', 'number'], ['uom', 'text']]
  const withFilters = (r: SourceReference, filters: Record<string, unknown>, path: string) => {
    r.columns.push(...filterCols(filters, path))
    return r
  }
  out.push(withFilters(configuredTable(erp, 'stock.erp', keyColumns, msg('references.purpose.stockErp')), erp.filters, 'stock.erp'))
  out.push(withFilters(configuredTable(wms, 'stock.wms', [...keyColumns, ['location', 'text'], ['status', 'text']], msg('references.purpose.stockWms')), wms.filters, 'stock.wms'))

  const m = section.itemMap
  if (m && 'source' in m) out.push(configuredTable(m, 'stock.itemMap', [['wms', 'text'], ['erp', 'text']], msg('references.purpose.stockItemMap')))
  const it = section.items
  const itemColumns: Array<[string, Expected]> = [['item', 'text'], ['uom', 'text'], ['class', 'text'], ['category', 'text'], ['unitCost', 'number'], ['packSize', 'number'], ['description', 'text'], ['annualUsage', 'number']]
  if (it) out.push(configuredTable(it, 'stock.items', itemColumns, msg('references.purpose.stockItems')))
  const wh = section.warehouses
  if (wh) out.push(configuredTable(wh, 'stock.warehouses', [['code', 'text'], ['name', 'text']], msg('references.purpose.stockWarehouses')))
  const iu = section.units.itemUnits
  if (iu) out.push(configuredTable(iu, 'stock.units.itemUnits', [['item', 'text'], ['uom', 'text'], ['factor', 'number']], msg('references.purpose.stockItemUnits')))
  const t = section.inTransit
  if (t) out.push(withFilters(configuredTable(t, 'stock.inTransit', [...keyColumns, ['movedAt', 'date', true], ['type', 'text']], msg('references.purpose.stockInTransit')), t.filters, 'stock.inTransit'))
  return out
}
