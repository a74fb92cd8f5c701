import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import ExcelJS from 'exceljs'
import stringWidth from 'string-width'
import {beforeAll, describe, expect, it} from 'vitest'

import {fillSheets} from '../count/fill-sheets.js'
import {writeSqlitePlant, type SmallPlant} from '../count/small-plant.js'
import {runCli, tempDir} from '../helpers/cli.js'

/** `count report` through the one output layer: format from the extension, the --json document, width, XLSX numbers. */
describe('count report output (built CLI, small SQLite plant)', () => {
  let dir: string
  let plant: SmallPlant
  const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli(args, {cwd: dir, env})

  beforeAll(async () => {
    dir = tempDir('pt-count-out-')
    plant = await writeSqlitePlant(dir)
    const s = cli(['count', 'sample', '--size', '12', '--seed', '42', '--output', 'sheets.xlsx'])
    expect(s.code, s.stderr).toBe(0)
    const qty = (location: string, item: string, lot: string | null) =>
      plant.bins.find((b) => b.location === location && (b.item === item || b.sku === item) && (b.lot ?? null) === lot && b.status !== 'DAMAGED')!.qty
    await fillSheets(path.join(dir, 'sheets.xlsx'), path.join(dir, 'filled.xlsx'), {count: (r) => ({counted: r.line === 4 ? Number(qty(r.location, r.item, r.lot)) + 5 : Number(qty(r.location, r.item, r.lot))})})
    const rec = cli(['count', 'record', '1', 'filled.xlsx', '--counted-at', '2030-01-01 10:00'])
    expect(rec.code, rec.stderr).toBe(0)
  }, 120_000)

  it('--output x.csv without --format writes the CSV (not the table), and says so', () => {
    const r = cli(['count', 'report', '1', '--output', 'x.csv'])
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'x.csv'), 'utf8').replace(/^\uFEFF/, '').split('\n')[0]).toMatch(/^Line,Location,Item,Description,Lot/)
    expect(r.stdout).not.toMatch(/Inventory record accuracy/)
    expect(r.stderr).toMatch(/written to x\.csv/)
    const bad = cli(['count', 'report', '1', '--output', 'x.ods'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--format csv or --format xlsx or --format json/)
    expect(existsSync(path.join(dir, 'x.ods'))).toBe(false)
  }, 180_000)

  it('--format json --output F and --json give the same document', () => {
    const r = cli(['count', 'report', '1', '--output', 'r.json', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'))).toEqual(r.json)
    expect(r.json.lines).toHaveLength(12)
  }, 180_000)

  it('the table fits 80 and 100 columns', () => {
    for (const width of [80, 100]) {
      const r = cli(['count', 'report', '1'], {PLANTOPS_COLUMNS: String(width)})
      expect(r.code, r.stderr).toBe(0)
      for (const line of r.stdout.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(width)
      expect(r.stdout).toMatch(/WMS status/)
    }
  }, 180_000)

  it('XLSX: the IRA sheet holds numbers with percent formats, not text', async () => {
    const r = cli(['count', 'report', '1', '--output', 'r.xlsx'])
    expect(r.code, r.stderr).toBe(0)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'r.xlsx'))
    const ira = wb.getWorksheet('IRA')!
    const headers = (ira.getRow(1).values as unknown[]).slice(1) as string[]
    const cell = ira.getRow(2).getCell(headers.indexOf('IRA WMS') + 1)
    expect(typeof cell.value).toBe('number')
    expect(cell.value as number).toBeGreaterThan(0.5)
    expect(cell.value as number).toBeLessThanOrEqual(1)
    expect(cell.numFmt).toMatch(/%$/)
    const lines = wb.getWorksheet('Lines')!
    const lh = (lines.getRow(1).values as unknown[]).slice(1) as string[]
    const counted = lines.getRow(2).getCell(lh.indexOf('Counted') + 1)
    expect(typeof counted.value).toBe('number')
    if (Number.isInteger(counted.value)) expect(counted.numFmt).toBe('#,##0')
  }, 180_000)
})
