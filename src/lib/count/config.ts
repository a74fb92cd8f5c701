import {z} from 'zod'

import {t} from '../i18n/index.js'

/**
 * The `count` section of plantops.yaml: where blind cycle counts read the WMS stock lines (the population),
 * the WMS locations and movements (cut-off), and the ERP items and balances; how WMS codes map to ERP codes;
 * ABC classes, tolerances and count frequencies by class. Imports only zod (loaded by every command).
 */

const columnName = z.string().min(1)
const classKey = z.enum(['A', 'B', 'C'])
const byClass = <T extends z.ZodType>(t: T, dflt: {A: z.infer<T>; B: z.infer<T>; C: z.infer<T>}) =>
  z.strictObject({A: t, B: t, C: t}).default(dflt as never)

const wmsStock = z.strictObject({
  table: z.string().min(1).default('bin_stock'),
  columns: z
    .strictObject({
      location: columnName.default('location_code'),
      warehouse: columnName.default('wh_code'),
      item: columnName.default('sku'),
      lot: columnName.nullable().default('lot'),
      qty: columnName.default('qty'),
      unit: columnName.nullable().default('uom'),
      status: columnName.nullable().default('status'),
    })
    .prefault({}),
  /** Bin statuses left out of the population (e.g. DAMAGED). */
  excludeStatuses: z.array(z.string()).default([]),
})

const wmsLocations = z.strictObject({
  table: z.string().min(1).default('locations'),
  columns: z
    .strictObject({
      location: columnName.default('location_code'),
      zone: columnName.nullable().default('zone'),
      lastCounted: columnName.nullable().default('last_counted_at'),
    })
    .prefault({}),
})

/** +1 adds to the bin, -1 takes from it, "signed" means the quantity already carries its sign. */
const direction = z.union([z.literal(1), z.literal(-1), z.literal('signed')])

const wmsMovements = z.strictObject({
  table: z.string().min(1).default('movements'),
  columns: z
    .strictObject({
      at: columnName.default('moved_at'),
      type: columnName.default('type'),
      location: columnName.default('location_code'),
      item: columnName.default('sku'),
      lot: columnName.nullable().default('lot'),
      qty: columnName.default('qty'),
      /** 1 when the movement is already posted in the ERP: it then also moves the ERP expectation. */
      erpPosted: columnName.nullable().default(null),
    })
    .prefault({}),
  /** How each movement type changes the bin it names; types not listed are ignored (and counted in the report). */
  direction: z.record(z.string(), direction).default({RECEIVE: 1, SHIP: -1, PICK: -1}),
})

const wmsSection = z.strictObject({
  source: z.string().min(1),
  stock: wmsStock.prefault({}),
  locations: wmsLocations.optional(),
  movements: wmsMovements.optional(),
})

/** ERP item facts a count uses: description, unit, cost, ABC class, annual usage. */
export const erpItemsSchema = z.strictObject({
  table: z.string().min(1).default('items'),
  columns: z
    .strictObject({
      item: columnName.default('item_code'),
      description: columnName.nullable().default('name'),
      unit: columnName.nullable().default('uom'),
      unitCost: columnName.nullable().default('unit_cost'),
      abcClass: columnName.nullable().default(null),
      annualUsage: columnName.nullable().default(null),
    })
    .prefault({}),
})

/** Deprecated: the ERP balances are defined once, in stock.erp. */
export const erpStockSchema = z.strictObject({
  table: z.string().min(1).default('stock_balance'),
  columns: z
    .strictObject({
      item: columnName.default('item_code'),
      warehouse: columnName.default('warehouse_code'),
      lot: columnName.nullable().default('lot_no'),
      qty: columnName.default('qty'),
    })
    .prefault({}),
})

const erpSection = z.strictObject({
  source: z.string().min(1),
  /** Deprecated (stock.items): item facts; when left out, read from stock.items (with a stock section) or from the defaults above. */
  items: erpItemsSchema.optional(),
  /** Deprecated (stock.erp): ERP balances; when left out, read through stock.erp (with a stock section) or the defaults. */
  stock: erpStockSchema.optional(),
  /** Deprecated (stock.units.itemUnits): per-item unit factors, 1 <unit> = factor <ERP unit> (e.g. G -> 0.001 for a KG item). */
  units: z
    .strictObject({
      table: z.string().min(1),
      columns: z
        .strictObject({item: columnName.default('item_code'), unit: columnName.default('uom'), factor: columnName.default('factor')})
        .prefault({}),
    })
    .optional(),
})

const mapping = z.strictObject({
  /**
   * Use the `stock:` section's mappings (code normalisation, item cross-reference, warehouse map, unit conversions)
   * when plantops.yaml has one, so a count compares exactly like `stock diff`; the settings below are then unused.
   */
  fromStock: z.boolean().default(true),
  /** WMS item code -> ERP item code through a cross-reference table (else the codes are the same). */
  items: z
    .strictObject({
      source: z.string().min(1),
      table: z.string().min(1),
      columns: z.strictObject({wms: columnName, erp: columnName}),
    })
    .optional(),
  /** WMS warehouse code -> ERP warehouse code (e.g. RM: WH01); unlisted codes map to themselves. */
  warehouses: z.record(z.string(), z.string()).default({}),
  /** Fixed unit conversions used when no per-item factor exists: 1 <from> = factor <to>. */
  units: z.array(z.strictObject({from: z.string().min(1), to: z.string().min(1), factor: z.union([z.string(), z.number()])})).default([]),
})

const classes = z.strictObject({
  /** column: the ERP item class column (stock.items.columns.class); usage-value: computed from annual usage x unit cost. */
  from: z.enum(['column', 'usage-value']).default('column'),
  /** Cumulative share of annual usage value at which A and B end (Pareto). */
  cutoffs: z
    .strictObject({A: z.number().gt(0).lt(1), B: z.number().gt(0).lt(1)})
    .refine((c) => c.A < c.B, {error: () => t('errors.config.cutoffsOrder')})
    .default({A: 0.8, B: 0.95}),
  /** Class for items without a class (no column value, no usage). */
  fallback: classKey.default('C'),
})

export const countConfigSchema = z.strictObject({
  wms: wmsSection,
  erp: erpSection.optional(),
  mapping: mapping.prefault({}),
  classes: classes.prefault({}),
  /** Allowed difference by class, in percent of the expected quantity. */
  tolerancePct: byClass(z.number().min(0).max(100), {A: 0, B: 2, C: 5}),
  /** Stratified (abc) sampling: relative weight per line of each class. */
  weights: byClass(z.number().positive(), {A: 4, B: 2, C: 1}),
  /** Due-date cycle counting: count every location of a class once per this many days. */
  frequencyDays: byClass(z.number().int().positive(), {A: 30, B: 90, C: 365}),
  /** How often counts are run (days), for the due method: a location due before the next run is counted now. */
  intervalDays: z.number().int().positive().default(7),
  /** Default sampling confidence (%) and margin of error (%) when neither --size nor the flags are given. */
  confidence: z.number().gt(50).lt(100).default(95),
  margin: z.number().gt(0).lt(50).default(5),
})

export type CountConfig = z.infer<typeof countConfigSchema>
export type AbcClass = z.infer<typeof classKey>
export const ABC_CLASSES: readonly AbcClass[] = ['A', 'B', 'C']
