import {z} from 'zod'

import {t} from '../i18n/index.js'

/**
 * The `stock` section of plantops.yaml: the ERP and WMS sides of the nightly stock reconciliation (source, table or
 * read-only SELECT, columns, filters, key normalisation), the code mappings between them (warehouses inline, items
 * from a cross-reference table or a CSV file), units, item attributes (class, category, unit cost), tolerances,
 * the in-transit rule and the safety limits. Only zod here: this module loads at start-up of every command.
 */

const columnName = z.string().min(1)
/** A decimal written as a YAML number or string; kept as its text so nothing is rounded through a double. */
const decimalText = z
  .union([z.number(), z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'a decimal number, e.g. 0.5 or "1000"')])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))

export const NORMALIZE_DEFAULTS = {trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true} as const

export const normalizeSchema = z
  .strictObject({
    /** Strip leading/trailing white space (including the full-width space U+3000). Default true. */
    trim: z.boolean().default(true),
    /** Fold letter case: true or "upper" → upper case, "lower" → lower case. Default false. */
    caseFold: z.union([z.boolean(), z.enum(['upper', 'lower'])]).default(false),
    /** Full-width → half-width (Unicode NFKC: "ＲＭ－１" → "RM-1"). Default false. */
    fullWidth: z.boolean().default(false),
    /** A NULL lot and an empty lot are the same lot. Default true. */
    nullLotIsEmpty: z.boolean().default(true),
  })
  .prefault({})
export type NormalizeConfig = z.infer<typeof normalizeSchema>

/** column → allowed values, pushed to the side's SELECT as `column IN (…)`. */
const filtersSchema = z.record(columnName, z.array(z.union([z.string(), z.number()])).min(1)).default({})

const tableOrQuery = {
  /** A table (or view) name. */
  table: z.string().min(1).optional(),
  /** Or a read-only SELECT producing the columns named below. */
  query: z.string().min(1).optional(),
}

const erpColumns = z.strictObject({
  item: columnName,
  warehouse: columnName,
  lot: columnName.optional(),
  qty: columnName,
  uom: columnName.optional(),
})

const wmsColumns = erpColumns.extend({
  location: columnName.optional(),
  status: columnName.optional(),
})

function exactlyOneOfTableQuery(v: {table?: string; query?: string}, ctx: z.RefinementCtx): void {
  if ((v.table === undefined) === (v.query === undefined)) {
    ctx.addIssue({code: 'custom', path: ['table'], message: t('errors.config.tableOrQuery')})
  }
}

const erpSideSchema = z
  .strictObject({source: z.string().min(1), ...tableOrQuery, columns: erpColumns, filters: filtersSchema, normalize: normalizeSchema})
  .superRefine(exactlyOneOfTableQuery)

const wmsSideSchema = z
  .strictObject({source: z.string().min(1), ...tableOrQuery, columns: wmsColumns, filters: filtersSchema, normalize: normalizeSchema})
  .superRefine(exactlyOneOfTableQuery)

/** Item code cross-reference: WMS code → ERP code, from a table in a source or from a CSV file. */
const itemMapSchema = z.union([
  z
    .strictObject({
      source: z.string().min(1),
      ...tableOrQuery,
      columns: z.strictObject({wms: columnName, erp: columnName}),
    })
    .superRefine(exactlyOneOfTableQuery),
  z.strictObject({
    /** CSV file (UTF-8, header row), relative to plantops.yaml. */
    file: z.string().min(1),
    columns: z.strictObject({wms: columnName, erp: columnName}).default({wms: 'wms', erp: 'erp'}),
  }),
])

/** ERP item master: the comparison unit and the attributes tolerance and valuation use. */
const itemsSchema = z
  .strictObject({
    source: z.string().min(1),
    ...tableOrQuery,
    columns: z.strictObject({
      item: columnName,
      /** The item's stock unit: quantities are compared in it. */
      uom: columnName.optional(),
      class: columnName.optional(),
      category: columnName.optional(),
      unitCost: columnName.optional(),
      /** Units per pack (e.g. PCS per 箱), used with `units.pack`. */
      packSize: columnName.optional(),
      /** The item's description, shown beside the code (terminal, XLSX, CSV column item_name). */
      description: columnName.optional(),
      /** Annual usage quantity: a count's ABC classes by usage value (count.classes.from: usage-value) use it with unitCost. */
      annualUsage: columnName.optional(),
    }),
  })
  .superRefine(exactlyOneOfTableQuery)

const unitsSchema = z
  .strictObject({
    /** Global conversions: 1 `from` = `factor` × `to` (e.g. {from: KG, to: G, factor: 1000}); used both ways. */
    conversions: z.array(z.strictObject({from: z.string().min(1), to: z.string().min(1), factor: decimalText})).default([]),
    /** Per-item pack: 1 `uom` = items.packSize × `unit` (e.g. {uom: 箱, unit: PCS}). Needs items.columns.packSize. */
    pack: z.strictObject({uom: z.string().min(1), unit: z.string().min(1)}).optional(),
    /** Per-item units table: 1 `uom` of the item = `factor` × the item's stock unit (e.g. ERP item_uoms). */
    itemUnits: z
      .strictObject({
        source: z.string().min(1),
        ...tableOrQuery,
        columns: z.strictObject({item: columnName, uom: columnName, factor: columnName}),
      })
      .superRefine(exactlyOneOfTableQuery)
      .optional(),
  })
  .prefault({})

const limitSchema = z.strictObject({abs: decimalText.optional(), pct: decimalText.optional()})
export type ToleranceLimit = z.infer<typeof limitSchema>

const toleranceSchema = z
  .strictObject({
    /** Applies when no class/category rule matches. Default zero (any difference is over tolerance). */
    default: limitSchema.default({}),
    /** By item class (ABC). A difference is within tolerance when it is within the absolute OR the percent limit. */
    byClass: z.record(z.string(), limitSchema).default({}),
    /** By item category; a category rule wins over a class rule. */
    byCategory: z.record(z.string(), limitSchema).default({}),
  })
  .prefault({})

/** Movements in flight: e.g. WMS shipped, ERP not yet posted, within a cut-off window before `asOf`. */
const inTransitSchema = z
  .strictObject({
    source: z.string().min(1),
    ...tableOrQuery,
    /** Codes in the movement table are WMS codes (mapped like WMS stock) or ERP codes. */
    side: z.enum(['wms', 'erp']).default('wms'),
    columns: z.strictObject({
      item: columnName,
      warehouse: columnName,
      lot: columnName.optional(),
      qty: columnName,
      uom: columnName.optional(),
      movedAt: columnName,
      type: columnName.optional(),
    }),
    filters: filtersSchema,
    /** Movement type → direction: `out` (the WMS already removed it, the ERP not yet) or `in`. Without a type column every row is `out`. */
    types: z.record(z.string(), z.enum(['out', 'in'])).default({}),
    windowHours: z.number().positive().default(24),
    /** End of the window: "now" (default), or a plant-time datetime "2026-11-20T22:00:00". */
    asOf: z.string().min(1).default('now'),
  })
  .superRefine(exactlyOneOfTableQuery)

/** The ERP warehouse master: names shown beside the codes (terminal, XLSX, CSV column warehouse_name). */
const warehousesSchema = z
  .strictObject({
    source: z.string().min(1),
    ...tableOrQuery,
    columns: z.strictObject({code: columnName, name: columnName}),
  })
  .superRefine(exactlyOneOfTableQuery)

export const stockConfigSchema = z.strictObject({
  /** item-warehouse-lot (default) or item-warehouse (lots netted away). */
  grain: z.enum(['item-warehouse-lot', 'item-warehouse']).default('item-warehouse-lot'),
  erp: erpSideSchema,
  wms: wmsSideSchema,
  /** WMS warehouse code → ERP warehouse code. Unlisted codes are kept as they are. */
  warehouseMap: z.record(z.string(), z.string()).default({}),
  itemMap: itemMapSchema.optional(),
  items: itemsSchema.optional(),
  warehouses: warehousesSchema.optional(),
  units: unitsSchema,
  tolerance: toleranceSchema,
  inTransit: inTransitSchema.optional(),
  causes: z
    .strictObject({
      /** Extra factors (besides the unit conversions and pack sizes) that explain a uom_factor variance. */
      uomFactors: z.array(decimalText).default(['1000', '100', '12', '10']),
    })
    .prefault({}),
  failOn: z
    .strictObject({
      /**
       * Whether keys found in one system only (only_in_erp, only_in_wms) fail `--fail-on over-tolerance`. Default true:
       * a key missing from a system is at least as serious as a quantity over tolerance.
       */
      oneSided: z.boolean().default(true),
    })
    .prefault({}),
  safety: z
    .strictObject({
      /** Refuse (exit 3) when a side returns fewer rows than this share of the previous run's. Default 0.5. */
      minRowsRatio: z.number().min(0).max(1).default(0.5),
      /**
       * Refuse (exit 3) when both sides have rows but fewer than this share of the keys is found on both sides: the
       * codes, warehouse map, units or cross-reference most likely line nothing up. Default 0.05; 0 turns it off.
       */
      minMatchRatio: z.number().min(0).max(1).default(0.05),
    })
    .prefault({}),
  /**
   * A NULL quantity on either side (or in a movement): `zero` (default) counts it as 0, as an empty bin;
   * `error` stops the run (exit 3) naming the source, column and key.
   */
  nullQty: z.enum(['zero', 'error']).default('zero'),
  /** Temporary directory for the partition files (default: the OS temp dir). */
  tempDir: z.string().min(1).optional(),
  /**
   * Number of hash partitions spilled to disk. Default: scaled with the larger side's row estimate (plan.ts
   * partitionsFor: 1,024 up to ~3,700,000 rows, then one per ~3,600 rows, at most 4,096), so that a partition stays
   * at ~2,000-2,500 keys whatever the table size: small partitions die young in the GC.
   */
  partitions: z.number().int().min(1).max(4096).optional(),
})

export type StockConfig = z.infer<typeof stockConfigSchema>
export type StockSideConfig = StockConfig['erp'] | StockConfig['wms']
export type StockGrain = StockConfig['grain']
