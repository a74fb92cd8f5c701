import type {DemoPlant} from './types.js'

/**
 * The `stock:` section for the demo plant: ERP stock_balance against WMS bin_stock (AVAILABLE and QC_HOLD bins),
 * SKUs through wms.sku_xref, warehouses RM/SF/FG/SP → WH01..WH04, units through erp.item_uoms and pack sizes,
 * tolerance by ABC class, unposted SHIP movements of the 24 h before the plant's snapshot time as in transit.
 */
export function demoStockConfig(plant: DemoPlant): Record<string, unknown> {
  const m = plant.manifest
  const warehouseMap = Object.fromEntries(Object.entries(m.warehouseMap).map(([erp, wms]) => [wms, erp]))
  return {
    grain: 'item-warehouse-lot',
    erp: {
      source: 'erp',
      table: 'stock_balance',
      columns: {item: 'item_code', warehouse: 'warehouse_code', lot: 'lot_no', qty: 'qty', uom: 'uom'},
      normalize: {trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: true},
    },
    wms: {
      source: 'wms',
      table: 'bin_stock',
      columns: {item: 'sku', warehouse: 'wh_code', lot: 'lot', qty: 'qty', uom: 'uom', location: 'location_code', status: 'status'},
      filters: {status: ['AVAILABLE', 'QC_HOLD']},
      normalize: {trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: true},
    },
    warehouseMap,
    itemMap: {source: 'wms', table: 'sku_xref', columns: {wms: 'wms_sku', erp: 'erp_item_code'}},
    items: {
      source: 'erp',
      table: 'items',
      columns: {item: 'item_code', uom: 'uom', class: 'abc_class', category: 'category', unitCost: 'unit_cost', packSize: 'pack_size', description: 'name', annualUsage: 'annual_usage_qty'},
    },
    units: {
      conversions: [
        {from: 'KG', to: 'G', factor: 1000},
        {from: 'M', to: 'MM', factor: 1000},
        {from: 'L', to: 'ML', factor: 1000},
      ],
      pack: {uom: '箱', unit: 'PCS'},
      itemUnits: {source: 'erp', table: 'item_uoms', columns: {item: 'item_code', uom: 'uom', factor: 'factor'}},
    },
    tolerance: {
      default: {pct: 0},
      byClass: Object.fromEntries(Object.entries(m.suggestedTolerancePct).map(([cls, pct]) => [cls, {pct}])),
    },
    inTransit: {
      source: 'wms',
      table: 'movements',
      side: 'wms',
      columns: {item: 'sku', warehouse: 'wh_code', lot: 'lot', qty: 'qty', uom: 'uom', movedAt: 'moved_at', type: 'type'},
      filters: {erp_posted: [m.inTransit.erpPosted]},
      types: {[m.inTransit.movementType]: 'out'},
      windowHours: m.inTransit.windowHours,
      asOf: m.inTransit.to.replace(' ', 'T'),
    },
  }
}
