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

export interface FieldProposal {
  field: StockField
  column: string
  /** 1 exact known name; 0.6 a known fragment. */
  confidence: number
}

export interface StockMappingProposal {
  /** Best column per field (each column used at most once). */
  fields: Partial<Record<StockField, FieldProposal>>
  /** The fields a stock side cannot do without that were not found. */
  missing: StockField[]
  /** Columns not used. */
  unused: string[]
}

const REQUIRED: StockField[] = ['item', 'warehouse', 'qty']

function score(field: StockField, column: string): number {
  const c = canonical(column)
  const names = NAMES[field].map(canonical)
  const i = names.indexOf(c)
  // earlier in the list = more specific; keep exact matches above 0.9
  if (i >= 0) return 1 - i / (names.length * 20)
  if (FRAGMENTS[field].some((f) => c.includes(canonical(f)))) return 0.6
  return 0
}

/** Propose which column holds each stock field; ties resolved by confidence, each column used once. */
export function proposeStockMapping(columns: string[]): StockMappingProposal {
  const candidates: Array<{field: StockField; column: string; s: number}> = []
  for (const field of STOCK_FIELDS) for (const column of columns) {
    const s = score(field, column)
    if (s > 0) candidates.push({field, column, s})
  }
  candidates.sort((a, b) => b.s - a.s || STOCK_FIELDS.indexOf(a.field) - STOCK_FIELDS.indexOf(b.field))
  const fields: StockMappingProposal['fields'] = {}
  const used = new Set<string>()
  for (const c of candidates) {
    if (fields[c.field] || used.has(c.column)) continue
    fields[c.field] = {field: c.field, column: c.column, confidence: c.s >= 0.9 ? 1 : 0.6}
    used.add(c.column)
  }
  return {fields, missing: REQUIRED.filter((f) => !fields[f]), unused: columns.filter((c) => !used.has(c))}
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
