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
import {shellArg} from './view.js'

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

/** The comment above the demo's config: where the plant is and how to point plantops at it (its real path). */
export function demoConfigHeader(file: string): string {
  const oneLine = (s: string) => s.replaceAll(/[\u0000-\u001F]/g, '?') // a comment line stays one line
  return `# plantops.yaml for the demo plant in ${oneLine(path.dirname(file))}, written by \`plantops demo\`.
# Every section is documented in README.md ("Configuration"). Run plantops in that directory, or pass
# --config with this file's path, e.g.:
#   plantops stock diff --config ${oneLine(shellArg(file))}
`
}

/** Write the demo's plantops.yaml atomically into `dir`; returns its path. */
export async function writeDemoConfig(plant: DemoPlant, dir: string): Promise<string> {
  const file = path.join(path.resolve(dir), 'plantops.yaml')
  await writeFileAtomic(file, demoConfigHeader(file) + stringify(demoPlantConfig(plant), {lineWidth: 120}))
  return file
}
