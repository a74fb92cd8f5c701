import path from 'node:path'

import {currentLanguage, languageDecision, t} from '../i18n/index.js'
import type {TextOptions} from '../report/emit.js'
import {renderKeyValue} from '../report/table.js'

/** `plantops demo`: what was built, where, and how many discrepancies were seeded. */
export function demoPlantText(p: {dir: string; config: string; databases: Record<string, string>; rows: Record<string, number>; seeded: Record<string, number>; buildMs: number}, o: TextOptions): string {
  return renderKeyValue(
    [
      [t('demo.plant'), p.dir],
      [t('demo.config'), p.config],
      [t('demo.databases'), Object.entries(p.databases).map(([k, v]) => `${k}: ${v}`).join('\n')],
      [t('demo.rows'), Object.entries(p.rows).map(([k, v]) => `${k}: ${v.toLocaleString('en-US')}`).join('\n')],
      [t('demo.seeded'), Object.entries(p.seeded).map(([k, v]) => `${k}: ${v}`).join('\n')],
      [t('demo.builtIn'), t('common.seconds', {s: (p.buildMs / 1000).toFixed(1)})],
    ],
    {color: o.color, width: o.width},
  )
}

/** The title above the demo's stock diff, and the line above its table. */
export function demoStockTitle(): string {
  return `\n${t('demo.stockTitle')}`
}


/** The commands to try next on the demo plant (and, when Chinese was chosen for this run only, how to keep it). */
export function demoNextText(next: string[]): string {
  const keep = currentLanguage() !== 'en' && (languageDecision().source === 'flag') ? `\n${t('demo.keepLanguage', {lang: currentLanguage()})}` : ''
  return `\n${t('demo.next')}\n${next.map((n) => `  ${n}`).join('\n')}${keep}`
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
  return t('demo.tableTitle', {shown, count: total, configArg})
}

/** Above each reconcile job's summary in the demo: how to see its findings. */
export function demoJobTitle(configArg: string, job: string): string {
  return `\n${t('demo.jobTitle', {name: job, configArg})}`
}
