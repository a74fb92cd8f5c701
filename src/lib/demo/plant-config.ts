import path from 'node:path'

import {stringify} from 'yaml'

import {writeFileAtomic} from '../report/atomic.js'
import {demoSourcesConfig, type DemoPlant} from './index.js'
import {demoCountConfig} from './count-config.js'
import {demoNotifyConfig} from './notify-config.js'
import {demoOrdersConfig} from './orders-config.js'
import {demoReconcileConfig} from './reconcile-config.js'
import {demoStockConfig} from './stock-config.js'
import {demoSystemsConfig} from './systems-config.js'

/**
 * The complete plantops.yaml for a demo plant: its sources, the embedded store, and one section per capability,
 * each contributed by the module that owns that capability (src/lib/demo/<area>-config.ts).
 */
export function demoPlantConfig(plant: DemoPlant): Record<string, unknown> {
  return {
    version: 1,
    plant: '示范工厂 Demo Plant (plantops demo)',
    sources: demoSourcesConfig(plant),
    store: {client: 'sqlite', filename: '.plantops/state.db'},
    stock: demoStockConfig(plant),
    orders: demoOrdersConfig(plant),
    count: demoCountConfig(plant),
    systems: demoSystemsConfig(plant),
    notify: demoNotifyConfig(),
    reconcile: demoReconcileConfig(plant),
  }
}

const HEADER = `# plantops.yaml for the demo plant, written by \`plantops demo\`.
# Every section is documented in README.md ("Configuration"). Run plantops from this directory, or pass
# --config with this file's path, e.g.:
#   plantops stock diff --config demo-plant/plantops.yaml
`

/** Write the demo's plantops.yaml atomically into `dir`; returns its path. */
export async function writeDemoConfig(plant: DemoPlant, dir: string): Promise<string> {
  const file = path.join(path.resolve(dir), 'plantops.yaml')
  await writeFileAtomic(file, HEADER + stringify(demoPlantConfig(plant), {lineWidth: 120}))
  return file
}
