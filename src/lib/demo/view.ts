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
