import {describe, expect, it} from 'vitest'

import {proposeOrderLineMapping, proposeStockMapping, proposeWorkOrderMapping, rankOrderTables, rankStockTables} from '../../src/lib/init/recognise.js'

const pick = (cols: string[]) => Object.fromEntries(Object.entries(proposeStockMapping(cols).fields).map(([k, v]) => [k, v?.column]))

describe('stock column recognition', () => {
  it('English names (the demo ERP and WMS)', () => {
    expect(pick(['id', 'item_code', 'warehouse_code', 'lot_no', 'qty', 'uom', 'updated_at'])).toEqual({item: 'item_code', warehouse: 'warehouse_code', lot: 'lot_no', qty: 'qty', uom: 'uom', updatedAt: 'updated_at'})
    expect(pick(['id', 'location_code', 'wh_code', 'sku', 'lot', 'qty', 'uom', 'status', 'updated_at'])).toEqual({
      item: 'sku', warehouse: 'wh_code', lot: 'lot', qty: 'qty', uom: 'uom', location: 'location_code', status: 'status', updatedAt: 'updated_at',
    })
  })

  it('Kingdee K/3 names', () => {
    const p = proposeStockMapping(['FItemID', 'FNumber', 'FStockID', 'FStockPlaceID', 'FBatchNo', 'FQty', 'FUnitID', 'FModifyDate'])
    expect(p.fields.item?.column).toBe('FNumber')
    expect(p.fields.warehouse?.column).toBe('FStockID')
    expect(p.fields.qty?.column).toBe('FQty')
    expect(p.fields.lot?.column).toBe('FBatchNo')
    expect(p.fields.location?.column).toBe('FStockPlaceID')
    expect(p.fields.uom?.column).toBe('FUnitID')
    expect(p.fields.updatedAt?.column).toBe('FModifyDate')
    expect(p.missing).toEqual([])
    expect(p.unused).toEqual(['FItemID'])
  })

  it('Yonyou U8 names (CurrentStock)', () => {
    expect(pick(['AutoID', 'cWhCode', 'cInvCode', 'cBatch', 'iQuantity', 'cPosition'])).toEqual({item: 'cInvCode', warehouse: 'cWhCode', lot: 'cBatch', qty: 'iQuantity', location: 'cPosition'})
  })

  it('pinyin and Chinese names', () => {
    expect(pick(['wuliao_bianma', 'cangku', 'pihao', 'shuliang', 'danwei', 'huowei'])).toEqual({item: 'wuliao_bianma', warehouse: 'cangku', lot: 'pihao', qty: 'shuliang', uom: 'danwei', location: 'huowei'})
    expect(pick(['物料编码', '仓库', '批号', '库存数量', '计量单位'])).toEqual({item: '物料编码', warehouse: '仓库', lot: '批号', qty: '库存数量', uom: '计量单位'})
  })

  it('fragments give a lower-confidence guess; nothing found is reported missing', () => {
    const p = proposeStockMapping(['erp_item_code_v2', 'total_qty_kg', 'remark'])
    expect(p.fields.item).toEqual({field: 'item', column: 'erp_item_code_v2', confidence: 0.6})
    expect(p.fields.qty?.column).toBe('total_qty_kg')
    expect(p.missing).toEqual(['warehouse'])
    expect(p.unused).toEqual(['remark'])
  })

  it('each column is used once; exact beats fragment', () => {
    const p = proposeStockMapping(['qty', 'qty_reserved', 'item_code'])
    expect(p.fields.qty?.column).toBe('qty')
    expect(p.fields.item?.column).toBe('item_code')
  })

  it('ranks stock tables first', () => {
    const ranked = rankStockTables([
      {name: 'customers', columns: ['customer_code', 'name']},
      {name: 'items', columns: ['item_code', 'name', 'uom']},
      {name: 'stock_balance', columns: ['item_code', 'warehouse_code', 'qty', 'uom']},
      {name: 'movements', columns: ['sku', 'wh_code', 'qty', 'moved_at', 'type']},
    ])
    expect(ranked.map((r) => r.name)).toEqual(['stock_balance', 'movements', 'items', 'customers'])
  })
})

describe('orders-mes column recognition (plantops init)', () => {
  const cols = <F extends string>(p: {fields: Partial<Record<F, {column: string} | undefined>>}) => Object.fromEntries(Object.entries(p.fields).map(([k, v]) => [k, (v as {column: string}).column]))

  it('Kingdee K/3 Cloud sales order entries: FBillNo / FSeq / FQty / FDeliveryDate', () => {
    const p = proposeOrderLineMapping(['FEntryID', 'FBillNo', 'FSeq', 'FMaterialID', 'FQty', 'FDeliveryDate', 'FModifyDate'])
    expect(cols(p)).toEqual({orderNo: 'FBillNo', lineNo: 'FSeq', item: 'FMaterialID', qty: 'FQty', dueDate: 'FDeliveryDate', changedAt: 'FModifyDate'})
    expect(p.missing).toEqual([])
  })

  it('Yonyou U8 SO_SODetails: cSOCode / iRowNo / cInvCode / iQuantity / dPreDate', () => {
    const p = proposeOrderLineMapping(['AutoID', 'cSOCode', 'iRowNo', 'cInvCode', 'iQuantity', 'dPreDate', 'cSCloser'])
    expect(cols(p)).toEqual({orderNo: 'cSOCode', lineNo: 'iRowNo', item: 'cInvCode', qty: 'iQuantity', dueDate: 'dPreDate', status: 'cSCloser'})
  })

  it('MES work orders: wo_no / plan_qty and the sales order reference', () => {
    const p = proposeWorkOrderMapping(['id', 'wo_no', 'sales_order_no', 'sales_order_line', 'item_code', 'plan_qty', 'due_date', 'status', 'updated_at'])
    expect(cols(p)).toEqual({woNo: 'wo_no', orderNo: 'sales_order_no', lineNo: 'sales_order_line', item: 'item_code', qty: 'plan_qty', dueDate: 'due_date', status: 'status', changedAt: 'updated_at'})
    expect(p.missing).toEqual([])
  })

  it('ranks the order entry table above a stock table, and the work order table above a BOM', () => {
    const erp = [
      {name: 'T_STK_INVENTORY', columns: ['FNumber', 'FStockID', 'FBaseQty']},
      {name: 'T_SAL_ORDERENTRY', columns: ['FBillNo', 'FSeq', 'FNumber', 'FQty', 'FDeliveryDate']},
    ]
    expect(rankOrderTables(erp, 'orders')[0].name).toBe('T_SAL_ORDERENTRY')
    const mes = [
      {name: 'mes_bom', columns: ['item_code', 'version', 'qty']},
      {name: 'mes_work_order', columns: ['wo_no', 'sales_order_no', 'item_code', 'plan_qty']},
    ]
    expect(rankOrderTables(mes, 'work-orders')[0].name).toBe('mes_work_order')
  })
})
