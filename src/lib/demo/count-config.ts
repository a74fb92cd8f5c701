import type {DemoPlant} from './types.js'

/**
 * The `count:` section for the demo plant: the WMS bins (DAMAGED left out) are the population, zones from
 * wms.locations, cut-off from wms.movements (RECEIVE in, SHIP/PICK out; erp_posted says whether the ERP booked it).
 * The ERP balances, the items (description, ABC class, annual usage, unit cost), per-item units, the SKU
 * cross-reference and the warehouse map are read through the `stock:` section (fromStock), never restated.
 */
export function demoCountConfig(plant: DemoPlant): Record<string, unknown> {
  const m = plant.manifest
  return {
    wms: {
      source: 'wms',
      stock: {
        table: 'bin_stock',
        columns: {location: 'location_code', warehouse: 'wh_code', item: 'sku', lot: 'lot', qty: 'qty', unit: 'uom', status: 'status'},
        excludeStatuses: m.excludedStatuses,
      },
      locations: {table: 'locations', columns: {location: 'location_code', zone: 'zone', lastCounted: 'last_counted_at'}},
      movements: {
        table: 'movements',
        columns: {at: 'moved_at', type: 'type', location: 'location_code', item: 'sku', lot: 'lot', qty: 'qty', erpPosted: 'erp_posted'},
        direction: {RECEIVE: 1, SHIP: -1, PICK: -1},
      },
    },
    // ERP balances, item facts, unit factors, the SKU cross-reference and the warehouse map come from the stock section
    mapping: {fromStock: true},
    classes: {from: 'column', cutoffs: {A: 0.8, B: 0.95}},
    tolerancePct: m.suggestedTolerancePct,
    weights: {A: 4, B: 2, C: 1},
    frequencyDays: {A: 30, B: 90, C: 365},
    intervalDays: 7,
    confidence: 95,
    margin: 5,
  }
}
