/**
 * Build a demo plant with a plantops.yaml (sources + stock sections) for trying `plantops stock diff` by hand:
 *   npx tsx bench/stock-plant.ts DIR [stockRows] [--mysql PREFIX]
 */
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig} from '../src/lib/demo/index.js'
import {demoStockConfig} from '../src/lib/demo/stock-config.js'

const args = process.argv.slice(2)
const mi = args.indexOf('--mysql')
const prefix = mi >= 0 ? args.splice(mi, 2)[1] : undefined
const [dir, rows] = args
if (!dir) {
  process.stderr.write('usage: npx tsx bench/stock-plant.ts DIR [stockRows] [--mysql PREFIX]\n')
  process.exit(2)
}
const plant = await buildDemoPlant({
  dir,
  stockRows: Number(rows ?? 20_000),
  ...(prefix ? {mysql: {host: '127.0.0.1', port: 3306, user: 'root', prefix}} : {}),
})
writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
process.stdout.write(`${JSON.stringify({counts: plant.counts, kinds: plant.manifest.countsByKind, ms: plant.elapsedMs})}\n`)
