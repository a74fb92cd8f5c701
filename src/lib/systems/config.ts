import {z} from 'zod'

import {t} from '../i18n/index.js'

/**
 * The `systems` section of plantops.yaml: the plant's system map (which systems, who owns them, what they are the
 * master of, how data flows between them and where people re-key it) and the settings of `plantops systems audit`.
 * Imports only zod and the (lazily loaded) catalogs: it loads at start-up of every command.
 */

export const SYSTEM_ROLES = ['erp', 'wms', 'mes', 'plm', 'crm', 'oa', 'scada', 'dcs', 'qms', 'spreadsheet', 'external', 'other'] as const
export type SystemRole = (typeof SYSTEM_ROLES)[number]

export const FLOW_MODES = ['api', 'db-sync', 'file', 'message-queue', 'manual'] as const
export type FlowMode = (typeof FLOW_MODES)[number]

const SYSTEM_ID = /^[A-Za-z][\w-]*$/

const entity = z.string().trim().min(1, {error: () => t('systems.config.entityRequired')})

const updatedAtSchema = z.strictObject({
  /** Table that holds the freshness column. */
  table: z.string().min(1),
  /** A DATETIME/TIMESTAMP column the system updates on every change (newest value = how fresh the copy is). */
  column: z.string().min(1),
  /** Older than this: a warning. Default 48 hours (a weekend without changes is normal for some tables: raise it). */
  maxAgeHours: z.number().positive().default(48),
})

export const systemSchema = z.strictObject({
  /** Display name, any language (e.g. 金蝶云星空 ERP). Default: the key. */
  name: z.string().min(1).optional(),
  role: z.enum(SYSTEM_ROLES),
  vendor: z.string().optional(),
  product: z.string().optional(),
  /** Who answers for it (a person or team). Systems without an owner are listed by `systems map`. */
  owner: z.string().min(1).optional(),
  /** The plantops source that reads this system's database (a key of `sources`); absent: not audited. */
  source: z.string().min(1).optional(),
  /** Entities this system is the master (system of record) of. */
  masters: z.array(entity).default([]),
  /** Freshness probe for `systems audit`. */
  updatedAt: updatedAtSchema.optional(),
  description: z.string().optional(),
})

export const flowSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  entity,
  mode: z.enum(FLOW_MODES),
  /** Free text: realtime, hourly, nightly, on demand, 2x per day… */
  frequency: z.string().min(1).optional(),
  /** Which mapping the flow uses (an interface name, a plantops section such as "stock", a spreadsheet template…). */
  mapping: z.string().min(1).optional(),
  /** Manual flows: people doing the re-keying. */
  people: z.number().int().nonnegative().optional(),
  /** Manual flows: documents/lines re-keyed per day. */
  rekeyingsPerDay: z.number().nonnegative().optional(),
  /** Manual flows: minutes per re-keying (for the hours-per-day estimate). */
  minutesEach: z.number().nonnegative().optional(),
  description: z.string().optional(),
})

/** A business process that crosses entities, e.g. an order from customer to shipment: sales-orders → work-orders → shipments. */
export const journeySchema = z.strictObject({
  name: z.string().min(1),
  /** The entities in the order the process hands them on; each must be carried by some flow. */
  entities: z.array(entity).min(1),
})

export const auditSettingsSchema = z
  .strictObject({
    /** Connect timeout per source during the audit (shorter than the jobs' own). Default 5 s. */
    connectTimeoutSeconds: z.number().positive().default(5),
    /** A keyed column without an index is a warning on tables with at least this many rows. Default 100000. */
    largeTableRows: z.number().int().nonnegative().default(100_000),
  })
  .default({connectTimeoutSeconds: 5, largeTableRows: 100_000})

export const systemsConfigSchema = z
  .strictObject({
    systems: z.record(z.string().regex(SYSTEM_ID, {error: () => t('systems.config.systemKey')}), systemSchema).default({}),
    flows: z.array(flowSchema).default([]),
    journeys: z.array(journeySchema).default([]),
    audit: auditSettingsSchema,
  })
  .superRefine((section, ctx) => {
    const ids = Object.keys(section.systems)
    const known = new Set(ids)
    const list = ids.join(', ') || t('systems.config.none')
    section.flows.forEach((flow, i) => {
      for (const end of ['from', 'to'] as const) {
        if (!known.has(flow[end])) {
          const near = ids.find((id) => id.toLowerCase() === flow[end].toLowerCase())
          ctx.addIssue({
            code: 'custom',
            path: ['flows', i, end],
            message: t('systems.config.unknownSystem', {name: flow[end], configured: list, didYouMean: near ? t('systems.config.didYouMean', {name: near}) : ''}),
          })
        }
      }
      if (flow.from === flow.to && known.has(flow.from)) {
        ctx.addIssue({code: 'custom', path: ['flows', i, 'to'], message: t('systems.config.selfFlow', {system: flow.from})})
      }
      if (flow.mode !== 'manual') {
        for (const k of ['people', 'rekeyingsPerDay', 'minutesEach'] as const) {
          if (flow[k] !== undefined) {
            ctx.addIssue({code: 'custom', path: ['flows', i, k], message: t('systems.config.manualOnly', {field: k, mode: flow.mode})})
          }
        }
      }
    })
    const carried = new Set(section.flows.map((f) => entityKey(f.entity)))
    section.journeys.forEach((j, i) => {
      j.entities.forEach((e, k) => {
        if (!carried.has(entityKey(e))) {
          ctx.addIssue({code: 'custom', path: ['journeys', i, 'entities', k], message: t('systems.config.entityNotCarried', {entity: e, carried: [...new Set(section.flows.map((f) => f.entity))].join(', ') || t('systems.config.none')})})
        }
      })
    })
  })

/** Same normalisation as the map's (kept here so this module imports only zod). */
function entityKey(name: string): string {
  let s = name.trim().toLowerCase().replace(/[\s_]+/g, '-')
  if (/[^s]s$/.test(s) && !/(us|is)$/.test(s) && s.length > 3) s = s.slice(0, -1)
  return s
}

export type SystemsConfig = z.infer<typeof systemsConfigSchema>
export type SystemConfig = z.infer<typeof systemSchema>
export type FlowConfig = z.infer<typeof flowSchema>
export type AuditSettings = z.infer<typeof auditSettingsSchema>
export type JourneyConfig = z.infer<typeof journeySchema>
