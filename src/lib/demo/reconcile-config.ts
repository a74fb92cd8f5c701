import type {DemoPlant} from './types.js'

/**
 * The `reconcile:` section for the demo plant: the three shipped jobs.
 * - orders-mes: ERP sales order lines ↔ MES work orders (one-to-many by sales order number + line, cancelled work
 *   orders left out, quantities summed, latest due date), grace 120 min;
 * - shipments: ERP outbound lines ↔ WMS SHIP movements per plant-local day × item × warehouse, summed, grace 24 h;
 * - items: ERP item master ↔ WMS SKU master through the SKU cross-reference (unit, status, name).
 * The grace clock runs from the plant's snapshot time (the demo is a still picture of 2026-11-20 22:00).
 */
export function demoReconcileConfig(plant: DemoPlant): Record<string, unknown> {
  const m = plant.manifest
  const asOf = m.asOf.replace(' ', 'T')
  const codes = {trim: true, caseFold: 'upper', fullWidth: true}
  return {
    jobs: {
      'orders-mes': {
        description: 'ERP sales order lines ↔ MES work orders',
        left: {source: 'erp', table: 'sales_order_lines', label: 'ERP', changedAt: 'modified_at', normalize: {trim: true}},
        right: {source: 'mes', table: 'work_orders', label: 'MES', changedAt: 'updated_at', normalize: {trim: true}},
        link: {
          keys: [
            {name: 'so_no', left: 'so_no', right: 'sales_order_no'},
            {name: 'line_no', left: 'line_no', right: 'sales_order_line'},
          ],
          cardinality: 'one-to-many',
          rightStatus: {column: 'status', exclude: ['CANCELLED']},
          leftOptional: {column: 'status', values: ['X']},
        },
        compare: {
          item: {type: 'code', left: 'item_code', right: 'item_code'},
          qty: {type: 'decimal', left: 'qty', right: 'qty_planned'},
          due_date: {type: 'date', left: 'due_date', right: 'due_date', direction: 'right-later'},
          bom_version: {type: 'text', left: 'bom_version', right: 'bom_version'},
          status: {
            type: 'enum',
            left: 'status',
            right: 'status',
            map: {O: ['RELEASED', 'STARTED', 'DONE', 'CLOSED'], C: ['CLOSED', 'DONE'], X: ['CANCELLED']},
            inactive: {left: ['X', 'C'], rightActive: ['RELEASED', 'STARTED']},
          },
        },
        grace: {afterMinutes: 120, asOf},
        names: {only_in_left: 'missing_in_mes', only_in_right: 'orphan_in_mes'},
      },
      shipments: {
        description: 'ERP outbound ↔ WMS shipped, per day × item × warehouse',
        left: {source: 'erp', table: 'outbound_lines', label: 'ERP', changedAt: 'shipped_at', normalize: codes},
        right: {source: 'wms', table: 'movements', label: 'WMS', changedAt: 'moved_at', filters: {type: ['SHIP']}, normalize: codes},
        link: {
          keys: [
            {name: 'day', left: 'shipped_at', right: 'moved_at', bucket: 'day'},
            {name: 'item', left: 'item_code', right: 'sku', map: 'item'},
            {name: 'warehouse', left: 'warehouse_code', right: 'wh_code', map: 'warehouse'},
          ],
        },
        group: true,
        compare: {qty: {type: 'decimal', left: 'qty', right: 'qty', units: {left: 'uom', right: 'uom'}}},
        grace: {afterMinutes: 24 * 60, asOf},
        names: {only_in_left: 'not_shipped_in_wms', only_in_right: 'not_posted_in_erp'},
      },
      items: {
        description: 'ERP item master ↔ WMS SKU master',
        left: {source: 'erp', table: 'items', label: 'ERP', changedAt: 'updated_at', normalize: codes},
        right: {source: 'wms', table: 'sku_master', label: 'WMS', changedAt: 'updated_at', normalize: codes},
        link: {keys: [{name: 'item', left: 'item_code', right: 'sku', map: 'item'}]},
        compare: {
          uom: {type: 'enum', left: 'uom', right: 'uom', map: m.reconcile.uomMap},
          status: {type: 'enum', left: 'status', right: 'status', map: {A: ['ACTIVE'], B: ['BLOCKED']}, inactive: {left: ['B'], rightActive: ['ACTIVE']}},
          name: {type: 'text', left: 'name', right: 'description'},
        },
        names: {only_in_left: 'missing_in_wms', only_in_right: 'unknown_in_erp'},
      },
    },
  }
}
