/**
 * Order import speed and memory: a generated 100,000-line order workbook imported by the built CLI
 * (`plantops orders import`, SQLite store, SQLite ERP item master), side by side with the floor: exceljs's streaming
 * reader merely reading the same file (the options plantops opens it with: shared strings and styles cached, worksheets
 * emitted, hyperlinks ignored; every row's values touched). Each measurement is a child process; wall time, CPU time
 * (user + system: steadier than wall time on a shared machine) and peak RSS (max resident set size) come from
 * /usr/bin/time. The floor and the imports are interleaved run by run, so load changes hit both alike.
 * Targets (issue 14): import within 1.5x the floor at 100,000 lines, peak RSS under 300 MB at 300,000 lines (one import of
 * a 300,000-line workbook, `--rss-rows`). Sizes scale with BENCH_SCALE; generated workbooks are kept in the temp dir.
 * Run: npx tsx bench/orders.ts [--rows 100000] [--runs 3] [--rss-rows 300000]
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {buildLargeXlsx} from '../test/orders/fixture-builder.js'
import {makeItemMasterSqlite, writeConfig} from '../test/orders/helpers.js'
import {record, scaled} from './_results.js'

const root = path.resolve(import.meta.dirname, '..')
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const rows = arg('--rows', scaled(100_000))
const rssRows = arg('--rss-rows', scaled(300_000))
const runs = arg('--runs', 3)

const dir = path.join(os.tmpdir(), `plantops-bench-orders-${rows}`)
mkdirSync(dir, {recursive: true})
const workbook = path.join(dir, `orders-${rows}.xlsx`)
if (!existsSync(workbook)) {
  const t = Date.now()
  await buildLargeXlsx(workbook, rows)
  console.log(`generated ${workbook} (${rows.toLocaleString('en-US')} lines, ${(statSync(workbook).size / 1e6).toFixed(1)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`)
}
if (!existsSync(path.join(dir, 'erp.db'))) makeItemMasterSqlite(path.join(dir, 'erp.db'))
const config = writeConfig(dir, {orders: {itemMaster: {source: 'erp', table: 'items', skuColumn: 'item_code', uomColumn: 'uom', uoms: {table: 'item_uoms'}}}})

const exceljsPath = path.join(root, 'node_modules', 'exceljs', 'lib', 'exceljs.nodejs.js')
const floorScript = `
import ExcelJS from ${JSON.stringify(exceljsPath)}
const reader = new ExcelJS.stream.xlsx.WorkbookReader(${JSON.stringify(workbook)}, {sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit'})
let n = 0, cells = 0
for await (const ws of reader) for await (const row of ws) { n++; cells += row.values.length }
console.log(JSON.stringify({rows: n, cells}))
`

interface Measure {
  seconds: number
  /** user + system CPU seconds: steadier than wall time on a shared machine */
  cpu: number
  peakMb: number
  stdout: string
}

function measure(args: string[]): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M %U %S', ...args], {encoding: 'utf8', cwd: root, env: {...process.env, NO_COLOR: '1'}, maxBuffer: 64 * 1024 * 1024})
  const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
  if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`)
  return {seconds: Number(m[1]), peakMb: Number(m[2]) / 1024, cpu: Number(m[3]) + Number(m[4]), stdout: r.stdout}
}

function best(list: Measure[]): Measure {
  return [...list].sort((a, b) => a.seconds - b.seconds)[0]
}

const bin = path.join(root, 'bin', 'run.js')
const floor: Measure[] = []
const first: Measure[] = []
const again: Measure[] = []
for (let i = 0; i < runs; i++) {
  floor.push(measure([process.execPath, '--input-type=module', '-e', floorScript]))
  rmSync(path.join(dir, 'state.db'), {force: true})
  rmSync(path.join(dir, 'state.db-wal'), {force: true})
  rmSync(path.join(dir, 'state.db-shm'), {force: true})
  first.push(measure([process.execPath, bin, 'orders', 'import', workbook, '--config', config, '--json']))
  again.push(measure([process.execPath, bin, 'orders', 'import', workbook, '--config', config, '--json']))
}
const f = best(floor)
const a = best(first)
const b = best(again)
const fr = JSON.parse(f.stdout) as {rows: number}
const ar = JSON.parse(a.stdout) as {totals: {rowsRead: number; imported: number; rejected: number}}
const br = JSON.parse(b.stdout) as {totals: {unchanged: number}}
if (ar.totals.imported !== rows || br.totals.unchanged !== rows) throw new Error(`unexpected counts: ${a.stdout.slice(0, 500)}`)

console.log(`order import, ${rows.toLocaleString('en-US')} lines, best of ${runs} (node ${process.version}, ${os.cpus().length} CPUs)`)
console.log('case'.padEnd(44), 'wall s'.padStart(8), 'x floor'.padStart(8), 'CPU s'.padStart(8), 'x floor'.padStart(8), 'peak RSS MB'.padStart(12))
const line = (name: string, m: Measure) =>
  console.log(
    name.padEnd(44),
    m.seconds.toFixed(2).padStart(8),
    (m.seconds / f.seconds).toFixed(2).padStart(8),
    m.cpu.toFixed(2).padStart(8),
    (m.cpu / f.cpu).toFixed(2).padStart(8),
    m.peakMb.toFixed(0).padStart(12),
  )
line(`floor: exceljs streaming read (${fr.rows} rows)`, f)
line('plantops orders import (new lines)', a)
line('plantops orders import again (unchanged)', b)
console.log(`targets: within 1.5x the floor (${(a.seconds / f.seconds).toFixed(2)}x, ${(b.seconds / f.seconds).toFixed(2)}x), peak RSS under 300 MB (${a.peakMb.toFixed(0)} MB, ${b.peakMb.toFixed(0)} MB)`)

// peak RSS of one import of the larger workbook (new lines)
const rssDir = path.join(os.tmpdir(), `plantops-bench-orders-${rssRows}`)
mkdirSync(rssDir, {recursive: true})
const rssBook = path.join(rssDir, `orders-${rssRows}.xlsx`)
if (!existsSync(rssBook)) await buildLargeXlsx(rssBook, rssRows)
if (!existsSync(path.join(rssDir, 'erp.db'))) makeItemMasterSqlite(path.join(rssDir, 'erp.db'))
const rssConfig = writeConfig(rssDir, {orders: {itemMaster: {source: 'erp', table: 'items', skuColumn: 'item_code', uomColumn: 'uom', uoms: {table: 'item_uoms'}}}})
for (const f of ['state.db', 'state.db-wal', 'state.db-shm']) rmSync(path.join(rssDir, f), {force: true})
const big = measure([process.execPath, bin, 'orders', 'import', rssBook, '--config', rssConfig, '--json'])
console.log(`plantops orders import of ${rssRows.toLocaleString('en-US')} lines: ${big.seconds.toFixed(2)} s, CPU ${big.cpu.toFixed(2)} s, peak RSS ${big.peakMb.toFixed(0)} MB`)

const B = 'orders import'
record({bench: B, label: `exceljs streaming read, ${rows.toLocaleString('en-US')} lines`, value: `${f.seconds.toFixed(2)} s`})
record({bench: B, label: `plantops orders import, ${rows.toLocaleString('en-US')} lines (CPU ${a.cpu.toFixed(1)} s)`, value: `${a.seconds.toFixed(2)} s`})
record({bench: B, label: 'import ÷ exceljs read', value: `${(a.seconds / f.seconds).toFixed(2)}×`, target: '≤ 1.5×', ok: a.seconds / f.seconds <= 1.5})
record({bench: B, label: 'import ÷ exceljs read, CPU time', value: `${(a.cpu / f.cpu).toFixed(2)}×`, target: '≤ 1.5×', ok: a.cpu / f.cpu <= 1.5})
record({bench: B, label: `peak RSS, ${rssRows.toLocaleString('en-US')} lines`, value: `${big.peakMb.toFixed(0)} MB`, target: '≤ 300 MB', ok: big.peakMb <= 300})
