import {Flags} from '@oclif/core'

import {ConfigError, UsageError} from '../cli/errors.js'
import type {LoadedConfig} from '../config/load.js'
import type {CountConfig} from './config.js'

/** The validated `count` section, or a config error saying what to add. */
export function requireCountConfig(loaded: LoadedConfig): CountConfig {
  const section = loaded.config.count
  if (!section) {
    throw new ConfigError(`${loaded.path} has no "count" section`, {
      code: 'COUNT_NOT_CONFIGURED',
      hints: [
        'Add a count section naming the WMS source (and the ERP source for ERP comparison), e.g.\n  count:\n    wms: {source: wms}\n    erp: {source: erp}',
        'Run `plantops demo` to see a complete example.',
      ],
    })
  }
  return section
}

/** A percentage flag value ("95", "99.5"), strictly between the bounds. */
export function parsePercent(name: string, text: string, min: number, max: number): number {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= min || n >= max) throw new UsageError(`--${name} must be a number between ${min} and ${max} (exclusive), got "${text}"`)
  return n
}

const PERCENT_BOUNDS = {confidence: [50, 100], margin: [0, 50]} as const

/** --confidence / --margin of `count size` and `count sample`: a percentage within its bounds, kept as text. */
export function percentFlag(name: keyof typeof PERCENT_BOUNDS, summary: string, dflt?: string) {
  const [min, max] = PERCENT_BOUNDS[name]
  return Flags.string({summary, ...(dflt === undefined ? {} : {default: dflt}), parse: async (v) => String(parsePercent(name, v, min, max))})
}
