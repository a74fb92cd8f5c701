#!/usr/bin/env node
// `npm run bench`: runs every bench/<name>.ts (or only those named: `npm run bench -- stock`) and prints their figures,
// then one summary block of every recorded figure against its target (bench/_results.ts).
// BENCH_SCALE=0.1 scales the sizes down for a quick run. MariaDB at 127.0.0.1:3306 (root, no password) is needed for the
// replica-side figures; bench databases are kept and reused between runs (a bench's --fresh rebuilds them).
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'))
/** Helpers that are not benchmarks (stock-plant.ts builds a plant to try by hand). */
const TOOLS = new Set(['stock-plant.ts'])
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !TOOLS.has(f))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()

const results = path.join(os.tmpdir(), `plantops-bench-results-${process.pid}.jsonl`)
rmSync(results, {force: true})
const started = Date.now()
let failed = 0
for (const file of benches) {
  console.log(`\n=== bench/${file} ===`)
  const r = spawnSync('npx', ['tsx', path.join(here, file), ...passThrough], {stdio: 'inherit', cwd: path.join(here, '..'), env: {...process.env, BENCH_RESULTS: results}})
  if (r.status !== 0) {
    failed++
    console.log(`!!! bench/${file} exited ${r.status}`)
  }
}

const figures = existsSync(results)
  ? readFileSync(results, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l))
  : []
rmSync(results, {force: true})
if (figures.length > 0) {
  const w0 = Math.max(...figures.map((f) => f.bench.length))
  const w1 = Math.max(...figures.map((f) => f.label.length))
  const w2 = Math.max(...figures.map((f) => f.value.length))
  console.log(`\n=== summary · node ${process.version} · ${os.cpus().length} CPUs · scale ${process.env.BENCH_SCALE ?? 1} · ${((Date.now() - started) / 60000).toFixed(1)} min · load now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} ===`)
  for (const f of figures) {
    const verdict = f.target === undefined ? '' : `  ${f.ok ? 'ok  ' : 'OFF '} target ${f.target}`
    console.log(`${f.bench.padEnd(w0)}  ${f.label.padEnd(w1)}  ${f.value.padStart(w2)}${verdict}  (load ${f.load.toFixed(1)})`)
  }
  const off = figures.filter((f) => f.ok === false).length
  console.log(off === 0 ? 'every target met' : `${off} figure(s) off target`)
}
process.exit(failed > 0 ? 1 : 0)
