import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {buildDemoPlant, demoSourcesConfig, type DemoManifest} from '../../src/lib/demo/index.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {runCli, tempDir} from '../helpers/cli.js'

/** What a correctly configured reconciliation reports for each seeded kind: [status, cause]. */
const EXPECTED: Record<string, [string | null, string | null]> = {
  qty_small: ['within_tolerance', null],
  qty_big: ['over_tolerance', null],
  only_in_erp: ['only_in_erp', null],
  only_in_wms: ['only_in_wms', null],
  uom_factor: ['over_tolerance', 'uom_factor'],
  lot_swap: ['over_tolerance', 'lot_swap'],
  code_format: ['match', null],
  in_transit: ['over_tolerance', 'in_transit'],
  sign: ['over_tolerance', 'sign'],
  decimal_exact: ['match', null],
  damaged: ['match', null],
}

describe('plantops stock diff (built CLI) on the SQLite demo plant', () => {
  let dir: string
  let manifest: DemoManifest
  beforeAll(async () => {
    dir = tempDir('pt-stock-demo-')
    const plant = await buildDemoPlant({dir, stockRows: 3000})
    manifest = plant.manifest
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
  })

  it('finds every seeded discrepancy with its status and cause, and nothing else', () => {
    const r = runCli(['stock', 'diff', '--all', '--json'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    const byKey = new Map<string, any>(r.json.rows.map((x: any) => [`${x.item}|${x.warehouse}|${x.lot}`, x]))
    const wrong: string[] = []
    for (const e of manifest.entries) {
      const key = `${e.erp.item}|${e.erp.warehouse}|${e.erp.lot ?? ''}`
      const row = byKey.get(key)
      const [status, cause] = EXPECTED[e.kind]
      if (!row || row.status !== status || row.cause !== cause) wrong.push(`${e.kind} ${key}: ${row?.status} ${row?.cause}`)
      if (row && e.erpQty !== null && row.erp_qty !== e.erpQty) wrong.push(`${e.kind} ${key}: erp ${row.erp_qty} != ${e.erpQty}`)
      if (row && e.kind !== 'uom_factor' && e.wmsQty !== null && row.wms_qty !== e.wmsQty) wrong.push(`${e.kind} ${key}: wms ${row.wms_qty} != ${e.wmsQty}`)
    }
    expect(wrong).toEqual([])
    const seededVariances = manifest.entries.filter((e) => EXPECTED[e.kind][0] !== 'match').length
    const s = r.json.summary
    expect(s.keys.total - s.keys.match).toBe(seededVariances)
    expect(s.erp.rows).toBe(3000)
    expect(r.json.rows).toHaveLength(s.keys.total)
    expect(s.inTransitWindow).toMatchObject({from: '2026-11-19 22:00:00', to: '2026-11-20 22:00:00'})
  })

  it('writes the CSV contract: header, column order, exact decimal strings, empty value_diff without --show-cost', () => {
    const r = runCli(['stock', 'diff', '--format', 'csv', '--output', 'v.csv'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    const lines = readFileSync(path.join(dir, 'v.csv'), 'utf8').trimEnd().split('\n')
    expect(lines[0]).toBe('item,warehouse,lot,erp_qty,wms_qty,diff,diff_pct,uom,status,cause,first_seen,value_diff,in_transit_qty,explained,action,item_name,warehouse_name,stale')
    const sign = manifest.entries.find((e) => e.kind === 'sign')!
    const line = lines.find((l) => l.startsWith(`${sign.erp.item},${sign.erp.warehouse},${sign.erp.lot ?? ''},`))!
    const cells = line.split(',')
    expect(cells.slice(3, 6)).toEqual([sign.erpQty, sign.wmsQty, new Decimal(sign.wmsQty!).times(2).toFixed()])
    expect(cells[6]).toBe('200')
    expect(cells.slice(8, 10)).toEqual(['over_tolerance', 'sign'])
    expect(cells[10]).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(cells[11]).toBe('')
    const onlyErp = manifest.entries.find((e) => e.kind === 'only_in_erp')!
    const l2 = lines.find((l) => l.startsWith(`${onlyErp.erp.item},${onlyErp.erp.warehouse},`))!.split(',')
    expect(l2[4]).toBe('') // no WMS quantity: empty, not 0
    // with --show-cost and a BOM, value_diff is filled
    const c = runCli(['stock', 'diff', '--format', 'csv', '--show-cost', '--bom'], {cwd: dir})
    expect(c.stdout.startsWith('\uFEFFitem,warehouse,')).toBe(true)
    expect(c.stdout.split('\n')[1].split(',')[11]).toMatch(/^-?\d+\.\d{2}$/)
  })

  it('exit codes: --fail-on over-tolerance / any → 1, never → 0; table output on stdout; progress never on stdout', () => {
    expect(runCli(['stock', 'diff', '--fail-on', 'over-tolerance'], {cwd: dir}).code).toBe(1)
    expect(runCli(['stock', 'diff', '--fail-on', 'any', '--format', 'csv', '--output', 'x.csv'], {cwd: dir}).code).toBe(1)
    const t = runCli(['stock', 'diff', '--fail-on', 'never'], {cwd: dir})
    expect(t.code).toBe(0)
    expect(t.stdout).toMatch(/Record accuracy/)
    // every count of the summary with its thousands separators, as the keys' total (the demo's matches are thousands)
    expect(t.stdout).toMatch(/│ {3}match +│ \d{1,3}(,\d{3})+ +│/)
    expect(t.stdout).toMatch(/over_tolerance/)
    // only variances new since the previous run: none, so over-tolerance does not fail
    const n = runCli(['stock', 'diff', '--only', 'new', '--fail-on', 'over-tolerance', '--json'], {cwd: dir})
    expect(n.code).toBe(0)
    expect(n.json.rows).toEqual([])
    expect(n.json.summary.keys.over_tolerance).toBeGreaterThan(0)
  })

  it('writes XLSX and JSON files; xlsx without --output is a usage error (exit 2)', async () => {
    expect(runCli(['stock', 'diff', '--format', 'xlsx', '--output', 'v.xlsx'], {cwd: dir}).code).toBe(0)
    expect(runCli(['stock', 'diff', '--format', 'json', '--output', 'v.json'], {cwd: dir}).code).toBe(0)
    const json = JSON.parse(readFileSync(path.join(dir, 'v.json'), 'utf8'))
    expect(json.summary.keys.total).toBeGreaterThan(3000)
    // the workbook holds the same variances as the JSON, under the CSV contract's headers (no cost without --show-cost)
    const {default: ExcelJS} = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'v.xlsx'))
    const ws = wb.getWorksheet('variances')!
    const header = (ws.getRow(1).values as unknown[]).slice(1)
    expect(header.slice(0, 11)).toEqual(['item', 'warehouse', 'lot', 'erp_qty', 'wms_qty', 'diff', 'diff_pct', 'uom', 'status', 'cause', 'first_seen'])
    expect(header).not.toContain('value_diff')
    expect(ws.actualRowCount - 1).toBe(json.rows.length)
    expect(String(ws.getRow(2).getCell(1).value)).toBe(json.rows[0].item)
    expect(wb.getWorksheet('summary')).toBeTruthy()
    const bad = runCli(['stock', 'diff', '--format', 'xlsx'], {cwd: dir})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--format xlsx needs --output/)
  })

  it('records the run in run history', () => {
    const r = runCli(['runs', 'list', '--job', 'stock-diff', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.json.runs.length).toBeGreaterThan(3)
    expect(r.json.runs[0].rowsRead.erp).toBeGreaterThanOrEqual(3000)
    expect(r.stderr).not.toMatch(/no run of job/)
    // a misspelt --job is said, with the jobs that have runs
    const typo = runCli(['runs', 'list', '--job', 'stock-dif'], {cwd: dir})
    expect(typo.code).toBe(0)
    expect(typo.stderr).toMatch(/no run of job "stock-dif" is recorded; jobs with runs: .*stock-diff/)
  })

  it('a missing table on a side is a source error (exit 3) naming the source, also from the reader threads', async () => {
    const {parse} = await import('yaml')
    const d = tempDir('pt-stock-badtable-')
    const cfg = parse(readFileSync(path.join(dir, 'plantops.yaml'), 'utf8'))
    for (const s of Object.values(cfg.sources) as Array<{connection: {filename: string}}>) s.connection.filename = path.join(dir, path.basename(s.connection.filename))
    cfg.stock.wms.table = 'no_such_bins'
    writeFileSync(path.join(d, 'plantops.yaml'), stringify(cfg))
    const r = runCli(['stock', 'diff', '--json'], {cwd: d})
    expect(r.code).toBe(3)
    expect(r.json.error.message).toMatch(/source "wms"/)
    expect(r.json.error.message).toMatch(/no_such_bins/)
  })

  it('a WMS warehouse code left out of stock.warehouseMap: warned once with both warehouses\' figures (en, zh-CN), exit 0', async () => {
    const {parse} = await import('yaml')
    const d = tempDir('pt-stock-unmapped-wh-')
    const cfg = parse(readFileSync(path.join(dir, 'plantops.yaml'), 'utf8'))
    for (const s of Object.values(cfg.sources) as Array<{connection: {filename: string}}>) s.connection.filename = path.join(dir, path.basename(s.connection.filename))
    expect(cfg.stock.warehouseMap.RM).toBe('WH01')
    delete cfg.stock.warehouseMap.RM
    writeFileSync(path.join(d, 'plantops.yaml'), stringify(cfg))
    const r = runCli(['stock', 'diff', '--json'], {cwd: d})
    expect(r.code, r.stderr).toBe(0)
    const count = (wh: string, status: string) => r.json.rows.filter((x: any) => x.warehouse === wh && x.status === status).length
    const erpOnly = count('WH01', 'only_in_erp')
    const wmsOnly = count('RM', 'only_in_wms')
    expect(erpOnly).toBeGreaterThan(100)
    expect(wmsOnly).toBeGreaterThan(100)
    expect(r.json.rows.filter((x: any) => x.warehouse === 'WH01' || x.warehouse === 'RM').every((x: any) => x.status === 'only_in_erp' || x.status === 'only_in_wms')).toBe(true)
    const said = r.json.summary.warnings.filter((w: string) => w.startsWith('no key of these warehouses'))
    expect(said).toEqual([
      `no key of these warehouses is found on the other side: WH01 (${erpOnly} keys only in the ERP), RM (${wmsOnly} keys only in the WMS, a WMS code not in stock.warehouseMap). A WMS warehouse code missing from stock.warehouseMap looks like this (map it to its ERP code); a warehouse only one system holds belongs in that side's stock filters`,
    ])
    // the operator reads it in the language in force; the JSON summary keeps English
    const zh = runCli(['stock', 'diff', '--lang', 'zh-CN'], {cwd: d})
    expect(zh.code, zh.stderr).toBe(0)
    expect(zh.stderr).toContain(`以下仓库没有任何键能在另一方找到：WH01（${erpOnly} 个键仅在 ERP），RM（${wmsOnly} 个键仅在 WMS，该 WMS 编码不在 stock.warehouseMap 中）`)
    // the correctly mapped plant says nothing of the kind
    const ok = runCli(['stock', 'diff', '--json'], {cwd: dir})
    expect(ok.json.summary.warnings.filter((w: string) => w.startsWith('no key of these warehouses'))).toEqual([])
  })

  it('a filter value no row has (a misspelt status) is warned with the values the column holds; the right ones say nothing', async () => {
    const {parse} = await import('yaml')
    const d = tempDir('pt-stock-filter-typo-')
    const cfg = parse(readFileSync(path.join(dir, 'plantops.yaml'), 'utf8'))
    for (const s of Object.values(cfg.sources) as Array<{connection: {filename: string}}>) s.connection.filename = path.join(dir, path.basename(s.connection.filename))
    expect(cfg.stock.wms.filters.status).toEqual(['AVAILABLE', 'QC_HOLD'])
    cfg.stock.wms.filters.status = ['AVAILABLE', 'QC_HLOD']
    writeFileSync(path.join(d, 'plantops.yaml'), stringify(cfg))
    const r = runCli(['stock', 'diff', '--json'], {cwd: d})
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.summary.warnings.filter((w: string) => w.startsWith('stock.wms.filters'))).toEqual([
      'stock.wms.filters.status: no row of table bin_stock (source "wms") has status "QC_HLOD"; if it is not misspelt, those rows are simply absent today (values there: "AVAILABLE", "DAMAGED", "QC_HOLD")',
    ])
    const ok = runCli(['stock', 'diff', '--json'], {cwd: dir})
    expect(ok.json.summary.warnings.filter((w: string) => w.includes('.filters.'))).toEqual([])
  })

  it('a config without a stock section is a config error (exit 2)', () => {
    const d = tempDir('pt-stock-none-')
    writeFileSync(path.join(d, 'plantops.yaml'), 'sources: {}\n')
    const r = runCli(['stock', 'diff'], {cwd: d})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no `stock` section/)
  })
})
