import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig} from '../../src/lib/demo/index.js'
import {demoCountConfig} from '../../src/lib/demo/count-config.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {repoRoot, runCli, tempDir} from '../helpers/cli.js'

const FIXTURE = path.join(repoRoot, 'fixtures', 'count', 'demo-count-1-filled.xlsx')

/**
 * The README loop on the demo plant: sample with the documented flags, record the filled sheet shipped in fixtures/,
 * report, recount. If the demo plant or the sampling changes, the fixture no longer matches the sample and this test
 * says so (regenerate it with test/count/make-demo-fixture.mts).
 */
describe('the demo loop with the shipped filled sheet', () => {
  let dir: string
  const cli = (args: string[]) => runCli(args, {cwd: dir})

  beforeAll(async () => {
    dir = tempDir('pt-count-demo-')
    const demo = runCli(['demo', '--dir', dir, '--no-diff'])
    if (demo.code !== 0 || !existsSync(path.join(dir, 'plantops.yaml'))) {
      // the demo command cannot build the plant: compose the same config from the demo's modules
      const plant = await buildDemoPlant({dir})
      writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant), count: demoCountConfig(plant)}))
    }
    const yaml = readFileSync(path.join(dir, 'plantops.yaml'), 'utf8')
    expect(yaml).toMatch(/^count:/m)
  })

  it('sample → record fixtures/count/demo-count-1-filled.xlsx → report → recount', async () => {
    const s = cli(['count', 'sample', '--warehouse', 'RM', '--size', '40', '--counters', '2', '--seed', '7', '--output', 'count-sheets.xlsx', '--json'])
    expect(s.code, s.stderr).toBe(0)
    expect(s.json.count).toMatchObject({id: 1, sampleSize: 40, seed: 7})
    // the fixture holds exactly the sampled lines
    const {default: ExcelJS} = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(FIXTURE)
    const inFixture: string[] = []
    wb.eachSheet((ws) => ws.eachRow((row, r) => r > 1 && row.getCell(1).value && inFixture.push(`${row.getCell(1).value}|${row.getCell(2).value}|${row.getCell(3).value}`)))
    expect(inFixture.sort()).toEqual(s.json.lines.map((l: {line: number; location: string; item: string}) => `${l.line}|${l.location}|${l.item}`).sort())

    const rec = cli(['count', 'record', '1', FIXTURE, '--json']) // as the README: counted now (a time before the snapshot is refused)
    expect(rec.code, rec.stdout).toBe(0)
    expect(rec.json).toMatchObject({status: 'recorded', recorded: 41, found: 1, rejected: [], uncounted: []})
    const rep = cli(['count', 'report', '1', '--json', '--adjustments', 'adjustments.xlsx'])
    expect(rep.code, rep.stderr).toBe(0)
    expect(rep.json.totals).toMatchObject({counted: 40, found: 1, uncounted: 0})
    const lines = new Map((rep.json.lines as Array<Record<string, any>>).map((l) => [l.line, l]))
    expect(lines.get(10)).toMatchObject({wmsDiff: '-2', wmsStatus: 'over_tolerance'})
    expect(lines.get(3)).toMatchObject({wmsDiff: '1', wmsStatus: 'within_tolerance'})
    expect(lines.get(11)).toMatchObject({wmsDiff: '0', wmsStatus: 'match'})
    expect(lines.get(41)).toMatchObject({found: true, wmsExpected: '0', counted: '4'})
    expect(rep.json.ira.wms).toMatchObject({within: 39, counted: 40})
    const rc = cli(['count', 'sample', '--recount', '1', '--output', 'recount.xlsx', '--json'])
    expect(rc.code, rc.stderr).toBe(0)
    expect(rc.json.lines.map((l: {location: string}) => l.location).sort()).toEqual(rep.json.recount.map((r: {location: string}) => r.location).sort())
  })
})
