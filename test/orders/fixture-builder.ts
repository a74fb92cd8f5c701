/**
 * Builds real order workbooks and CSVs with the quirks plants' files have, using exceljs's normal Workbook API
 * (and its streaming writer for the large benchmark file). Used by the tests, the benchmark, and
 * `npx tsx test/orders/make-fixtures.mts` (which writes fixtures/orders/*).
 *
 * SKUs are items of the demo plant's ERP (seed 20261120), so the fixtures import cleanly into `plantops demo`.
 */
import {writeFileSync} from 'node:fs'

import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'

/** Item master rows the fixtures use: code, base unit, alternative units (as in the demo ERP). */
export const FIXTURE_ITEMS: Array<{code: string; uom: string; alts: string[]}> = [
  {code: 'FG-10004', uom: 'PCS', alts: ['PCS']},
  {code: 'FG-10005', uom: 'PCS', alts: ['PCS']},
  {code: 'FG-10010', uom: 'PCS', alts: ['PCS']},
  {code: 'FG-10015', uom: 'PCS', alts: ['PCS', '箱']},
  {code: 'FG-10022', uom: 'PCS', alts: ['PCS']},
  {code: 'FG-10026', uom: 'PCS', alts: ['PCS']},
  {code: 'FG-10030', uom: 'PCS', alts: ['PCS', '箱']},
  {code: 'RM-10002', uom: '箱', alts: ['箱', 'PCS']},
  {code: 'SP-10006', uom: 'KG', alts: ['KG', 'G', 'T']},
]

export const CN_HEADERS = ['订单编号', '行号', '客户', '物料编码', '数量', '单位', '单价', '交期', '收货地址', '渠道', '订单状态']

/** A clean order line as the tests expect it stored. */
export interface FixtureLine {
  order_no: string
  line_no: number
  customer: string
  sku: string
  qty: string
  uom: string
  unit_price: string
  due_date: string
  ship_to: string
  channel: string
  status: string
}

export function cleanLines(): FixtureLine[] {
  const customers = ['台州利民电气有限公司', '东莞瑞丰精密制造有限公司', 'Pacific Pump Systems Inc.']
  const skus = ['FG-10004', 'FG-10005', 'FG-10010', 'FG-10015', 'FG-10022', 'FG-10026', 'FG-10030', 'RM-10002', 'SP-10006']
  const lines: FixtureLine[] = []
  for (let o = 1; o <= 4; o++) {
    for (let l = 1; l <= 3; l++) {
      const i = (o - 1) * 3 + l - 1
      const sku = skus[i % skus.length]
      lines.push({
        order_no: `SO-20261121-00${o}`,
        line_no: l,
        customer: customers[o % customers.length],
        sku,
        qty: sku === 'SP-10006' ? '12.5' : String(10 * l + o),
        uom: sku === 'SP-10006' ? 'KG' : sku === 'RM-10002' ? '箱' : 'PCS',
        unit_price: ['1280.00', '0.35', '45.5', '6861.02'][i % 4],
        due_date: `2026-12-${String(o + 1).padStart(2, '0')}`,
        ship_to: '浙江省台州市椒江区 开发大道 88 号',
        channel: o % 2 ? '直销' : '天猫',
        status: '已付款',
      })
    }
  }
  return lines
}

/** A clean Chinese order workbook: header in row 1, typed cells (numbers, real dates). */
export async function buildCleanXlsx(file: string, lines: FixtureLine[] = cleanLines()): Promise<void> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('订单')
  ws.addRow(CN_HEADERS)
  for (const l of lines) {
    const r = ws.addRow([l.order_no, l.line_no, l.customer, l.sku, Number(l.qty), l.uom, Number(l.unit_price), isoToDate(l.due_date), l.ship_to, l.channel, l.status])
    r.getCell(8).numFmt = 'yyyy-mm-dd'
  }
  await wb.xlsx.writeFile(file)
}

/** The customer's revision of the clean sheet: order SO-20261121-002 line 3 now 250 instead of 32, due 2027-02-01. */
export function revisedLines(): FixtureLine[] {
  const lines = cleanLines()
  lines[5].qty = '250'
  lines[5].due_date = '2027-02-01'
  return lines
}

/**
 * Every quirk at once (expected values in QUIRKS_EXPECTED): 1904 date system, a title row with a merged cell and a
 * blank row above the header, a UTF-8 BOM inside the first header, a notes sheet without headers and a hidden template sheet with them, English
 * headers with punctuation, a hyperlink order number, rich-text SKU, full-width SKU, numbers as text with thousands
 * separators and full-width digits, a currency sign, date serials with a Chinese date format, a date serial without
 * a format, text dates in four formats, a formula with a cached result, a formula whose result is #N/A, an unpaid
 * row (skipped by the trigger), whitespace, and trailing empty rows.
 */
export async function buildQuirksXlsx(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook()
  wb.properties.date1904 = true
  const notes = wb.addWorksheet('说明')
  notes.addRow(['本表由电商后台导出'])
  notes.addRow(['Exported by the shop back office'])
  const ws = wb.addWorksheet('Orders 11月')
  ws.addRow(['2026年11月 客户订单 / Customer orders November 2026'])
  ws.mergeCells('A1:I1')
  ws.addRow(['导出时间: 2026-11-21 08:00'])
  ws.addRow([])
  ws.addRow(['\uFEFFOrder No.', ' Line ', 'Customer', 'Item Code', 'Qty', 'UoM', 'Unit Price', 'Due Date', 'Status'])
  const cnDate = 'yyyy"年"m"月"d"日"'
  // 1: hyperlink order number, rich-text SKU, a real date with a Chinese format (1904 serial in the file)
  const r1 = ws.addRow([{text: 'SO-Q-001', hyperlink: 'https://shop.example.com/orders/SO-Q-001'}, 1, '台州利民电气有限公司', {richText: [{text: 'FG-'}, {font: {bold: true}, text: '10004'}]}, 5, 'PCS', 1280, isoToDate('2026-11-21'), '已付款'])
  r1.getCell(8).numFmt = cnDate
  // 2: numbers as text with thousands separator, full-width SKU, currency sign, text date 2026/11/21
  ws.addRow(['SO-Q-001', '2', ' 台州利民电气有限公司 ', 'ＦＧ－１０００５', '1,200', 'pcs', '¥1,280.50', '2026/11/21', '已付款'])
  // 3: full-width digits, text date 2026-11-21, status "paid"
  ws.addRow(['SO-Q-002', 1, 'Pacific Pump Systems Inc.', 'FG-10010', '１２', 'PCS', '0.35', '2026-11-22', 'paid'])
  // 4: text date 2026年11月21日, unit 箱 valid for FG-10015
  ws.addRow(['SO-Q-002', 2, 'Pacific Pump Systems Inc.', 'FG-10015', 2, '箱', 45.5, '2026年11月23日', 'Paid'])
  // 5: text date 21.11.2026, formula with cached result for qty
  ws.addRow(['SO-Q-003', 1, '东莞瑞丰精密制造有限公司', 'FG-10022', {formula: '3*4', result: 12}, 'PCS', 10, '24.11.2026', '已付款'])
  // 6: date serial without a number format (1904 system: 44889 = 2026-11-25), formula date with cached serial
  ws.addRow(['SO-Q-003', 2, '东莞瑞丰精密制造有限公司', 'SP-10006', '12.5', 'KG', 31.85, 44889, '已付款'])
  const r7 = ws.addRow(['SO-Q-003', 3, '东莞瑞丰精密制造有限公司', 'RM-10002', 1, '箱', 46.54, {formula: 'DATE(2026,11,26)', result: 44890}, '已付款'])
  r7.getCell(8).numFmt = 'yyyy-mm-dd'
  // 8: formula whose cached result is #N/A: rejected
  ws.addRow(['SO-Q-004', 1, '潍坊启明电气有限公司', 'FG-10026', {formula: 'VLOOKUP("x",A1:B2,2,FALSE)', result: {error: '#N/A'}}, 'PCS', 6861.02, '2026-11-27', '已付款'])
  // 9: unpaid: skipped by the trigger (it would be rejected otherwise: qty 0)
  ws.addRow(['SO-Q-005', 1, '潍坊启明电气有限公司', 'FG-10030', 0, 'PCS', 1, '2026-11-28', '未付款'])
  // trailing empty rows, some with styles only
  ws.addRow([])
  ws.addRow([null, null, ''])
  const blank = ws.addRow([])
  blank.getCell(1).fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFFFFF00'}}
  ws.addRow(['   '])
  // a hidden sheet before the data holding the same headers (an old template): must not be picked
  const hidden = wb.addWorksheet('模板', {state: 'hidden'})
  hidden.addRow(['订单编号', '行号', '物料编码', '数量', '订单状态'])
  hidden.addRow(['TEMPLATE-1', 1, 'FG-10004', 1, '已付款'])
  ;(hidden as unknown as {orderNo: number}).orderNo = -1 // first in the workbook's sheet order
  await wb.xlsx.writeFile(file)
}

/** What buildQuirksXlsx's rows must become (by order/line). */
export const QUIRKS_EXPECTED = [
  {order_no: 'SO-Q-001', line_no: '1', sku: 'FG-10004', qty: '5', uom: 'PCS', unit_price: '1280', due_date: '2026-11-21', customer: '台州利民电气有限公司'},
  {order_no: 'SO-Q-001', line_no: '2', sku: 'FG-10005', qty: '1200', uom: 'PCS', unit_price: '1280.5', due_date: '2026-11-21', customer: '台州利民电气有限公司'},
  {order_no: 'SO-Q-002', line_no: '1', sku: 'FG-10010', qty: '12', uom: 'PCS', unit_price: '0.35', due_date: '2026-11-22', customer: 'Pacific Pump Systems Inc.'},
  {order_no: 'SO-Q-002', line_no: '2', sku: 'FG-10015', qty: '2', uom: '箱', unit_price: '45.5', due_date: '2026-11-23', customer: 'Pacific Pump Systems Inc.'},
  {order_no: 'SO-Q-003', line_no: '1', sku: 'FG-10022', qty: '12', uom: 'PCS', unit_price: '10', due_date: '2026-11-24', customer: '东莞瑞丰精密制造有限公司'},
  {order_no: 'SO-Q-003', line_no: '2', sku: 'SP-10006', qty: '12.5', uom: 'KG', unit_price: '31.85', due_date: '2026-11-25', customer: '东莞瑞丰精密制造有限公司'},
  {order_no: 'SO-Q-003', line_no: '3', sku: 'RM-10002', qty: '1', uom: '箱', unit_price: '46.54', due_date: '2026-11-26', customer: '东莞瑞丰精密制造有限公司'},
]

/** Rows with problems (each described in BAD_EXPECTED) among good ones. Header row 1, sheet "订单". */
export async function buildBadRowsXlsx(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('订单')
  ws.addRow(CN_HEADERS)
  const rows: unknown[][] = [
    ['SO-B-001', 1, '台州利民电气有限公司', 'FG-10004', 10, 'PCS', 100, '2026-12-01', '', '直销', '已付款'], // good
    ['SO-B-001', 2, '台州利民电气有限公司', 'FG-10005', 0, 'PCS', -5, '2026-12-01', '', '直销', '已付款'], // qty 0, price < 0
    ['SO-B-002', 1, '东莞瑞丰精密制造有限公司', 'ABC-9', 3, 'PCS', 10, '2026-13-45', '', '直销', '已付款'], // unknown sku, bad date
    ['SO-B-002', 2, '东莞瑞丰精密制造有限公司', 'FG-10010', 3, 'KG', 10, '2026-12-02', '', '直销', '已付款'], // unit not valid
    ['SO-B-001', 1, '台州利民电气有限公司', 'FG-10004', 10, 'PCS', 100, '2026-12-01', '', '直销', '已付款'], // duplicate of row 2
    ['', 3, '东莞瑞丰精密制造有限公司', 'FG-10022', 'abc', 'PCS', 10, '2026-12-02', '', '直销', '已付款'], // no order_no, qty not a number
    ['SO-B-003', 1, 'Pacific Pump Systems Inc.', 'FG-10026', 7, 'PCS', 6861.02, '2026-12-03', '', '天猫', '已付款'], // good
  ]
  for (const r of rows) ws.addRow(r)
  await wb.xlsx.writeFile(file)
}

/** Sheet rows 2..8 of buildBadRowsXlsx: which are rejected and the problems expected in the errors column. */
export const BAD_EXPECTED: Record<number, string[]> = {
  3: ['qty: must be greater than 0', 'unit_price: must be at least 0'],
  4: ['due_date: not a valid date: "2026-13-45"', 'sku: ABC-9 not in ERP item master'],
  5: ['uom: KG is not a unit of FG-10010'],
  6: ['line_no: order SO-B-001 line 1 also on row 2 of this file (duplicate)'],
  7: ['order_no: required, empty', 'qty: not a number: "abc"'],
}

/** The clean lines as CSV in GB18030 (what Chinese Excel saves as "CSV"), no BOM, with thousands separators. */
export function buildGbkCsv(file: string, lines: FixtureLine[] = cleanLines()): void {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const text = [CN_HEADERS, ...lines.map((l) => [l.order_no, String(l.line_no), l.customer, l.sku, Number(l.qty) >= 1000 ? Number(l.qty).toLocaleString('en-US') : l.qty, l.uom, l.unit_price, l.due_date.replace(/-/g, '/'), l.ship_to, l.channel, l.status])]
    .map((r) => r.map(quote).join(','))
    .join('\r\n')
  writeFileSync(file, iconv.encode(`${text}\r\n`, 'gb18030'))
}

/** A large order workbook written with the streaming writer (shared strings off, like most back-office exports). */
export async function buildLargeXlsx(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({filename: file, useStyles: true, useSharedStrings: false})
  const ws = wb.addWorksheet('订单')
  ws.addRow(CN_HEADERS).commit()
  const skus = FIXTURE_ITEMS.map((i) => i.code)
  for (let i = 0; i < rows; i++) {
    const sku = skus[i % skus.length]
    const item = FIXTURE_ITEMS[i % skus.length]
    const r = ws.addRow([
      `SO-2026-${String(Math.floor(i / 5)).padStart(7, '0')}`,
      (i % 5) + 1,
      `客户${i % 60}`,
      sku,
      (i % 97) + 1,
      item.uom,
      ((i % 1000) + 0.25).toFixed(2),
      isoToDate(`2026-12-${String((i % 28) + 1).padStart(2, '0')}`),
      '浙江省台州市椒江区 开发大道 88 号',
      i % 3 ? '直销' : '天猫',
      '已付款',
    ])
    r.getCell(8).numFmt = 'yyyy-mm-dd'
    r.commit()
  }
  ws.commit()
  await wb.commit()
}

function isoToDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d))
}
