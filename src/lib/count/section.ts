import {Flags} from '@oclif/core'

import {ConfigError, UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {LoadedConfig} from '../config/load.js'
import type {CountConfig} from './config.js'

/** The validated `count` section, or a config error saying what to add. */
export function requireCountConfig(loaded: LoadedConfig): CountConfig {
  const section = loaded.config.count
  if (!section) {
    throw new ConfigError(t('errors.count.notConfigured', {file: loaded.path}), {
      code: 'COUNT_NOT_CONFIGURED',
      // i18n-ok: a YAML example after the sentence
      hints: [`${t('errors.count.notConfiguredHint')}\n  count:\n    wms: {source: wms}\n    erp: {source: erp}`, t('errors.count.demoHint')],
    })
  }
  return section
}

/** A percentage flag value ("95", "99.5"), strictly between the bounds. */
export function parsePercent(name: string, text: string, min: number, max: number): number {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= min || n >= max) throw new UsageError(t('errors.count.percent', {name, min, max, value: text}))
  return n
}

const PERCENT_BOUNDS = {confidence: [50, 100], margin: [0, 50]} as const

/** --confidence / --margin of `count size` and `count sample`: a percentage within its bounds, kept as text. */
export function percentFlag(name: keyof typeof PERCENT_BOUNDS, summary: string, dflt?: string) {
  const [min, max] = PERCENT_BOUNDS[name]
  return Flags.string({summary, ...(dflt === undefined ? {} : {default: dflt}), parse: async (v) => String(parsePercent(name, v, min, max))})
}
