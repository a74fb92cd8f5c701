import type {Migration} from '../migration.js'

const migrations: Migration[] = [
  {
    name: '0001_core_runs',
    async up(knex) {
      await knex.schema.createTable('runs', (t) => {
        t.increments('id').primary()
        t.string('job', 64).notNullable()
        t.string('command', 128).notNullable()
        t.text('argv').notNullable() // JSON array, secrets redacted
        t.string('status', 16).notNullable() // running | ok | variance | failed
        t.integer('exit_code').nullable()
        t.string('started_at', 32).notNullable() // ISO-8601 UTC
        t.string('finished_at', 32).nullable()
        t.integer('pid').notNullable()
        t.string('host', 255).notNullable()
        t.string('user', 128).notNullable()
        t.text('rows_read').nullable() // JSON {source: rows}
        t.text('outcome').nullable() // JSON counts
        t.text('outputs').nullable() // JSON array of file paths
        t.text('error').nullable()
        t.index(['job', 'started_at'])
        t.index(['status'])
      })
    },
    async down(knex) {
      await knex.schema.dropTable('runs')
    },
  },
]

export default migrations
