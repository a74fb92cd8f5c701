import type {Migration} from '../migration.js'

/**
 * Stock reconciliation memory: one row per stock-diff run (rows read per side, for the shrink check) and the open
 * variances of the latest run per scope (grain + filters), with when each was first seen and for how many runs.
 */
const migrations: Migration[] = [
  {
    name: '0002_stock_runs_and_variances',
    async up(knex) {
      await knex.schema.createTable('stock_runs', (t) => {
        t.increments('id').primary()
        t.integer('run_id').notNullable()
        t.string('scope', 255).notNullable()
        t.string('created_at', 32).notNullable()
        t.bigInteger('erp_rows').notNullable()
        t.bigInteger('wms_rows').notNullable()
        t.bigInteger('keys').notNullable()
        t.bigInteger('variances').notNullable()
        t.index(['scope', 'id'])
      })
      await knex.schema.createTable('stock_variances', (t) => {
        t.increments('id').primary()
        t.string('scope', 255).notNullable()
        t.string('item', 191).notNullable()
        t.string('warehouse', 64).notNullable()
        t.string('lot', 191).notNullable()
        t.string('status', 24).notNullable()
        t.string('cause', 24).nullable()
        t.string('erp_qty', 80).nullable()
        t.string('wms_qty', 80).nullable()
        t.string('first_seen', 10).notNullable()
        t.integer('runs_seen').notNullable()
        t.integer('last_run_id').notNullable()
        t.index(['scope'])
      })
    },
    async down(knex) {
      await knex.schema.dropTable('stock_variances')
      await knex.schema.dropTable('stock_runs')
    },
  },
]

export default migrations
