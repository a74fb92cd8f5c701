import {existsSync, statSync} from 'node:fs'
import path from 'node:path'

import type {Knex} from 'knex'

import {isPlantopsError, SourceError, UsageError} from '../cli/errors.js'
import type {PlantopsConfig} from '../config/schema.js'
import {t} from '../i18n/index.js'
import type {SourceSet} from '../sources/source-set.js'
import {ordersConfigSchema, type OrdersConfig} from './config.js'
import {type FieldSpec, resolveFields} from './fields.js'
import {type FileImportResult, importOrderFile} from './import-file.js'
import type {RejectsTarget} from './rejects.js'
import {ItemMaster} from './item-master.js'
import {type HeaderCandidate, HeadersUnmatchedError} from './locate-header.js'

/** `plantops orders import --json` */
export interface OrdersImportResult {
  dryRun: boolean
  files: FileImportResult[]
  /** Files that could not be imported (unreadable, headers not matched); the exit code is then 2. */
  failed: Array<{file: string; code: string; message: string}>
  totals: {rowsRead: number; imported: number; updated: number; unchanged: number; skipped: number; rejected: number}
  /** Source and table the SKUs were checked against; null when no item master is configured. */
  itemMaster: {source: string; table: string; queries: number} | null
}

export interface ImportOrdersOptions {
  files: string[]
  config: PlantopsConfig
  configDir: string
  store: Knex
  sources: Pick<SourceSet, 'get'>
  sheet?: string
  encoding?: string
  dryRun: boolean
  /** --rejects: a .xlsx file (one input file) or a directory. */
  rejects?: string
  runId?: number
  /**
   * Called when a file's headers do not match (interactive runs only): return field → header text to use, or null.
   */
  resolveHeaders?: (file: string, candidate: HeaderCandidate, missing: FieldSpec[]) => Promise<Record<string, string> | null>
  onProgress?: (file: string, counts: {rows: number; rejected: number}) => void
  onWarning?: (message: string) => void
}

/** The item master to check SKUs against: `orders.itemMaster`, else the one source with role erp (default tables). */
export function itemMasterConfig(config: PlantopsConfig): OrdersConfig['itemMaster'] | null {
  const section = config.orders ?? ordersConfigSchema.parse({})
  if (section.itemMaster) return section.itemMaster
  const erps = Object.entries(config.sources).filter(([, s]) => s.role === 'erp')
  if (erps.length !== 1) return null
  return {source: erps[0][0], table: 'items', skuColumn: 'item_code', uomColumn: 'uom', uoms: {table: 'item_uoms', skuColumn: 'item_code', uomColumn: 'uom'}, batchSize: 500}
}

/** Import every file (each in its own transaction); a file that cannot be read does not stop the others. */
export async function importOrders(opts: ImportOrdersOptions): Promise<OrdersImportResult> {
  const cfg = opts.config.orders ?? ordersConfigSchema.parse({})
  let fields = resolveFields(cfg)
  if (cfg.trigger) {
    const trigger = cfg.trigger.field
    if (!fields.some((f) => f.name === trigger)) throw new UsageError(t('errors.orders.triggerNotField', {field: trigger}), {code: 'CONFIG_INVALID'})
    fields = fields.map((f) => (f.name === trigger ? {...f, required: true} : f))
  }
  for (const name of cfg.fillDown) {
    if (!fields.some((f) => f.name === name)) throw new UsageError(t('errors.orders.fillDownNotField', {field: name}), {code: 'CONFIG_INVALID'})
  }
  const rejectsTarget = planRejects(opts)
  const imCfg = itemMasterConfig(opts.config)
  let itemMaster: ItemMaster | null = null
  if (imCfg) {
    const source = await opts.sources.get(imCfg.source)
    itemMaster = new ItemMaster(source, imCfg)
  } else {
    opts.onWarning?.('no ERP item master configured (orders.itemMaster) and no single source with role erp: SKUs and units are not checked')
  }

  const files: FileImportResult[] = []
  const failed: OrdersImportResult['failed'] = []
  for (const file of opts.files) {
    const common = {
      file,
      cfg,
      store: opts.store,
      itemMaster,
      sheet: opts.sheet,
      encoding: opts.encoding,
      dryRun: opts.dryRun,
      rejects: rejectsTarget(file),
      runId: opts.runId,
      onProgress: (c: {rows: number; rejected: number}) => opts.onProgress?.(file, c),
    }
    try {
      try {
        files.push(await importOrderFile({...common, fields}))
      } catch (error) {
        if (!(error instanceof HeadersUnmatchedError) || !error.candidate || !opts.resolveHeaders) throw error
        const answer = await opts.resolveHeaders(file, error.candidate, error.candidate.match.missing)
        if (!answer) throw error
        const withAliases = fields.map((f) => (answer[f.name] ? {...f, aliases: [answer[f.name], ...f.aliases]} : f))
        files.push(await importOrderFile({...common, fields: withAliases, sheet: error.candidate.sheet}))
      }
    } catch (error) {
      // a source that cannot be read fails the whole run (exit 3); so does a defect
      if (error instanceof SourceError || !isPlantopsError(error) || opts.files.length === 1) throw error
      failed.push({file, code: error.code, message: error.message})
    }
  }
  const totals = {rowsRead: 0, imported: 0, updated: 0, unchanged: 0, skipped: 0, rejected: 0}
  for (const f of files) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += f[k]
  return {
    dryRun: Boolean(opts.dryRun),
    files,
    failed,
    totals,
    itemMaster: imCfg && itemMaster ? {source: imCfg.source, table: imCfg.table, queries: itemMaster.queries} : null,
  }
}

/**
 * Where each file's rejects go: --rejects FILE.xlsx (one input) or DIR, else orders.rejectsDir, else beside the file;
 * with what chose the place, named if the file cannot be written (beside the file: --rejects is what changes it).
 */
function planRejects(opts: ImportOrdersOptions): (file: string) => RejectsTarget | null {
  const flag = opts.rejects
  const cfgDir = opts.config.orders?.rejectsDir ? path.resolve(opts.configDir, opts.config.orders.rejectsDir) : undefined
  const nameFor = (file: string) => {
    const base = path.basename(file).replace(/\.[^.]+$/, '')
    return base.endsWith('.rejects') ? `${base}.xlsx` : `${base}.rejects.xlsx`
  }
  if (flag) {
    const isDir = (existsSync(flag) && statSync(flag).isDirectory()) || !/\.xlsx$/i.test(flag)
    if (!isDir && opts.files.length > 1) {
      throw new UsageError(t('errors.orders.rejectsOneFile', {path: flag, files: opts.files.length}), {
        hints: [t('errors.orders.rejectsOneFileHint')],
      })
    }
    return (file) => ({path: isDir ? path.join(flag, nameFor(file)) : flag, named: '--rejects'})
  }
  if (opts.dryRun) return () => null
  return (file) => ({path: path.join(cfgDir ?? path.dirname(path.resolve(file)), nameFor(file)), named: cfgDir ? 'orders.rejectsDir' : '--rejects'})
}
