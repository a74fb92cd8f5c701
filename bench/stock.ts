/**
 * Stock reconciliation benchmark on the demo plant (bins rolled up: ERP stock_balance rows = size; WMS bin_stock ≈ 1.2-1.5 ×
 * size), MariaDB at 127.0.0.1:3306 (root):
 *   npx tsx bench/stock.ts [--rows 200000,2000000,5000000] [--compare 2000000] [--fresh] [--drop] [--sql-join] [--mem] [--mismapped]
 *
 * Every size: `plantops stock diff` (built CLI, child process) wall, user+sys CPU and peak RSS (memory must stay flat).
 * At the compared size (default the middle one) also: the raw floor (both sides' plain SELECT of the mapped columns
 * through `mariadb --quick --batch`, unordered, in parallel, warm: the target's floor), the same floor with each side's
 * lookup tables (cross-reference, item master, units, movements: what the bins plant's config also reads, shown for
 * information), the sorted floor, mysql2 in one process, plantops ÷ raw floor, and the check of plantops' variance keys and statuses against the same answer computed by the server in
 * SQL (GROUP BY over UNION ALL; `--sql-join` adds the UNION-of-LEFT-joins form). Sizes scale with BENCH_SCALE.
 * Plants are kept and reused between runs (a marker file beside the plant and a row count check); `--fresh` rebuilds,
 * `--drop` drops them at the end. `--mem` traces memory in every thread (bench/stock-memtrace.cjs, 25 ms samples) and
 * prints, per size, each thread's largest heap and which threads were alive at the peak RSS (the read phase: main and
 * the two readers; the reconcile: main and the merge thread). `--mismapped` also runs every size with one warehouse
 * mapped wrong (a quarter of the keys one-sided), twice on one store (mismappedRuns).
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
import {load, record, scaled} from './_results.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const MY = {host: '127.0.0.1', port: 3306, user: 'root'}
const args = process.argv.slice(2)
const flag = (name: string) => args.includes(name)
const rowsArg = args[args.indexOf('--rows') + 1]
const sizes = args.includes('--rows') ? rowsArg.split(',').map((s) => Number(s.trim())) : [200_000, 2_000_000, 5_000_000].map((n) => scaled(n))
const compareAt = args.includes('--compare') ? Number(args[args.indexOf('--compare') + 1]) : sizes[Math.floor((sizes.length - 1) / 2)]

interface Timed {
  ms: number
  rssKb?: number
  cpuS?: number
  code: number
  stderr: string
}

function timed(cmd: string, argv: string[], opts: {cwd?: string; stdoutFile?: string; env?: NodeJS.ProcessEnv} = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const out = opts.stdoutFile ? ['pipe', 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe']
    const child = spawn(cmd, argv, {cwd: opts.cwd, stdio: out as never, env: opts.env})
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

/** Per-thread heap peaks and the threads alive at the peak RSS, from a bench/stock-memtrace.cjs trace. */
function memSummary(file: string): string {
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as {t: number; th: string; heapTotal: number; ext: number; rss: number})
  const MB = (kb: number) => Math.round(kb / 1024)
  const threads = new Map<string, {first: number; last: number; heap: number; ext: number}>()
  for (const l of lines) {
    const x = threads.get(l.th) ?? {first: l.t, last: l.t, heap: 0, ext: 0}
    x.last = l.t
    x.heap = Math.max(x.heap, l.heapTotal)
    x.ext = Math.max(x.ext, l.ext)
    threads.set(l.th, x)
  }
  const peak = lines.reduce((a, l) => (l.rss > a.rss ? l : a), lines[0])
  const alive = [...threads].filter(([, x]) => x.first <= peak.t && x.last >= peak.t).map(([n]) => n)
  const phase = alive.some((n) => n.startsWith('merge')) ? 'reconcile' : alive.some((n) => n.startsWith('reader')) ? 'read' : 'main only'
  const per = [...threads].map(([n, x]) => `${n} heap ${MB(x.heap)} MB (+${MB(x.ext)} MB external)`).join(', ')
  return `peak RSS ${MB(peak.rss)} MB at ${(peak.t / 1000).toFixed(1)} s, ${phase} phase (${alive.join(' + ')}); largest heaps: ${per}`
}

async function plantopsRun(dir: string, outCsv: string): Promise<Timed & {mem?: string}> {
  const bin = path.join(repo, 'bin', 'run.js')
  const argv = [bin, 'stock', 'diff', '--format', 'csv', '--output', outCsv, '--no-input', '--allow-stale']
  if (existsSync('/usr/bin/time')) {
    const trace = path.join(dir, 'memtrace.jsonl')
    rmSync(trace, {force: true})
    const pre = flag('--mem') ? ['-r', path.join(repo, 'bench', 'stock-memtrace.cjs')] : []
    const env = flag('--mem') ? {...process.env, PLANTOPS_MEMTRACE: trace} : process.env
    const r = await timed('/usr/bin/time', ['-v', process.execPath, ...pre, ...argv], {cwd: dir, env})
    const mem = flag('--mem') && existsSync(trace) ? memSummary(trace) : undefined
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)
    const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr)
    const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr)
    if (r.code !== 0 && r.code !== 1) throw new Error(`plantops failed (${r.code}): ${r.stderr}`)
    return {...r, mem, rssKb: rss ? Number(rss[1]) : undefined, cpuS: user && sys ? Number(user[1]) + Number(sys[1]) : undefined}
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

/** A plant built to the end by an earlier run (marker file) whose databases still hold the rows. */
async function reusable(dir: string, erpDb: string, rows: number): Promise<boolean> {
  if (flag('--fresh') || !existsSync(path.join(dir, 'bench-ready')) || !existsSync(path.join(dir, 'plantops.yaml'))) return false
  const out = path.join(dir, 'count.tsv')
  const r = await mariadb(`SELECT COUNT(*) FROM ${erpDb}.stock_balance`, out)()
  return r.code === 0 && Number(readFileSync(out, 'utf8').trim()) === rows
}

async function benchOne(rows: number, compare: boolean) {
  const prefix = `ptbench_stock_${rows}_`
  const erpDb = `${prefix}erp`
  const wmsDb = `${prefix}wms`
  const dir = path.join(os.tmpdir(), `plantops-bench-stock-${rows}`)
  const manifestPath = path.join(dir, 'demo-manifest.json')
  let buildMs = 0
  if (!(await reusable(dir, erpDb, rows))) {
    rmSync(dir, {recursive: true, force: true})
    mkdirSync(dir, {recursive: true})
    process.stderr.write(`building the demo plant with ${rows.toLocaleString('en-US')} ERP stock rows in MariaDB (${prefix}*)…\n`)
    const plant = await buildDemoPlant({dir, stockRows: rows, items: Math.min(899_000, Math.max(20, Math.round(rows / 5))), mysql: {...MY, prefix}})
    buildMs = plant.elapsedMs
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
    writeFileSync(path.join(dir, 'bench-ready'), `${new Date().toISOString()}\n`)
  } else process.stderr.write(`reusing the demo plant of ${rows.toLocaleString('en-US')} rows (${dir}; --fresh rebuilds)\n`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DemoManifest
  rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})

  const wmsSorted = `SELECT sku, wh_code, lot, uom, SUM(qty) FROM ${wmsDb}.bin_stock WHERE status IN ('AVAILABLE', 'QC_HOLD') GROUP BY sku, wh_code, lot, uom ORDER BY sku, wh_code, lot, uom`
  const erpSorted = `SELECT item_code, warehouse_code, lot_no, qty, uom FROM ${erpDb}.stock_balance ORDER BY item_code, warehouse_code, lot_no`
  const wmsRaw = `SELECT sku, wh_code, lot, qty, uom FROM ${wmsDb}.bin_stock WHERE status IN ('AVAILABLE', 'QC_HOLD')`
  const erpRaw = `SELECT item_code, warehouse_code, lot_no, qty, uom FROM ${erpDb}.stock_balance`
  // each side with the lookup tables the plant's config reads inside that side's snapshot, one after the other on one
  // connection as plantops reads them: ERP stock, item master, item units; WMS cross-reference, bins, movements
  const erpAll = `${erpRaw}; SELECT item_code, uom, abc_class, category, unit_cost, pack_size, name FROM ${erpDb}.items; SELECT item_code, uom, factor FROM ${erpDb}.item_uoms`
  const wmsAll = `SELECT wms_sku, erp_item_code FROM ${wmsDb}.sku_xref; ${wmsRaw}; SELECT sku, wh_code, lot, qty, uom, moved_at, type FROM ${wmsDb}.movements WHERE erp_posted IN (0)`
  // warm the buffer pool once, then measure (best of two: the machine is shared)
  await parallel(mariadb(erpRaw), mariadb(wmsRaw))
  let rawMs = 0
  let rawAllMs = 0
  let sortedMs = 0
  let mysql2Ms = 0
  if (compare) {
    rawMs = Math.min(await parallel(mariadb(erpRaw), mariadb(wmsRaw)), await parallel(mariadb(erpRaw), mariadb(wmsRaw)))
    rawAllMs = Math.min(await parallel(mariadb(erpAll), mariadb(wmsAll)), await parallel(mariadb(erpAll), mariadb(wmsAll)))
    sortedMs = await parallel(mariadb(erpSorted), mariadb(wmsSorted))
    mysql2Ms = await mysql2Raw(erpDb, wmsDb)
  }

  const outCsv = path.join(dir, 'variances.csv')
  const runs: Array<Timed & {mem?: string}> = []
  for (let i = 0; i < (compare || rows <= 500_000 ? 2 : 1); i++) {
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
  let joinRun: Timed | null = null
  let joinCheck: ReturnType<typeof check> | null = null
  let joinTimedOut = false
  const cap = Number(process.env.BENCH_JOIN_CAP_SECONDS ?? 150)
  if (compare && flag('--sql-join')) {
    // the LEFT/RIGHT-join formulation, capped so the bench stays short (MariaDB has no hash join for derived tables)
    const joinOut = path.join(dir, 'sql-join.tsv')
    joinRun = await mariadb(`SET STATEMENT max_statement_time = ${cap} FOR ${sqlJoin(erpDb, wmsDb, manifest)}`, joinOut)()
    joinTimedOut = joinRun.code !== 0 && /max_statement_time|interrupted/i.test(joinRun.stderr)
    if (joinRun.code !== 0 && !joinTimedOut) throw new Error(`SQL join failed: ${joinRun.stderr}`)
    joinCheck = joinTimedOut ? null : check(joinOut)
  }
  let unionRun: Timed | null = null
  let unionCheck: ReturnType<typeof check> | null = null
  if (compare) {
    const unionOut = path.join(dir, 'sql-union.tsv')
    unionRun = await mariadb(sqlUnionGroup(erpDb, wmsDb, manifest), unionOut)()
    if (unionRun.code !== 0) throw new Error(`SQL union/group failed: ${unionRun.stderr}`)
    unionCheck = check(unionOut)
  }

  const mismapped = flag('--mismapped') ? await mismappedRuns(dir) : null

  if (flag('--drop')) {
    await dropMysqlDemo({...MY, prefix})
    rmSync(dir, {recursive: true, force: true})
  }
  return {mismapped, rows, compare, buildMs, best, peak, rawMs, rawAllMs, sortedMs, mysql2Ms, joinMs: joinRun?.ms ?? 0, joinTimedOut, cap, joinCheck, unionMs: unionRun?.ms ?? 0, unionCheck, variances: ours.size}
}

/**
 * The plant with its first warehouse mapped to a WMS code no bin has (a mapping mistake that `minMatchRatio` lets
 * through: the other warehouses line up): about a quarter of the keys become one-sided variances on each side. Run
 * twice on one store: the second run also holds the first run's variances as its history. Memory must not grow with the
 * variances either.
 */
async function mismappedRuns(dir: string): Promise<{variances: number; runs: Array<Timed & {mem?: string}>}> {
  const mis = `${dir}-mismapped`
  rmSync(mis, {recursive: true, force: true})
  mkdirSync(mis, {recursive: true})
  const yaml = readFileSync(path.join(dir, 'plantops.yaml'), 'utf8')
  const wrong = yaml.replace(/(warehouseMap:\n\s+\S+: )(\S+)/, '$1WH_NOT_THERE')
  if (wrong === yaml) throw new Error('no stock.warehouseMap entry to mis-map in the bench plant config')
  writeFileSync(path.join(mis, 'plantops.yaml'), wrong)
  const out = path.join(mis, 'variances.csv')
  const runs = [await plantopsRun(mis, out), await plantopsRun(mis, out)]
  const variances = readFileSync(out, 'utf8').split('\n').length - 2
  rmSync(mis, {recursive: true, force: true})
  return {variances, runs}
}

function verdict(c: {onlyOurs: string[]; onlyTheirs: string[]} | null): string {
  if (c === null) return 'not run to the end'
  return c.onlyOurs.length + c.onlyTheirs.length === 0 ? 'identical' : `differ: ${c.onlyOurs.length} only plantops, ${c.onlyTheirs.length} only SQL`
}

const results: Array<Awaited<ReturnType<typeof benchOne>>> = []
for (const n of sizes) results.push(await benchOne(n, n === compareAt))

const B = 'stock (bins plant)'
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const cmp = (f: (r: (typeof results)[number]) => string) => results.map((r) => (r.compare ? f(r) : '-'))
const lines = [
  ['ERP rows per side', ...results.map((r) => r.rows.toLocaleString('en-US'))],
  ['plantops stock diff: wall', ...results.map((r) => s(r.best.ms))],
  ['plantops stock diff: user+sys CPU', ...results.map((r) => (r.best.cpuS === undefined ? '?' : `${r.best.cpuS.toFixed(2)} s`))],
  ['plantops stock diff: peak RSS', ...results.map((r) => `${Math.round(r.peak / 1024)} MB`)],
  ['raw floor: mariadb client, both sides unordered, parallel', ...cmp((r) => s(r.rawMs))],
  ['  the same with each side\'s lookup tables (xref, items, units, movements)', ...cmp((r) => s(r.rawAllMs))],
  ['floor: mariadb client, both sides sorted (+grouped), parallel', ...cmp((r) => s(r.sortedMs))],
  ['raw floor: mysql2 in one Node process, parallel', ...cmp((r) => s(r.mysql2Ms))],
  ['server SQL: GROUP BY over UNION ALL', ...cmp((r) => s(r.unionMs))],
  ['server SQL: UNION of LEFT joins over GROUP BY', ...cmp((r) => (r.joinMs === 0 ? 'not run' : r.joinTimedOut ? `> ${r.cap} s (cut)` : s(r.joinMs)))],
  ['plantops ÷ raw floor (mariadb)', ...cmp((r) => `${(r.best.ms / r.rawMs).toFixed(2)}×`)],
  ['  plantops ÷ that floor with the lookup tables (not the target)', ...cmp((r) => `${(r.best.ms / r.rawAllMs).toFixed(2)}×`)],
  ['variance keys (plantops)', ...results.map((r) => String(r.variances))],
  ['keys+statuses vs SQL union/group', ...cmp((r) => verdict(r.unionCheck))],
  ['keys+statuses vs SQL join', ...cmp((r) => (r.joinMs === 0 ? 'not run' : verdict(r.joinCheck)))],
]
const w0 = Math.max(...lines.map((l) => l[0].length))
const wn = Math.max(...lines.flatMap((l) => l.slice(1).map((c) => c.length)))
process.stdout.write(`\nplantops stock diff benchmark (bins rolled up) · node ${process.version} · ${os.cpus().length} CPUs · load ${load()}\n`)
for (const l of lines) process.stdout.write(`${l[0].padEnd(w0)}  ${l.slice(1).map((c) => c.padStart(wn)).join('  ')}\n`)
for (const r of results) if (r.best.mem) process.stdout.write(`  ${r.rows.toLocaleString('en-US')}: ${r.best.mem}\n`)
for (const r of results) {
  if (r.mismapped === null) continue
  const [a, b] = r.mismapped.runs
  const one = (x: Timed) => `${s(x.ms)}, CPU ${x.cpuS?.toFixed(2) ?? '?'} s, peak RSS ${Math.round((x.rssKb ?? 0) / 1024)} MB`
  process.stdout.write(`mis-mapped warehouse, ${r.rows.toLocaleString('en-US')} keys/side (${r.mismapped.variances.toLocaleString('en-US')} variances): first run ${one(a)}; second run (their history) ${one(b)}\n`)
  if (a.mem) process.stdout.write(`  first run: ${a.mem}\n  second run: ${b.mem}\n`)
  record({bench: B, label: `mis-mapped warehouse, ${r.rows.toLocaleString('en-US')} keys/side: peak RSS of both runs`, value: `${Math.round(Math.max(a.rssKb ?? 0, b.rssKb ?? 0) / 1024)} MB`, target: '≤ 250 MB', ok: Math.max(a.rssKb ?? 0, b.rssKb ?? 0) / 1024 <= 250})
}
for (const r of results) {
  const c = r.unionCheck
  if (c) for (const k of [...c.onlyOurs.slice(0, 5).map((k) => `only plantops: ${k}`), ...c.onlyTheirs.slice(0, 5).map((k) => `only SQL: ${k}`)]) process.stdout.write(`  ${r.rows}: ${k}\n`)
}

for (const r of results) {
  const n = r.rows.toLocaleString('en-US')
  if (r.compare) {
    record({bench: B, label: `raw floor, ${n} keys/side`, value: s(r.rawMs)})
    record({bench: B, label: `plantops stock diff, ${n} keys/side (CPU ${r.best.cpuS?.toFixed(1) ?? '?'} s)`, value: s(r.best.ms)})
    record({bench: B, label: `plantops ÷ raw floor, ${n}`, value: `${(r.best.ms / r.rawMs).toFixed(2)}×`, target: '≤ 2.0×', ok: r.best.ms / r.rawMs <= 2})
    record({bench: B, label: `plantops ÷ raw floor with the lookup tables, ${n} (information)`, value: `${(r.best.ms / r.rawAllMs).toFixed(2)}×`})
    record({bench: B, label: `rows vs SQL answer, ${n}`, value: verdict(r.unionCheck), target: 'identical', ok: verdict(r.unionCheck) === 'identical'})
  }
  record({bench: B, label: `peak RSS, ${n} keys/side`, value: `${Math.round(r.peak / 1024)} MB`, target: '≤ 250 MB', ok: r.peak / 1024 <= 250})
}
if (results.length >= 2) {
  const [small, mid] = results
  const growth = mid.peak / small.peak - 1
  record({bench: B, label: `RSS growth ${small.rows.toLocaleString('en-US')} → ${mid.rows.toLocaleString('en-US')}`, value: `${(growth * 100).toFixed(0)}%`, target: '≤ 15%', ok: growth <= 0.15})
}
