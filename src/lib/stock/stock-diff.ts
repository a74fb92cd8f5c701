import {existsSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import type {Knex} from 'knex'

import {ConfigError, PlantopsError, SourceError, UsageError} from '../cli/errors.js'
import type {ExitCodeValue} from '../cli/exit-codes.js'
import {Decimal} from '../decimal/decimal.js'
import type {Reader, Source} from '../sources/source.js'
import {CodeMap, itemMapFromFile, itemMapFromSource, warehouseMap} from './code-maps.js'
import type {StockConfig, StockGrain} from './config.js'
import {collectGarbage} from './heap.js'
import {loadStockHistory, resolvedSince, saveStockHistory, type ResolvedVariance} from './history.js'
import type {SideJob, SideMessage} from './read-worker.js'
import {readErpStock, readItems, readItemUnits, readTransit, readWmsStock, sideNormalizers, type ReadContext} from './read-sides.js'
import {keepRow, mergePartitions, type MergeSettings} from './merge.js'
import {mergeSortedRows} from './sorted-rows.js'
import {Spill} from './spill.js'
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
  /** Σ|value_diff| over over-tolerance and one-sided keys (2 places); only with --show-cost. */
  valueAtRisk: string | null
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
  const warn = (m: string) => {
    warnings.push(m)
    options.onWarning?.(m)
  }
  const progress = options.onProgress ?? (() => {})

  // 1. lag: every source this job reads, before reading anything
  const names = [...new Set([cfg.erp.source, cfg.wms.source, cfg.items?.source, cfg.units.itemUnits?.source, cfg.inTransit?.source, cfg.itemMap && 'source' in cfg.itemMap ? cfg.itemMap.source : undefined].filter((s): s is string => s !== undefined))]
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
    warn(`source "${name}": ${what}; reconciling anyway (--allow-stale)`)
  }

  // 2. history (first_seen) and the scope
  const warehousesFilter = options.warehouses ?? []
  const classesFilter = options.classes ?? []
  const scope = scopeOf(grain, warehousesFilter, classesFilter)
  const history = await loadStockHistory(opts.store, scope)

  const spill = new Spill({partitions: cfg.partitions, tempDir: cfg.tempDir})
  let closed = false
  const close = () => {
    if (!closed) spill.dispose()
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
      whMap: warehouseMap(cfg, wmsNorm.code),
      warehouses: new Set(warehousesFilter.map((w) => erpNorm.code(w))),
      noLots,
      onRows(side, n) {
        counters[side] = n
        progress('reading', {'ERP rows': counters.erp, 'WMS rows': counters.wms})
      },
    }

    // 3. the item cross-reference first when it is not read inside the WMS snapshot
    const im = cfg.itemMap
    if (im && 'file' in im) ctx.itemMap = await itemMapFromFile(im, opts.baseDir, wmsNorm.code, erpNorm.code)
    else if (im && im.source !== cfg.wms.source) {
      const src = sources.get(im.source)!
      ctx.itemMap = await src.snapshot((r) => itemMapFromSource(im, r, src.builder(), wmsNorm.code, erpNorm.code))
    }

    // 4. both sides in parallel, each in one consistent snapshot: in two worker threads (two cores) when the compiled
    //    worker is available, else in this thread
    const erpSrc = sources.get(cfg.erp.source)!
    const wmsSrc = sources.get(cfg.wms.source)!
    const done = new Set<string>()
    let transitInfo: {rows: number; from: string; to: string} | null = null
    const extras = async (src: Source, r: Reader, when: 'erp' | 'wms') => {
      if (cfg.items && cfg.items.source === src.name && !done.has('items')) {
        done.add('items')
        await readItems(r, src.builder(), ctx)
      }
      if (cfg.units.itemUnits && cfg.units.itemUnits.source === src.name && !done.has('units')) {
        done.add('units')
        await readItemUnits(r, src.builder(), ctx)
      }
      // movements in WMS codes need the item map: read them on the WMS side (after the map) or at the end
      if (cfg.inTransit && cfg.inTransit.source === src.name && !done.has('transit') && (when === 'wms' || cfg.inTransit.side === 'erp')) {
        done.add('transit')
        transitInfo = await readTransit(r, src.builder(), ctx)
      }
    }
    const readErp = async () => {
      const t0 = performance.now()
      const rows = await erpSrc.snapshot(async (r) => {
        const n = await readErpStock(r, erpSrc.builder(), ctx)
        await extras(erpSrc, r, 'erp')
        return n
      })
      return {rows, ms: performance.now() - t0}
    }
    const readWms = async () => {
      const t0 = performance.now()
      const rows = await wmsSrc.snapshot(async (r) => {
        if (im && 'source' in im && im.source === wmsSrc.name) ctx.itemMap = await itemMapFromSource(im, r, wmsSrc.builder(), wmsNorm.code, erpNorm.code)
        const n = await readWmsStock(r, wmsSrc.builder(), ctx)
        await extras(wmsSrc, r, 'wms')
        return n
      })
      return {rows, ms: performance.now() - t0}
    }
    let erpRead: {rows: number; ms: number}
    let wmsRead: {rows: number; ms: number}
    progress('reading', {'ERP rows': 0, 'WMS rows': 0})
    const workerFile = fileURLToPath(new URL('read-worker.js', import.meta.url))
    if (options.workers !== false && existsSync(workerFile)) {
      const onErp = (s?: string) => s === erpSrc.name
      const onWms = (s?: string) => s === wmsSrc.name
      const items = cfg.items ? (onErp(cfg.items.source) ? 'erp' : onWms(cfg.items.source) ? 'wms' : null) : null
      const units = cfg.units.itemUnits ? (onErp(cfg.units.itemUnits.source) ? 'erp' : onWms(cfg.units.itemUnits.source) ? 'wms' : null) : null
      const t = cfg.inTransit
      const transit = t ? (onWms(t.source) ? 'wms' : onErp(t.source) && t.side === 'erp' ? 'erp' : null) : null
      if (items) done.add('items')
      if (units) done.add('units')
      if (transit) done.add('transit')
      const mapOnWms = Boolean(im && 'source' in im && im.source === wmsSrc.name)
      const job = (side: 'erp' | 'wms', src: Source): SideJob => ({
        side,
        cfg,
        source: {name: src.name, config: src.config},
        baseDir: opts.baseDir,
        partitions: spill.partitions,
        tempDir: cfg.tempDir,
        warehouses: warehousesFilter,
        noLots,
        itemMap: side === 'wms' && !mapOnWms && im ? ctx.itemMap.entries() : undefined,
        items: items === side,
        units: units === side,
        transit: transit === side,
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
      if (mapOnWms && ((cfg.inTransit && !done.has('transit') && cfg.inTransit.side === 'wms') || false)) {
        // the map was read inside the WMS worker; the movements on another source need it here too
        ctx.itemMap = await wmsSrc.snapshot((r) => itemMapFromSource(im as Extract<typeof im, {source: string}>, r, wmsSrc.builder(), wmsNorm.code, erpNorm.code))
      }
    } else if (erpSrc.name === wmsSrc.name || erpSrc.dialect === 'sqlite' || wmsSrc.dialect === 'sqlite') {
      // one connection per SQLite file: read one after the other
      wmsRead = await readWms()
      erpRead = await readErp()
    } else {
      ;[erpRead, wmsRead] = await Promise.all([readErp(), readWms()])
    }
    // the remaining reads, on other sources
    for (const [name, src] of sources) {
      if (name === erpSrc.name || name === wmsSrc.name) continue
      await src.snapshot(async (r) => {
        await extras(src, r, 'erp')
        if (cfg.inTransit && cfg.inTransit.source === name && !done.has('transit')) {
          done.add('transit')
          transitInfo = await readTransit(r, src.builder(), ctx)
        }
      })
    }
    if (cfg.inTransit && !done.has('transit')) {
      const src = sources.get(cfg.inTransit.source)!
      done.add('transit')
      transitInfo = await src.snapshot((r) => readTransit(r, src.builder(), ctx))
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

    // 6. reconcile partition by partition: half the partitions in a worker thread when the compiled worker exists
    //    (a lean heap first: see heap.ts)
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
    }
    const parts = Array.from({length: spill.partitions}, (_, p) => p)
    let merged = 0
    const onPartition = () => {
      merged++
      if ((merged & 7) === 0) progress('merging', {partitions: merged, of: spill.partitions})
    }
    // (a second reconcile thread was measured: no faster on two shared cores, ~50 MB more peak RSS; so one thread)
    const share = mergePartitions(spill, parts, settings, spill, 'r', onPartition)
    const {variances, totals} = share
    const keep = keepRow(settings.onlyNew)
    let rowsIter: Iterable<StockVarianceRow>
    let reported: number
    if (options.all) {
      reported = totals.keys.match * (options.onlyNew ? 0 : 1) + variances.filter(keep).length
      rowsIter = mergeSortedRows(spill)
    } else {
      const reportRows = share.rows.sort(compareRows)
      reported = reportRows.length
      rowsIter = reportRows
    }
    const mergeMs = performance.now() - mergeStart
    const mergeCpuUsage = process.cpuUsage(mergeCpu)

    if (totals.unitWarningCount > 0) {
      const ex = totals.unitWarnings.slice(0, 5).map((w) => `${w.item} ${w.from}→${w.to}`)
      warn(`${totals.unitWarningCount} quantities had a unit with no conversion to the item's ERP unit and were compared unconverted (e.g. ${ex.join(', ')}); add stock.units rules`)
    }

    // 7. summary and memory
    const keys = {total: 0, ...totals.keys}
    keys.total = totals.keys.match + totals.keys.within_tolerance + totals.keys.over_tolerance + totals.keys.only_in_erp + totals.keys.only_in_wms
    const sumErp = new Decimal(totals.sumAbsErp)
    const sumAbsDiff = new Decimal(totals.sumAbsDiff)
    const value = new Map<StockVarianceRow, Decimal>()
    share.values.forEach((v, i) => {
      if (v !== null) value.set(variances[i], new Decimal(v).abs())
    })
    const top = [...variances]
      .filter((r) => r.status !== 'within_tolerance')
      .sort((a, b) => {
        const va = value.get(a) ?? new Decimal(-1)
        const vb = value.get(b) ?? new Decimal(-1)
        const c = vb.cmp(va)
        return c !== 0 ? c : new Decimal(b.diff).abs().cmp(new Decimal(a.diff).abs()) || compareRows(a, b)
      })
      .slice(0, options.top ?? 10)
    const resolved = resolvedSince(history, variances)
    const ti = transitInfo as {rows: number; from: string; to: string} | null
    const summary: StockDiffSummary = {
      grain,
      erp: {source: erpSrc.name, rows: erpRead.rows, readMs: Math.round(erpRead.ms), lagSeconds: lag.get(erpSrc.name) ?? null},
      wms: {source: wmsSrc.name, rows: wmsRead.rows, readMs: Math.round(wmsRead.ms), lagSeconds: lag.get(wmsSrc.name) ?? null},
      keys,
      causes: totals.causes,
      recordAccuracyPct: keys.total === 0 ? '100' : new Decimal(keys.match).div(keys.total).times(100).toDecimalPlaces(4).toFixed(),
      deviationRatePct: sumErp.isZero() ? null : sumAbsDiff.div(sumErp).times(100).toDecimalPlaces(4).toFixed(),
      valueAtRisk: options.showCost ? new Decimal(totals.valueAtRisk).toFixed(2) : null,
      topVariances: top,
      resolved: {count: resolved.length, rows: resolved.slice(0, 100)},
      newVariances: variances.filter((v) => v.runs_seen === 1).length,
      newByStatus: countNew(variances),
      inTransitWindow: ti ? {from: ti.from, to: ti.to, movements: ti.rows} : null,
      warnings,
      reported,
      elapsedMs: Math.round(performance.now() - started),
      mergeMs: Math.round(mergeMs),
      mergeCpuMs: Math.round((mergeCpuUsage.user + mergeCpuUsage.system) / 1000),
    }
    const commit = () => saveStockHistory(opts.store, {scope, runId: opts.runId, erpRows: erpRead.rows, wmsRows: wmsRead.rows, keys: keys.total, variances})
    return {summary, rows: rowsIter, close, commit}
  } catch (error) {
    close()
    throw error
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

function countNew(variances: StockVarianceRow[]): StockDiffSummary['newByStatus'] {
  const out = {within_tolerance: 0, over_tolerance: 0, only_in_erp: 0, only_in_wms: 0}
  for (const v of variances) if (v.runs_seen === 1 && v.status !== 'match') out[v.status]++
  return out
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
