import {mkdirSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import type {Knex} from 'knex'

import {quietKnexLog} from '../sources/knex-log.js'

import {ConfigError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {StoreConfig} from '../config/sources-schema.js'
import type {Migration} from './migration.js'
import {toSourceError} from '../sources/source-errors.js'

/** plantops' own database: the only place plantops writes. Migrated to the latest schema when opened. */
export interface Store {
  knex: Knex
  client: 'sqlite' | 'mysql'
  /** A human description without secrets: the SQLite path or host/database. */
  describe: string
  close(): Promise<void>
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

/** All migrations, from every area's migrations/NNNN_<area>.(js|ts) file, in name order. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
  const all: Migration[] = []
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, f)).href)) as {default: Migration[]}
    all.push(...mod.default)
  }
  all.sort((a, b) => a.name.localeCompare(b.name))
  const seen = new Set<string>()
  for (const m of all) {
    if (seen.has(m.name)) throw new Error(`duplicate migration name ${m.name}`)
    seen.add(m.name)
  }
  return all
}

export async function openStore(config: StoreConfig, baseDir: string): Promise<Store> {
  const {default: knexFactory} = await import('knex')
  let knex: Knex
  let describe: string
  if (config.client === 'sqlite') {
    const filename = path.resolve(baseDir, config.filename)
    try {
      mkdirSync(path.dirname(filename), {recursive: true})
    } catch (error) {
      throw new ConfigError(t('errors.store.mkdir', {dir: path.dirname(filename), reason: (error as Error).message}), {
        code: 'STORE_UNWRITABLE',
        hints: [t('errors.store.mkdirHint')],
      })
    }
    knex = knexFactory({
      client: 'better-sqlite3',
        log: quietKnexLog,
      connection: {filename},
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: {pragma(s: string): unknown}, done: (err: Error | null, conn: unknown) => void) {
          try {
            conn.pragma('journal_mode = WAL')
            conn.pragma('busy_timeout = 10000')
            conn.pragma('foreign_keys = ON')
            done(null, conn)
          } catch (error) {
            done(error as Error, conn)
          }
        },
      },
    })
    describe = filename
  } else {
    const c = config.connection
    const connection = {host: c.host, port: c.port, user: c.user, password: c.password ?? '', charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true}
    // Create the schema if it does not exist yet (plantops owns it).
    const bootstrap = knexFactory({client: 'mysql2', log: quietKnexLog, connection, pool: {min: 0, max: 1}})
    try {
      await bootstrap.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [c.database])
    } catch (error) {
      throw toSourceError('store', error, {host: c.host, port: c.port, database: c.database})
    } finally {
      await bootstrap.destroy()
    }
    knex = knexFactory({client: 'mysql2', log: quietKnexLog, connection: {...connection, database: c.database}, pool: {min: 0, max: 4}})
    describe = `mysql ${c.host}:${c.port}/${c.database}`
  }
  try {
    await migrateStore(knex)
  } catch (error) {
    await knex.destroy().catch(() => {})
    if (config.client === 'mysql') throw toSourceError('store', error)
    throw new ConfigError(t('errors.store.open', {store: describe, reason: (error as Error).message}), {
      code: 'STORE_UNWRITABLE',
      hints: [t('errors.store.openHint')],
    })
  }
  return {knex, client: config.client, describe, close: () => knex.destroy()}
}

export async function migrateStore(knex: Knex): Promise<string[]> {
  const migrations = await loadMigrations()
  const source: Knex.MigrationSource<Migration> = {
    getMigrations: async () => migrations,
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({up: m.up, down: m.down ?? (async () => {})}),
  }
  const started = Date.now()
  for (;;) {
    try {
      const [, applied] = (await knex.migrate.latest({migrationSource: source, tableName: 'plantops_migrations'})) as [number, string[]]
      return applied
    } catch (error) {
      if (!otherMigrator(error) || Date.now() - started > MIGRATE_WAIT_MS) throw error
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150))
    }
  }
}

/** How long an opener waits for another process that is creating or migrating the same store. */
const MIGRATE_WAIT_MS = 15_000

/**
 * Another plantops process creating or migrating the same store at this moment (two cron jobs on a fresh store,
 * `systems map` at two widths): knex checks for its migrations table, then creates it, so the table can appear in
 * between ("already exists"), or the other holds knex's migration lock (MigrationLocked). Either way: wait, try again;
 * the other's migrations are then found applied.
 */
function otherMigrator(error: unknown): boolean {
  const e = error as {name?: unknown; message?: unknown; code?: unknown} | null
  return e?.name === 'MigrationLocked' || e?.code === 'ER_TABLE_EXISTS_ERROR' || /already exists/i.test(String(e?.message ?? ''))
}
