/**
 * Reconcile job benchmark (MariaDB at 127.0.0.1:3306, root):
 *   npx tsx bench/reconcile.ts [--rows 1000000] [--fresh] [--drop] [--no-stock] [--prepare] [--many-findings]     BENCH_SCALE=0.1 for a quick run
 *
 * Loads an ERP `sales_order_lines` table of `rows` order lines and a MES `work_orders` table of 1.2 × rows work
 * orders linked to them (every fifth line split into two work orders; a few hundred seeded differences: quantity,
 * due date, missing and orphan work orders), with MariaDB's sequence engine, then runs
 * `plantops reconcile run orders-mes --format csv` (built CLI, child process) and prints wall time, peak RSS and the
 * job's key counts; then `plantops stock diff` on the demo plant with as many ERP stock rows (bench/stock.ts's plant),
 * and the ratio. Target (issue 10): within 1.5× of stock diff at the same row count, peak RSS ≤ 250 MB.
 * The databases are kept and reused by the next run: the reconcile tables when their marker row (written last, once
 * the load is complete) names the same row count, the stock plant when its directory holds its manifest and config.
 * `--fresh` rebuilds them, `--drop` drops them at the end, `--no-stock` skips the stock diff comparison, `--prepare`
 * only builds (or checks) the databases and measures nothing (build while the machine is busy, measure when it is not).
 * Figures (wall, CPU = user + sys of the child, peak RSS, the ratio) go to `npm run bench`'s summary block.
 * `--many-findings` also runs the job with its status map wrong (no open order maps to a MES status: ~99% of the lines
 * differ), twice on one store (the second with the first's findings as history): memory must not grow with the
 * findings either.
 * On a shared machine compare CPU time and interleaved runs: `--ab DIR [--repeat N]` runs another checkout's built CLI
 * (A: DIR holding bin/, dist/, package.json, node_modules, e.g. a copy taken before a change) and this one (B)
 * alternately on the same tables and prints the medians; `--cli DIR` measures DIR's CLI alone.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

import {stringify} from 'yaml'

import {load as loadAvg, record, seconds} from './_results.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const MY = {host: '127.0.0.1', port: 3306, user: 'root'}
const args = process.argv.slice(2)
const flag = (name: string) => args.includes(name)
const scale = Number(process.env.BENCH_SCALE ?? 1)
const rows = Math.round((args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : 1_000_000) * scale)
const DB = {erp: 'pt_bench_rj_erp', mes: 'pt_bench_rj_mes'}
const B = 'reconcile'
const optionValue = (name: string) => (args.includes(name) ? path.resolve(args[args.indexOf(name) + 1]) : null)
/** --cli DIR: measure another checkout's built CLI; --ab DIR: interleave it (A) with this one (B). */
const cli = optionValue('--cli') ?? repo
const ab = optionValue('--ab')
/** Bumped when the generated tables change shape: an older marker is not reused. */
const LOAD_VERSION = 2

async function sql(conn: import('mysql2/promise').Connection, text: string): Promise<unknown> {
  const [r] = await conn.query(text)
  return r
}

async function load(): Promise<void> {
  const mysql = await import('mysql2/promise')
  const conn = await mysql.createConnection({...MY, multipleStatements: false})
  try {
    if (!flag('--fresh')) {
      try {
        const [[r]] = (await conn.query(`SELECT rows_loaded, version FROM ${DB.erp}.bench_marker`)) as unknown as [[{rows_loaded: number; version: number}]]
        if (Number(r.rows_loaded) === rows && Number(r.version) === LOAD_VERSION) {
          console.log(`reusing ${rows.toLocaleString('en-US')} order lines (marker in ${DB.erp}.bench_marker)`)
          return
        }
      } catch {}
    }
    const t0 = performance.now()
    for (const db of Object.values(DB)) {
      await sql(conn, `DROP DATABASE IF EXISTS ${db}`)
      await sql(conn, `CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    }
    await sql(conn, `CREATE TABLE ${DB.erp}.sales_order_lines (so_no VARCHAR(20) NOT NULL, line_no INT NOT NULL, item_code VARCHAR(32) NOT NULL, qty DECIMAL(18,4) NOT NULL, due_date DATE NOT NULL, status CHAR(1) NOT NULL, modified_at DATETIME NOT NULL, PRIMARY KEY (so_no, line_no))`)
    await sql(conn, `CREATE TABLE ${DB.mes}.work_orders (wo_no VARCHAR(20) NOT NULL PRIMARY KEY, sales_order_no VARCHAR(20) NULL, sales_order_line INT NULL, item_code VARCHAR(32) NOT NULL, qty_planned DECIMAL(18,4) NOT NULL, due_date DATE NOT NULL, status VARCHAR(16) NOT NULL, updated_at DATETIME NOT NULL)`)
    // order line n: SO(n div 4) line (n mod 4 + 1) × 10; qty 1..500 with 2 decimals; due within 60 days
    await sql(
      conn,
      `INSERT INTO ${DB.erp}.sales_order_lines
       SELECT CONCAT('SO', LPAD(seq DIV 4, 8, '0')), (seq MOD 4 + 1) * 10, CONCAT('FG-', 10000 + seq MOD 40000), (seq MOD 50000) / 100 + 1,
              DATE_ADD('2026-10-01', INTERVAL seq MOD 60 DAY), IF(seq MOD 97 = 0, 'C', 'O'), DATE_SUB('2026-11-20 12:00:00', INTERVAL 10 + seq MOD 5000 MINUTE)
       FROM ${DB.erp}.seq_0_to_${rows - 1}`,
    )
    // one work order per line, except: every fifth line split in two halves; every 5000th line has none (missing);
    // every 7001st a different quantity, every 9001st a later due date
    await sql(
      conn,
      `INSERT INTO ${DB.mes}.work_orders
       SELECT CONCAT('WO', LPAD(seq, 9, '0'), 'A'), CONCAT('SO', LPAD(seq DIV 4, 8, '0')), (seq MOD 4 + 1) * 10, CONCAT('FG-', 10000 + seq MOD 40000),
              ((seq MOD 50000) / 100 + 1) / IF(seq MOD 5 = 0, 2, 1) + IF(seq MOD 7001 = 0, 3, 0),
              DATE_ADD('2026-10-01', INTERVAL seq MOD 60 + IF(seq MOD 9001 = 0, 4, 0) DAY), IF(seq MOD 97 = 0, 'CLOSED', 'STARTED'), '2026-11-20 13:00:00'
       FROM ${DB.erp}.seq_0_to_${rows - 1} WHERE seq MOD 5000 <> 1`,
    )
    await sql(
      conn,
      `INSERT INTO ${DB.mes}.work_orders
       SELECT CONCAT('WO', LPAD(seq, 9, '0'), 'B'), CONCAT('SO', LPAD(seq DIV 4, 8, '0')), (seq MOD 4 + 1) * 10, CONCAT('FG-', 10000 + seq MOD 40000),
              ((seq MOD 50000) / 100 + 1) / 2, DATE_ADD('2026-10-01', INTERVAL seq MOD 60 DAY), IF(seq MOD 97 = 0, 'CLOSED', 'DONE'), '2026-11-20 13:00:00'
       FROM ${DB.erp}.seq_0_to_${rows - 1} WHERE seq MOD 5 = 0`,
    )
    // orphans: work orders for unknown orders, up to 1.2 × rows
    const [[{n}]] = (await conn.query(`SELECT COUNT(*) AS n FROM ${DB.mes}.work_orders`)) as unknown as [[{n: number}]]
    const orphans = Math.max(0, Math.round(rows * 1.2) - Number(n))
    if (orphans > 0) {
      await sql(
        conn,
        `INSERT INTO ${DB.mes}.work_orders
         SELECT CONCAT('WX', LPAD(seq, 9, '0')), IF(seq MOD 1000 = 0, CONCAT('SX', LPAD(seq, 8, '0')), NULL), 10, 'FG-10001', 1, '2026-10-01', 'RELEASED', '2026-11-20 13:00:00'
         FROM ${DB.erp}.seq_0_to_${orphans - 1}`,
      )
    }
    await sql(conn, `CREATE INDEX idx_wo_so ON ${DB.mes}.work_orders (sales_order_no, sales_order_line)`)
    await sql(conn, `ANALYZE TABLE ${DB.erp}.sales_order_lines, ${DB.mes}.work_orders`)
    // the marker last: an interrupted load is never reused
    await sql(conn, `CREATE TABLE ${DB.erp}.bench_marker (rows_loaded INT NOT NULL, version INT NOT NULL)`)
    await sql(conn, `INSERT INTO ${DB.erp}.bench_marker VALUES (${rows}, ${LOAD_VERSION})`)
    console.log(`loaded ${rows} order lines ↔ ${Math.round(rows * 1.2)} work orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  } finally {
    await conn.end()
  }
}

function config(dir: string, wrongStatusMap = false): string {
  const src = (database: string, role: string) => ({role, client: 'mysql', connection: {...MY, database}, maxLagSeconds: 900})
  const cfg = {
    sources: {erp: src(DB.erp, 'erp'), mes: src(DB.mes, 'mes')},
    store: {client: 'sqlite', filename: '.plantops/state.db'},
    reconcile: {
      jobs: {
        'orders-mes': {
          left: {source: 'erp', table: 'sales_order_lines', label: 'ERP', changedAt: 'modified_at'},
          right: {source: 'mes', table: 'work_orders', label: 'MES', changedAt: 'updated_at'},
          link: {
            keys: [
              {name: 'so_no', left: 'so_no', right: 'sales_order_no'},
              {name: 'line_no', left: 'line_no', right: 'sales_order_line'},
            ],
            cardinality: 'one-to-many',
            rightStatus: {column: 'status', exclude: ['CANCELLED']},
          },
          compare: {
            item: {type: 'code', left: 'item_code', right: 'item_code'},
            qty: {type: 'decimal', left: 'qty', right: 'qty_planned'},
            due_date: {type: 'date', left: 'due_date', right: 'due_date', direction: 'right-later'},
            status: {type: 'enum', left: 'status', right: 'status', map: wrongStatusMap ? {O: ['NOT_A_STATUS'], C: ['CLOSED']} : {O: ['RELEASED', 'STARTED', 'DONE'], C: ['CLOSED', 'DONE']}},
          },
          grace: {afterMinutes: 120, asOf: '2026-11-20T22:00:00'},
        },
      },
    },
  }
  const file = path.join(dir, wrongStatusMap ? 'plantops-wrong-status.yaml' : 'plantops.yaml')
  writeFileSync(file, stringify(cfg))
  return file
}

interface RunResult {
  ms: number
  /** user + sys CPU seconds of the child (all its threads), when /usr/bin/time is there. */
  cpuS: number | null
  rssKb: number | null
  code: number
  stdout: string
  stderr: string
}

/** Run the built CLI of `root` (this checkout, or --cli DIR / --ab DIR: another checkout's built copy). */
function run(dir: string, argv: string[], root = repo): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const bin = path.join(root, 'bin', 'run.js')
    const useTime = existsSync('/usr/bin/time')
    const t0 = performance.now()
    const child = useTime ? spawn('/usr/bin/time', ['-v', process.execPath, bin, ...argv], {cwd: dir}) : spawn(process.execPath, [bin, ...argv], {cwd: dir})
    let stdout = ''
    let stderr = ''
    let hwm = 0
    const poll = useTime
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
            if (m) hwm = Math.max(hwm, Number(m[1]))
          } catch {}
        }, 50)
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (poll) clearInterval(poll)
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr)
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr)
      resolve({ms: performance.now() - t0, cpuS: user && sys ? Number(user[1]) + Number(sys[1]) : null, rssKb: m ? Number(m[1]) : hwm || null, code: code ?? -1, stdout, stderr})
    })
  })
}

/** stock diff on the demo plant with `rows` ERP stock rows (bench/stock.ts's plant, same prefix and directory). */
async function stockDiff(): Promise<{ms: number; cpuS: number | null; rssKb: number | null; buildMs: number}> {
  const {dir, buildMs} = await stockPlant()
  rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})
  const r = await run(dir, ['stock', 'diff', '--format', 'csv', '--output', path.join(dir, 'variances.csv'), '--no-input'])
  if (r.code !== 0) throw new Error(`stock diff failed (${r.code}): ${r.stderr}`)
  return {ms: r.ms, cpuS: r.cpuS, rssKb: r.rssKb, buildMs}
}

/** The stock demo plant with `rows` ERP stock rows, built once and reused while its manifest and config are there. */
async function stockPlant(): Promise<{dir: string; buildMs: number}> {
  const {buildDemoPlant, demoSourcesConfig} = await import('../src/lib/demo/index.js')
  const {demoStockConfig} = await import('../src/lib/demo/stock-config.js')
  const prefix = `ptbench_stock_${rows}_`
  const dir = path.join(os.tmpdir(), `plantops-bench-stock-${rows}`)
  let buildMs = 0
  const complete = existsSync(path.join(dir, 'demo-manifest.json')) && existsSync(path.join(dir, 'plantops.yaml'))
  if (flag('--fresh') || !complete) {
    rmSync(dir, {recursive: true, force: true})
    mkdirSync(dir, {recursive: true})
    console.log(`building the stock demo plant with ${rows.toLocaleString('en-US')} ERP stock rows (${prefix}*)…`)
    const plant = await buildDemoPlant({dir, stockRows: rows, mysql: {...MY, prefix}})
    buildMs = plant.elapsedMs
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
  } else console.log(`reusing the stock demo plant in ${dir}`)
  return {dir, buildMs}
}

async function dropAll(): Promise<void> {
  const mysql = await import('mysql2/promise')
  const conn = await mysql.createConnection(MY)
  for (const db of Object.values(DB)) await conn.query(`DROP DATABASE IF EXISTS ${db}`)
  await conn.end()
  const {dropMysqlDemo} = await import('../src/lib/demo/index.js')
  await dropMysqlDemo({...MY, prefix: `ptbench_stock_${rows}_`})
  rmSync(path.join(os.tmpdir(), `plantops-bench-stock-${rows}`), {recursive: true, force: true})
}

async function main(): Promise<void> {
  if (!existsSync(path.join(repo, 'dist', 'commands', 'reconcile', 'run.js'))) throw new Error('build first: npm run build')
  await load()
  if (flag('--prepare')) {
    if (!flag('--no-stock')) await stockPlant()
    return
  }
  const dir = path.join(os.tmpdir(), `plantops-bench-reconcile-${process.pid}`)
  mkdirSync(dir, {recursive: true})
  const mb = (kb: number | null) => (kb === null ? 'n/a' : `${Math.round(kb / 1024)} MB`)
  const cpu = (c: number | null) => (c === null ? 'n/a' : `${c.toFixed(1)} s`)
  try {
    const file = config(dir)
    const out = path.join(dir, 'orders-mes.csv')
    const reconcile = async (root = cli) => {
      rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})
      const r = await run(dir, ['reconcile', 'run', 'orders-mes', '--config', file, '--format', 'csv', '--output', out, '--no-input', '--json'], root)
      if (r.code !== 0) throw new Error(`plantops failed (${r.code}): ${r.stderr}`)
      const json = JSON.parse(r.stdout) as {jobs: Array<{summary: JobSummary}>}
      return {...r, summary: json.jobs[0].summary}
    }
    if (ab !== null) {
      await abRuns(reconcile, ab)
      return
    }
    const r = await reconcile()
    const s = r.summary
    const stock = flag('--no-stock') ? null : await stockDiff()
    const lines = [
      `plantops reconcile benchmark · node ${process.version} · ${os.cpus().length} CPUs · load ${loadAvg()}${scale === 1 ? '' : ` · BENCH_SCALE ${scale}`}`,
      `reconcile run orders-mes: ${s.left.records.toLocaleString('en-US')} order lines ↔ ${s.right.records.toLocaleString('en-US')} work orders`,
      `  wall ${(r.ms / 1000).toFixed(1)} s, CPU ${cpu(r.cpuS)} (job ${(s.elapsedMs / 1000).toFixed(1)} s; reads ${(s.left.readMs / 1000).toFixed(1)} s / ${(s.right.readMs / 1000).toFixed(1)} s in parallel), peak RSS ${mb(r.rssKb)}`,
      `  keys ${JSON.stringify(s.keys)}`,
    ]
    const n = rows.toLocaleString('en-US')
    record({bench: B, label: `reconcile run orders-mes, ${n} lines (CPU ${cpu(r.cpuS)})`, value: seconds(r.ms)})
    record({bench: B, label: `reconcile peak RSS, ${n} lines`, value: mb(r.rssKb), target: '≤ 250 MB', ok: r.rssKb !== null && r.rssKb <= 250 * 1024})
    if (stock) {
      lines.push(`stock diff, ${n} ERP stock rows (demo plant): wall ${(stock.ms / 1000).toFixed(1)} s, CPU ${cpu(stock.cpuS)}, peak RSS ${mb(stock.rssKb)}`)
      const ratio = r.ms / stock.ms
      const cpuRatio = r.cpuS !== null && stock.cpuS ? r.cpuS / stock.cpuS : null
      lines.push(`reconcile ÷ stock diff: wall ${ratio.toFixed(2)}×${cpuRatio === null ? '' : `, CPU ${cpuRatio.toFixed(2)}×`} (target ≤ 1.5×) · peak RSS ${mb(r.rssKb)} (target ≤ 250 MB): ${ratio <= 1.5 && (r.rssKb ?? 0) <= 250 * 1024 ? 'on target' : 'OFF TARGET'}`)
      record({bench: B, label: `stock diff, ${n} stock rows (CPU ${cpu(stock.cpuS)})`, value: seconds(stock.ms)})
      record({bench: B, label: `reconcile ÷ stock diff, wall${cpuRatio === null ? '' : ` (CPU ${cpuRatio.toFixed(2)}×)`}`, value: `${ratio.toFixed(2)}×`, target: '≤ 1.5×', ok: ratio <= 1.5})
    }
    if (flag('--many-findings')) {
      // without --json (its document holds every finding, by contract): the counts from the CSV's closing line
      const wrong = config(dir, true)
      const plain = async (fresh: boolean) => {
        if (fresh) rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})
        const x = await run(dir, ['reconcile', 'run', 'orders-mes', '--config', wrong, '--format', 'csv', '--output', out, '--no-input', '--lang', 'en'], cli)
        if (x.code !== 0 && x.code !== 1) throw new Error(`plantops failed (${x.code}): ${x.stderr}`)
        return x
      }
      const first = await plain(true)
      const second = await plain(false)
      const counts = /differs (\d+) · only_in_left \S+ (\d+) · only_in_right \S+ (\d+)/.exec(first.stderr)
      if (counts === null) throw new Error(`no counts in: ${first.stderr}`)
      const findings = Number(counts[1]) + Number(counts[2]) + Number(counts[3])
      const one = (x: RunResult) => `${(x.ms / 1000).toFixed(1)} s, CPU ${cpu(x.cpuS)}, peak RSS ${mb(x.rssKb)}`
      lines.push(`the job with its status map wrong (${findings.toLocaleString('en-US')} findings): first run ${one(first)}; second run (their history) ${one(second)}`)
      const peak = Math.max(first.rssKb ?? 0, second.rssKb ?? 0)
      record({bench: B, label: `reconcile, ${findings.toLocaleString('en-US')} findings: peak RSS of both runs`, value: mb(peak), target: '≤ 250 MB', ok: peak <= 250 * 1024})
    }
    console.log(lines.join('\n'))
  } finally {
    rmSync(dir, {recursive: true, force: true})
    if (flag('--drop')) await dropAll()
  }
}

interface JobSummary {
  keys: Record<string, number>
  left: {records: number; readMs: number}
  right: {records: number; readMs: number}
  elapsedMs: number
}

/**
 * --ab DIR [--repeat N]: N interleaved runs of another checkout's built CLI (A: DIR, e.g. a copy of dist before a
 * change) and this one (B), on the same tables; prints each run and the medians of wall, CPU (user + sys, the figure
 * to trust on a shared machine) and peak RSS, and checks that both give the same key counts.
 */
async function abRuns(reconcile: (root?: string) => Promise<RunResult & {summary: JobSummary}>, other: string): Promise<void> {
  const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 3
  const runs: Record<'A' | 'B', Array<RunResult & {summary: JobSummary}>> = {A: [], B: []}
  for (let i = 0; i < repeat; i++) {
    for (const [name, root] of (i % 2 === 0 ? [['A', other], ['B', repo]] : [['B', repo], ['A', other]]) as Array<['A' | 'B', string]>) {
      const r = await reconcile(root)
      runs[name].push(r)
      console.log(`${name} run ${i + 1}: wall ${(r.ms / 1000).toFixed(1)} s, CPU ${r.cpuS?.toFixed(1) ?? 'n/a'} s, peak RSS ${r.rssKb === null ? 'n/a' : Math.round(r.rssKb / 1024)} MB · load ${loadAvg()}`)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  for (const name of ['A', 'B'] as const) {
    const rs = runs[name]
    console.log(`${name} (${name === 'A' ? other : repo}): median wall ${(median(rs.map((r) => r.ms)) / 1000).toFixed(1)} s, CPU ${median(rs.map((r) => r.cpuS ?? 0)).toFixed(1)} s, peak RSS ${Math.round(median(rs.map((r) => r.rssKb ?? 0)) / 1024)} MB`)
  }
  const same = JSON.stringify(runs.A[0].summary.keys) === JSON.stringify(runs.B[0].summary.keys)
  console.log(`key counts ${same ? 'identical' : `DIFFER: A ${JSON.stringify(runs.A[0].summary.keys)} B ${JSON.stringify(runs.B[0].summary.keys)}`}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
