#!/usr/bin/env node
// `npm run bench`: runs every bench/<name>.ts (or only those named: `npm run bench -- stock`) and prints their figures.
// Benchmarks need the MariaDB at 127.0.0.1:3306 (root, no password) for the replica-side figures.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'))
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()

let failed = 0
for (const file of benches) {
  console.log(`\n=== bench/${file} ===`)
  const r = spawnSync('npx', ['tsx', path.join(here, file), ...passThrough], {stdio: 'inherit', cwd: path.join(here, '..')})
  if (r.status !== 0) {
    failed++
    console.log(`!!! bench/${file} exited ${r.status}`)
  }
}
process.exit(failed > 0 ? 1 : 0)
