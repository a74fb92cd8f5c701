import type {Migration} from '../migration.js'

/**
 * Blind cycle counts. `count_counts`: one row per count (or recount) with how it was sampled. `count_lines`: the lines
 * of a count with the private snapshot of the system quantities taken at sampling time (never shown before the line is
 * counted), and the recorded count. Lines with sampled = 0 are the other stock of sampled locations, kept so an item
 * "found" there is compared with what the systems say, not with zero. Quantities are exact decimal strings.
 */
const migrations: Migration[] = [
  {
    name: '0004_count_tables',
    async up(knex) {
      await knex.schema.createTable('count_counts', (t) => {
        t.increments('id').primary()
        t.string('kind', 16).notNullable() // count | recount
        t.integer('parent_id').nullable()
        t.string('status', 16).notNullable() // open | partial | recorded
        t.string('created_at', 32).notNullable() // ISO-8601 UTC
        t.string('snapshot_at', 32).notNullable() // source clock, 'YYYY-MM-DD HH:MM:SS' (plant time, like movement times)
        t.string('method', 16).notNullable()
        t.string('seed', 16).notNullable()
        t.text('scope').notNullable() // JSON {warehouse, zone, class}
        t.integer('population_size').notNullable()
        t.text('population_by_class').notNullable() // JSON {A, B, C}
        t.integer('sample_size').notNullable()
        t.float('confidence').nullable()
        t.float('margin').nullable()
        t.integer('counters').nullable()
        t.integer('run_id').nullable()
        t.text('sheets_path').nullable()
        t.string('recorded_at', 32).nullable()
      })
      await knex.schema.createTable('count_lines', (t) => {
        t.increments('id').primary()
        t.integer('count_id').unsigned().notNullable().references('id').inTable('count_counts')
        t.integer('line_no').nullable() // null for hidden lines until found
        t.boolean('sampled').notNullable()
        t.boolean('found').notNullable().defaultTo(false)
        t.string('location', 64).notNullable()
        t.string('zone', 64).nullable()
        t.string('wms_warehouse', 32).notNullable()
        t.string('sku', 64).notNullable()
        t.string('lot', 64).nullable()
        t.string('unit', 16).nullable()
        t.string('item', 64).nullable()
        t.string('erp_warehouse', 32).nullable()
        t.text('description').nullable()
        t.string('abc_class', 1).notNullable()
        t.string('erp_unit', 16).nullable()
        t.string('factor', 48).nullable()
        t.string('unit_cost', 48).nullable()
        t.string('wms_qty', 48).notNullable()
        t.string('erp_key_qty', 48).nullable()
        t.string('wms_key_qty', 48).nullable()
        t.string('sheet', 64).nullable()
        t.string('counted_qty', 48).nullable()
        t.string('counted_at', 32).nullable()
        t.string('counted_by', 128).nullable()
        t.text('counted_from').nullable()
        t.text('remarks').nullable()
        t.integer('recount_of').nullable() // line id in the parent count
        t.index(['count_id', 'line_no'])
        t.index(['count_id', 'location'])
        t.index(['location', 'counted_at'])
      })
    },
    async down(knex) {
      await knex.schema.dropTable('count_lines')
      await knex.schema.dropTable('count_counts')
    },
  },
]

export default migrations
