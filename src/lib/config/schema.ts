import {z} from 'zod'

import {countConfigSchema} from '../count/config.js'
import {t} from '../i18n/index.js'
import {LANGUAGES} from '../i18n/language.js'
import {isValidZone} from '../report/time.js'
import {notifyConfigSchema} from '../notify/config.js'
import {ordersConfigSchema} from '../orders/config.js'
import {reconcileConfigSchema, reconcileSectionProblems} from '../reconcile/jobs-config.js'
import {runsConfigSchema} from '../runs/config.js'
import {stockConfigSchema} from '../stock/config.js'
import {systemsConfigSchema} from '../systems/config.js'
import {sourcesSchema, storeSchema} from './sources-schema.js'

/**
 * The whole plantops.yaml. Unknown top-level keys are errors (a typo must not silently disable a section).
 * Each capability validates its own section; `references` checks what zod cannot see alone
 * (a section naming a source that does not exist).
 */
export const configSchema = z
  .strictObject({
    version: z.literal(1).optional(),
    plant: z.string().optional(),
    /** The zone every time is shown in (IANA name, e.g. Asia/Shanghai); default: the machine's zone. */
    timeZone: z.string().refine(isValidZone, {error: () => t('errors.config.timeZone')}).optional(),
    /** The language of tables, sheets and messages (src/lib/i18n/language.ts); --lang and PLANTOPS_LANG win over it. */
    lang: z.enum(LANGUAGES, {error: () => t('lang.badConfig', {languages: LANGUAGES.join(', ')})}).optional(),
    sources: sourcesSchema.default({}),
    store: storeSchema,
    stock: stockConfigSchema.optional(),
    orders: ordersConfigSchema.optional(),
    count: countConfigSchema.optional(),
    systems: systemsConfigSchema.optional(),
    reconcile: reconcileConfigSchema.optional(),
    /** Maximum run time per job (see src/lib/runs/config.ts). */
    runs: runsConfigSchema.optional(),
    notify: notifyConfigSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set(Object.keys(cfg.sources))
    // Any `source: NAME` anywhere in a capability section must name a configured source.
    const visit = (value: unknown, path: (string | number)[]): void => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => visit(v, [...path, i]))
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'source' && typeof v === 'string' && !names.has(v)) {
            ctx.addIssue({
              code: 'custom',
              path: [...path, k],
              message: t('errors.config.noSource', {name: v, configured: [...names].join(', ') || t('config.noSections')}),
            })
          } else visit(v, [...path, k])
        }
      }
    }
    for (const section of ['stock', 'orders', 'count', 'systems', 'notify', 'reconcile'] as const) visit(cfg[section], [section])
    if (cfg.reconcile) for (const p of reconcileSectionProblems(cfg.reconcile, cfg.stock)) ctx.addIssue({code: 'custom', path: ['reconcile', ...p.path], message: p.message})
  })

export type PlantopsConfig = z.infer<typeof configSchema>
