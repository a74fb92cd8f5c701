/**
 * The deterministic demo plant: ERP, WMS and MES databases of a mid-sized discrete manufacturer, in SQLite files or
 * MariaDB/MySQL databases, with a manifest of the discrepancies seeded into them.
 *
 *   const plant = await buildDemoPlant({dir: './demo-plant'})
 *   const sources = demoSourcesConfig(plant)   // the `sources:` section of a plantops.yaml written into that dir
 */
import {randomBytes} from 'node:crypto'
import {mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import type {Knex} from 'knex'
import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import {generatePlant, planPlant} from './generate.js'
import {DEFAULT_AS_OF, parseAsOf} from './qty.js'
import type {DemoDb, DemoOptions, DemoPlant, DemoProgress} from './types.js'
import {type BuildTarget, checkMysqlPrefix, createPlantWriter, openMysqlTargets, openSqliteTargets, SILENT_KNEX_LOG, wrapMysqlError} from './writer.js'

export * from './types.js'
export {TABLES, tablesOf, type TableSpec, type ColumnSpec} from './schema.js'
export {WAREHOUSES} from './catalog.js'
export {dropMysqlDemo, mysqlDatabaseNames, sqliteFiles, DEFAULT_MYSQL_PREFIX} from './writer.js'

export const DEFAULT_STOCK_ROWS = 20_000
export const DEFAULT_SEED = 20_261_120
export {DEFAULT_AS_OF} from './qty.js'
export const MANIFEST_FILE = 'demo-manifest.json'

export interface ResolvedDemoOptions {
  stockRows: number
  items: number
  seed: number
  asOf: string
}

/** Validates and fills in defaults; throws UsageError (exit 2) on bad values. */
export function resolveDemoOptions(opts: DemoOptions): ResolvedDemoOptions {
  const stockRows = opts.stockRows ?? DEFAULT_STOCK_ROWS
  if (!Number.isSafeInteger(stockRows) || stockRows < 100 || stockRows > 20_000_000) {
    throw new UsageError(t('errors.demo.stockRows', {value: stockRows}), {hints: [t('errors.demo.stockRowsHint')]})
  }
  const items = opts.items ?? Math.max(20, Math.round(stockRows / 5))
  if (!Number.isSafeInteger(items) || items < 20 || items > stockRows / 2 || items > 899_000) {
    throw new UsageError(t('errors.demo.items', {value: items}))
  }
  const seed = opts.seed ?? DEFAULT_SEED
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(t('errors.demo.seed', {value: seed}))
  const asOf = opts.asOf ?? DEFAULT_AS_OF
  try {
    parseAsOf(asOf)
  } catch {
    throw new UsageError(t('errors.demo.asOf', {value: asOf}), {hints: [t('errors.demo.asOfHint')]})
  }
  if (opts.mysql) checkMysqlPrefix(opts.mysql.prefix ?? 'plantops_demo_')
  if (opts.batchSize !== undefined && (!Number.isSafeInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 50_000)) {
    throw new UsageError(t('errors.demo.batchSize', {value: opts.batchSize}))
  }
  return {stockRows, items, seed, asOf}
}

/**
 * Builds the whole plant. Rebuilding replaces the previous plant: SQLite files are built under temporary names and
 * renamed into place at the end; MySQL databases are dropped and recreated first.
 */
export async function buildDemoPlant(opts: DemoOptions = {}): Promise<DemoPlant> {
  const started = performance.now()
  const resolved = resolveDemoOptions(opts)
  const dir = opts.dir !== undefined ? path.resolve(opts.dir) : opts.mysql ? null : path.resolve('demo-plant')
  const progress = (p: DemoProgress) => opts.onProgress?.(p)

  const model = planPlant(resolved)
  const locations = model.locations.reduce((n, w) => n + w.normal.length + w.qc.length + w.dmg.length, 0)
  const totalRows = Math.round(resolved.items * 3.9 + locations + resolved.stockRows * 2.6 + model.workOrders * 1.6)
  let phase: DemoProgress['phase'] = 'prepare'
  progress({phase, rows: 0, totalRows})

  let targets: BuildTarget[]
  try {
    targets = opts.mysql ? await openMysqlTargets(opts.mysql) : await openSqliteTargets(dir!)
  } catch (err) {
    throw opts.mysql ? wrapMysqlError(opts.mysql, err) : err
  }
  const batchSize = opts.batchSize ?? (opts.mysql ? 5000 : 1000)
  const writer = createPlantWriter(targets, batchSize, (rows) => progress({phase, rows, totalRows}))
  let manifest
  try {
    await writer.createTables()
    manifest = await generatePlant(model, writer, (p) => {
      phase = p
      progress({phase, rows: writer.rowsWritten(), totalRows})
    })
    await writer.finish(() => {
      phase = 'indexes'
      progress({phase, rows: writer.rowsWritten(), totalRows})
    })
    for (const t of targets) await t.commit()
  } catch (err) {
    for (const t of targets) await t.abort()
    throw opts.mysql ? wrapMysqlError(opts.mysql, err) : err
  }

  let manifestPath: string | null = null
  if (dir) {
    manifestPath = path.join(dir, MANIFEST_FILE)
    writeJsonAtomic(manifestPath, manifest)
  }
  const byName = Object.fromEntries(targets.map((t) => [t.system, t.db])) as Record<'erp' | 'wms' | 'mes', DemoDb>
  progress({phase: 'done', rows: writer.rowsWritten(), totalRows: writer.rowsWritten()})
  return {
    systems: {erp: byName.erp, wms: byName.wms, mes: byName.mes},
    manifest,
    manifestPath,
    counts: {...writer.counts},
    elapsedMs: Math.round(performance.now() - started),
  }
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  mkdirSync(path.dirname(file), {recursive: true}) // a MySQL plant's directory holds only the manifest and config
  try {
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n')
    renameSync(tmp, file)
  } catch (err) {
    rmSync(tmp, {force: true})
    throw err
  }
}

export const DEMO_MYSQL_PASSWORD_ENV = 'PLANTOPS_DEMO_MYSQL_PASSWORD'

/**
 * The `sources:` section of a plantops.yaml for the plant. SQLite paths are relative (./erp.db), for a config file
 * written into the demo directory. A MySQL password is never written: `${PLANTOPS_DEMO_MYSQL_PASSWORD}` is referenced
 * when the plant was built with one.
 */
export function demoSourcesConfig(plant: DemoPlant): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const system of ['erp', 'wms', 'mes'] as const) {
    const db = plant.systems[system]
    if (db.client === 'sqlite') {
      out[system] = {role: system, client: 'sqlite', connection: {filename: `./${path.basename(db.filename)}`}}
    } else {
      out[system] = {
        role: system,
        client: 'mysql',
        connection: {
          host: db.host,
          port: db.port,
          user: db.user,
          ...(db.passwordSet ? {password: `\${${DEMO_MYSQL_PASSWORD_ENV}}`} : {}),
          database: db.database,
        },
      }
    }
  }
  return out
}

/**
 * A knex on one of the plant's databases, for tests and tools that inspect the plant (plantops itself reads sources
 * through src/lib/sources). SQLite opens read-only. Pass the password for a MySQL plant built with one.
 */
export async function connectDemoDb(db: DemoDb, password?: string): Promise<Knex> {
  const knexFn = (await import('knex')).default
  if (db.client === 'sqlite') {
    return knexFn({client: 'better-sqlite3', connection: {filename: db.filename, options: {readonly: true}}, useNullAsDefault: true, log: SILENT_KNEX_LOG})
  }
  return knexFn({
    client: 'mysql2',
    connection: {host: db.host, port: db.port, user: db.user, ...(password ? {password} : {}), database: db.database, charset: 'utf8mb4', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true},
    pool: {min: 0, max: 2},
    log: SILENT_KNEX_LOG,
  })
}
