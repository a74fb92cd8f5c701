/**
 * `plantops count sample` benchmark (MariaDB at 127.0.0.1:3306, root):
 *   npx tsx bench/count.ts [--rows 20000,200000] [--method random|abc|due] [--size N] [--runs N] [--keep] [--prefix P] [--compare DIR]
 *
 * For each size it builds the demo plant into MariaDB (databases pt_bench_count_erp|wms|mes; ERP stock_balance rows =
 * size, WMS bin_stock ≈ 1.5 × size), writes its plantops.yaml, runs the built CLI
 * `node bin/run.js count sample --config … --seed 1 --json` as a child process (run `npm run build` first) and prints
 * wall time, peak RSS (/usr/bin/time -v when present, else VmHWM polled from /proc/<pid>/status), the population and
 * the sample size. The same seed must give the same sample on every run: the bench checks it when --runs > 1.
 * The databases (and the plant directory) are dropped at the end unless --keep.
 * --compare DIR: also run DIR/bin/run.js (another built checkout, e.g. the commit before a change), alternating run
 * by run with this one on the same plant, so both see the same machine load; one table row per CLI.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {buildDemoPlant, DEFAULT_STOCK_ROWS, dropMysqlDemo} from '../src/lib/demo/index.js'
import {writeDemoConfig} from '../src/lib/demo/plant-config.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
// --prefix: database name prefix, so two engineers benchmarking on one server do not drop each other's plant
const MYSQL = {host: '127.0.0.1', port: 3306, user: 'root', prefix: opt('--prefix') ?? 'pt_bench_count_'}
const sizes = (opt('--rows') ?? `${DEFAULT_STOCK_ROWS},200000`).split(',').map((s) => Number(s.trim()))
const method = opt('--method') ?? 'random'
const runs = Number(opt('--runs') ?? '1')
const size = opt('--size')
const keep = args.includes('--keep')
const compare = opt('--compare')
// each CLI runs with the plantops.yaml its own version writes for the plant (config keys may differ between versions)
const clis: Array<{label: string; bin: string; writeConfig: typeof writeDemoConfig}> = [{label: 'this', bin: path.join(repo, 'bin/run.js'), writeConfig: writeDemoConfig}]
if (compare) {
  const root = path.resolve(compare)
  const theirs = (await import(pathToFileURL(path.join(root, 'dist/lib/demo/plant-config.js')).href)) as {writeDemoConfig: typeof writeDemoConfig}
  clis.push({label: path.basename(root), bin: path.join(root, 'bin/run.js'), writeConfig: theirs.writeDemoConfig})
}
const TIME = '/usr/bin/time'

interface Measured {
  ms: number
  peakKb: number
  /** user + system CPU seconds (GNU time only; 0 otherwise): steadier than wall time on a busy machine. */
  cpuS: number
  code: number
  stdout: string
  stderr: string
}

/** Run a child process; peak RSS from GNU time's "Maximum resident set size", else VmHWM polled every 20 ms. */
function measure(argv: string[], cwd: string): Promise<Measured> {
  const useTime = existsSync(TIME)
  const timeFile = path.join(cwd, `time-${process.pid}-${Date.now()}.txt`)
  const [cmd, ...rest] = useTime ? [TIME, '-v', '-o', timeFile, ...argv] : argv
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(cmd, rest, {cwd, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let hwm = 0
    let cpuS = 0
    const poll = useTime
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
            if (m) hwm = Math.max(hwm, Number(m[1]))
          } catch {
            // exited between polls
          }
        }, 20)
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - t0
      if (poll) clearInterval(poll)
      if (useTime) {
        const text = readFileSync(timeFile, 'utf8')
        rmSync(timeFile, {force: true})
        hwm = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1] ?? 0)
        cpuS = Number(/User time \(seconds\): ([\d.]+)/.exec(text)?.[1] ?? 0) + Number(/System time \(seconds\): ([\d.]+)/.exec(text)?.[1] ?? 0)
      }
      resolve({ms, peakKb: hwm, cpuS, code: code ?? -1, stdout, stderr})
    })
  })
}

interface Row {
  cli: string
  stockRows: number
  binRows: number
  population: number
  sample: number
  wallS: string
  cpuS: string
  peakMb: string
  sameSample: string
}

const rows: Row[] = []
const work = mkdtempSync(path.join(os.tmpdir(), 'pt-bench-count-'))
try {
  for (const stockRows of sizes) {
    process.stderr.write(`building the demo plant with ${stockRows} ERP stock rows into MariaDB (${MYSQL.prefix}*)…\n`)
    const t0 = performance.now()
    const plant = await buildDemoPlant({stockRows, mysql: MYSQL})
    process.stderr.write(`  built in ${((performance.now() - t0) / 1000).toFixed(1)} s (bin_stock ${plant.counts['wms.bin_stock'] ?? '?'} rows)\n`)
    const dir = path.join(work, String(stockRows))
    const configs = new Map<string, string>()
    for (const cli of clis) configs.set(cli.label, await cli.writeConfig(plant, path.join(dir, cli.label)))
    const best = new Map<string, Measured>()
    const first = new Map<string, string>()
    const same = new Map<string, boolean>()
    const cpu = new Map<string, number[]>()
    let last: {populationSize: number; sampleSize: number} | null = null
    for (let i = 0; i < runs; i++) {
      for (const cli of clis) {
        const out = path.join(dir, `sheets-${cli.label}-${i}.xlsx`)
        const m = await measure(['node', cli.bin, 'count', 'sample', '--config', configs.get(cli.label)!, '--method', method, ...(size ? ['--size', size] : []), '--seed', '1', '--output', out, '--json'], dir)
        if (m.code !== 0) throw new Error(`count sample (${cli.label}) exited ${m.code}:\n${m.stderr}`)
        const json = JSON.parse(m.stdout) as {count: {populationSize: number; sampleSize: number}; lines: Array<{location: string; sku: string; lot: string}>}
        last = json.count
        const sig = json.lines.map((l) => `${l.location}|${l.sku}|${l.lot}`).join('\n')
        if (!first.has(cli.label)) first.set(cli.label, sig)
        same.set(cli.label, (same.get(cli.label) ?? true) && first.get(cli.label) === sig && first.get(clis[0].label) === sig)
        cpu.set(cli.label, [...(cpu.get(cli.label) ?? []), m.cpuS])
        const b = best.get(cli.label)
        best.set(cli.label, {...(!b || m.ms < b.ms ? m : b), peakKb: Math.max(b?.peakKb ?? 0, m.peakKb)})
        process.stderr.write(`  ${cli.label} run ${i + 1}: ${(m.ms / 1000).toFixed(2)} s, peak RSS ${(m.peakKb / 1024).toFixed(0)} MB, CPU ${m.cpuS.toFixed(2)} s, population ${json.count.populationSize}, sample ${json.count.sampleSize} (load ${os.loadavg()[0].toFixed(2)})\n`)
      }
    }
    for (const cli of clis) {
      const b = best.get(cli.label)!
      rows.push({
        cli: cli.label,
        stockRows,
        binRows: Number(plant.counts['wms.bin_stock'] ?? 0),
        population: last!.populationSize,
        sample: last!.sampleSize,
        wallS: (b.ms / 1000).toFixed(2),
        cpuS: Math.min(...cpu.get(cli.label)!).toFixed(2),
        peakMb: (b.peakKb / 1024).toFixed(0),
        sameSample: runs > 1 || clis.length > 1 ? (same.get(cli.label) ? 'yes' : 'NO') : '-',
      })
    }
  }
} finally {
  if (keep) process.stderr.write(`kept the databases ${MYSQL.prefix}* and the plant directory ${work}\n`)
  else {
    await dropMysqlDemo(MYSQL)
    rmSync(work, {recursive: true, force: true})
  }
}

const head = ['CLI', 'ERP stock rows', 'WMS bins', 'population', 'sample', 'wall s (best)', 'CPU s (best)', 'peak RSS MB', 'same sample']
const table = rows.map((r) => [r.cli, r.stockRows, r.binRows, r.population, r.sample, r.wallS, r.cpuS, r.peakMb, r.sameSample].map(String))
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)))
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ')
console.log(`count sample --method ${method}${size ? ` --size ${size}` : ''} --seed 1 (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`)
console.log(line(head))
for (const t of table) console.log(line(t))
