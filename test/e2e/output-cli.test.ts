import {spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import ExcelJS from 'exceljs'
import stringWidth from 'string-width'
import {beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig} from '../../src/lib/demo/index.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {demoSystemsConfig} from '../../src/lib/demo/systems-config.js'
import {binPath, cliEnv, runCli, tempDir} from '../helpers/cli.js'

/** Spawn the built CLI with stdout piped into a reader that closes after the first chunk (like `| head -1`). */
function runIntoClosingReader(args: string[], cwd: string): Promise<{code: number | null; stderr: string; first: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let first = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.once('data', (d) => {
      first = String(d).split('\n')[0]
      child.stdout.destroy()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr, first}))
  })
}

describe('the output layer through the built CLI (SQLite demo plant)', () => {
  let dir: string
  beforeAll(async () => {
    dir = tempDir('pt-output-')
    const plant = await buildDemoPlant({dir, stockRows: 2000})
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant), systems: demoSystemsConfig(plant)}))
  }, 120_000)

  it('a closed pipe (EPIPE on stdout) ends quietly with the run\'s own result, and the run is not recorded as failed', async () => {
    const r = await runIntoClosingReader(['stock', 'diff', '--all', '--format', 'csv'], dir)
    expect(r.first).toMatch(/^item,warehouse,lot,/)
    expect(r.stderr).not.toMatch(/EPIPE|defect|internal error/i)
    expect(r.code).toBe(0)
    const runs = runCli(['runs', 'list', '--json'], {cwd: dir})
    expect(runs.json.runs[0]).toMatchObject({job: 'stock-diff', status: 'ok', exitCode: 0})
  }, 180_000)

  it('--json with a bad flag, a bad option value or a missing argument prints only the documented error, exit 2', () => {
    const results = [
      ['stock', 'diff', '--bogus', '--json'],
      ['stock', 'diff', '--fail-on', 'sometimes', '--json'],
      ['count', 'report', '--json'],
    ].map((args) => ({args, r: runCli(args, {cwd: dir})}))
    for (const {args, r} of results) {
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.json, r.stdout.slice(0, 300)).toBeDefined()
      expect(Object.keys(r.json)).toEqual(['error'])
      expect(Object.keys(r.json.error).sort()).toEqual(['code', 'exitCode', 'hints', 'message', 'problems'])
      expect(r.json.error.exitCode).toBe(2)
      expect(r.stdout.length).toBeLessThan(2000)
      expect(r.stdout).not.toMatch(/package\.json|"pjson"|"flags"/)
    }
    // the bad option value's message names the value and the options
    expect(results[1].r.json.error.message).toMatch(/--fail-on=sometimes .*over-tolerance/)
  }, 180_000)

  it('an unknown command suggests the nearest one, exit 2', () => {
    const r = runCli(['stok', 'diff'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Did you mean "plantops stock diff"\?/)
    const j = runCli(['conifg', 'validate', '--json'], {cwd: dir})
    expect(j.code).toBe(2)
    expect(j.json.error).toMatchObject({code: 'COMMAND_NOT_FOUND', exitCode: 2})
    expect(j.json.error.message).toMatch(/plantops config validate/)
  }, 180_000)

  it('--output without --format takes the format from the extension; an unknown extension is exit 2 naming the --format needed', async () => {
    const csv = runCli(['stock', 'diff', '--output', 'v.csv'], {cwd: dir})
    expect(csv.code, csv.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'v.csv'), 'utf8').split('\n')[0]).toBe('item,warehouse,lot,erp_qty,wms_qty,diff,diff_pct,uom,status,cause,first_seen,value_diff,in_transit_qty,explained,action,item_name,warehouse_name,stale')
    expect(csv.stdout).toBe('') // no table instead of the file
    expect(csv.stderr).toMatch(/rows written to v\.csv/)
    const xlsx = runCli(['stock', 'diff', '--output', 'v.xlsx'], {cwd: dir})
    expect(xlsx.code, xlsx.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'v.xlsx')).subarray(0, 2).toString()).toBe('PK')
    const json = runCli(['stock', 'diff', '--output', 'v.json'], {cwd: dir})
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(readFileSync(path.join(dir, 'v.json'), 'utf8')).summary.keys.total).toBeGreaterThan(2000)
    const txt = runCli(['stock', 'diff', '--output', 'v.txt'], {cwd: dir})
    expect(txt.code).toBe(2)
    expect(txt.stderr).toMatch(/cannot tell the format of --output v\.txt/)
    expect(txt.stderr).toMatch(/--format csv/)
    expect(existsSync(path.join(dir, 'v.txt'))).toBe(false)
    const clash = runCli(['stock', 'diff', '--format', 'csv', '--output', 'v2.xlsx'], {cwd: dir})
    expect(clash.code).toBe(2)
    const table = runCli(['stock', 'diff', '--format', 'table', '--output', 'v3.csv'], {cwd: dir})
    expect(table.code).toBe(2)
    expect(runCli(['count', 'report', '1', '--output', 'x.txt', '--json'], {cwd: dir}).json.error.message).toMatch(/cannot tell the format/)
  }, 180_000)

  it('every command with --output: systems map takes its diagram format from .mmd / .dot / .svg', () => {
    const mmd = runCli(['systems', 'map', '--output', 'map.mmd'], {cwd: dir})
    expect(mmd.code, mmd.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'map.mmd'), 'utf8')).toMatch(/^(flowchart|graph)/m)
    const dot = runCli(['systems', 'map', '--output', 'map.dot'], {cwd: dir})
    expect(dot.code, dot.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'map.dot'), 'utf8')).toMatch(/digraph/)
    const png = runCli(['systems', 'map', '--output', 'map.png'], {cwd: dir})
    expect(png.code).toBe(2)
    expect(png.stderr).toMatch(/--format mermaid or --format dot or --format svg/)
  }, 180_000)

  it('--format json --output F writes the very document --json prints', () => {
    const a = runCli(['stock', 'diff', '--format', 'json', '--output', 'doc.json', '--json'], {cwd: dir})
    expect(a.code, a.stderr).toBe(0)
    const file = JSON.parse(readFileSync(path.join(dir, 'doc.json'), 'utf8'))
    expect(file).toEqual(a.json)
    expect(Object.keys(file).sort()).toEqual(['failed', 'output', 'rows', 'runId', 'summary'])
    // and --format json alone prints that document on stdout
    const b = runCli(['stock', 'diff', '--format', 'json'], {cwd: dir})
    expect(Object.keys(JSON.parse(b.stdout)).sort()).toEqual(['failed', 'output', 'rows', 'runId', 'summary'])
    expect(JSON.parse(b.stdout).rows).toHaveLength(file.rows.length)
  }, 180_000)

  it('tables fit the terminal width (80 and 100 columns via PLANTOPS_COLUMNS), say what they left out, and --columns chooses', () => {
    const full = runCli(['stock', 'diff'], {cwd: dir})
    const fullWidth = Math.max(...full.stdout.split('\n').map((l) => stringWidth(l)))
    expect(fullWidth).toBeGreaterThan(120) // not a TTY, no override: every column at full width
    for (const width of [80, 100]) {
      const r = runCli(['stock', 'diff'], {cwd: dir, env: {PLANTOPS_COLUMNS: String(width)}})
      expect(r.code, r.stderr).toBe(0)
      const lines = r.stdout.split('\n')
      for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(width)
      expect(r.stdout).toMatch(/not shown, to fit \d+ columns: First seen \(runs\)/)
      const header = lines.find((l) => l.includes('Warehouse') && l.includes('Item'))!
      expect(header).toMatch(/Diff/)
      expect(header).toMatch(/Status/)
    }
    const chosen = runCli(['stock', 'diff', '--columns', 'item,lot,diff,status'], {cwd: dir, env: {PLANTOPS_COLUMNS: '80'}})
    const head = chosen.stdout.split('\n').find((l) => l.includes('Item'))!
    expect(head.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['Item', 'Lot', 'Diff', 'Status'])
    const bad = runCli(['stock', 'diff', '--columns', 'item,colour'], {cwd: dir})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/no column named "colour"/)
  }, 180_000)

  it('XLSX: whole numbers without a trailing dot, columns sized to content, dates as dates, summary figures as numbers', async () => {
    const r = runCli(['stock', 'diff', '--show-cost', '--output', 'cost.xlsx'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'cost.xlsx'))
    const ws = wb.getWorksheet('variances')!
    const headers = (ws.getRow(1).values as unknown[]).slice(1) as string[]
    const col = (name: string) => headers.indexOf(name) + 1
    let wholeSeen = false
    let dateSeen = false
    ws.eachRow((row, n) => {
      if (n === 1) return
      const erp = row.getCell(col('erp_qty'))
      if (typeof erp.value === 'number') {
        expect(erp.numFmt ?? '').not.toMatch(/\.(#|$)/) // never "3,567."
        if (Number.isInteger(erp.value)) {
          wholeSeen = true
          expect(erp.numFmt).toBe('#,##0')
        }
      }
      const seen = row.getCell(col('first_seen')).value
      if (seen !== null) {
        expect(seen).toBeInstanceOf(Date)
        dateSeen = true
      }
      const value = row.getCell(col('value_diff'))
      if (typeof value.value === 'number') {
        const shown = Math.abs(value.value).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2}).length + 1
        expect(ws.getColumn(col('value_diff')).width!, String(value.value)).toBeGreaterThanOrEqual(shown)
      }
    })
    expect(wholeSeen).toBe(true)
    expect(dateSeen).toBe(true)
    const summary = wb.getWorksheet('summary')!
    const figures = new Map<string, ExcelJS.Cell>()
    summary.eachRow((row, n) => {
      if (n > 1) figures.set(String(row.getCell(1).value), row.getCell(2))
    })
    expect(typeof figures.get('Keys')!.value).toBe('number')
    expect(figures.get('Keys')!.numFmt).toBe('#,##0')
    expect(typeof figures.get('Record accuracy')!.value).toBe('number')
    expect(figures.get('Record accuracy')!.numFmt).toMatch(/%$/)
    expect(figures.get('Record accuracy')!.value as number).toBeLessThanOrEqual(1)
    expect(typeof figures.get('Value at risk')!.value).toBe('number')
  }, 180_000)

  it('times are shown in the plant\'s zone, labelled: the machine\'s by default, timeZone from the config when set', () => {
    const runs = runCli(['runs', 'list', '--json'], {cwd: dir}).json.runs
    const startedUtc = new Date(runs[0].startedAt)
    const local = (zone: string) =>
      new Intl.DateTimeFormat('sv-SE', {timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'}).format(startedUtc)
    const shanghai = runCli(['runs', 'list'], {cwd: dir, env: {TZ: 'Asia/Shanghai'}})
    expect(shanghai.stdout).toMatch(/Started \(Asia\/Shanghai, UTC\+8\)/)
    expect(shanghai.stdout).toContain(local('Asia/Shanghai'))
    const show = runCli(['runs', 'show', String(runs[0].id)], {cwd: dir, env: {TZ: 'Asia/Shanghai'}})
    expect(show.stdout).toMatch(/Started \(Asia\/Shanghai, UTC\+8\)/)
    expect(show.stdout).toContain(local('Asia/Shanghai'))
    // the audit's "since audit N (time)" too (was the stored ISO UTC text)
    expect(runCli(['systems', 'audit'], {cwd: dir}).code).toBe(0)
    const since = runCli(['systems', 'audit', '--since-last'], {cwd: dir, env: {TZ: 'Asia/Shanghai'}})
    expect(since.stdout).toMatch(/^Since audit \d+ \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Shanghai, UTC\+8\)/m)
    // the config's zone wins over the machine's
    const cfg = path.join(dir, 'plantops.yaml')
    const original = readFileSync(cfg, 'utf8')
    try {
      writeFileSync(cfg, `timeZone: America/New_York\n${original}`)
      const ny = runCli(['runs', 'list'], {cwd: dir, env: {TZ: 'Asia/Shanghai'}})
      expect(ny.code, ny.stderr).toBe(0)
      expect(ny.stdout).toMatch(/Started \(America\/New_York, UTC-[45]\)/)
      expect(ny.stdout).toContain(local('America/New_York'))
      writeFileSync(cfg, `timeZone: Mars/Olympus\n${original}`)
      const bad = runCli(['config', 'validate'], {cwd: dir})
      expect(bad.code).toBe(2)
      expect(bad.stderr + bad.stdout).toMatch(/timeZone/)
    } finally {
      writeFileSync(cfg, original)
    }
  }, 180_000)
})
