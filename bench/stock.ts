/**
 * Stock reconciliation benchmark (MariaDB at 127.0.0.1:3306, root):
 *   npx tsx bench/stock.ts [--rows 200000,2000000] [--keep] [--reuse]
 *
 * For each size it loads the demo plant (ERP stock_balance rows = size; WMS bin_stock ≈ 1.5 × size) and prints, side by
 * side: `plantops stock diff` (built CLI, child process) wall time and peak RSS; the floor (the `mariadb --quick --batch`
 * client streaming both sides' selects ordered — and the WMS side grouped — by the server, in parallel, to /dev/null);
 * the raw floor (both sides unordered, in parallel, same client; and mysql2 in one Node process); and a server-side SQL
 * full outer join (UNION of LEFT joins over GROUP BY subqueries) computing the same statuses — whose result set is
 * checked against plantops' variance CSV. `--reuse` keeps an existing plant of the right size; `--keep` does not drop it.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

import {stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig, dropMysqlDemo, type DemoManifest} from '../src/lib/demo/index.js'
import {demoStockConfig} from '../src/lib/demo/stock-config.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const MY = {host: '127.0.0.1', port: 3306, user: 'root'}
const args = process.argv.slice(2)
const flag = (name: string) => args.includes(name)
const rowsArg = args[args.indexOf('--rows') + 1]
const sizes = (args.includes('--rows') ? rowsArg : '200000,2000000').split(',').map((s) => Number(s.trim()))

interface Timed {
  ms: number
  rssKb?: number
  code: number
  stderr: string
}

function timed(cmd: string, argv: string[], opts: {cwd?: string; stdoutFile?: string} = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const out = opts.stdoutFile ? ['pipe', 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe']
    const child = spawn(cmd, argv, {cwd: opts.cwd, stdio: out as never})
    let stderr = ''
    const chunks: Buffer[] = []
    child.stdout?.on('data', (b: Buffer) => chunks.push(b))
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (opts.stdoutFile) writeFileSync(opts.stdoutFile, Buffer.concat(chunks))
      resolve({ms: performance.now() - t0, code: code ?? -1, stderr})
    })
  })
}

async function parallel(...jobs: Array<() => Promise<Timed>>): Promise<number> {
  const t0 = performance.now()
  const r = await Promise.all(jobs.map((j) => j()))
  for (const x of r) if (x.code !== 0) throw new Error(`failed: ${x.stderr}`)
  return performance.now() - t0
}

const mariadb = (sql: string, stdoutFile?: string) => () => timed('mariadb', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, '--quick', '--batch', '--skip-column-names', '-e', sql], {stdoutFile})

async function plantopsRun(dir: string, outCsv: string): Promise<Timed> {
  const bin = path.join(repo, 'bin', 'run.js')
  const argv = [bin, 'stock', 'diff', '--format', 'csv', '--output', outCsv, '--no-input']
  if (existsSync('/usr/bin/time')) {
    const r = await timed('/usr/bin/time', ['-v', process.execPath, ...argv], {cwd: dir})
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)
    if (r.code !== 0) throw new Error(`plantops failed (${r.code}): ${r.stderr}`)
    return {...r, rssKb: rss ? Number(rss[1]) : undefined}
  }
  // fallback: poll VmHWM
  const t0 = performance.now()
  const child = spawn(process.execPath, argv, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  let hwm = 0
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (m) hwm = Math.max(hwm, Number(m[1]))
    } catch {}
  }, 20)
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? -1)))
  clearInterval(poll)
  return {ms: performance.now() - t0, rssKb: hwm, code, stderr: ''}
}

async function mysql2Raw(erpDb: string, wmsDb: string): Promise<number> {
  const mysql = await import('mysql2')
  const read = (db: string, sql: string) =>
    new Promise<number>((resolve, reject) => {
      const c = mysql.createConnection({...MY, database: db, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true})
      let n = 0
      c.query(sql)
        .on('result', () => n++)
        .on('error', reject)
        .on('end', () => {
          c.end()
          resolve(n)
        })
    })
  const t0 = performance.now()
  await Promise.all([
    read(erpDb, 'SELECT item_code, warehouse_code, lot_no, qty, uom FROM stock_balance'),
    read(wmsDb, "SELECT sku, wh_code, lot, qty, uom FROM bin_stock WHERE status IN ('AVAILABLE', 'QC_HOLD')"),
  ])
  return performance.now() - t0
}

function sqlJoin(erp: string, wms: string, m: DemoManifest): string {
  const whCase = Object.entries(m.warehouseMap)
    .map(([e, w]) => `WHEN '${w}' THEN '${e}'`)
    .join(' ')
  const pct = Object.entries(m.suggestedTolerancePct)
    .map(([c, p]) => `WHEN '${c}' THEN ${p}`)
    .join(' ')
  return `WITH e AS (
    SELECT item_code AS item, warehouse_code AS wh, COALESCE(lot_no, '') AS lot, SUM(qty) AS q
    FROM ${erp}.stock_balance GROUP BY item_code, warehouse_code, COALESCE(lot_no, '')
  ), w AS (
    SELECT x.erp_item_code AS item, CASE b.wh_code ${whCase} ELSE b.wh_code END AS wh, COALESCE(b.lot, '') AS lot,
           SUM(b.qty * COALESCE(u.factor, 1)) AS q
    FROM ${wms}.bin_stock b
    JOIN ${wms}.sku_xref x ON x.wms_sku = TRIM(b.sku)
    LEFT JOIN ${erp}.item_uoms u ON u.item_code = x.erp_item_code AND u.uom = b.uom
    WHERE b.status IN ('AVAILABLE', 'QC_HOLD')
    GROUP BY x.erp_item_code, CASE b.wh_code ${whCase} ELSE b.wh_code END, COALESCE(b.lot, '')
  ), k AS (
    SELECT e.item, e.wh, e.lot, e.q AS eq, w.q AS wq FROM e LEFT JOIN w ON w.item = e.item AND w.wh = e.wh AND w.lot = e.lot
    UNION ALL
    SELECT w.item, w.wh, w.lot, NULL, w.q FROM w LEFT JOIN e ON e.item = w.item AND e.wh = w.wh AND e.lot = w.lot WHERE e.item IS NULL
  )
  SELECT item, wh, lot, status FROM (
    SELECT k.item, k.wh, k.lot,
      CASE WHEN k.wq IS NULL THEN IF(k.eq = 0, 'match', 'only_in_erp')
           WHEN k.eq IS NULL THEN IF(k.wq = 0, 'match', 'only_in_wms')
           WHEN k.eq = k.wq THEN 'match'
           WHEN ABS(k.wq - k.eq) <= ABS(k.eq) * (CASE i.abc_class ${pct} ELSE 0 END) / 100 THEN 'within_tolerance'
           ELSE 'over_tolerance' END AS status
    FROM k LEFT JOIN ${erp}.items i ON i.item_code = k.item
  ) s WHERE status <> 'match'`
}

/** The same statuses as one GROUP BY over the UNION ALL of both sides (a full outer join without joins). */
function sqlUnionGroup(erp: string, wms: string, m: DemoManifest): string {
  const whCase = Object.entries(m.warehouseMap)
    .map(([e, w]) => `WHEN '${w}' THEN '${e}'`)
    .join(' ')
  const pct = Object.entries(m.suggestedTolerancePct)
    .map(([c, p]) => `WHEN '${c}' THEN ${p}`)
    .join(' ')
  return `SELECT item, wh, lot, status FROM (
    SELECT k.item, k.wh, k.lot,
      CASE WHEN k.hw = 0 THEN IF(k.eq = 0, 'match', 'only_in_erp')
           WHEN k.he = 0 THEN IF(k.wq = 0, 'match', 'only_in_wms')
           WHEN k.eq = k.wq THEN 'match'
           WHEN ABS(k.wq - k.eq) <= ABS(k.eq) * (CASE i.abc_class ${pct} ELSE 0 END) / 100 THEN 'within_tolerance'
           ELSE 'over_tolerance' END AS status
    FROM (
      SELECT item, wh, lot, SUM(eq) AS eq, SUM(wq) AS wq, MAX(he) AS he, MAX(hw) AS hw FROM (
        SELECT item_code AS item, warehouse_code AS wh, COALESCE(lot_no, '') AS lot, qty AS eq, 0 AS wq, 1 AS he, 0 AS hw FROM ${erp}.stock_balance
        UNION ALL
        SELECT x.erp_item_code, CASE b.wh_code ${whCase} ELSE b.wh_code END, COALESCE(b.lot, ''), 0, b.qty * COALESCE(u.factor, 1), 0, 1
        FROM ${wms}.bin_stock b
        JOIN ${wms}.sku_xref x ON x.wms_sku = TRIM(b.sku)
        LEFT JOIN ${erp}.item_uoms u ON u.item_code = x.erp_item_code AND u.uom = b.uom
        WHERE b.status IN ('AVAILABLE', 'QC_HOLD')
      ) u GROUP BY item, wh, lot
    ) k LEFT JOIN ${erp}.items i ON i.item_code = k.item
  ) s WHERE status <> 'match'`
}

function keySet(lines: string[], sep: string, cols: [number, number, number, number]): Set<string> {
  return new Set(lines.filter((l) => l !== '').map((l) => cols.map((i) => l.split(sep)[i] ?? '').join('|')))
}

async function benchOne(rows: number) {
  const prefix = `ptbench_stock_${rows}_`
  const erpDb = `${prefix}erp`
  const wmsDb = `${prefix}wms`
  const dir = path.join(os.tmpdir(), `plantops-bench-stock-${rows}`)
  const manifestPath = path.join(dir, 'demo-manifest.json')
  let buildMs = 0
  if (!(flag('--reuse') && existsSync(manifestPath) && existsSync(path.join(dir, 'plantops.yaml')))) {
    rmSync(dir, {recursive: true, force: true})
    mkdirSync(dir, {recursive: true})
    process.stderr.write(`building the demo plant with ${rows.toLocaleString('en-US')} ERP stock rows in MariaDB (${prefix}*)…\n`)
    const plant = await buildDemoPlant({dir, stockRows: rows, mysql: {...MY, prefix}})
    buildMs = plant.elapsedMs
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DemoManifest
  rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})

  const wmsSorted = `SELECT sku, wh_code, lot, uom, SUM(qty) FROM ${wmsDb}.bin_stock WHERE status IN ('AVAILABLE', 'QC_HOLD') GROUP BY sku, wh_code, lot, uom ORDER BY sku, wh_code, lot, uom`
  const erpSorted = `SELECT item_code, warehouse_code, lot_no, qty, uom FROM ${erpDb}.stock_balance ORDER BY item_code, warehouse_code, lot_no`
  const wmsRaw = `SELECT sku, wh_code, lot, qty, uom FROM ${wmsDb}.bin_stock WHERE status IN ('AVAILABLE', 'QC_HOLD')`
  const erpRaw = `SELECT item_code, warehouse_code, lot_no, qty, uom FROM ${erpDb}.stock_balance`
  // warm the buffer pool once, then measure
  await parallel(mariadb(erpRaw), mariadb(wmsRaw))
  const rawMs = await parallel(mariadb(erpRaw), mariadb(wmsRaw))
  const sortedMs = await parallel(mariadb(erpSorted), mariadb(wmsSorted))
  const mysql2Ms = await mysql2Raw(erpDb, wmsDb)

  const outCsv = path.join(dir, 'variances.csv')
  const runs: Timed[] = []
  for (let i = 0; i < (rows <= 500_000 ? 2 : 1); i++) {
    rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})
    runs.push(await plantopsRun(dir, outCsv))
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a))
  const peak = Math.max(...runs.map((r) => r.rssKb ?? 0))

  const ours = keySet(readFileSync(outCsv, 'utf8').split('\n').slice(1), ',', [0, 1, 2, 8])
  const check = (file: string) => {
    const theirs = keySet(readFileSync(file, 'utf8').split('\n'), '\t', [0, 1, 2, 3])
    return {onlyOurs: [...ours].filter((k) => !theirs.has(k)), onlyTheirs: [...theirs].filter((k) => !ours.has(k))}
  }
  // the LEFT/RIGHT-join formulation, capped so the bench stays short (MariaDB has no hash join for derived tables)
  const cap = Number(process.env.BENCH_JOIN_CAP_SECONDS ?? 150)
  const joinOut = path.join(dir, 'sql-join.tsv')
  const joinRun = await mariadb(`SET STATEMENT max_statement_time = ${cap} FOR ${sqlJoin(erpDb, wmsDb, manifest)}`, joinOut)()
  const joinTimedOut = joinRun.code !== 0 && /max_statement_time|interrupted/i.test(joinRun.stderr)
  if (joinRun.code !== 0 && !joinTimedOut) throw new Error(`SQL join failed: ${joinRun.stderr}`)
  const joinCheck = joinTimedOut ? null : check(joinOut)
  const unionOut = path.join(dir, 'sql-union.tsv')
  const unionRun = await mariadb(sqlUnionGroup(erpDb, wmsDb, manifest), unionOut)()
  if (unionRun.code !== 0) throw new Error(`SQL union/group failed: ${unionRun.stderr}`)
  const unionCheck = check(unionOut)

  if (!flag('--keep')) {
    await dropMysqlDemo({...MY, prefix})
    rmSync(dir, {recursive: true, force: true})
  }
  return {rows, buildMs, best, peak, rawMs, sortedMs, mysql2Ms, joinMs: joinRun.ms, joinTimedOut, cap, joinCheck, unionMs: unionRun.ms, unionCheck, variances: ours.size}
}

function verdict(c: {onlyOurs: string[]; onlyTheirs: string[]} | null): string {
  if (c === null) return 'not run to the end'
  return c.onlyOurs.length + c.onlyTheirs.length === 0 ? 'identical' : `differ: ${c.onlyOurs.length} only plantops, ${c.onlyTheirs.length} only SQL`
}

const results = []
for (const n of sizes) results.push(await benchOne(n))

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const lines = [
  ['ERP rows per side', ...results.map((r) => r.rows.toLocaleString('en-US'))],
  ['plantops stock diff: wall', ...results.map((r) => s(r.best.ms))],
  ['plantops stock diff: peak RSS', ...results.map((r) => `${Math.round(r.peak / 1024)} MB`)],
  ['floor: mariadb client, both sides sorted (+grouped), parallel', ...results.map((r) => s(r.sortedMs))],
  ['raw floor: mariadb client, both sides unordered, parallel', ...results.map((r) => s(r.rawMs))],
  ['raw floor: mysql2 in one Node process, parallel', ...results.map((r) => s(r.mysql2Ms))],
  ['server SQL: UNION of LEFT joins over GROUP BY', ...results.map((r) => (r.joinTimedOut ? `> ${r.cap} s (cut)` : s(r.joinMs)))],
  ['server SQL: GROUP BY over UNION ALL', ...results.map((r) => s(r.unionMs))],
  ['plantops ÷ sorted floor', ...results.map((r) => `${(r.best.ms / r.sortedMs).toFixed(2)}×`)],
  ['plantops ÷ raw floor (mariadb)', ...results.map((r) => `${(r.best.ms / r.rawMs).toFixed(2)}×`)],
  ['variance keys (plantops)', ...results.map((r) => String(r.variances))],
  ['keys+statuses vs SQL join', ...results.map((r) => verdict(r.joinCheck))],
  ['keys+statuses vs SQL union/group', ...results.map((r) => verdict(r.unionCheck))],
]
const w0 = Math.max(...lines.map((l) => l[0].length))
const wn = Math.max(...lines.flatMap((l) => l.slice(1).map((c) => c.length)))
process.stdout.write(`\nplantops stock diff benchmark · node ${process.version} · ${os.cpus().length} CPUs · load ${os.loadavg()[0].toFixed(1)}\n`)
for (const l of lines) process.stdout.write(`${l[0].padEnd(w0)}  ${l.slice(1).map((c) => c.padStart(wn)).join('  ')}\n`)
for (const r of results) {
  const c = r.unionCheck
  for (const k of [...c.onlyOurs.slice(0, 5).map((k) => `only plantops: ${k}`), ...c.onlyTheirs.slice(0, 5).map((k) => `only SQL: ${k}`)]) process.stdout.write(`  ${r.rows}: ${k}\n`)
}
