import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {wilsonInterval} from '../../src/lib/count/ira.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {fillSheets} from './fill-sheets.js'
import {writeSqlitePlant, type SmallPlant} from './small-plant.js'

/** The whole loop through the built CLI on a small SQLite plant: sample → sheets → record → report → recount. */
describe('count loop end to end (built CLI)', () => {
  let dir: string
  let plant: SmallPlant
  const binQty = (location: string, item: string, lot: string | null) =>
    plant.bins.find((b) => b.location === location && (b.item === item || b.sku === item) && (b.lot ?? null) === lot && b.status !== 'DAMAGED')!

  beforeAll(async () => {
    dir = tempDir('pt-count-e2e-')
    plant = await writeSqlitePlant(dir)
  })

  const cli = (args: string[]) => runCli([...args], {cwd: dir})

  it('count size needs no config and no source', () => {
    const r = runCli(['count', 'size', '--population', '1000', '--json'], {cwd: tempDir()})
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.size).toBe(278)
    const bad = runCli(['count', 'size', '--population', '1000', '--margin', '0'], {cwd: tempDir()})
    expect(bad.code, bad.stderr).toBe(2)
  })

  it('samples reproducibly by seed and prints the seed', () => {
    const a = cli(['count', 'sample', '--size', '12', '--seed', '42', '--counters', '2', '--output', 'sheets.xlsx', '--json'])
    expect(a.code, a.stderr).toBe(0)
    expect(a.json.count).toMatchObject({id: 1, seed: 42, sampleSize: 12, populationSize: 36, populationByClass: {A: 9, B: 12, C: 15}, method: 'random'})
    expect(a.json.sheets.sheets).toEqual([
      {name: 'Counter 1', lines: 6},
      {name: 'Counter 2', lines: 6},
    ])
    const b = cli(['count', 'sample', '--size', '12', '--seed', '42', '--output', 'again.xlsx', '--json'])
    expect(b.json.lines.map((l: {location: string; sku: string}) => `${l.location}/${l.sku}`)).toEqual(a.json.lines.map((l: {location: string; sku: string}) => `${l.location}/${l.sku}`))
    const c = cli(['count', 'sample', '--size', '12', '--seed', '43', '--output', 'other.xlsx'])
    expect(c.code, c.stderr).toBe(0)
    expect(c.stdout).toMatch(/Count 3 opened: 12 lines, seed 43 \(repeat with --seed 43\)/)
    const unseeded = cli(['count', 'sample', '--size', '3', '--output', 'x.xlsx', '--json'])
    expect(unseeded.json.count.seed).toEqual(expect.any(Number))
    const runs = cli(['runs', 'list', '--job', 'count-sample', '--json'])
    expect(runs.json.runs).toHaveLength(4)
  })

  it('writes printable sheets: landscape, header row repeated, count id and date in the page header, walking order', async () => {
    const {default: ExcelJS} = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'sheets.xlsx'))
    const ws = wb.getWorksheet('Counter 1')!
    expect(ws.pageSetup.orientation).toBe('landscape')
    expect(ws.pageSetup.printTitlesRow).toBe('1:1')
    expect(String(ws.headerFooter.oddHeader)).toMatch(/plantops count 1 · \d{4}-\d{2}-\d{2} · Counter 1/)
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Line 行号', 'Location 库位', 'Item 物料', 'Description 描述', 'Lot 批次', 'Unit 单位', 'Counted 实盘数量', 'Counter 盘点人', 'Remarks 备注'])
    const locs: string[] = []
    ws.eachRow((row, r) => {
      if (r > 1 && row.getCell(2).value) locs.push(String(row.getCell(2).value))
    })
    expect(locs).toEqual([...locs].sort((x, y) => x.localeCompare(y, 'en', {numeric: true})))
  })

  it('records a hand-edited filled sheet and reports counted vs WMS vs ERP with IRA', async () => {
    const before = cli(['count', 'report', '1', '--json'])
    expect(before.code, before.stderr).toBe(2)
    expect(before.json.error.code).toBe('COUNT_NOT_RECORDED')
    let over = ''
    const rows = await fillSheets(path.join(dir, 'sheets.xlsx'), path.join(dir, 'filled.xlsx'), {
      handEdit: true,
      count: (r) => {
        const b = binQty(r.location, r.item, r.lot)
        if (r.line === 4) {
          over = `${r.location}`
          return {counted: Number(b.qty) + 5}
        }
        return {counted: r.line % 2 === 0 ? `${b.qty} ${b.uom.toLowerCase()}` : Number(b.qty)}
      },
      found: [{sheet: 'Counter 1', location: 'RM-A01-01', item: 'RM-10012', counted: '3'}],
    })
    expect(rows).toHaveLength(12)
    const rec = cli(['count', 'record', '1', 'filled.xlsx', '--counted-at', '2030-01-01 10:00', '--json'])
    expect(rec.code, rec.stdout + rec.stderr).toBe(0)
    expect(rec.json).toMatchObject({count: 1, status: 'recorded', recorded: 13, found: 1, rejected: [], uncounted: []})
    const again = cli(['count', 'record', '1', 'filled.xlsx', '--json'])
    expect(again.json).toMatchObject({recorded: 0, unchanged: 13, rejected: []})

    // an adjustments file that cannot be written names --adjustments (not --output)
    for (const bad of ['/proc/adjustments.csv', '/proc/adjustments.xlsx']) {
      const no = cli(['count', 'report', '1', '--adjustments', bad])
      expect(no.code, no.stderr).toBe(2)
      expect(no.stderr).toContain(`cannot write ${bad} (--adjustments)`)
      expect(no.stderr).toContain('choose another --adjustments')
    }
    const rep = cli(['count', 'report', '1', '--json', '--adjustments', 'adjustments.csv'])
    expect(rep.code, rep.stderr).toBe(0)
    const lines = rep.json.lines as Array<Record<string, any>>
    expect(lines).toHaveLength(13)
    const l4 = lines.find((l) => l.line === 4)!
    expect(l4.location).toBe(over)
    expect(l4.wmsDiff).toBe(l4.unit === 'G' ? '5' : '5')
    expect(l4.wmsStatus).toBe('over_tolerance')
    const found = lines.find((l) => l.found)!
    expect(found).toMatchObject({location: 'RM-A01-01', item: 'RM-10012', counted: '3', wmsExpected: '0', wmsStatus: 'over_tolerance', erpStatus: 'not_compared'})
    // WMS: 11 of the 12 sampled lines match; the interval is Wilson's with the finite population correction (12 of 36)
    const expected = wilsonInterval(11, 12, {population: 36})
    expect(rep.json.ira.wms).toMatchObject({within: 11, counted: 12, fpcApplied: true})
    expect(rep.json.ira.wms.low).toBeCloseTo(expected.low!, 12)
    expect(rep.json.ira.wms.high).toBeCloseTo(expected.high!, 12)
    // ERP: a line is over when its ERP key was seeded off (+7 / −3) or it is line 4
    const erpOff = new Set([plant.erp[1], plant.erp[4]].map((e) => `${e.item}|${e.lot ?? ''}`))
    const expectErpOver = lines.filter((l) => !l.found && (l.line === 4 || erpOff.has(`${l.item}|${l.lot}`))).length
    expect(rep.json.ira.erp.counted).toBe(12)
    expect(rep.json.ira.erp.within).toBe(12 - expectErpOver)
    expect(rep.json.recount.map((r: {line: number}) => r.line)).toContain(4)
    const adj = readFileSync(path.join(dir, 'adjustments.csv'), 'utf8')
    expect(adj).toContain(`WMS,RM,${over},`)
    expect(adj).toMatch(/^\uFEFFSystem,Warehouse,Location,Item,Lot,Unit,System qty,Counted qty,Proposed adjustment,Value,Status,Note/)

    const cron = cli(['count', 'report', '1', '--format', 'csv', '--output', 'variances.csv', '--fail-on', 'over-tolerance'])
    expect(cron.code, cron.stderr).toBe(1)
    expect(readFileSync(path.join(dir, 'variances.csv'), 'utf8').split('\n').filter(Boolean)).toHaveLength(14)
    const xlsx = cli(['count', 'report', '1', '--format', 'xlsx', '--output', 'report.xlsx'])
    expect(xlsx.code, xlsx.stderr).toBe(0)
    expect(existsSync(path.join(dir, 'report.xlsx'))).toBe(true)
    const table = cli(['count', 'report', '1'])
    expect(table.stdout).toMatch(/Inventory record accuracy/)
    expect(table.stdout).toMatch(/plantops count sample --recount 1/)
  })

  it('opens a blind recount of exactly the lines over tolerance, and reports it', async () => {
    const rep = cli(['count', 'report', '1', '--json'])
    const overLines = rep.json.recount.map((r: {location: string; item: string}) => `${r.location}/${r.item}`).sort()
    const rc = cli(['count', 'sample', '--recount', '1', '--output', 'recount.xlsx', '--json'])
    expect(rc.code, rc.stderr).toBe(0)
    expect(rc.json.count).toMatchObject({kind: 'recount', parentId: 1})
    expect(rc.json.lines.map((l: {location: string; item: string}) => `${l.location}/${l.item}`).sort()).toEqual(overLines)
    expect(JSON.stringify(rc.json)).not.toMatch(/wmsQty|erpQty|wmsExpected|"qty"/)
    await fillSheets(path.join(dir, 'recount.xlsx'), path.join(dir, 'recount-filled.xlsx'), {
      count: (r) => {
        const b = plant.bins.find((x) => x.location === r.location && (x.item === r.item || x.sku === r.item) && (x.lot ?? null) === r.lot && x.status !== 'DAMAGED')
        return {counted: b ? Number(b.qty) : 3, counter: 'Ana'}
      },
    })
    const rec = cli(['count', 'record', String(rc.json.count.id), 'recount-filled.xlsx', '--json'])
    expect(rec.code, rec.stdout).toBe(0)
    // Ana also made the first count of line 4: a recount should be someone else's
    expect(rec.json.warnings.join('\n')).toMatch(/recounted by Ana, who also made the first count/)
    expect(rec.stderr).toMatch(/recounted by Ana, who also made the first count/)
    const rep2 = cli(['count', 'report', String(rc.json.count.id), '--json'])
    expect(rep2.code, rep2.stderr).toBe(0)
    const l4 = rep2.json.lines.find((l: {location: string}) => l.location === rep.json.lines.find((x: {line: number}) => x.line === 4).location)
    expect(l4.wmsStatus).toBe('match')
    expect(rep2.json.ira.wms.population).toBeNull()
    expect(cli(['count', 'report', '1']).stdout).toMatch(new RegExp(`Recount ${rc.json.count.id} is already open`))
    const list = cli(['count', 'list', '--json'])
    expect(list.json.counts[0]).toMatchObject({id: rc.json.count.id, kind: 'recount', parentId: 1, status: 'recorded'})
    expect(list.json.counts.find((c: {id: number}) => c.id === 1)).toMatchObject({status: 'recorded', counted: 12, found: 1})
  })

  it('refuses a sheet of another count, and lines of another count', async () => {
    const r = cli(['count', 'record', '2', 'filled.xlsx', '--json'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.json.rejected.map((x: {reason: string}) => x.reason)).toEqual(['this sheet belongs to count 1, not count 2', 'this sheet belongs to count 1, not count 2'])
    const missing = cli(['count', 'record', '99', 'filled.xlsx'])
    expect(missing.code, missing.stderr).toBe(2)
    expect(missing.stderr).toMatch(/no count 99 in the store/)
  })

  it('due method: locations counted by a recorded count are skipped on the next run', async () => {
    const d = tempDir('pt-count-due-')
    const p = await writeSqlitePlant(d)
    const run = (args: string[]) => runCli(args, {cwd: d})
    const first = run(['count', 'sample', '--method', 'due', '--today', '2026-11-21', '--output', 'due1.xlsx', '--json'])
    expect(first.code, first.stderr).toBe(0)
    const firstLocs = new Set<string>(first.json.lines.map((l: {location: string}) => l.location))
    expect(firstLocs.size).toBeGreaterThan(0)
    expect(first.json.count.dueLocations).toBe(firstLocs.size)
    expect(first.json.count.confidence).toBeNull()
    // every line of a due location is on the sheet
    for (const loc of firstLocs) expect(first.json.lines.filter((l: {location: string}) => l.location === loc)).toHaveLength(p.bins.filter((b) => b.location === loc && b.status !== 'DAMAGED').length)
    await fillSheets(path.join(d, 'due1.xlsx'), path.join(d, 'due1-filled.xlsx'), {count: () => ({counted: 1})})
    expect(run(['count', 'record', '1', 'due1-filled.xlsx']).code).toBe(0) // counted now (not before the snapshot)
    // the same day again: without the recorded counts the same locations would be due (their place in the spread first
    // cycle has not moved); counted this morning, they are skipped
    const next = run(['count', 'sample', '--method', 'due', '--today', '2026-11-21', '--output', 'due2.xlsx', '--json'])
    expect(next.code, next.stderr).toBe(0)
    const again = next.json.lines.filter((l: {location: string}) => firstLocs.has(l.location))
    expect(again).toEqual([])
    expect(next.json).toMatchObject({count: null, sheets: null, lines: []})
    expect(next.stderr).toMatch(/no location is due on 2026-11-21/)
  })
})
