import type {DemoPlant} from './types.js'

/**
 * The `orders:` section for the demo plant: order files are checked against the demo ERP's item master
 * (items.item_code / items.uom, alternative units in item_uoms), only paid orders are imported, and a few header
 * spellings the demo's customers use are added to the built-in aliases. The sample files in fixtures/orders/ use
 * items of the default demo plant (seed 20261120, 20,000 stock rows).
 */
export function demoOrdersConfig(_plant: DemoPlant): Record<string, unknown> {
  return {
    trigger: {field: 'status', in: ['已付款', 'paid']},
    itemMaster: {
      source: 'erp',
      table: 'items',
      skuColumn: 'item_code',
      uomColumn: 'uom',
      uoms: {table: 'item_uoms', skuColumn: 'item_code', uomColumn: 'uom'},
      batchSize: 500,
    },
    fields: {
      customer: {aliases: ['客户名称', '购货单位']},
      sku: {aliases: ['物料号', '存货编码']},
      qty: {aliases: ['订货数量']},
      ship_to: {aliases: ['收货信息']},
    },
    headerSearchRows: 30,
  }
}
