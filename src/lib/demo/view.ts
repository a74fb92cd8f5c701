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

export function demoTableTitle(shown: number, total: number, config: string): string {
  return t('demo.tableTitle', {shown, count: total, config})
}

export function demoJobTitle(name: string): string {
  return `\n${t('demo.jobTitle', {name})}`
}

/** The commands to try next on the demo plant (and, when Chinese was chosen for this run only, how to keep it). */
export function demoNextText(next: string[]): string {
  const keep = currentLanguage() !== 'en' && (languageDecision().source === 'flag') ? `\n${t('demo.keepLanguage', {lang: currentLanguage()})}` : ''
  return `\n${t('demo.next')}\n${next.map((n) => `  ${n}`).join('\n')}${keep}`
}
