import {readFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {getCount} from '../../src/lib/count/count-store.js'
import {enterCounts} from '../../src/lib/count/enter.js'
import {openStore} from '../../src/lib/store/store.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {fillSheets} from './fill-sheets.js'
import {writeSqlitePlant, type SmallPlant} from './small-plant.js'

/**
 * Blind means blind: in this plant every system quantity has six or more digits (900000.25 and up, ERP sums in the
 * millions), while everything else a count prints (line numbers, counts typed as 5, seed 42, dates) has fewer digits
 * in a row. So any run of six digits in an output before the line is counted is a leaked system quantity.
 */
const LEAK = /\d{6,}/

describe('blind counts: no system quantity in any output before the line is counted', () => {
  let dir: string
  let plant: SmallPlant
  const cli = (args: string[]) => runCli(args, {cwd: dir})

  beforeAll(async () => {
    dir = tempDir('pt-count-blind-')
    plant = await writeSqlitePlant(dir, {bigQty: true})
  })

  it('sample: JSON, table and the sheets show no quantity', async () => {
    const json = cli(['count', 'sample', '--size', '10', '--seed', '42', '--output', 'sheets.xlsx', '--json'])
    expect(json.code, json.stderr).toBe(0)
    expect(json.stdout).not.toMatch(LEAK)
    expect(Object.keys(json.json.lines[0]).sort()).toEqual(['abcClass', 'description', 'item', 'line', 'location', 'lot', 'sheet', 'sku', 'unit', 'zone'])
    const table = cli(['count', 'sample', '--size', '10', '--seed', '42', '--output', 'sheets2.xlsx'])
    expect(table.stdout + table.stderr).not.toMatch(LEAK)
    expect(table.stdout).toMatch(/Count 2 opened/)
    const {default: ExcelJS} = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'sheets.xlsx'))
    let cells = 0
    wb.eachSheet((ws) => {
      expect(String(ws.headerFooter.oddHeader)).not.toMatch(LEAK)
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          cells++
          expect(String(cell.value), `${ws.name}!${cell.address}`).not.toMatch(LEAK)
        }),
      )
    })
    expect(cells).toBeGreaterThan(60)
    // the store does hold the private snapshot (proof the test plant really has such numbers)
    const store = await openStore({client: 'sqlite', filename: '.plantops/state.db'}, dir)
    const q = await store.knex('count_lines').where({count_id: 1}).first()
    await store.close()
    expect(q.wms_qty).toMatch(/^9\d{5}\.25$/)
  })

  it('report before anything is recorded refuses, in every format, without numbers', () => {
    for (const args of [['--json'], ['--format', 'csv'], ['--format', 'xlsx', '--output', 'r.xlsx'], []]) {
      const r = cli(['count', 'report', '1', ...args])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stdout + r.stderr).not.toMatch(LEAK)
      expect(r.stdout + r.stderr).toMatch(/stays blind until counts are recorded/)
    }
  })

  it('after a partial record: record output shows none; the report reveals counted lines only', async () => {
    const counted = new Set<number>([1, 2, 3])
    await fillSheets(path.join(dir, 'sheets.xlsx'), path.join(dir, 'part.xlsx'), {count: (r) => (counted.has(r.line) ? {counted: 5} : null)})
    for (const args of [['--json'], []]) {
      const rec = cli(['count', 'record', '1', 'part.xlsx', ...args])
      expect(rec.code, rec.stderr).toBe(0)
      expect(rec.stdout + rec.stderr).not.toMatch(LEAK)
    }
    const sample = JSON.parse(cli(['count', 'sample', '--size', '10', '--seed', '42', '--output', 's3.xlsx', '--json']).stdout)
    const qtyOf = (line: number) => {
      const l = sample.lines.find((x: {line: number}) => x.line === line)
      return plant.bins.find((b) => b.location === l.location && b.sku === l.sku && (b.lot ?? '') === l.lot)!.qty
    }
    const rep = cli(['count', 'report', '1', '--json'])
    expect(rep.code, rep.stderr).toBe(0)
    expect(rep.json.lines.map((l: {line: number}) => l.line)).toEqual([1, 2, 3])
    expect(rep.json.lines[0].wmsSnapshot).toBe(qtyOf(1).replace(/0+$/, '').replace(/\.$/, ''))
    expect(rep.json.uncounted.map((u: {line: number}) => u.line)).toEqual([4, 5, 6, 7, 8, 9, 10])
    expect(Object.keys(rep.json.uncounted[0]).sort()).toEqual(['item', 'line', 'location', 'lot', 'sheet', 'unit'])
    const hidden = [4, 5, 6, 7, 8, 9, 10].map((n) => qtyOf(n).replace(/0+$/, ''))
    for (const args of [['--json', '--adjustments', 'adj.csv'], ['--format', 'csv', '--output', 'v.csv'], ['--format', 'xlsx', '--output', 'v.xlsx'], []]) {
      const r = cli(['count', 'report', '1', ...args])
      expect(r.code, r.stderr).toBe(0)
      for (const h of hidden) expect(r.stdout, `${args.join(' ')} leaks ${h}`).not.toContain(h)
    }
    const csv = readFileSync(path.join(dir, 'v.csv'), 'utf8') + readFileSync(path.join(dir, 'adj.csv'), 'utf8')
    for (const h of hidden) expect(csv).not.toContain(h)
    const {default: ExcelJS} = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'v.xlsx'))
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => hidden.forEach((h) => expect(String(c.value)).not.toContain(h)))))
  })

  it('run history and count enter prompts carry no quantity', async () => {
    const runs = cli(['runs', 'list', '--json'])
    expect(runs.stdout).not.toMatch(LEAK)
    const list = cli(['count', 'list', '--json'])
    expect(list.stdout).not.toMatch(LEAK)
    expect(list.json.counts.find((c: {id: number}) => c.id === 1)).toMatchObject({status: 'partial', counted: 3, sampleSize: 10, seed: '42'})
    const store = await openStore({client: 'sqlite', filename: '.plantops/state.db'}, dir)
    try {
      const header = await getCount(store.knex, 1)
      const asked: string[] = []
      const answers = ['7', '', 'abc', 'q']
      const r = await enterCounts(store.knex, header, {
        counter: 'Bo',
        countedAt: () => '2030-01-01 09:00:00',
        ask: async (q) => {
          asked.push(q.message)
          const a = answers.shift()!
          if (a === 'abc') {
            expect(q.validate('abc')).toMatch(/not a number/)
            expect(q.validate('-1')).toMatch(/negative/)
            return 'q'
          }
          return a
        },
      })
      expect(asked).toHaveLength(3)
      expect(asked[0]).toMatch(/^Line 4\/10 /)
      for (const m of asked) expect(m).not.toMatch(LEAK)
      expect([r.typed, r.skipped, r.recorded]).toEqual([1, 1, 1])
      expect(r.uncounted.map((u) => u.line)).toEqual([5, 6, 7, 8, 9, 10])
    } finally {
      await store.close()
    }
  })

  it('count enter refuses without a terminal', () => {
    const r = cli(['count', 'enter', '1'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/not one/)
    expect(r.stderr).toMatch(/count record 1/)
  })
})
