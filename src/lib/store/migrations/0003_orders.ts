import type {Migration} from '../migration.js'

/**
 * Order import tables. Quantities and prices are exact decimal strings (never floats); dates are ISO yyyy-mm-dd.
 * - orders_imports: the import ledger (one row per imported file).
 * - orders_lines:   one row per (order_no, line_no), upserted by each import.
 * - orders_changes: every field a later import changed on an existing line (old → new).
 */
const migrations: Migration[] = [
  {
    name: '0003_orders_import',
    async up(knex) {
      await knex.schema.createTable('orders_imports', (t) => {
        t.increments('id').primary()
        t.integer('run_id').nullable()
        t.string('file_name', 255).notNullable()
        t.text('file_path').notNullable()
        t.string('sha256', 64).notNullable()
        t.bigInteger('file_bytes').notNullable()
        t.string('sheet', 255).nullable()
        t.integer('header_row').nullable()
        t.string('started_at', 32).notNullable()
        t.string('finished_at', 32).nullable()
        t.string('user', 128).notNullable()
        t.string('host', 255).notNullable()
        t.integer('rows_read').notNullable().defaultTo(0)
        t.integer('imported').notNullable().defaultTo(0)
        t.integer('updated').notNullable().defaultTo(0)
        t.integer('unchanged').notNullable().defaultTo(0)
        t.integer('skipped').notNullable().defaultTo(0)
        t.integer('rejected').notNullable().defaultTo(0)
        t.text('rejects_file').nullable()
        t.index(['sha256'])
        t.index(['started_at'])
      })
      await knex.schema.createTable('orders_lines', (t) => {
        t.increments('id').primary()
        t.string('order_no', 64).notNullable()
        t.string('line_no', 32).notNullable()
        t.string('customer', 255).nullable()
        t.string('sku', 64).nullable()
        t.string('qty', 80).nullable()
        t.string('uom', 16).nullable()
        t.string('unit_price', 80).nullable()
        t.string('currency', 16).nullable()
        t.string('order_date', 10).nullable()
        t.string('due_date', 10).nullable()
        t.text('ship_to').nullable()
        t.string('channel', 128).nullable()
        t.string('status', 64).nullable()
        t.text('note').nullable()
        t.text('extra').nullable() // JSON object of configured non-canonical fields
        t.string('source_file', 255).nullable()
        t.string('source_sheet', 255).nullable()
        t.integer('source_row').nullable()
        t.integer('first_import_id').notNullable()
        t.integer('last_import_id').notNullable()
        t.string('created_at', 32).notNullable()
        t.string('updated_at', 32).notNullable()
        t.unique(['order_no', 'line_no'])
        t.index(['sku'])
      })
      await knex.schema.createTable('orders_changes', (t) => {
        t.increments('id').primary()
        t.integer('import_id').notNullable()
        t.string('order_no', 64).notNullable()
        t.string('line_no', 32).notNullable()
        t.string('field', 64).notNullable()
        t.text('old_value').nullable()
        t.text('new_value').nullable()
        t.string('changed_at', 32).notNullable()
        t.index(['order_no', 'line_no'])
        t.index(['import_id'])
      })
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('orders_changes')
      await knex.schema.dropTableIfExists('orders_lines')
      await knex.schema.dropTableIfExists('orders_imports')
    },
  },
]

export default migrations
