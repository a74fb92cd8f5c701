import {copyFileSync, existsSync} from 'node:fs'
import path from 'node:path'

import ExcelJS from 'exceljs'
import type {Knex} from 'knex'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/cli/errors.js'
import {loadConfig} from '../../src/lib/config/load.js'
import {importOrders, type ImportOrdersOptions} from '../../src/lib/orders/import-orders.js'
import {SourceSet} from '../../src/lib/sources/source-set.js'
import {openStore, type Store} from '../../src/lib/store/store.js'
import {tempDir} from '../helpers/cli.js'
import {BAD_EXPECTED, buildBadRowsXlsx, buildCleanXlsx, buildGbkCsv, buildQuirksXlsx, cleanLines, QUIRKS_EXPECTED} from './fixture-builder.js'
import {makeItemMasterSqlite, writeConfig} from './helpers.js'
import {corpusFile} from '../helpers/corpus.js'

/** Read a workbook's first sheet as rows of cell texts (null for empty), 1-based like Excel. */
async function readSheet(file: string): Promise<{rows: Array<Array<unknown>>; highlighted: Array<number[]>}> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const ws = wb.worksheets[0]
  const rows: unknown[][] = []
  const highlighted: number[][] = []
  ws.eachRow((r, n) => {
    const vals: unknown[] = []
    const hl: number[] = []
    for (let c = 1; c <= ws.columnCount; c++) {
      vals.push(r.getCell(c).value ?? null)
      if ((r.getCell(c).fill as {fgColor?: {argb?: string}} | undefined)?.fgColor?.argb === 'FFFFC7CE') hl.push(c)
    }
    rows[n - 1] = vals
    highlighted[n - 1] = hl
  })
  return {rows, highlighted}
}

describe('orders import (SQLite item master and store)', () => {
  let dir: string
  let store: Store
  let sources: SourceSet
  let run: (files: string[], over?: Partial<ImportOrdersOptions>) => ReturnType<typeof importOrders>
  let config: ImportOrdersOptions['config']
  const lines = (knex: Knex, orderPrefix: string) => knex('orders_lines').where('order_no', 'like', `${orderPrefix}%`).orderBy(['order_no', 'line_no'])

  beforeAll(async () => {
    dir = tempDir('plantops-orders-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    writeConfig(dir)
    const loaded = loadConfig({configPath: path.join(dir, 'plantops.yaml')})
    config = loaded.config
    store = await openStore(loaded.config.store, dir)
    sources = new SourceSet(loaded.config, dir)
    run = (files, over = {}) => importOrders({files, config: loaded.config, configDir: dir, store: store.knex, sources, dryRun: false, ...over})
    await buildCleanXlsx(path.join(dir, 'clean.xlsx'))
    await buildQuirksXlsx(path.join(dir, 'quirks.xlsx'))
    await buildBadRowsXlsx(path.join(dir, 'bad.xlsx'))
    buildGbkCsv(path.join(dir, 'orders-gbk.csv'))
  })

  afterAll(async () => {
    await sources?.closeAll()
    await store?.close()
  })

  it('imports a clean workbook, then re-importing it changes nothing (unchanged 12)', async () => {
    const first = await run([path.join(dir, 'clean.xlsx')])
    expect(first.files[0]).toMatchObject({rowsRead: 12, imported: 12, updated: 0, unchanged: 0, skipped: 0, rejected: 0, sheet: '订单', headerRow: 1})
    const stored = await lines(store.knex, 'SO-20261121')
    expect(stored).toHaveLength(12)
    const want = cleanLines()
    expect(stored.map((l) => [l.order_no, l.line_no, l.sku, l.qty, l.uom, l.unit_price, l.due_date, l.customer])).toEqual(
      want.map((l) => [l.order_no, String(l.line_no), l.sku, l.qty, l.uom, String(Number(l.unit_price)), l.due_date, l.customer]),
    )
    const again = await run([path.join(dir, 'clean.xlsx')])
    expect(again.files[0]).toMatchObject({rowsRead: 12, imported: 0, updated: 0, unchanged: 12, rejected: 0})
    expect(again.files[0].previousImports.map((p) => p.id)).toEqual([first.files[0].importId])
    expect(await store.knex('orders_changes').count({n: '*'})).toEqual([{n: 0}])
  })

  it('records every changed field of a line that changed since the last import', async () => {
    const changed = cleanLines()
    changed[0].qty = '99'
    changed[0].due_date = '2027-01-15'
    changed[4].unit_price = '0.36'
    await buildCleanXlsx(path.join(dir, 'clean-v2.xlsx'), changed)
    const r = await run([path.join(dir, 'clean-v2.xlsx')])
    expect(r.files[0]).toMatchObject({imported: 0, updated: 2, unchanged: 10, changes: 3})
    const changes = await store.knex('orders_changes').where('import_id', r.files[0].importId!).orderBy('id')
    expect(changes.map((c) => [c.order_no, c.line_no, c.field, c.old_value, c.new_value])).toEqual([
      ['SO-20261121-001', '1', 'qty', '11', '99'],
      ['SO-20261121-001', '1', 'due_date', '2026-12-02', '2027-01-15'],
      ['SO-20261121-002', '2', 'unit_price', '1280', '0.36'],
    ])
    const [line] = await store.knex('orders_lines').where({order_no: 'SO-20261121-001', line_no: '1'})
    expect([line.qty, line.due_date, line.first_import_id < line.last_import_id]).toEqual(['99', '2027-01-15', true])
  })

  it('reads every quirk: 1904 dates, title rows, merged cells, BOM header, formulas, rich text, hyperlinks, text numbers and dates', async () => {
    const r = await run([path.join(dir, 'quirks.xlsx')])
    const f = r.files[0]
    expect(f).toMatchObject({sheet: 'Orders 11月', headerRow: 4, rowsRead: 9, imported: 7, skipped: 1, rejected: 1})
    const stored = await lines(store.knex, 'SO-Q-')
    expect(stored.map((l) => ({order_no: l.order_no, line_no: l.line_no, sku: l.sku, qty: l.qty, uom: l.uom, unit_price: l.unit_price, due_date: l.due_date, customer: l.customer}))).toEqual(QUIRKS_EXPECTED)
    const rejects = await readSheet(f.rejectsFile!)
    expect(rejects.rows[0]).toEqual(['errors', 'Order No.', 'Line', 'Customer', 'Item Code', 'Qty', 'UoM', 'Unit Price', 'Due Date', 'Status', 'source_file', 'source_sheet', 'source_row'])
    // exceljs dropped the cached error code; the sheets reader keeps it
    expect(rejects.rows[1][0]).toBe('qty: error value #N/A in the cell')
    expect(rejects.rows[1][5]).toBe('=VLOOKUP("x",A1:B2,2,FALSE)')
    expect(rejects.rows[1].slice(10)).toEqual(['quirks.xlsx', 'Orders 11月', 12])
    expect(rejects.highlighted[1]).toEqual([6])
  })

  it('collects every problem of every bad row into the rejects workbook, with the bad cells highlighted', async () => {
    const r = await run([path.join(dir, 'bad.xlsx')])
    const f = r.files[0]
    expect(f).toMatchObject({rowsRead: 7, imported: 2, rejected: 5})
    expect(f.rejectsFile).toBe(path.join(dir, 'bad.rejects.xlsx'))
    const {rows, highlighted} = await readSheet(f.rejectsFile!)
    expect(rows).toHaveLength(6)
    const bySourceRow = new Map(rows.slice(1).map((row, i) => [Number(row.at(-1)), {errors: String(row[0]), hl: highlighted[i + 1], row}]))
    expect([...bySourceRow.keys()]).toEqual([3, 4, 5, 6, 7])
    for (const [n, expected] of Object.entries(BAD_EXPECTED)) {
      const got = bySourceRow.get(Number(n))!.errors.split('; ')
      expect(got.length, `row ${n}: ${got.join(' | ')}`).toBe(expected.length)
      expected.forEach((e, i) => expect(got[i].startsWith(e), `row ${n}: "${got[i]}" should start with "${e}"`).toBe(true))
    }
    // headers: errors, 订单编号(2) 行号(3) 客户(4) 物料编码(5) 数量(6) 单位(7) 单价(8) 交期(9)
    expect(bySourceRow.get(3)!.hl).toEqual([6, 8])
    expect(bySourceRow.get(4)!.hl).toEqual([5, 9])
    expect(bySourceRow.get(5)!.hl).toEqual([7])
    expect(bySourceRow.get(7)!.hl).toEqual([2, 6])
    // original values as in the file: numbers stay numbers, text stays text
    expect(bySourceRow.get(3)!.row.slice(1, 9)).toEqual(['SO-B-001', 2, '台州利民电气有限公司', 'FG-10005', 0, 'PCS', -5, '2026-12-01'])
  })

  it('round trip: fix the rejects workbook as is, import it again, and every line is in', async () => {
    const rejectsFile = path.join(dir, 'bad.rejects.xlsx')
    const fixed = path.join(dir, 'bad-fixed.rejects.xlsx')
    copyFileSync(rejectsFile, fixed)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(fixed)
    const ws = wb.worksheets[0]
    ws.eachRow((row, n) => {
      if (n === 1) return
      const src = Number(row.getCell(15).value)
      if (src === 3) {
        row.getCell(6).value = 4
        row.getCell(8).value = 5
      }
      if (src === 4) {
        row.getCell(5).value = 'FG-10022'
        row.getCell(9).value = '2026-12-15'
      }
      if (src === 5) row.getCell(7).value = 'PCS'
      if (src === 6) row.getCell(3).value = 4 // the duplicate was meant to be line 4
      if (src === 7) {
        row.getCell(2).value = 'SO-B-004'
        row.getCell(6).value = '3'
      }
    })
    await wb.xlsx.writeFile(fixed)
    const r = await run([fixed])
    expect(r.files[0]).toMatchObject({rowsRead: 5, imported: 5, updated: 0, rejected: 0, rejectsFile: null})
    const stored = await lines(store.knex, 'SO-B-')
    expect(stored.map((l) => `${l.order_no}/${l.line_no} ${l.sku} ${l.qty} ${l.uom}`)).toEqual([
      'SO-B-001/1 FG-10004 10 PCS',
      'SO-B-001/2 FG-10005 4 PCS',
      'SO-B-001/4 FG-10004 10 PCS',
      'SO-B-002/1 FG-10022 3 PCS',
      'SO-B-002/2 FG-10010 3 PCS',
      'SO-B-003/1 FG-10026 7 PCS',
      'SO-B-004/3 FG-10022 3 PCS',
    ])
  })

  it('reads a GBK CSV saved by Chinese Excel (no BOM): same lines as the workbook', async () => {
    const r = await run([path.join(dir, 'orders-gbk.csv')])
    // the clean workbook's lines, two of which clean-v2 changed: the CSV changes them back
    expect(r.files[0]).toMatchObject({rowsRead: 12, imported: 0, rejected: 0, updated: 2, unchanged: 10})
    const [line] = await store.knex('orders_lines').where({order_no: 'SO-20261121-002', line_no: '1'})
    expect([line.ship_to, line.channel]).toEqual(['浙江省台州市椒江区 开发大道 88 号', '天猫'])
  })

  it('--dry-run validates and counts without writing anything', async () => {
    const before = await store.knex('orders_imports').count({n: '*'})
    await buildCleanXlsx(path.join(dir, 'dry.xlsx'), cleanLines().map((l) => ({...l, order_no: l.order_no.replace('SO-', 'DRY-')})))
    const r = await run([path.join(dir, 'dry.xlsx')], {dryRun: true})
    expect(r.files[0]).toMatchObject({imported: 12, importId: null, dryRun: true, rejectsFile: null})
    expect(await lines(store.knex, 'DRY-')).toHaveLength(0)
    expect(await store.knex('orders_imports').count({n: '*'})).toEqual(before)
  })

  it('a database error mid-file leaves the store exactly as before (one transaction per file)', async () => {
    const big = cleanLines().flatMap((l, i) => [0, 1, 2, 3, 4, 5].map((k) => ({...l, order_no: `TX-${i}-${k}`})))
    await buildCleanXlsx(path.join(dir, 'tx.xlsx'), big)
    // make the 50th insert fail: a trigger on the store (SQLite) aborts when it sees TX-8-1
    await store.knex.raw(`CREATE TRIGGER fail_tx BEFORE INSERT ON orders_lines WHEN NEW.order_no = 'TX-8-1' BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END`)
    const importsBefore = await store.knex('orders_imports').count({n: '*'})
    try {
      await expect(run([path.join(dir, 'tx.xlsx')], {rejects: path.join(dir, 'tx-rejects.xlsx')})).rejects.toThrow(/simulated/)
    } finally {
      await store.knex.raw('DROP TRIGGER fail_tx')
    }
    expect(await lines(store.knex, 'TX-')).toHaveLength(0)
    expect(await store.knex('orders_imports').count({n: '*'})).toEqual(importsBefore)
    const ok = await run([path.join(dir, 'tx.xlsx')])
    expect(ok.files[0].imported).toBe(72)
  })

  it('without a TTY, unmatched headers fail with exit 2 listing the headers and the aliases tried', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('S')
    ws.addRow(['单号', '行号', '货品', '订购量', '状态'])
    ws.addRow(['X-1', 1, 'FG-10004', 3, '已付款'])
    await wb.xlsx.writeFile(path.join(dir, 'odd.xlsx'))
    const err = await run([path.join(dir, 'odd.xlsx')]).catch((e) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect(err.exitCode).toBe(2)
    expect(err.message).toContain('cannot match the required columns sku, qty')
    expect(err.message).toContain('headers not matched: "货品", "订购量"')
    expect(err.message).toMatch(/sku: aliases tried: .*物料编码/)
    // with an answer (what the prompt returns), the same file imports
    const r = await run([path.join(dir, 'odd.xlsx')], {resolveHeaders: async () => ({sku: '货品', qty: '订购量'})})
    expect(r.files[0]).toMatchObject({imported: 1, rejected: 0})
  })

  it('picks a sheet by --sheet name or position, and refuses a sheet that does not exist', async () => {
    // sheet order: 模板 (hidden template with the same headers), 说明 (notes), Orders 11月
    const byIndex = await run([path.join(dir, 'quirks.xlsx')], {sheet: '3', dryRun: true})
    expect(byIndex.files[0].sheet).toBe('Orders 11月')
    const hidden = await run([path.join(dir, 'quirks.xlsx')], {sheet: '模板', dryRun: true})
    expect(hidden.files[0]).toMatchObject({sheet: '模板', rowsRead: 1, imported: 1})
    const err = await run([path.join(dir, 'quirks.xlsx')], {sheet: 'Nope', dryRun: true}).catch((e) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect(err.message).toContain('has no sheet "Nope"')
    expect(err.message).toMatch(/its sheets: .*"说明".*"Orders 11月"/)
    // the chosen sheet has no header row: the message names it (not "any sheet": the others were not searched)
    const notes = await run([path.join(dir, 'quirks.xlsx')], {sheet: '2', dryRun: true}).catch((e) => e)
    expect(notes.message).toContain('no header row found in the first 30 rows of sheet "说明"')
  })

  it('with several files, an unreadable one is reported and the others still import', async () => {
    const r = await run([path.join(dir, 'clean.xlsx'), corpusFile('AutoFilter.xls')])
    expect(r.files, `failed: ${JSON.stringify(r.failed)}`).toHaveLength(1) // failed under load while the zip walk could end early (xlsx-package.ts)
    expect(r.failed).toEqual([expect.objectContaining({code: 'INPUT_XLS', message: expect.stringContaining('legacy Excel 97-2003 workbook (.xls)')})])
    expect(existsSync(path.join(dir, 'AutoFilter.rejects.xlsx'))).toBe(false)
  })

  it('fillDown: order number and customer merged over the lines of an order', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('订单')
    ws.addRow(['订单编号', '客户', '行号', '物料编码', '数量', '订单状态'])
    ws.addRow(['SO-MERGE-1', '台州利民电气有限公司', 1, 'FG-10004', 1, '已付款'])
    ws.addRow([null, null, 2, 'FG-10005', 2, '已付款'])
    ws.addRow([null, null, 3, 'FG-10010', 0, '已付款']) // rejected: qty 0 (its rejects row carries the filled order number)
    ws.addRow(['SO-MERGE-2', 'Pacific Pump Systems Inc.', 1, 'FG-10022', 4, '已付款'])
    ws.addRow([null, null, 2, 'FG-10026', 5, '已付款'])
    ws.mergeCells('A2:A4')
    ws.mergeCells('B2:B4')
    ws.mergeCells('A5:A6')
    ws.mergeCells('B5:B6')
    await wb.xlsx.writeFile(path.join(dir, 'merged.xlsx'))
    const without = await run([path.join(dir, 'merged.xlsx')], {dryRun: true})
    expect(without.files[0]).toMatchObject({imported: 2, rejected: 3})
    const withFill = await run([path.join(dir, 'merged.xlsx')], {config: {...config, orders: {...config.orders!, fillDown: ['order_no', 'customer']}}, rejects: path.join(dir, 'merged-rejects.xlsx')})
    expect(withFill.files[0]).toMatchObject({imported: 4, rejected: 1})
    const stored = await lines(store.knex, 'SO-MERGE-')
    expect(stored.map((l) => `${l.order_no}/${l.line_no} ${l.customer}`)).toEqual([
      'SO-MERGE-1/1 台州利民电气有限公司',
      'SO-MERGE-1/2 台州利民电气有限公司',
      'SO-MERGE-2/1 Pacific Pump Systems Inc.',
      'SO-MERGE-2/2 Pacific Pump Systems Inc.',
    ])
    const rejects = await readSheet(path.join(dir, 'merged-rejects.xlsx'))
    expect(rejects.rows[1].slice(0, 4)).toEqual(['qty: must be greater than 0', 'SO-MERGE-1', '台州利民电气有限公司', 3])
  })
})
