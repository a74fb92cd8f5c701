import {label} from '../i18n/index.js'
import {CANONICAL_FIELDS, type CanonicalField, type FieldType, type OrdersConfig} from './config.js'

const CANONICAL: ReadonlySet<string> = new Set(CANONICAL_FIELDS)

/** A field as people read it: a canonical field by its name in the language in force (English: the field name), a configured one as named. */
export function fieldLabel(field: string): string {
  // i18n-dynamic: orders.field.*
  return CANONICAL.has(field) ? label(`orders.field.${field}`) : field
}

/** One field as the importer uses it: built-in defaults merged with the config. */
export interface FieldSpec {
  name: string
  aliases: string[]
  required: boolean
  type: FieldType
  /** Lower bound for numbers, as a decimal string. */
  min?: string
  exclusiveMin?: boolean
  canonical: boolean
}

interface Builtin {
  aliases: string[]
  required?: boolean
  type?: FieldType
  min?: string
  exclusiveMin?: boolean
}

/** Built-in aliases: what Chinese and English order exports usually call these columns. */
const BUILTIN: Record<CanonicalField, Builtin> = {
  order_no: {aliases: ['order_no', '订单编号', '订单号', '单号', '订单号码', '销售订单号', 'Order No.', 'Order Number', 'Order ID', 'SO', 'SO No.', 'PO No.'], required: true},
  line_no: {aliases: ['line_no', '行号', '项次', '序号', '订单行号', 'Line', 'Line No.', 'Line Number'], required: true},
  customer: {aliases: ['customer', '客户', '客户名称', '客户编号', '客户代码', 'Customer', 'Customer Name', 'Customer Code', 'Buyer']},
  sku: {aliases: ['sku', '物料编码', '物料编号', '物料代码', '料号', '商品编码', '产品编码', '货号', 'SKU', 'Item Code', 'Item', 'Part No.', 'Product Code', 'Material'], required: true},
  qty: {aliases: ['qty', '数量', '订购数量', '订单数量', 'Qty', 'Quantity', 'Order Qty'], required: true, type: 'decimal', min: '0', exclusiveMin: true},
  uom: {aliases: ['uom', '单位', '计量单位', 'UoM', 'Unit', 'Unit of Measure']},
  unit_price: {aliases: ['unit_price', '单价', '含税单价', '价格', 'Unit Price', 'Price'], type: 'decimal', min: '0'},
  currency: {aliases: ['currency', '币种', '币别', 'Currency']},
  order_date: {aliases: ['order_date', '下单日期', '订单日期', '下单时间', 'Order Date'], type: 'date'},
  due_date: {aliases: ['due_date', '交期', '交货日期', '要求交期', '需求日期', '发货日期', 'Due Date', 'Delivery Date', 'Ship Date', 'Requested Date'], type: 'date'},
  ship_to: {aliases: ['ship_to', '收货地址', '送货地址', '收货人', 'Ship To', 'Ship-to', 'Delivery Address']},
  channel: {aliases: ['channel', '渠道', '销售渠道', '店铺', '平台', 'Channel', 'Store', 'Platform']},
  status: {aliases: ['status', '状态', '订单状态', '付款状态', 'Status', 'Order Status', 'Payment Status']},
  note: {aliases: ['note', '备注', '说明', 'Note', 'Notes', 'Remark', 'Remarks', 'Comment']},
}

/** Effective field list: every canonical field (built-in aliases + configured ones) and every configured extra field. */
export function resolveFields(cfg: Pick<OrdersConfig, 'fields'> | undefined): FieldSpec[] {
  const configured = cfg?.fields ?? {}
  const out: FieldSpec[] = []
  for (const name of CANONICAL_FIELDS) {
    const b = BUILTIN[name]
    const c = configured[name]
    out.push({
      name,
      aliases: dedupe([...(c?.aliases ?? []), ...b.aliases]),
      required: c?.required ?? b.required ?? false,
      // order_no/line_no/qty keep their built-in type: the upsert key and the range rules depend on it
      type: c?.type && !['order_no', 'line_no', 'qty', 'unit_price'].includes(name) ? c.type : (b.type ?? 'text'),
      min: c?.min === undefined ? b.min : String(c.min),
      exclusiveMin: c?.min === undefined ? b.exclusiveMin : (c.exclusiveMin ?? false),
      canonical: true,
    })
  }
  for (const [name, c] of Object.entries(configured)) {
    if ((CANONICAL_FIELDS as readonly string[]).includes(name)) continue
    out.push({
      name,
      aliases: dedupe([name, ...c.aliases]),
      required: c.required ?? false,
      type: c.type ?? 'text',
      min: c.min === undefined ? undefined : String(c.min),
      exclusiveMin: c.exclusiveMin,
      canonical: false,
    })
  }
  return out
}

/** Header text normalised for matching: width-folded (NFKC), lower case, no BOM, spaces or punctuation. */
export function normalizeHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u3000._\-/\\:：,，;；()（）[\]【】*#'"`’‘“”]+/g, '')
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const a of list) {
    const k = normalizeHeader(a)
    if (k === '' || seen.has(k)) continue
    seen.add(k)
    out.push(a)
  }
  return out
}
