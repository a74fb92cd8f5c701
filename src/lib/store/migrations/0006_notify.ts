import type {Migration} from '../migration.js'

/** Alerts (`--notify`, notify rules): one row per message a run sent (or failed to send) to a channel. */
const migrations: Migration[] = [
  {
    name: '0006_notify_deliveries',
    async up(knex) {
      await knex.schema.createTable('notify_deliveries', (t) => {
        t.increments('id').primary()
        t.integer('run_id').nullable() // null for `plantops notify test`
        t.string('channel', 64).notNullable()
        t.string('type', 16).notNullable() // dingtalk | wecom | feishu | webhook | email
        t.string('status', 16).notNullable() // sent | failed
        t.integer('attempts').notNullable()
        t.integer('http_status').nullable()
        t.string('vendor_code', 64).nullable()
        t.text('vendor_message').nullable() // redacted
        t.text('hint').nullable()
        t.integer('bytes').notNullable()
        t.integer('elapsed_ms').notNullable()
        t.string('sent_at', 32).notNullable()
        t.index(['run_id'])
      })
    },
    async down(knex) {
      await knex.schema.dropTable('notify_deliveries')
    },
  },
]

export default migrations
