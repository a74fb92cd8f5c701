/**
 * Recognise a stock table's columns by name: English, pinyin (full and initials) and the names used by common
 * Chinese ERPs (Kingdee K/3 and K/3 Cloud: FNumber, FQty, FStockID, FLot; Yonyou U8: cInvCode, iQuantity, cWhCode,
 * cBatch; Chinese column names). Pure: the `plantops init` wizard proposes, the user confirms or corrects.
 */
export const STOCK_FIELDS = ['item', 'warehouse', 'lot', 'qty', 'uom', 'location', 'status', 'updatedAt'] as const
export type StockField = (typeof STOCK_FIELDS)[number]

/** Names per field, most specific first. Compared without case, "_", "-" and spaces. */
const NAMES: Record<StockField, string[]> = {
  item: [
    'item_code', 'itemcode', 'item_no', 'item_number', 'item_id', 'material_code', 'material_no', 'material_number', 'material', 'part_no', 'part_number', 'sku',
    'product_code', 'goods_code', 'article_no', 'item',
    'FNumber', 'FItemID', 'FMaterialID', 'FMaterialNumber', 'cInvCode', 'InvCode',
    'wuliao_bianma', 'wuliaobianma', 'wuliao_daima', 'wuliao_bm', 'wlbm', 'wldm', 'cunhuo_bianma', 'chbm', 'chanpin_bianma', 'cpbm', 'huohao', 'shangpin_bianma', 'spbm',
    '物料编码', '物料代码', '存货编码', '产品编码', '商品编码', '货号', '料号',
  ],
  warehouse: [
    'warehouse_code', 'warehouse', 'warehouse_id', 'warehouse_no', 'wh_code', 'whcode', 'wh', 'whs_code', 'store_code', 'depot', 'stock_id',
    'FStockID', 'FStockNumber', 'cWhCode', 'WhCode',
    'cangku', 'cangku_bianma', 'cangku_daima', 'ck_code', 'ckbm', 'ckdm', 'ck',
    '仓库', '仓库编码', '仓库代码',
  ],
  lot: ['lot_no', 'lot', 'lot_number', 'batch_no', 'batch', 'batch_number', 'FLot', 'FBatchNo', 'cBatch', 'pihao', 'ph', '批号', '批次'],
  qty: [
    'qty', 'quantity', 'on_hand', 'onhand', 'onhand_qty', 'qty_on_hand', 'stock_qty', 'balance_qty', 'inventory_qty', 'available_qty', 'qty_available',
    'FQty', 'FBaseQty', 'FQTY', 'iQuantity', 'Quantity',
    'shuliang', 'kucun_shuliang', 'kucunshuliang', 'kcsl', 'sl', 'jieyu_shuliang', 'jcsl',
    '数量', '库存数量', '结存数量', '现存量',
  ],
  uom: ['uom', 'unit', 'unit_code', 'uom_code', 'unit_of_measure', 'FUnitID', 'FBaseUnitID', 'cComUnitCode', 'cInvMUnit', 'danwei', 'jiliang_danwei', 'jldw', 'dw', '单位', '计量单位'],
  location: ['location_code', 'location', 'bin', 'bin_code', 'bin_location', 'loc', 'FStockLocID', 'FStockPlaceID', 'cPosition', 'cPosCode', 'huowei', 'kuwei', 'hw', 'kw', '货位', '库位'],
  status: ['status', 'stock_status', 'inventory_status', 'qc_status', 'FStockStatusID', 'zhuangtai', 'kucun_zhuangtai', 'zt', '状态', '库存状态'],
  updatedAt: [
    'updated_at', 'update_time', 'updatetime', 'modified_at', 'modify_time', 'last_modified', 'last_update', 'changed_at', 'mtime', 'ts',
    'FModifyDate', 'dModifyDate', 'gengxin_shijian', 'xiugai_shijian', 'gxsj', '更新时间', '修改时间',
  ],
}

/** Fragments that suggest a field when no exact name matches (e.g. "erp_item_code_v2"). */
const FRAGMENTS: Record<StockField, string[]> = {
  item: ['itemcode', 'material', 'sku', 'invcode', 'wuliao', 'cunhuo', '物料', '存货'],
  warehouse: ['warehouse', 'whcode', 'stockid', 'cangku', '仓库'],
  lot: ['lot', 'batch', 'pihao', '批'],
  qty: ['qty', 'quantity', 'shuliang', '数量'],
  uom: ['uom', 'unit', 'danwei', '单位'],
  location: ['location', 'bin', 'huowei', 'kuwei', '货位', '库位'],
  status: ['status', 'zhuangtai', '状态'],
  updatedAt: ['updated', 'modif', 'gengxin', '更新', '修改'],
}

export function canonical(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s_\-.]+/g, '')
}

export interface FieldProposal<F extends string = StockField> {
  field: F
  column: string
  /** 1 exact known name; 0.6 a known fragment. */
  confidence: number
}

export interface MappingProposal<F extends string> {
  /** Best column per field (each column used at most once). */
  fields: Partial<Record<F, FieldProposal<F>>>
  /** The required fields that were not found. */
  missing: F[]
  /** Columns not used. */
  unused: string[]
}

export type StockMappingProposal = MappingProposal<StockField>

const REQUIRED: StockField[] = ['item', 'warehouse', 'qty']

/** How well a column name fits a field: exact known names first (earlier = more specific, kept above 0.9), then fragments (0.6). */
function scoreWith(names: string[], fragments: string[], column: string): number {
  const c = canonical(column)
  const known = names.map(canonical)
  const i = known.indexOf(c)
  if (i >= 0) return 1 - i / (known.length * 20)
  if (fragments.some((f) => c.includes(canonical(f)))) return 0.6
  return 0
}

/** Propose which column holds each field; ties resolved by confidence then field order, each column used once. */
export function proposeMapping<F extends string>(spec: {fields: readonly F[]; names: Record<F, string[]>; fragments: Record<F, string[]>; required: F[]}, columns: string[]): MappingProposal<F> {
  const candidates: Array<{field: F; column: string; s: number}> = []
  for (const field of spec.fields) for (const column of columns) {
    const s = scoreWith(spec.names[field], spec.fragments[field], column)
    if (s > 0) candidates.push({field, column, s})
  }
  candidates.sort((a, b) => b.s - a.s || spec.fields.indexOf(a.field) - spec.fields.indexOf(b.field))
  const fields: Partial<Record<F, FieldProposal<F>>> = {}
  const used = new Set<string>()
  for (const c of candidates) {
    if (fields[c.field] || used.has(c.column)) continue
    fields[c.field] = {field: c.field, column: c.column, confidence: c.s >= 0.9 ? 1 : 0.6}
    used.add(c.column)
  }
  return {fields, missing: spec.required.filter((f) => !fields[f]), unused: columns.filter((c) => !used.has(c))}
}

/** Propose which column holds each stock field; ties resolved by confidence, each column used once. */
export function proposeStockMapping(columns: string[]): StockMappingProposal {
  return proposeMapping({fields: STOCK_FIELDS, names: NAMES, fragments: FRAGMENTS, required: REQUIRED}, columns)
}

const TABLE_HINTS = ['stock', 'inventory', 'balance', 'onhand', 'binstock', 'kucun', 'icinventory', 'currentstock', 'tstkinventory', '库存', '结存']

/** Rank tables as stock-table candidates: columns that map to item/warehouse/qty, then a stock-like name. */
export function rankStockTables(tables: Array<{name: string; columns: string[]}>): Array<{name: string; score: number}> {
  return tables
    .map((t) => {
      const p = proposeStockMapping(t.columns)
      const fieldScore = (['item', 'qty', 'warehouse'] as const).filter((f) => p.fields[f]).length * 2 + Object.keys(p.fields).length * 0.25
      const nameScore = TABLE_HINTS.some((h) => canonical(t.name).includes(h)) ? 2 : 0
      return {name: t.name, score: fieldScore + nameScore}
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
}

// ── the orders-mes reconcile job: ERP sales order lines ↔ MES work orders ─────────────────────────────────

/** Fields of an ERP sales order line (the left side of orders-mes). */
export const ORDER_LINE_FIELDS = ['orderNo', 'lineNo', 'item', 'qty', 'dueDate', 'status', 'changedAt'] as const
export type OrderLineField = (typeof ORDER_LINE_FIELDS)[number]
/** Fields of an MES work order (the right side): its own number, the order line it was released for, what it makes. */
export const WORK_ORDER_FIELDS = ['woNo', 'orderNo', 'lineNo', 'item', 'qty', 'dueDate', 'status', 'changedAt'] as const
export type WorkOrderField = (typeof WORK_ORDER_FIELDS)[number]

const ORDER_NO = ['so_no', 'sales_order_no', 'sales_order', 'order_no', 'so_code', 'order_code', 'bill_no', 'FBillNo', 'cSOCode', 'csocode', 'dingdan_hao', 'ddh', '订单号', '销售订单号', '单据编号']
const LINE_NO = ['line_no', 'sales_order_line', 'so_line', 'order_line', 'line', 'seq', 'FSeq', 'FEntryID', 'iRowNo', 'irowno', 'hanghao', 'hh', '行号']
const DUE = ['due_date', 'delivery_date', 'promised_date', 'required_date', 'need_date', 'ship_date', 'FDeliveryDate', 'FPlanDeliveryDate', 'dPreDate', 'dPreMoDate', 'jiaohuo_riqi', 'jhrq', '交货日期', '预发货日期']
const STATUS = ['status', 'line_status', 'order_status', 'close_status', 'FCloseStatus', 'FMrpCloseStatus', 'FStatus', 'cSCloser', 'zhuangtai', '状态']

const ORDER_LINE_NAMES: Record<OrderLineField, string[]> = {
  orderNo: ORDER_NO,
  lineNo: LINE_NO,
  item: NAMES.item,
  qty: ['qty', 'quantity', 'order_qty', 'qty_ordered', 'ordered_qty', 'FQty', 'FBaseUnitQty', 'iQuantity', 'shuliang', 'sl', '数量', '订单数量'],
  dueDate: DUE,
  status: STATUS,
  changedAt: NAMES.updatedAt,
}
const ORDER_LINE_FRAGMENTS: Record<OrderLineField, string[]> = {
  orderNo: ['billno', 'socode', 'orderno', '订单'],
  lineNo: ['lineno', 'rowno', 'entryid', '行号'],
  item: FRAGMENTS.item,
  qty: FRAGMENTS.qty,
  dueDate: ['delivery', 'duedate', 'predate', '交货', '交期'],
  status: FRAGMENTS.status,
  changedAt: FRAGMENTS.updatedAt,
}

const WORK_ORDER_NAMES: Record<WorkOrderField, string[]> = {
  woNo: ['wo_no', 'work_order_no', 'work_order', 'wo_code', 'mo_no', 'mo_code', 'job_no', 'production_order_no', 'FBillNo', 'MoCode', 'cMoCode', 'gongdan_hao', 'gdh', '工单号', '生产订单号'],
  orderNo: ['sales_order_no', 'so_no', 'sales_order', 'order_no', 'so_code', 'FSaleOrderNo', 'FSrcBillNo', 'cSOCode', 'SoCode', '销售订单号', '订单号'],
  lineNo: ['sales_order_line', 'so_line', 'so_line_no', 'order_line', 'line_no', 'FSaleOrderEntrySeq', 'FSrcEntrySeq', 'iSORowNo', 'SoSeq', '订单行号', '行号'],
  item: NAMES.item,
  qty: ['plan_qty', 'qty_planned', 'planned_qty', 'wo_qty', 'order_qty', 'qty', 'quantity', 'FQty', 'iQuantity', 'Qty', '计划数量', '数量'],
  dueDate: ['due_date', 'plan_end', 'planned_end', 'plan_finish', 'planned_finish', 'finish_date', 'end_date', 'FPlanFinishDate', 'DueDate', 'dDueDate', '计划完工日期', '完工日期'],
  status: STATUS,
  changedAt: NAMES.updatedAt,
}
const WORK_ORDER_FRAGMENTS: Record<WorkOrderField, string[]> = {
  woNo: ['wono', 'workorder', 'mocode', '工单'],
  orderNo: ['salesorder', 'socode', 'sono', '销售订单'],
  lineNo: ['soline', 'orderline', 'sorow', '订单行'],
  item: FRAGMENTS.item,
  qty: ['planqty', 'qtyplan', 'qty', 'quantity', '数量'],
  dueDate: ['due', 'planend', 'finish', '完工'],
  status: FRAGMENTS.status,
  changedAt: FRAGMENTS.updatedAt,
}

export const ORDER_LINE_REQUIRED: OrderLineField[] = ['orderNo', 'item', 'qty']
export const WORK_ORDER_REQUIRED: WorkOrderField[] = ['orderNo', 'item', 'qty']

/** Recognise an ERP sales order line table's columns (Kingdee FBillNo/FQty/FDeliveryDate, Yonyou cSOCode/iQuantity/dPreDate, English). */
export function proposeOrderLineMapping(columns: string[]): MappingProposal<OrderLineField> {
  return proposeMapping({fields: ORDER_LINE_FIELDS, names: ORDER_LINE_NAMES, fragments: ORDER_LINE_FRAGMENTS, required: ORDER_LINE_REQUIRED}, columns)
}

/** Recognise an MES work order table's columns (wo_no, plan_qty, the sales order reference, due date). */
export function proposeWorkOrderMapping(columns: string[]): MappingProposal<WorkOrderField> {
  return proposeMapping({fields: WORK_ORDER_FIELDS, names: WORK_ORDER_NAMES, fragments: WORK_ORDER_FRAGMENTS, required: WORK_ORDER_REQUIRED}, columns)
}

const ORDER_TABLE_HINTS = ['salesorder', 'saleorder', 'sal_order', 'orderline', 'orderentry', 'sodetail', 'so_', 'dingdan', '订单']
const WORK_ORDER_TABLE_HINTS = ['workorder', 'work_order', 'wo', 'mo', 'production', 'gongdan', '工单']

/** Rank tables as the order-line (left) or work-order (right) table of orders-mes: required fields found, then a fitting name. */
export function rankOrderTables(tables: Array<{name: string; columns: string[]}>, side: 'orders' | 'work-orders'): Array<{name: string; score: number}> {
  const hints = side === 'orders' ? ORDER_TABLE_HINTS : WORK_ORDER_TABLE_HINTS
  return tables
    .map((t) => {
      const p = side === 'orders' ? proposeOrderLineMapping(t.columns) : proposeWorkOrderMapping(t.columns)
      const required: string[] = side === 'orders' ? ORDER_LINE_REQUIRED : WORK_ORDER_REQUIRED
      const found = Object.entries(p.fields).filter(([, v]) => v && (v as FieldProposal<string>).confidence === 1)
      const fieldScore = required.filter((f) => (p.fields as Record<string, unknown>)[f]).length * 2 + found.length * 0.5
      const has = (f: string) => Boolean((p.fields as Record<string, unknown>)[f])
      const own = side === 'work-orders' && has('woNo') ? 2 : side === 'orders' && has('dueDate') ? 1 : 0
      const nameScore = hints.some((h) => canonical(t.name).includes(canonical(h))) ? 2 : 0
      return {name: t.name, score: fieldScore + own + nameScore}
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
}
