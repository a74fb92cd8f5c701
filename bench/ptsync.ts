/**
 * Side-by-side with Percona's pt-table-sync (issue 14): two same-shape tables in MariaDB at 127.0.0.1:3306 (root),
 *   npx tsx bench/ptsync.ts [--rows 2000000] [--fresh] [--drop] [--skip-pt]
 *
 * Builds `ptbench_same_erp.stock` and `ptbench_same_wms.stock` (item, warehouse, lot, qty DECIMAL(18,4), uom; primary
 * key on item × warehouse × lot) with the same N rows, then changes 1.2% of the WMS quantities (scattered) and removes /
 * adds 0.05% of the keys. It prints, in one run:
 *   - the raw floor: both sides' plain SELECT of the mapped columns through `mariadb --quick --batch`, in parallel;
 *   - `plantops stock diff` (built CLI, a child process) wall time and peak RSS, and its ratio to the raw floor;
 *   - `pt-table-sync --print` on the same tables (installed from Debian's percona-toolkit when missing), its wall time,
 *     and plantops' speed-up over it;
 *   - a check: plantops' variance keys against the rows pt-table-sync would change (both must name the same keys).
 *     pt-table-sync's default checksum misses some: it XORs the CRC32 of each row over a chunk (BIT_XOR), and CRC32 is
 *     linear, so two rows of one chunk whose texts changed by the same bytes at the same place (847.2500 → 848.2500
 *     and 887.2500 → 888.2500) cancel and the chunk looks equal. `--pt-md5` also runs it with `--function MD5`, which
 *     finds every key (and takes about twice as long).
 * pt-table-sync only reads and prints here (`--print`, no `--execute`). The tables are kept and reused by the next run
 * when they hold the right number of rows (`--fresh` rebuilds, `--drop` drops them at the end); rows scale with
 * BENCH_SCALE.
 */
import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

import {stringify} from 'yaml'

import {load, record, scaled} from './_results.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const flag = (name: string) => args.includes(name)
const rows = args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : scaled(2_000_000)
const ERP = 'ptbench_same_erp'
const WMS = 'ptbench_same_wms'
const dir = path.join(os.tmpdir(), 'plantops-bench-ptsync')

interface Timed {
  ms: number
  rssKb?: number
  code: number
  stdout: string
  stderr: string
}

function run(cmd: string, argv: string[], opts: {cwd?: string; keepStdout?: boolean; stdoutFile?: string} = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(cmd, argv, {cwd: opts.cwd, stdio: ['ignore', opts.keepStdout || opts.stdoutFile ? 'pipe' : 'ignore', 'pipe']})
    let stderr = ''
    const chunks: Buffer[] = []
    child.stdout?.on('data', (b: Buffer) => chunks.push(b))
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const stdout = Buffer.concat(chunks)
      if (opts.stdoutFile) writeFileSync(opts.stdoutFile, stdout)
      resolve({ms: performance.now() - t0, code: code ?? -1, stdout: opts.keepStdout ? stdout.toString() : '', stderr})
    })
  })
}

const sql = (statement: string, db?: string) =>
  run('mariadb', ['-h', '127.0.0.1', '-u', 'root', '--quick', '--batch', '--skip-column-names', ...(db ? [db] : []), '-e', statement])

async function must(p: Promise<Timed>, what: string): Promise<Timed> {
  const r = await p
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`)
  return r
}

async function build(): Promise<void> {
  // the marker: both tables exist and the ERP one holds exactly the rows asked for
  const exists = await run('mariadb', ['-h', '127.0.0.1', '-u', 'root', '--batch', '--skip-column-names', '-e', `SELECT COUNT(*) FROM ${ERP}.stock; SELECT COUNT(*) FROM ${WMS}.stock`], {keepStdout: true})
  if (!flag('--fresh') && exists.code === 0 && Number(exists.stdout.split('\n')[0]) === rows) {
    process.stderr.write(`reusing the same-shape tables of ${rows.toLocaleString('en-US')} rows (--fresh rebuilds)\n`)
    return
  }
  process.stderr.write(`building two same-shape tables of ${rows.toLocaleString('en-US')} rows…\n`)
  const table = `CREATE TABLE stock (item VARCHAR(32) NOT NULL, warehouse VARCHAR(8) NOT NULL, lot VARCHAR(16) NOT NULL,
    qty DECIMAL(18,4) NOT NULL, uom VARCHAR(8) NOT NULL, PRIMARY KEY (item, warehouse, lot)) CHARACTER SET utf8mb4`
  for (const db of [ERP, WMS]) await must(sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db}; ${table}`), `create ${db}`)
  // seq_1_to_N is MariaDB's Sequence engine: rows generated in the server
  await must(
    sql(`INSERT INTO ${ERP}.stock SELECT CONCAT('IT', LPAD(seq DIV 4, 8, '0')), CONCAT('WH0', seq MOD 4), CONCAT('L', LPAD(seq MOD 3, 2, '0')),
      (seq MOD 9973) / 4, 'PCS' FROM seq_1_to_${rows}`, ERP),
    'fill erp',
  )
  await must(sql(`INSERT INTO ${WMS}.stock SELECT * FROM ${ERP}.stock`), 'copy wms')
  // 1.2% scattered quantity differences, 0.05% keys only in ERP, 0.05% only in WMS
  await must(sql(`UPDATE ${WMS}.stock SET qty = qty + 1 WHERE CRC32(item) % 1000 < 12 AND warehouse = 'WH01'`), 'diffs')
  await must(sql(`DELETE FROM ${WMS}.stock WHERE CRC32(CONCAT(item, lot)) % 10000 < 5`), 'only erp')
  await must(sql(`INSERT INTO ${WMS}.stock SELECT CONCAT('NEW', LPAD(seq, 8, '0')), 'WH01', 'L00', 5, 'PCS' FROM seq_1_to_${Math.max(1, Math.round(rows / 2000))}`, WMS), 'only wms')
}

function config(): string {
  const src = (database: string) => ({role: 'erp', client: 'mysql', connection: {host: '127.0.0.1', port: 3306, user: 'root', password: '', database}})
  const side = (source: string) => ({
    source,
    table: 'stock',
    columns: {item: 'item', warehouse: 'warehouse', lot: 'lot', qty: 'qty', uom: 'uom'},
    normalize: {trim: false, caseFold: false, fullWidth: false, nullLotIsEmpty: true},
  })
  return stringify({
    sources: {erp: src(ERP), wms: {...src(WMS), role: 'wms'}},
    stock: {grain: 'item-warehouse-lot', erp: side('erp'), wms: side('wms'), tolerance: {default: {pct: 0}}},
  })
}

async function plantops(): Promise<Timed & {csv: string}> {
  rmSync(path.join(dir, '.plantops'), {recursive: true, force: true})
  const csv = path.join(dir, 'variances.csv')
  const argv = ['-v', process.execPath, path.join(repo, 'bin', 'run.js'), 'stock', 'diff', '--format', 'csv', '--output', csv, '--no-input', '--allow-stale']
  const r = await run('/usr/bin/time', argv, {cwd: dir})
  if (r.code !== 0 && r.code !== 1) throw new Error(`plantops failed (${r.code}): ${r.stderr}`)
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)
  return {...r, rssKb: rss ? Number(rss[1]) : undefined, csv}
}

function ensurePtTableSync(): boolean {
  if (spawnSync('sh', ['-c', 'command -v pt-table-sync']).status === 0) return true
  process.stderr.write('pt-table-sync missing: installing Debian package percona-toolkit…\n')
  const r = spawnSync('sh', ['-c', 'apt-get install -y -qq percona-toolkit >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq percona-toolkit >/dev/null)'], {stdio: 'inherit'})
  return r.status === 0 && spawnSync('sh', ['-c', 'command -v pt-table-sync']).status === 0
}

mkdirSync(dir, {recursive: true})
writeFileSync(path.join(dir, 'plantops.yaml'), config())
await build()

const erpRaw = `SELECT item, warehouse, lot, qty, uom FROM ${ERP}.stock`
const wmsRaw = `SELECT item, warehouse, lot, qty, uom FROM ${WMS}.stock`
await Promise.all([sql(erpRaw), sql(wmsRaw)]) // warm the buffer pool
let rawMs = Infinity
for (let i = 0; i < 2; i++) {
  const t0 = performance.now()
  await Promise.all([must(sql(erpRaw), 'raw erp'), must(sql(wmsRaw), 'raw wms')])
  rawMs = Math.min(rawMs, performance.now() - t0)
}

// best of two (the machine is shared)
const first = await plantops()
const second = await plantops()
const ours = second.ms < first.ms ? second : first
const cpu = /User time \(seconds\): ([\d.]+)[\s\S]*System time \(seconds\): ([\d.]+)/.exec(ours.stderr)
const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined
const ourKeys = new Set(
  readFileSync(ours.csv, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(',').slice(0, 3).join('|')),
)

/** pt-table-sync --print (WMS is the source, ERP the destination) and the keys its statements name. */
async function ptTableSync(extra: string[]): Promise<{run: Timed; keys: Set<string>}> {
  const dsn = (db: string) => `h=127.0.0.1,P=3306,u=root,D=${db},t=stock`
  const r = await run('pt-table-sync', ['--print', ...extra, '--no-check-triggers', '--no-foreign-key-checks', dsn(WMS), dsn(ERP)], {keepStdout: true})
  if (r.code !== 0 && r.code !== 2) throw new Error(`pt-table-sync failed (${r.code}): ${r.stderr}`)
  // every printed statement names the row's key: item, warehouse, lot
  const keys = new Set(
    [...r.stdout.matchAll(/`item`='([^']*)' AND `warehouse`='([^']*)' AND `lot`='([^']*)'|VALUES \('([^']*)', '([^']*)', '([^']*)'/g)].map((m) =>
      m[1] === undefined ? `${m[4]}|${m[5]}|${m[6]}` : `${m[1]}|${m[2]}|${m[3]}`,
    ),
  )
  return {run: r, keys}
}

let pt: Timed | undefined
let ptKeys: Set<string> | undefined
let ptMd5: {run: Timed; keys: Set<string>} | undefined
if (!flag('--skip-pt') && ensurePtTableSync()) {
  ;({run: pt, keys: ptKeys} = await ptTableSync([]))
  if (flag('--pt-md5')) ptMd5 = await ptTableSync(['--function', 'MD5'])
}

// the truth, computed by the server: keys whose quantity differs or that exist on one side only
const truth = await must(
  run('mariadb', ['-h', '127.0.0.1', '-u', 'root', '--batch', '--skip-column-names', '-e', `SELECT
    (SELECT COUNT(*) FROM ${ERP}.stock e JOIN ${WMS}.stock w USING (item, warehouse, lot) WHERE e.qty <> w.qty)
  + (SELECT COUNT(*) FROM ${ERP}.stock e LEFT JOIN ${WMS}.stock w USING (item, warehouse, lot) WHERE w.item IS NULL)
  + (SELECT COUNT(*) FROM ${WMS}.stock w LEFT JOIN ${ERP}.stock e USING (item, warehouse, lot) WHERE e.item IS NULL)`], {keepStdout: true}),
  'truth',
)
const trueKeys = Number(truth.stdout.trim())

if (flag('--drop')) {
  await sql(`DROP DATABASE IF EXISTS ${ERP}; DROP DATABASE IF EXISTS ${WMS}`)
  rmSync(dir, {recursive: true, force: true})
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
process.stdout.write(`\nsame-shape tables, ${rows.toLocaleString('en-US')} rows/side · node ${process.version} · ${os.cpus().length} CPUs · load ${load()}\n`)
process.stdout.write(`raw floor (mariadb --quick --batch, both sides, parallel)  ${s(rawMs)}\n`)
process.stdout.write(`plantops stock diff                                        ${s(ours.ms)}  CPU ${cpuS?.toFixed(2) ?? '?'} s  peak RSS ${Math.round((ours.rssKb ?? 0) / 1024)} MB  (${(ours.ms / rawMs).toFixed(2)}× the raw floor)\n`)
process.stdout.write(`differing keys computed by SQL (the truth)                 ${trueKeys}\n`)
process.stdout.write(`plantops variance keys                                     ${ourKeys.size}${ourKeys.size === trueKeys ? ' (all found)' : ' (WRONG)'}\n`)
if (pt && ptKeys) {
  const onlyOurs = [...ourKeys].filter((k) => !ptKeys!.has(k)).length
  const onlyPt = [...ptKeys].filter((k) => !ourKeys.has(k)).length
  process.stdout.write(`pt-table-sync --print                                      ${s(pt.ms)}  (plantops is ${(pt.ms / ours.ms).toFixed(1)}× faster)\n`)
  process.stdout.write(`pt-table-sync keys                                         ${ptKeys.size}${ptKeys.size === trueKeys ? ' (all found)' : ` (${trueKeys - ptKeys.size} missed)`}\n`)
  process.stdout.write(`keys vs pt-table-sync                                      ${onlyOurs + onlyPt === 0 ? 'identical' : `differ: ${onlyOurs} only plantops, ${onlyPt} only pt-table-sync`}\n`)
  if (onlyOurs > 0)
    process.stdout.write('  (pt-table-sync\'s default checksum, BIT_XOR of CRC32 per chunk, is linear: two rows of a chunk changed by the same bytes cancel; --pt-md5 runs --function MD5)\n')
  if (ptMd5) {
    const missed = [...ourKeys].filter((k) => !ptMd5!.keys.has(k)).length
    process.stdout.write(`pt-table-sync --print --function MD5                        ${s(ptMd5.run.ms)}  (plantops is ${(ptMd5.run.ms / ours.ms).toFixed(1)}× faster)  keys ${ptMd5.keys.size}${missed === 0 && ptMd5.keys.size === ourKeys.size ? ' (identical to plantops)' : ` (${missed} missed)`}\n`)
  }
} else process.stdout.write('pt-table-sync                                              not run\n')

const B = 'stock (same-shape)'
const n = rows.toLocaleString('en-US')
record({bench: B, label: `raw floor, ${n} rows/side`, value: s(rawMs)})
record({bench: B, label: `plantops stock diff, ${n} rows/side (CPU ${cpuS?.toFixed(1) ?? '?'} s, ${Math.round((ours.rssKb ?? 0) / 1024)} MB)`, value: s(ours.ms)})
record({bench: B, label: `plantops ÷ raw floor, ${n}`, value: `${(ours.ms / rawMs).toFixed(2)}×`, target: '≤ 2.0×', ok: ours.ms / rawMs <= 2})
record({bench: B, label: `variance keys vs SQL answer (${trueKeys})`, value: ourKeys.size === trueKeys ? 'identical count' : `${ourKeys.size}`, target: 'all found', ok: ourKeys.size === trueKeys})
if (pt) {
  record({bench: B, label: `pt-table-sync --print, ${n} rows/side`, value: s(pt.ms)})
  record({bench: B, label: 'pt-table-sync ÷ plantops', value: `${(pt.ms / ours.ms).toFixed(1)}×`, target: '≥ 8×', ok: pt.ms / ours.ms >= 8})
  record({bench: B, label: `pt-table-sync keys (default CRC32 checksum; ${trueKeys} differ)`, value: `${ptKeys!.size}`})
}
if (ptMd5) {
  record({bench: B, label: `pt-table-sync --function MD5, ${n} rows/side (keys ${ptMd5.keys.size})`, value: s(ptMd5.run.ms)})
  record({bench: B, label: 'pt-table-sync MD5 ÷ plantops', value: `${(ptMd5.run.ms / ours.ms).toFixed(1)}×`})
}
