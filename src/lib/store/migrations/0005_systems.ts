import type {Migration} from '../migration.js'

/** `plantops systems audit`: one row per audit, its findings, and each system's health (read by `systems map`). */
const migrations: Migration[] = [
  {
    name: '0005_systems_audit',
    async up(knex) {
      await knex.schema.createTable('systems_audits', (t) => {
        t.increments('id').primary()
        t.integer('run_id').nullable()
        t.string('started_at', 32).notNullable()
        t.string('finished_at', 32).notNullable()
        t.integer('critical').notNullable()
        t.integer('warning').notNullable()
        t.integer('info').notNullable()
        t.text('systems').notNullable() // JSON SystemAudit[]
        t.index(['started_at'])
      })
      await knex.schema.createTable('systems_findings', (t) => {
        t.increments('id').primary()
        t.integer('audit_id').unsigned().notNullable().references('id').inTable('systems_audits').onDelete('CASCADE')
        t.string('finding_key', 512).notNullable()
        t.string('severity', 16).notNullable()
        t.string('system', 128).notNullable()
        t.string('source', 128).nullable()
        t.string('check_name', 32).notNullable()
        t.text('message').notNullable()
        t.text('fix').nullable()
        t.string('config_path', 255).nullable()
        t.index(['audit_id'])
      })
      await knex.schema.createTable('systems_health', (t) => {
        t.integer('audit_id').unsigned().notNullable().references('id').inTable('systems_audits').onDelete('CASCADE')
        t.string('system', 128).notNullable()
        t.string('health', 16).notNullable()
        t.primary(['audit_id', 'system'])
      })
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('systems_health')
      await knex.schema.dropTableIfExists('systems_findings')
      await knex.schema.dropTableIfExists('systems_audits')
    },
  },
  {
    // a finding's message and fix as catalog keys and variables (JSON), so `systems audit --since-last` shows the
    // resolved findings read back from here in the language in force; rows stored before keep only the English text
    name: '0005_systems_findings_text',
    async up(knex) {
      await knex.schema.alterTable('systems_findings', (t) => {
        t.text('text_json').nullable()
      })
    },
    async down(knex) {
      await knex.schema.alterTable('systems_findings', (t) => {
        t.dropColumn('text_json')
      })
    },
  },
]

export default migrations
