import {z} from 'zod'

import {t} from '../i18n/index.js'

import {normalizeSchema} from '../stock/config.js'

/**
 * The `reconcile` section of plantops.yaml: named jobs comparing any two entity tables across systems (ERP sales
 * order lines ↔ MES work orders, ERP outbound ↔ WMS shipments, ERP item master ↔ WMS SKU master...). Each job has two
 * sides (`left` is the reference system), a link (key columns, one-to-one or one-to-many, a status filter on the
 * right records), the fields to compare with a comparator each, a grace period and display names.
 * Only zod here: this module loads at start-up of every command.
 */

const columnName = z.string().min(1)
const decimalText = z
  .union([z.number(), z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'a decimal number, e.g. 0.5 or "1000"')])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))

const filtersSchema = z.record(columnName, z.array(z.union([z.string(), z.number()])).min(1)).default({})

const sideSchema = z
  .strictObject({
    source: z.string().min(1),
    /** A table (or view) name. */
    table: z.string().min(1).optional(),
    /** Or a read-only SELECT producing the columns named in the job. */
    query: z.string().min(1).optional(),
    /** column → allowed values, pushed to the SELECT as `column IN (…)`. */
    filters: filtersSchema,
    /** Key and code normalisation (trim, case fold, full width), as in the stock section. */
    normalize: normalizeSchema,
    /** Display name of the side ("ERP", "MES"). Default: the source name. */
    label: z.string().min(1).optional(),
    /** When the record was last changed (datetime column): evidence for change_not_propagated, and the grace clock. */
    changedAt: columnName.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.table === undefined) === (v.query === undefined)) {
      ctx.addIssue({code: 'custom', path: ['table'], message: t('errors.config.tableOrQuery')})
    }
  })

/** Codes read through the stock section's maps: `item` (stock.itemMap) or `warehouse` (stock.warehouseMap); right → left. */
const codeMapName = z.enum(['item', 'warehouse'])

const keySchema = z.strictObject({
  /** The key's name in reports and the CSV header. */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ (a CSV header)'),
  left: columnName,
  right: columnName,
  /** Map the right side's code to the left side's through a stock code map. */
  map: codeMapName.optional(),
  /** Bucket a datetime column to the plant-local day (the key is YYYY-MM-DD). */
  bucket: z.enum(['day']).optional(),
})

const toleranceSchema = z.strictObject({abs: decimalText.optional(), pct: decimalText.optional()}).default({})

const decimalField = z.strictObject({
  type: z.literal('decimal'),
  left: columnName,
  right: columnName,
  /** The difference is tolerated when |diff| ≤ abs OR ≤ pct% of |left|. Default: none tolerated. */
  tolerance: toleranceSchema,
  /** Unit columns: the right quantity is converted to the left unit through stock.units' conversions. */
  units: z.strictObject({left: columnName, right: columnName}).optional(),
  /** A quantity: the summary gives its deviation rate Σ|diff| ÷ Σ|left|. Default true. */
  quantity: z.boolean().default(true),
})

const dateField = z.strictObject({
  type: z.literal('date'),
  left: columnName,
  right: columnName,
  /** Differences up to this many days are tolerated. Default 0. */
  toleranceDays: z.number().int().min(0).default(0),
  /** `right-later`: only a right date later than the left one is a difference (a due date the MES will miss). */
  direction: z.enum(['any', 'right-later', 'right-earlier']).default('any'),
})

const textField = z.strictObject({
  type: z.literal('text'),
  left: columnName,
  right: columnName,
  /** Compare after trim, white-space collapse, case fold and NFKC. Default true. */
  normalize: z.boolean().default(true),
})

const enumField = z.strictObject({
  type: z.literal('enum'),
  left: columnName,
  right: columnName,
  /** Left value → the right values that mean the same (ERP `X` → [CANCELLED]). A left value not listed must be equal. */
  map: z.record(z.string(), z.array(z.string()).min(1)),
  /**
   * Closed/cancelled/blocked on the left while still active on the right: cause cancelled_not_propagated.
   */
  inactive: z.strictObject({left: z.array(z.string()).min(1), rightActive: z.array(z.string()).min(1)}).optional(),
})

const codeField = z.strictObject({
  type: z.literal('code'),
  left: columnName,
  right: columnName,
  /** Map the right code through a stock code map first. */
  map: codeMapName.optional(),
})

export const compareFieldSchema = z.discriminatedUnion('type', [decimalField, dateField, textField, enumField, codeField])
export type CompareFieldConfig = z.infer<typeof compareFieldSchema>

export const reconcileJobSchema = z
  .strictObject({
    description: z.string().optional(),
    left: sideSchema,
    right: sideSchema,
    link: z.strictObject({
      /** The columns that identify a record on the left and the columns on the right that refer to it. */
      keys: z.array(keySchema).min(1),
      /** one-to-one: one right record per left key; one-to-many: right records are aggregated (sum, latest). */
      cardinality: z.enum(['one-to-one', 'one-to-many']).default('one-to-one'),
      /** Right records with these values in `column` are left out (e.g. cancelled work orders of a split). */
      rightStatus: z.strictObject({column: columnName, exclude: z.array(z.string()).min(1)}).optional(),
      /** Left records with these values in `column` need no right record (a cancelled order without work order is fine). */
      leftOptional: z.strictObject({column: columnName, values: z.array(z.string()).min(1)}).optional(),
    }),
    /** Field name → comparator. */
    compare: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), compareFieldSchema).default({}),
    /**
     * Aggregate both sides to the key grain before comparing (several records per key on each side: sums of
     * quantities, latest dates). Pushed to the server as GROUP BY where that is exact (MySQL/MariaDB, normalisation
     * folding case, width and spaces as the collation does), done in the engine otherwise.
     */
    group: z.boolean().default(false),
    /** Records changed within this many minutes before `asOf` are `in_flight`, not missing or different. */
    grace: z
      .strictObject({afterMinutes: z.number().int().min(0), asOf: z.string().min(1).default('now')})
      .optional(),
    /** Display names for statuses, e.g. {only_in_left: missing_in_mes, only_in_right: orphan_in_mes}. */
    names: z.partialRecord(z.enum(['match', 'differs', 'only_in_left', 'only_in_right', 'in_flight']), z.string().min(1)).default({}),
    /** Extra factors that explain a quantity difference as unit_factor (besides stock.units' conversions). */
    unitFactors: z.array(decimalText).default(['1000', '100', '12', '10']),
    /**
     * minRowsRatio: a side with fewer records than this share of the previous run's is a half-loaded replica.
     * minMatchRatio: fewer keys than this share found on both sides (in-flight keys aside) means the link does not line
     * the two sides up: exit 3 instead of a report of one-sided keys (0 turns it off).
     */
    safety: z.strictObject({minRowsRatio: z.number().min(0).max(1).default(0.5), minMatchRatio: z.number().min(0).max(1).default(0.05)}).prefault({}),
    partitions: z.number().int().min(1).max(4096).default(256),
    tempDir: z.string().min(1).optional(),
  })
  .superRefine((job, ctx) => {
    const names = new Set<string>()
    job.link.keys.forEach((k, i) => {
      if (names.has(k.name)) ctx.addIssue({code: 'custom', path: ['link', 'keys', i, 'name'], message: t('errors.config.duplicateKeyName', {name: k.name})})
      names.add(k.name)
    })
    for (const f of Object.keys(job.compare)) {
      if (names.has(f)) ctx.addIssue({code: 'custom', path: ['compare', f], message: t('errors.config.alreadyKey', {name: f})})
    }
    if (job.group) {
      for (const [f, c] of Object.entries(job.compare)) {
        if (c.type !== 'decimal' && c.type !== 'date') ctx.addIssue({code: 'custom', path: ['compare', f, 'type'], message: t('errors.config.groupedCompare')})
      }
    }
  })

export type ReconcileJobConfig = z.infer<typeof reconcileJobSchema>

export const reconcileConfigSchema = z.strictObject({
  jobs: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a job name: lower-case letters, digits, - and _'), reconcileJobSchema),
})

export type ReconcileConfig = z.infer<typeof reconcileConfigSchema>

/** Cross-references zod cannot see in the section alone: code maps need the stock section's maps. */
export function reconcileSectionProblems(section: ReconcileConfig, stock: {itemMap?: unknown} | undefined): Array<{path: (string | number)[]; message: string}> {
  const out: Array<{path: (string | number)[]; message: string}> = []
  for (const [name, job] of Object.entries(section.jobs)) {
    const check = (map: string | undefined, path: (string | number)[]) => {
      if (map === undefined) return
      if (!stock) out.push({path, message: t('errors.config.mapNoStock', {map})})
      else if (map === 'item' && stock.itemMap === undefined) out.push({path, message: t('errors.config.mapNoItemMap')})
    }
    job.link.keys.forEach((k, i) => check(k.map, ['jobs', name, 'link', 'keys', i, 'map']))
    for (const [f, c] of Object.entries(job.compare)) if (c.type === 'code') check(c.map, ['jobs', name, 'compare', f, 'map'])
  }
  return out
}
