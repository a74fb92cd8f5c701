import type {Migration} from '../migration.js'

/**
 * Reconcile jobs' memory (`plantops reconcile run`): one row per job run (rows read per side, for the shrink check)
 * and the open findings of each job's latest run, with when each was first seen and for how many consecutive runs.
 */
const migrations: Migration[] = [
  {
    name: '0006_reconcile_job_runs_and_findings',
    async up(knex) {
      await knex.schema.createTable('reconcile_runs', (t) => {
        t.increments('id').primary()
        t.integer('run_id').notNullable()
        t.string('job', 64).notNullable()
        t.string('created_at', 32).notNullable()
        t.bigInteger('left_rows').notNullable()
        t.bigInteger('right_rows').notNullable()
        t.bigInteger('keys').notNullable()
        t.bigInteger('findings').notNullable()
        t.index(['job', 'id'])
      })
      await knex.schema.createTable('reconcile_findings', (t) => {
        t.increments('id').primary()
        t.string('job', 64).notNullable()
        t.string('key_text', 512).notNullable()
        t.string('status', 24).notNullable()
        t.string('cause', 32).nullable()
        t.text('fields').notNullable()
        t.string('first_seen', 10).notNullable()
        t.integer('runs_seen').notNullable()
        t.integer('last_run_id').notNullable()
        t.index(['job'])
      })
    },
    async down(knex) {
      await knex.schema.dropTable('reconcile_findings')
      await knex.schema.dropTable('reconcile_runs')
    },
  },
]

export default migrations
