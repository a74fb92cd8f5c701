import {existsSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import type {Knex} from 'knex'

import {ConfigError, PlantopsError, SourceError, UsageError} from '../cli/errors.js'
import {ExitCode, type ExitCodeValue} from '../cli/exit-codes.js'
import {t, tIn} from '../i18n/index.js'
import type {Reader, Source} from '../sources/source.js'
import {CodeMap, itemMapFromFile, itemMapFromSource, warehouseMap} from '../reconcile/mapping.js'
import {codeText} from '../reconcile/keys.js'
import {buildSideRead} from '../reconcile/side-read.js'
import type {StockConfig, StockGrain} from './config.js'
import {collectGarbage} from './heap.js'
import {loadStockHistory, saveStockHistory, type ResolvedVariance} from './history.js'
import type {SideJob, SideMessage} from './read-worker.js'
import {readErpStock, readItems, readItemUnits, readTransit, readWmsStock, sideNormalizers, type ReadContext} from './read-sides.js'
import {keepRow, mergePartitions, type MergeSettings} from './merge.js'
import {mergeSortedRows} from './sorted-rows.js'
import {createSpillDir, removeSpillDir, Spill, sweepDeadSpills} from './spill.js'
import {suggestedAction} from '../reconcile/causes.js'
import {summarize} from './summary.js'
import {compareRows, type StockVarianceRow} from './types.js'

export interface StockDiffOptions {
  /** Only these ERP warehouse codes. */
  warehouses?: string[]
  /** Only items of these classes (ABC). */
  classes?: string[]
  grain?: StockGrain
  /** Report every key, matches included. */
  all?: boolean
  showCost?: boolean
  allowStale?: boolean
  /** Report only variances first seen in this run. */
  onlyNew?: boolean
  /** How many top variances by value the summary lists. */
  top?: number
  onProgress?: (phase: string, counters: Record<string, number>) => void
  /** Read each side in a worker thread when the compiled worker exists (default true). */
  workers?: boolean
  onWarning?: (message: string) => void
}

export interface StockSourceAccess {
  get(name: string): Promise<Source>
}

export interface SideSummary {
  source: string
  rows: number
  readMs: number
  lagSeconds: number | null
}

export interface StockDiffSummary {
  grain: StockGrain
  erp: SideSummary
  wms: SideSummary
  keys: {total: number; match: number; within_tolerance: number; over_tolerance: number; only_in_erp: number; only_in_wms: number}
  causes: Record<string, number>
  /** Matching keys ÷ all keys, percent (4 places). */
  recordAccuracyPct: string
  /** Σ|diff| ÷ Σ|erp_qty|, percent (4 places); null when the ERP side sums to zero. */
  deviationRatePct: string | null
  /**
   * Σ|value_diff| over over-tolerance and one-sided keys (2 places), without the keys whose cause is an error in the
   * data (uom_factor, sign, code_format); only with --show-cost.
   */
  valueAtRisk: string | null
  /** Σ|value_diff| of the uom_factor, sign and code_format keys (a unit error is not money lost); only with --show-cost. */
  valueInDataErrors: string | null
  /**
   * What `--fail-on over-tolerance` counts: over-tolerance keys not exactly explained by a cause that clears on its own
   * (in_transit), plus the one-sided ones when stock.failOn.oneSided is true (default). With --only new: new ones only.
   */
  failing: {over_tolerance: number; only_in_erp: number; only_in_wms: number; explained: number}
  topVariances: StockVarianceRow[]
  /** Variances the previous run of the same scope reported that are gone now. */
  resolved: {count: number; rows: ResolvedVariance[]}
  newVariances: number
  /** New variances (first seen in this run) by status. */
  newByStatus: {within_tolerance: number; over_tolerance: number; only_in_erp: number; only_in_wms: number}
  inTransitWindow: {from: string; to: string; movements: number} | null
  warnings: string[]
  /** Rows in the report (after --all / --only new). */
  reported: number
  elapsedMs: number
  /** Wall and CPU time of the reconcile phase (after reading). */
  mergeMs: number
  mergeCpuMs: number
}

export interface StockDiffOutcome {
  summary: StockDiffSummary
  /** The rows to report, sorted by warehouse, item, lot. Iterate once, then call close(). */
  rows: Iterable<StockVarianceRow>
  close(): void
  /**
   * Remember this run's variances (first_seen, runs seen, resolved) and row counts in the store. Call it once the
   * report is written: a report that failed to be written must not make its variances "not new" next night.
   */
  commit(): Promise<void>
}

function scopeOf(grain: StockGrain, warehouses: string[], classes: string[]): string {
  return JSON.stringify({grain, warehouses: [...warehouses].sort(), classes: [...classes].sort()})
}

/**
 * The nightly stock reconciliation. Checks replica lag, reads each side in one read-only snapshot (both sides in
 * parallel, unordered: no reliance on the replicas' collations or sorting), normalises and maps every row and spills it
 * to hash partitions on disk; then reconciles partition by partition in memory with exact decimals, explains the
 * variances, remembers them in the store and returns the sorted report.
 */
export async function runStockDiff(opts: {
  cfg: StockConfig
  baseDir: string
  sources: StockSourceAccess
  store: Knex
  runId: number
  options: StockDiffOptions
}): Promise<StockDiffOutcome> {
  const started = performance.now()
  const {cfg, options} = opts
  const grain = options.grain ?? cfg.grain
  const noLots = grain === 'item-warehouse'
  const warnings: string[] = []
  // summary.warnings (JSON, run history) stay English; the operator reads them in the language in force
  const warn = (key: string, vars: Record<string, unknown>) => {
    warnings.push(tIn('en', key, vars))
    options.onWarning?.(t(key, vars))
  }
  const progress = options.onProgress ?? (() => {})

  // 1. lag: every source this job reads, before reading anything
  const names = [...new Set([cfg.erp.source, cfg.wms.source, cfg.items?.source, cfg.units.itemUnits?.source, cfg.inTransit?.source, cfg.warehouses?.source, cfg.itemMap && 'source' in cfg.itemMap ? cfg.itemMap.source : undefined].filter((s): s is string => s !== undefined))]
  const sources = new Map<string, Source>()
  const lag = new Map<string, number | null>()
  progress('checking replica lag', {})
  for (const name of names) {
    const src = await opts.sources.get(name)
    sources.set(name, src)
    const st = await src.replicaStatus()
    lag.set(name, st.lagSeconds)
    if (!st.isReplica) continue
    const max = src.config.maxLagSeconds
    const stale = st.lagSeconds === null || st.lagSeconds > max
    if (!stale) continue
    const what = st.lagSeconds === null ? `replication lag is unknown (${st.note ?? 'replication stopped?'})` : `replica is ${st.lagSeconds} s behind (maxLagSeconds ${max})`
    if (!options.allowStale) {
      throw new SourceError(name, `${what}; refusing to reconcile stale data`, {
        code: 'SOURCE_STALE',
        hints: ['Wait for the replica to catch up, or run with --allow-stale to reconcile anyway (the report will say it is stale).'],
      })
    }
    warn('stock.warn.stale', {source: name, what})
  }

  // 2. history (first_seen) and the scope
  const classesFilter = options.classes ?? []
  const warehousesFilter = erpWarehouses(cfg, options.warehouses ?? [], warn)
  const scope = scopeOf(grain, warehousesFilter, classesFilter)
  const history = await loadStockHistory(opts.store, scope)

  // the partition files of runs that died (SIGKILL) go first; this run's are removed on every exit path
  sweepDeadSpills(cfg.tempDir)
  const spill = new Spill({partitions: cfg.partitions, tempDir: cfg.tempDir})
  const workerDirs: string[] = []
  let closed = false
  const close = () => {
    if (!closed) {
      spill.dispose()
      for (const d of workerDirs) removeSpillDir(d)
    }
    closed = true
  }
  try {
    const erpNorm = sideNormalizers(cfg.erp.normalize)
    const wmsNorm = sideNormalizers(cfg.wms.normalize)
    if (noLots) {
      erpNorm.lot = () => ''
      wmsNorm.lot = () => ''
    }
    const counters = {erp: 0, wms: 0}
    const ctx: ReadContext = {
      cfg,
      spill,
      erpNorm,
      wmsNorm,
      itemMap: new CodeMap(true),
      whMap: warehouseMap(cfg, wmsNorm.code, erpNorm.code),
      warehouses: new Set(warehousesFilter.map((w) => erpNorm.code(w))),
      noLots,
      onRows(side, n) {
        counters[side] = n
        progress('reading', {'ERP rows': counters.erp, 'WMS rows': counters.wms})
      },
    }

    // 3. who reads what, in which snapshot (computed once), then the item cross-reference when it is not read inside
    //    the WMS snapshot
    const plan = planReads(cfg)
    const im = cfg.itemMap
    if (im && 'file' in im) ctx.itemMap = await itemMapFromFile(im, opts.baseDir, wmsNorm.code, erpNorm.code)
    else if (im && plan.itemMap === 'alone') {
      const src = sources.get(im.source)!
      ctx.itemMap = await src.snapshot((r) => itemMapFromSource(im, r, src.builder(), wmsNorm.code, erpNorm.code))
    }

    // 4. both sides in parallel, each in one consistent snapshot with the lookups the plan puts there: in two worker
    //    threads (two cores) when the compiled worker is available, else in this thread
    const erpSrc = sources.get(cfg.erp.source)!
    const wmsSrc = sources.get(cfg.wms.source)!
    let transitInfo: {rows: number; from: string; to: string} | null = null
    const lookups = async (where: ReadPlace, src: Source, r: Reader) => {
      if (plan.items === where) await readItems(r, src.builder(), ctx)
      if (plan.units === where) await readItemUnits(r, src.builder(), ctx)
      if (plan.transit === where) transitInfo = await readTransit(r, src.builder(), ctx)
    }
    const readSide = async (side: 'erp' | 'wms') => {
      const src = side === 'erp' ? erpSrc : wmsSrc
      const t0 = performance.now()
      const rows = await src.snapshot(async (r) => {
        if (side === 'wms' && im && 'source' in im && plan.itemMap === 'wms') ctx.itemMap = await itemMapFromSource(im, r, src.builder(), wmsNorm.code, erpNorm.code)
        const n = side === 'erp' ? await readErpStock(r, src.builder(), ctx) : await readWmsStock(r, src.builder(), ctx)
        await lookups(side, src, r)
        return n
      })
      return {rows, ms: performance.now() - t0}
    }
    let erpRead: {rows: number; ms: number}
    let wmsRead: {rows: number; ms: number}
    progress('reading', {'ERP rows': 0, 'WMS rows': 0})
    const workerFile = fileURLToPath(new URL('read-worker.js', import.meta.url))
    if (options.workers !== false && existsSync(workerFile)) {
      const workerDir = () => {
        const d = createSpillDir(cfg.tempDir)
        workerDirs.push(d)
        return d
      }
      const job = (side: 'erp' | 'wms', src: Source): SideJob => ({
        side,
        cfg,
        source: {name: src.name, config: src.config},
        baseDir: opts.baseDir,
        partitions: spill.partitions,
        tempDir: cfg.tempDir,
        dir: workerDir(),
        warehouses: warehousesFilter,
        noLots,
        itemMap: side === 'wms' && plan.itemMap !== 'wms' && im ? ctx.itemMap.entries() : undefined,
        items: plan.items === side,
        units: plan.units === side,
        transit: plan.transit === side,
      })
      // one side failing (a killed connection, a missing table) stops the other at once: the run ends now, not when
      // the other side's long read is done
      const readers: Worker[] = []
      const [e, w] = await Promise.all([
        runSideWorker(workerFile, job('erp', erpSrc), (n) => ctx.onRows?.('erp', n), readers),
        runSideWorker(workerFile, job('wms', wmsSrc), (n) => ctx.onRows?.('wms', n), readers),
      ]).catch(async (error: unknown) => {
        await Promise.all(readers.map((r) => r.terminate().catch(() => 0)))
        throw error
      })
      for (const [res, src] of [
        [e, erpSrc],
        [w, wmsSrc],
      ] as const) {
        spill.adopt(res.index)
        src.rowsRead += res.rowsRead
        if (res.transit) transitInfo = res.transit
      }
      erpRead = {rows: e.rows, ms: e.readMs}
      wmsRead = {rows: w.rows, ms: w.readMs}
      if (plan.itemMap === 'wms' && plan.transit === 'alone' && cfg.inTransit?.side === 'wms') {
        // the map was read inside the WMS thread; the movements on another source need it here too
        ctx.itemMap = await wmsSrc.snapshot((r) => itemMapFromSource(im as Extract<typeof im, {source: string}>, r, wmsSrc.builder(), wmsNorm.code, erpNorm.code))
      }
    } else if (erpSrc.name === wmsSrc.name || erpSrc.dialect === 'sqlite' || wmsSrc.dialect === 'sqlite') {
      // one connection per SQLite file: read one after the other
      wmsRead = await readSide('wms')
      erpRead = await readSide('erp')
    } else {
      ;[erpRead, wmsRead] = await Promise.all([readSide('erp'), readSide('wms')])
    }
    const lookupsAlone = async (name: string, src: Source, r: Reader) => {
      if (plan.items === 'alone' && cfg.items?.source === name) await readItems(r, src.builder(), ctx)
      if (plan.units === 'alone' && cfg.units.itemUnits?.source === name) await readItemUnits(r, src.builder(), ctx)
      if (plan.transit === 'alone' && cfg.inTransit?.source === name) transitInfo = await readTransit(r, src.builder(), ctx)
    }
    // the lookups on other sources, one snapshot per source, after both sides (movements need the item map)
    for (const [name, src] of sources) {
      const here = [cfg.items, cfg.units.itemUnits, cfg.inTransit].some((l, i) => l?.source === name && [plan.items, plan.units, plan.transit][i] === 'alone')
      if (here) await src.snapshot((r) => lookupsAlone(name, src, r))
    }
    spill.flush()

    // 5. safety: an empty side, or far fewer rows than last time, means a broken replica, not a warehouse fire
    for (const [side, read, src] of [['ERP', erpRead, erpSrc], ['WMS', wmsRead, wmsSrc]] as const) {
      if (read.rows === 0) {
        throw new SourceError(src.name, `the ${side} side (${side === 'ERP' ? describe(cfg.erp) : describe(cfg.wms)}) returned no rows; refusing to report every key as only on the other side`, {
          code: 'SOURCE_EMPTY',
          hints: ['Check the replica (a rebuild in progress?) and the side\'s table/query and filters in plantops.yaml.'],
        })
      }
      const prev = history.previousRows?.[side === 'ERP' ? 'erp' : 'wms']
      if (prev && read.rows < prev * cfg.safety.minRowsRatio) {
        throw new SourceError(src.name, `the ${side} side returned ${read.rows} rows, fewer than ${Math.round(cfg.safety.minRowsRatio * 100)}% of the previous run's ${prev}; refusing to report a half-loaded replica`, {
          code: 'SOURCE_SHRUNK',
          hints: ['Check the replica; if the drop is real, lower stock.safety.minRowsRatio in plantops.yaml for one run.'],
        })
      }
    }

    // 6. reconcile partition by partition in this thread (a lean heap first: see heap.ts)
    await collectGarbage()
    const mergeStart = performance.now()
    const mergeCpu = process.cpuUsage()
    const settings: MergeSettings = {
      cfg,
      classes: classesFilter,
      history: history.open,
      today: localDate(new Date()),
      showCost: Boolean(options.showCost),
      all: Boolean(options.all),
      onlyNew: Boolean(options.onlyNew),
      trackScope: warehousesFilter.length > 0 || classesFilter.length > 0,
    }
    let merged = 0
    const onPartition = () => {
      merged++
      if ((merged & 7) === 0) progress('merging', {partitions: merged, of: spill.partitions})
    }
    const share = await mergePartitions(spill, settings, onPartition)
    const {variances, totals} = share
    const whNames = await warehouseNames(cfg, sources)
    if (whNames.size > 0) for (const list of [variances, share.rows]) for (const r of list) r.warehouse_name = whNames.get(r.warehouse) ?? null
    const keep = keepRow(settings.onlyNew)
    let rowsIter: Iterable<StockVarianceRow>
    let reported: number
    if (options.all) {
      reported = totals.keys.match * (options.onlyNew ? 0 : 1) + variances.filter(keep).length
      rowsIter = withPatches(mergeSortedRows(spill), share.patched, whNames)
    } else {
      const reportRows = share.rows.sort(compareRows)
      reported = reportRows.length
      rowsIter = reportRows
    }
    await checkScope(cfg, sources, warehousesFilter, classesFilter, totals)
    checkLinesUp(cfg, totals.keys, variances, erpRead.rows, wmsRead.rows)
    const mergeMs = performance.now() - mergeStart
    const mergeCpuUsage = process.cpuUsage(mergeCpu)

    if (totals.unitWarningCount > 0) {
      const ex = totals.unitWarnings.slice(0, 5).map((w) => `${w.item} ${w.from}→${w.to}`)
      warn('stock.warn.noConversion', {count: totals.unitWarningCount, examples: ex.join(', ')})
    }

    // 7. the summary
    const summary = summarize({
      grain,
      erp: {source: erpSrc.name, rows: erpRead.rows, readMs: Math.round(erpRead.ms), lagSeconds: lag.get(erpSrc.name) ?? null},
      wms: {source: wmsSrc.name, rows: wmsRead.rows, readMs: Math.round(wmsRead.ms), lagSeconds: lag.get(wmsSrc.name) ?? null},
      share,
      history,
      transit: transitInfo as {rows: number; from: string; to: string} | null,
      warnings,
      reported,
      options: {top: options.top ?? 10, showCost: Boolean(options.showCost), onlyNew: Boolean(options.onlyNew), failOneSided: cfg.failOn.oneSided},
      timing: {elapsedMs: performance.now() - started, mergeMs, mergeCpuMs: (mergeCpuUsage.user + mergeCpuUsage.system) / 1000},
    })
    const keys = summary.keys
    const commit = () => saveStockHistory(opts.store, {scope, runId: opts.runId, erpRows: erpRead.rows, wmsRows: wmsRead.rows, keys: keys.total, variances})
    return {summary, rows: rowsIter, close, commit}
  } catch (error) {
    close()
    throw error
  }
}

/** Apply causes found after the sorted rows were spilled. */
function* withPatches(rows: Iterable<StockVarianceRow>, patched: Map<string, string>, whNames: Map<string, string>): Generator<StockVarianceRow> {
  for (const r of rows) {
    if (whNames.size > 0) r.warehouse_name = whNames.get(r.warehouse) ?? null
    if (patched.size > 0 && r.cause === null) {
      const c = patched.get(`${r.item}\t${r.warehouse}\t${r.lot}`)
      if (c !== undefined) {
        r.cause = c as StockVarianceRow['cause']
        r.action = suggestedAction(r)
      }
    }
    yield r
  }
}

/** Where a read happens: inside the ERP side's snapshot, the WMS side's, or alone on its own source. */
export type ReadPlace = 'erp' | 'wms' | 'alone'

/** Who reads what, in which snapshot: decided once from the config (a pure function). */
export interface ReadPlan {
  /** Item master, per-item units: in the snapshot of the side on the same source, else alone after both sides. */
  items: ReadPlace | null
  units: ReadPlace | null
  /**
   * Movements in transit: in the WMS snapshot when on the WMS source (after the item map), in the ERP snapshot when on
   * the ERP source and coded like the ERP, else alone after both sides (WMS-coded movements need the item map).
   */
  transit: ReadPlace | null
  /** The item cross-reference: a CSV file, inside the WMS snapshot (same source), or alone before the sides. */
  itemMap: 'file' | 'wms' | 'alone' | null
}

export function planReads(cfg: StockConfig): ReadPlan {
  const at = (source: string | undefined): ReadPlace | null => (source === undefined ? null : source === cfg.erp.source ? 'erp' : source === cfg.wms.source ? 'wms' : 'alone')
  const t = cfg.inTransit
  const im = cfg.itemMap
  return {
    items: at(cfg.items?.source),
    units: at(cfg.units.itemUnits?.source),
    transit: t === undefined ? null : t.source === cfg.wms.source ? 'wms' : t.source === cfg.erp.source && t.side === 'erp' ? 'erp' : 'alone',
    itemMap: im === undefined ? null : 'file' in im ? 'file' : im.source === cfg.wms.source ? 'wms' : 'alone',
  }
}

type SideDone = Extract<SideMessage, {type: 'done'}>

/**
 * A small young generation per thread keeps the three isolates' heaps (and the peak RSS) down; the old generation is
 * left unbounded (an item cross-reference of millions of codes must still fit).
 */
const WORKER_HEAP = {maxYoungGenerationSizeMb: 16}


/** Run one side's read in a worker thread; its errors come back as the same typed errors (exit codes kept). */
function runSideWorker(file: string, job: SideJob, onRows: (n: number) => void, all: Worker[] = []): Promise<SideDone> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, {workerData: {plantopsStockSide: job}, resourceLimits: WORKER_HEAP})
    all.push(worker)
    let settled = false
    worker.on('message', (m: SideMessage) => {
      if (m.type === 'rows') onRows(m.n)
      else if (m.type === 'done') {
        settled = true
        resolve(m)
      } else {
        settled = true
        const e = m.error
        reject(e.exitCode === undefined ? new Error(e.message) : new PlantopsError(e.message, {code: e.code ?? 'SOURCE_UNREADABLE', exitCode: e.exitCode as ExitCodeValue, hints: e.hints}))
      }
    })
    worker.on('error', (error) => {
      if (!settled) reject(error)
      settled = true
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the ${job.side} reader thread exited with code ${code}`))
    })
  })
}

/** YYYY-MM-DD in the plant's local time zone (the host's): a variance first seen at 01:00 in Shanghai is that day's. */
function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** ERP warehouse code → name (stock.warehouses), read in one small query. */
async function warehouseNames(cfg: StockConfig, sources: Map<string, Source>): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const w = cfg.warehouses
  if (!w) return out
  const src = sources.get(w.source)!
  const read = buildSideRead(src.builder(), {table: w.table, query: w.query, columns: {c: w.columns.code, n: w.columns.name}})
  const norm = sideNormalizers(cfg.erp.normalize).code
  for (const r of await src.query<{c: unknown; n: unknown}>(read.sql, read.bindings)) {
    const name = codeText(r.n).trim()
    if (name !== '') out.set(norm(r.c), name)
  }
  return out
}

/**
 * `--warehouse` takes ERP warehouse codes; a WMS code is accepted through stock.warehouseMap and said so ("RM is the
 * WMS code of ERP warehouse WH01"). Returns the ERP codes (normalised like ERP codes).
 */
function erpWarehouses(cfg: StockConfig, given: string[], warn: (key: string, vars: Record<string, unknown>) => void): string[] {
  const erpNorm = sideNormalizers(cfg.erp.normalize).code
  const wmsNorm = sideNormalizers(cfg.wms.normalize).code
  const map = warehouseMap(cfg, wmsNorm, erpNorm)
  const erpCodes = new Set(Object.values(cfg.warehouseMap).map((v) => erpNorm(v)))
  const out: string[] = []
  for (const w of given) {
    const e = erpNorm(w)
    const via = map.get(wmsNorm(w))
    if (via !== undefined && !erpCodes.has(e) && via !== e) {
      warn('stock.warn.wmsWarehouse', {code: w, erp: via})
      out.push(via)
    } else out.push(e)
  }
  return [...new Set(out)]
}

/** A --warehouse or --class that no reconciled key has is a usage error (exit 2) listing the known ones. */
async function checkScope(cfg: StockConfig, sources: Map<string, Source>, warehouses: string[], classes: string[], totals: {seenWarehouses: string[]; seenClasses: string[]}): Promise<void> {
  const seenW = new Set(totals.seenWarehouses)
  const seenC = new Set(totals.seenClasses)
  const missingW = warehouses.filter((w) => !seenW.has(w))
  const missingC = classes.filter((c) => !seenC.has(c))
  if (missingW.length === 0 && missingC.length === 0) return
  const problems: string[] = []
  const distinct = async (source: string, where: {table?: string; query?: string}, column: string, filters?: Record<string, Array<string | number>>) => {
    const src = sources.get(source)
    if (!src) return []
    const knex = src.builder()
    const read = buildSideRead(knex, {table: where.table, query: where.query, columns: {v: column}, filters})
    try {
      const rows = await src.query<{v: unknown}>(`SELECT DISTINCT v FROM (${read.sql}) AS plantops_known ORDER BY v LIMIT 50`, read.bindings)
      return rows.map((r) => codeText(r.v)).filter((v) => v !== '')
    } catch {
      return []
    }
  }
  if (missingW.length > 0) {
    const erpNorm = sideNormalizers(cfg.erp.normalize).code
    const wmsNorm = sideNormalizers(cfg.wms.normalize).code
    const map = warehouseMap(cfg, wmsNorm, erpNorm)
    const erp = (await distinct(cfg.erp.source, cfg.erp, cfg.erp.columns.warehouse, cfg.erp.filters)).map((w) => erpNorm(w))
    const wms = (await distinct(cfg.wms.source, cfg.wms, cfg.wms.columns.warehouse, cfg.wms.filters)).map((w) => {
      const e = map.get(wmsNorm(w))
      return e === undefined ? `${w} (WMS, unmapped)` : `${e} (WMS ${w})`
    })
    problems.push(`--warehouse ${missingW.join(', ')}: no key in this warehouse on either side`, `ERP warehouses: ${[...new Set(erp)].join(', ') || '-'}`, `WMS warehouses: ${[...new Set(wms)].join(', ') || '-'}`)
  }
  if (missingC.length > 0) {
    const it = cfg.items
    const known = it?.columns.class ? await distinct(it.source, it, it.columns.class) : []
    problems.push(`--class ${missingC.join(', ')}: no item of this class has stock`, it?.columns.class ? `item classes: ${known.join(', ') || '-'}` : 'no item class is configured (stock.items.columns.class)')
  }
  throw new UsageError(`${problems[0]}${problems.length > 1 ? `; ${problems.slice(1).join('; ')}` : ''}`, {
    code: 'FILTER_MATCHES_NOTHING',
    hints: ['--warehouse takes ERP warehouse codes (or WMS codes listed in stock.warehouseMap); --class takes item classes of stock.items.'],
  })
}

/**
 * Both sides have rows but almost no key is found on both: the mapping lines nothing up (codes formatted differently,
 * a missing warehouse map or cross-reference, a wrong column). Stop like the empty-side guard instead of reporting
 * every key as one-sided.
 */
function checkLinesUp(cfg: StockConfig, keys: Record<string, number>, variances: StockVarianceRow[], erpRows: number, wmsRows: number): void {
  const ratio = cfg.safety.minMatchRatio
  const total = Object.values(keys).reduce((a, b) => a + b, 0)
  if (ratio <= 0 || erpRows === 0 || wmsRows === 0 || total === 0) return
  const paired = total - keys.only_in_erp - keys.only_in_wms
  if (paired / total >= ratio) return
  const ex = (status: string) =>
    variances
      .filter((v) => v.status === status)
      .slice(0, 3)
      .map((v) => `${v.item} @ ${v.warehouse}${v.lot ? ` lot ${v.lot}` : ''}`)
      .join(', ')
  const pct = ((paired / total) * 100).toFixed(2)
  throw new PlantopsError(
    `only ${paired} of ${total} keys (${pct}%) are found on both sides, below stock.safety.minMatchRatio ${ratio}: the codes probably do not line up (e.g. only in ERP: ${ex('only_in_erp') || '-'}; only in WMS: ${ex('only_in_wms') || '-'})`,
    {
      code: 'NOTHING_LINES_UP',
      exitCode: ExitCode.SOURCE,
      hints: [
        'Compare the example keys: item codes need stock.wms.normalize (trim, caseFold, fullWidth) or a cross-reference (stock.itemMap).',
        'Warehouse codes that differ need stock.warehouseMap (WMS code → ERP code).',
        'Check that stock.erp/wms.columns point at the right columns, and units (stock.units) if quantities are in different units.',
        'If the plant really shares so few keys, lower stock.safety.minMatchRatio (0 turns the check off).',
      ],
    },
  )
}

function describe(side: {table?: string; query?: string}): string {
  return side.table !== undefined ? `table ${side.table}` : 'its query'
}

/** Parse `--class A,B` and repeated `--warehouse`: trimmed, non-empty, de-duplicated. */
export function parseList(values: string[] | undefined, flag: string): string[] {
  const out = new Set<string>()
  for (const v of values ?? []) {
    for (const part of v.split(',')) {
      const s = part.trim()
      if (s) out.add(s)
    }
  }
  if (values && values.length > 0 && out.size === 0) throw new UsageError(`${flag} needs at least one value`)
  return [...out]
}

/** The `stock` section, or exit 2 saying how to add one. */
export function requireStockConfig(section: StockConfig | undefined, file: string): StockConfig {
  if (!section) {
    throw new ConfigError(`${file} has no \`stock\` section`, {
      code: 'STOCK_NOT_CONFIGURED',
      hints: ['Add a `stock:` section with `erp` and `wms` sides (see docs or `plantops demo` for an example).'],
    })
  }
  return section
}
