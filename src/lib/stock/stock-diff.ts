import {performance} from 'node:perf_hooks'

import type {Knex} from 'knex'

import {ConfigError, UsageError} from '../cli/errors.js'
import type {Source} from '../sources/source.js'
import {checkEarlyStop, checkLinesUp, checkScope, checkSides, erpWarehouses, oneSidedWarehouses, unmatchedFilterValues, unusedWarehouseMapEntries} from './checks.js'
import {checkReplicaLag, type StaleSource} from '../sources/lag.js'
import {t, tIn} from '../i18n/index.js'
import type {StockConfig, StockGrain} from './config.js'
import {collectGarbage} from '../heap/collect.js'
import {KIND_HISTORY, loadStockHistory, saveStockHistory, type ResolvedVariance} from './history.js'
import {mainMerges, MERGE_THREADS_AHEAD, MergeThreads, reconcileSpill, startsMergeThreads, reportRows, varianceRows, type MergeSettings} from './merge.js'
import {diffScope, MAX_PARTITIONS, MIN_PARTITIONS, partitionsFor, planReads, planSources, ROWS_PER_PARTITION} from './plan.js'
import {readSides, sideSizes, THREADS_MIN_ROWS, warehouseNames} from './read.js'
import {createSpillDir, removeSpillDir, Spill, sweepDeadSpills} from './spill.js'
import {summarize} from './summary.js'
import type {StockVarianceRow} from './types.js'

export {planReads, type ReadPlace, type ReadPlan} from './plan.js'

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
  /** The stock rows this side compared (after its filters). */
  rows: number
  /**
   * Rows read: every row the side's source returned in this run — its stock rows and the lookups read from it (item
   * master, units, cross-reference, movements, warehouse names). The figure `runs list` / `runs show` record for it.
   */
  rowsRead: number
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
  /**
   * Replicas read although they lagged more than their maxLagSeconds (--allow-stale), with their lag (null: unknown);
   * empty when every replica was fresh enough. The CSV says the same in its `stale` column.
   */
  stale: StaleSource[]
  warnings: string[]
  /** Rows in the report (after --all / --only new). */
  reported: number
  elapsedMs: number
  /** Wall and CPU time of the reconcile phase (after reading). */
  mergeMs: number
  mergeCpuMs: number
}

export type {StaleSource} from '../sources/lag.js'

export interface StockDiffOutcome {
  summary: StockDiffSummary
  /** The rows to report, sorted by warehouse, item, lot, streamed from the spill: iterate once. */
  rows: Iterable<StockVarianceRow>
  /**
   * Remember this run's variances (first_seen, runs seen, resolved) and row counts in the store (they stream from the
   * spill once more). Call it once the report is written, before close(): a report that failed to be written must not
   * make its variances "not new" next night.
   */
  commit(): Promise<void>
  /** Remove the spill and end the threads (every exit path). */
  close(): void
}

/**
 * The nightly stock reconciliation, in four steps: the plan (who reads what in which snapshot: plan.ts), the read (lag
 * of every source, then both sides in parallel, each in one read-only snapshot, normalised, mapped and spilled to hash
 * partitions: read.ts), the merge (partition by partition in memory with exact decimals, on two cores: merge.ts) and
 * the summary (summary.ts). Variances are remembered in the store by `commit()` once the report is written.
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
  const warnings: string[] = []
  // summary.warnings (JSON, run history) stay English; the operator reads them in the language in force
  const warn = (key: string, vars: Record<string, unknown>) => {
    warnings.push(tIn('en', key, vars))
    options.onWarning?.(t(key, vars))
  }
  const progress = options.onProgress ?? (() => {})
  const plan = planReads(cfg)
  progress('checking replica lag', {})
  const {sources, lag, stale} = await checkReplicaLag(planSources(cfg), (n) => opts.sources.get(n), {allowStale: options.allowStale, warn: (_m, w) => warn(w.key, w.vars)})
  const scope = diffScope(options.grain ?? cfg.grain, erpWarehouses(cfg, options.warehouses ?? [], warn), options.classes ?? [])
  // the partition files of runs that died (SIGKILL) go first; this run's are removed on every exit path
  sweepDeadSpills(cfg.tempDir)
  // each side's size, asked of the catalog once: the partitions (the larger side) and the reader threads use it
  const sizes = await sideSizes(cfg, sources, cfg.partitions === undefined ? Math.max(MAX_PARTITIONS * ROWS_PER_PARTITION, THREADS_MIN_ROWS) : THREADS_MIN_ROWS)
  const spill = new Spill({partitions: cfg.partitions ?? partitionsFor(Math.max(sizes.erp ?? 0, sizes.wms ?? 0)), tempDir: cfg.tempDir})
  const threadDirs: string[] = []
  const newDir = () => {
    const d = createSpillDir(cfg.tempDir)
    threadDirs.push(d)
    return d
  }
  // the merge threads start while the sides are read, so that they are ready when the read ends (startsMergeThreads)
  const parallel = options.workers !== false
  let mergeThreads: MergeThreads | null = null
  let mergeStarted = false
  let sidesRead = 0
  let closed = false
  // the previous run's variances load while the sides are read, into a spill of their own (this thread's home-side
  // read writes the run's spill meanwhile), adopted by the run's spill once the read is done
  const historySpill = new Spill({partitions: spill.partitions, dir: newDir()})
  let historyAdopted = false
  const historyLoad = loadStockHistory(opts.store, scope.key, historySpill, () => closed)
  historyLoad.catch(() => {})
  const close = () => {
    if (!closed) {
      void mergeThreads?.stop()
      if (!historyAdopted) historySpill.dispose()
      spill.dispose()
      for (const d of threadDirs) removeSpillDir(d)
    }
    closed = true
  }
  try {
    const counters = {erp: 0, wms: 0}
    const startMergeThreads = () => {
      if (parallel && !mergeStarted && startsMergeThreads(sidesRead, counters.erp + counters.wms)) {
        mergeStarted = true
        mergeThreads = MergeThreads.start(MERGE_THREADS_AHEAD)
        // the main thread's start-up garbage goes before the reconcile (see heap/collect.ts)
        collectGarbage()
      }
    }
    progress('reading', {'ERP rows': 0, 'WMS rows': 0})
    const read = await readSides({
      cfg,
      baseDir: opts.baseDir,
      sources,
      spill,
      scope,
      plan,
      workers: options.workers !== false,
      sizes,
      newDir,
      onRows(side, n) {
        counters[side] = n
        startMergeThreads()
        progress('reading', {'ERP rows': counters.erp, 'WMS rows': counters.wms})
      },
      onSideRead() {
        sidesRead++
        startMergeThreads()
      },
    })
    const history = await historyLoad
    spill.adopt(historySpill.exportIndex([KIND_HISTORY]), false)
    historySpill.release()
    historyAdopted = true
    checkSides(cfg, read, history)
    const unusedMap = unusedWarehouseMapEntries(cfg, read.wmsWarehouses)
    if (unusedMap.length > 0) warn('stock.warn.warehouseMapUnused', {entries: unusedMap.join(', '), count: unusedMap.length, seen: [...read.wmsWarehouses].sort().join(', ')})

    // the merge: on the merge threads when the sides are large (this thread then only waits), else here
    const mainToo = mainMerges(Math.max(read.erp.rows, read.wms.rows), MIN_PARTITIONS, ROWS_PER_PARTITION)
    if (mergeThreads === null || mainToo) collectGarbage()
    const mergeStart = performance.now()
    const mergeCpu = process.cpuUsage()
    const settings: MergeSettings = {
      cfg,
      classes: scope.classes,
      today: localDate(new Date()),
      showCost: Boolean(options.showCost),
      all: Boolean(options.all),
      onlyNew: Boolean(options.onlyNew),
      trackScope: scope.warehouses.length > 0 || scope.classes.length > 0,
      top: options.top,
      // both sides have rows here (checkSides ran): the final check's ratio, which the reconcile stops early far below
      minMatchRatio: cfg.safety.minMatchRatio,
    }
    let merged = 0
    const onPartition = () => {
      merged++
      if ((merged & 7) === 0) progress('merging', {partitions: merged, of: spill.partitions})
    }
    // the warehouse names are read while the partitions are reconciled, and the filter values checked
    const whNamesLoad = warehouseNames(cfg, sources)
    whNamesLoad.catch(() => {})
    const filterCheck = unmatchedFilterValues(cfg, sources).catch(() => [])
    const {share, rowKinds, early} = await reconcileSpill(spill, settings, {parallel, rows: read.erp.rows + read.wms.rows, newDir, onPartition, threads: mergeThreads, mainToo})
    const {figures, totals} = share
    checkEarlyStop(cfg, early, figures.examples)
    const whNames = await whNamesLoad
    if (whNames.size > 0) for (const {row} of figures.top) row.warehouse_name = whNames.get(row.warehouse) ?? null
    // the rows stream from the spill, once for the report and once for the history
    const rows = reportRows(spill, rowKinds, share, settings.onlyNew, whNames)
    await checkScope(cfg, sources, scope.warehouses, scope.classes, totals)
    checkLinesUp(cfg, totals.keys, figures.examples, read.erp.rows, read.wms.rows)
    for (const f of await filterCheck) {
      const vars = {side: f.side, column: f.column, value: JSON.stringify(f.value), source: f.source, table: f.table, known: f.known.map((k) => JSON.stringify(k)).join(', ') || '-'}
      warn(f.table === null ? 'stock.warn.filterValueUnmatchedQuery' : 'stock.warn.filterValueUnmatched', vars)
    }
    const lonely = oneSidedWarehouses(cfg, totals, (k, v) => tIn('en', k, v))
    if (lonely !== null) {
      warnings.push(lonely)
      options.onWarning?.(oneSidedWarehouses(cfg, totals, t)!)
    }
    const mergeMs = performance.now() - mergeStart
    const mergeCpuUsage = process.cpuUsage(mergeCpu)
    if (totals.unitWarningCount > 0) {
      const ex = totals.unitWarnings.slice(0, 5).map((w) => `${w.item} ${w.from}→${w.to}`)
      warn('stock.warn.noConversion', {count: totals.unitWarningCount, examples: ex.join(', ')})
    }

    // the summary
    const side = (name: string, r: {rows: number; ms: number}) => ({source: name, rows: r.rows, rowsRead: sources.get(name)!.rowsRead, readMs: Math.round(r.ms), lagSeconds: lag.get(name) ?? null})
    const summary = summarize({
      grain: scope.grain,
      erp: side(cfg.erp.source, read.erp),
      wms: side(cfg.wms.source, read.wms),
      stale,
      share,
      transit: read.transit,
      warnings,
      options: {showCost: Boolean(options.showCost)},
      timing: {elapsedMs: performance.now() - started, mergeMs, mergeCpuMs: (mergeCpuUsage.user + mergeCpuUsage.system) / 1000},
    })
    const commit = async () => {
      // the rows are read from the spill: after close() there are none (a defect, never an empty history)
      if (closed) throw new Error('commit() after close(): the run\'s variances are gone')
      await saveStockHistory(opts.store, {scope: scope.key, runId: opts.runId, erpRows: read.erp.rows, wmsRows: read.wms.rows, keys: summary.keys.total, variances: varianceRows(spill, rowKinds, share), count: figures.variances})
    }
    return {summary, rows, close, commit}
  } catch (error) {
    close()
    throw error
  }
}

/** YYYY-MM-DD in the plant's local time zone (the host's): a variance first seen at 01:00 in Shanghai is that day's. */
function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
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
  if (values && values.length > 0 && out.size === 0) throw new UsageError(t('errors.stock.flagEmpty', {flag}))
  return [...out]
}

/** The `stock` section, or exit 2 saying how to add one. */
export function requireStockConfig(section: StockConfig | undefined, file: string): StockConfig {
  if (!section) {
    throw new ConfigError(t('errors.stock.notConfigured', {file}), {
      code: 'STOCK_NOT_CONFIGURED',
      hints: [t('errors.stock.notConfiguredHint')],
    })
  }
  return section
}
