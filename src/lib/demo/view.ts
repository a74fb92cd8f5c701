import path from 'node:path'

import type {TextOptions} from '../report/emit.js'
import {renderKeyValue} from '../report/table.js'

/** `plantops demo`: what was built, where, and how many discrepancies were seeded. */
export function demoPlantText(p: {dir: string; config: string; databases: Record<string, string>; rows: Record<string, number>; seeded: Record<string, number>; buildMs: number}, o: TextOptions): string {
  return renderKeyValue(
    [
      ['Demo plant', p.dir],
      ['Config', p.config],
      ['Databases', Object.entries(p.databases).map(([k, v]) => `${k}: ${v}`).join('\n')],
      ['Rows', Object.entries(p.rows).map(([k, v]) => `${k}: ${v.toLocaleString('en-US')}`).join('\n')],
      ['Seeded discrepancies', Object.entries(p.seeded).map(([k, v]) => `${k}: ${v}`).join('\n')],
      ['Built in', `${(p.buildMs / 1000).toFixed(1)} s`],
    ],
    {color: o.color, width: o.width},
  )
}

/** The commands to try next on the demo plant. */
export function demoNextText(next: string[]): string {
  return `\nNext:\n${next.map((n) => `  ${n}`).join('\n')}`
}

/**
 * ` --config PATH` for the hints the demo prints, so each works as printed from where `plantops demo` ran; empty
 * only when the plant's config is ./plantops.yaml there and $PLANTOPS_CONFIG does not point elsewhere.
 */
export function demoConfigArg(config: string, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const rel = path.relative(cwd, config) || config
  if (rel === 'plantops.yaml' && !env.PLANTOPS_CONFIG) return ''
  return ` --config ${shellArg(rel)}`
}

/** A path as one shell word: as is when plain, else in double quotes (read the same by sh, cmd.exe and PowerShell). */
export function shellArg(p: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(p) ? p : `"${p}"`
}

/** The commands to try next on the demo plant (`configArg` from demoConfigArg). */
export function demoNextSteps(configArg: string): string[] {
  return [
    `plantops stock diff${configArg}`,
    `plantops stock diff${configArg} --output variances.csv --fail-on over-tolerance`,
    `plantops reconcile run orders-mes${configArg} --output orders-mes.xlsx`,
    `plantops systems map${configArg} --format mermaid`,
    `plantops runs list${configArg}`,
  ]
}

/** Above the demo's first variances: how to get them all. */
export function demoVariancesTitle(configArg: string, shown: number, total: number): string {
  return `First ${shown} of ${total} variances (plantops stock diff${configArg} --output variances.xlsx for all):`
}

/** Above each reconcile job's summary in the demo: how to see its findings. */
export function demoJobTitle(configArg: string, job: string): string {
  return `\nReconcile job ${job} (plantops reconcile run ${job}${configArg} for the findings):`
}
