import {z} from 'zod'

/**
 * The `orders` section of plantops.yaml: how order files map onto canonical order-line fields, which rows are
 * imported (trigger), and where SKUs and units are checked (the ERP item master, read through a source).
 * Only zod here: this module loads at start-up of every command.
 */

/** Canonical fields with a column of their own in the store (`orders_lines`). Other configured fields go to `extra`. */
export const CANONICAL_FIELDS = [
  'order_no',
  'line_no',
  'customer',
  'sku',
  'qty',
  'uom',
  'unit_price',
  'currency',
  'order_date',
  'due_date',
  'ship_to',
  'channel',
  'status',
  'note',
] as const
export type CanonicalField = (typeof CANONICAL_FIELDS)[number]

export const FIELD_TYPES = ['text', 'integer', 'decimal', 'date'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

const fieldSchema = z.strictObject({
  /** Header texts that name this column, in any language. Matched ignoring case, width, spaces and punctuation. */
  aliases: z.array(z.string().min(1)).default([]),
  required: z.boolean().optional(),
  type: z.enum(FIELD_TYPES).optional(),
  /** Smallest allowed value (decimal/integer fields). */
  min: z.union([z.number(), z.string()]).optional(),
  /** The value must be greater than `min` (not equal). */
  exclusiveMin: z.boolean().optional(),
})
export type FieldConfig = z.infer<typeof fieldSchema>

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table or column name (letters, digits, "_")')

const itemMasterSchema = z.strictObject({
  /** The ERP replica source (a key of `sources`). */
  source: z.string().min(1),
  table: identifier.default('items'),
  skuColumn: identifier.default('item_code'),
  /** The item's base unit. */
  uomColumn: identifier.default('uom'),
  /** Alternative units per item (e.g. ERP `item_uoms`); a line's unit must be the base unit or one of these. */
  uoms: z
    .strictObject({
      table: identifier.default('item_uoms'),
      skuColumn: identifier.default('item_code'),
      uomColumn: identifier.default('uom'),
    })
    .optional(),
  /** SKUs per `IN (…)` query. */
  batchSize: z.number().int().min(1).max(5000).default(500),
})

export const ordersConfigSchema = z.strictObject({
  /** Canonical field → aliases/required/type. Built-in aliases (Chinese and English) apply to canonical fields. */
  fields: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'field names are lower_snake_case'), fieldSchema).default({}),
  /** Only rows whose `field` is one of `in` are imported; the others are counted as skipped. */
  trigger: z
    .strictObject({
      field: z.string().min(1),
      in: z.array(z.union([z.string(), z.number()]).transform(String)).min(1),
    })
    .optional(),
  itemMaster: itemMasterSchema.optional(),
  /**
   * Fields whose empty cells take the value of the row above: order sheets often merge the order number and customer
   * cells over all lines of an order (a merged cell holds its value in the first row only).
   */
  fillDown: z.array(z.string().min(1)).default([]),
  /** How many rows from the top of a sheet are searched for the header row. */
  headerSearchRows: z.number().int().min(1).max(1000).default(30),
  /** Directory for default rejects workbooks (relative to plantops.yaml); default: beside the imported file. */
  rejectsDir: z.string().min(1).optional(),
})

export type OrdersConfig = z.infer<typeof ordersConfigSchema>
