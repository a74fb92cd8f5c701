/**
 * Start-up time of the built CLI: `plantops --version`, `plantops --help` and `plantops config validate` on the demo
 * config, each run N times (default 15); prints min / median / p90 in milliseconds.
 * Run: npx tsx bench/startup.ts [--runs 15]
 */
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'

import {record} from './_results.js'

const root = path.resolve(import.meta.dirname, '..')
const bin = path.join(root, 'bin', 'run.js')
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15

function time(args: string[]): number[] {
  const out: number[] = []
  spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8'}) // warm the file cache
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    out.push(Number(process.hrtime.bigint() - t) / 1e6)
    if (r.status !== 0 && !args.includes('validate')) throw new Error(`plantops ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return out.sort((a, b) => a - b)
}

const cases: Array<[string, string[]]> = [
  ['--version', ['--version']],
  ['--help', ['--help']],
  ['stock --help', ['stock', '--help']],
]
const demoConfig = path.join(root, 'demo-plant', 'plantops.yaml')
if (existsSync(demoConfig)) cases.push(['config validate (demo)', ['config', 'validate', '--config', demoConfig]])

console.log(`start-up of the built CLI, ${runs} runs each (node ${process.version})`)
console.log('command'.padEnd(26), 'min ms'.padStart(8), 'median ms'.padStart(10), 'p90 ms'.padStart(8))
for (const [name, args] of cases) {
  const t = time(args)
  const median = t[Math.floor(t.length / 2)]
  const p90 = t[Math.min(t.length - 1, Math.floor(t.length * 0.9))]
  console.log(name.padEnd(26), t[0].toFixed(0).padStart(8), median.toFixed(0).padStart(10), p90.toFixed(0).padStart(8))
  if (name === '--version') record({bench: 'start-up', label: '--version median', value: `${(median / 1000).toFixed(3)} s`, target: '≤ 0.3 s', ok: median <= 300})
}
