import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker, type ResourceLimits} from 'node:worker_threads'

import {Decimal} from '../decimal/decimal.js'
import {collectGarbage} from '../heap/collect.js'
import {outOfMemoryError} from '../sources/worker-read.js'
import {toleranceRule} from '../reconcile/classify.js'
import {scaledToDecimal} from '../reconcile/scaled.js'
import {UnitConverter} from '../reconcile/units.js'
import type {StockConfig} from './config.js'
import type {MergeJob, MergeMessage} from './merge-worker.js'
import {suggestedAction} from '../reconcile/causes.js'
import {KIND_HISTORY, previousVariances, type PreviousVariance, type ResolvedVariance} from './history.js'
import {crossPartition, crossPartitionCodeFormat, emptyTotals, looseKeyOf, reconcilePartition, rowValue, type PartitionEnv, type PartitionTotals} from './reconcile-partition.js'
import {defaultLooseKey, eachSpilledRow, KIND_ROWS, mergeSortedRows, writeSortedRows, type SpilledRow} from './sorted-rows.js'
import type {Spill, SpillIndex} from './spill.js'
import {combineFigures, VarianceTally, type VarianceFigures} from './variance-figures.js'
import {compareRows, type StockVarianceRow} from './types.js'

/** Everything the reconcile phase needs besides the spill (plain data). */
export interface MergeSettings {
  cfg: StockConfig
  classes: string[]
  today: string
  showCost: boolean
  all: boolean
  onlyNew: boolean
  /** A --warehouse or --class filter is active. */
  trackScope?: boolean
  /** How many top variances the summary lists (default DEFAULT_TOP). */
  top?: number
  /**
   * stock.safety.minMatchRatio (the final check's; both sides have rows by then): the reconcile stops early when its
   * keys are far from it (linesUpFarBelow). Absent or 0: never.
   */
  minMatchRatio?: number
}

/** The reconciled partitions: plain data (sums as decimal text). */
/** The reconcile's totals; a thread's part also tags each unit warning with its partition (W). */
export interface MergeTotals<W> {
  keys: PartitionTotals['keys']
  causes: Record<string, number>
  sumAbsErp: string
  sumAbsDiff: string
  valueAtRisk: string
  valueInDataErrors: string
  unitWarnings: W[]
  unitWarningCount: number
  seenWarehouses: string[]
  seenClasses: string[]
  pairedWarehouses: string[]
  /** Warehouse, its keys only in the ERP, only in the WMS. */
  oneSided: Array<[string, number, number]>
}

export interface MergeShare {
  /** Causes found across partitions after the partitions were spilled (apply them to the spilled rows): key → cause. */
  patched: Map<string, string>
  /** What the summary says of the variances (counts, top, examples, resolved); the rows are in the spill. */
  figures: VarianceFigures
  totals: MergeTotals<PartitionTotals['unitWarnings'][number]>
}

export function partitionEnv(s: MergeSettings): PartitionEnv {
  const {cfg} = s
  return {
    cfg,
    units: new UnitConverter(cfg.units),
    extraFactors: cfg.causes.uomFactors.map((f) => new Decimal(f)),
    classes: new Set(s.classes),
    history: new Map(),
    today: s.today,
    showCost: s.showCost,
    all: s.all,
    trackScope: s.trackScope ?? false,
    tolerance: toleranceRule(cfg.tolerance),
    factorCache: new Map(),
  }
}

export function keepRow(onlyNew: boolean): (r: StockVarianceRow) => boolean {
  return (r) => !onlyNew || (r.status !== 'match' && r.runs_seen === 1)
}

/** How long the reconcile loop may run before it lets the event loop breathe (signals, progress). */
const YIELD_MS = 50

/**
 * The shared counters of a PartitionClaim: next partition, partitions reconciled, their keys, keys on both sides, item
 * codes of their variances, stop.
 */
const NEXT = 0
const DONE = 1
const KEYS = 2
const PAIRED = 3
const ITEMS = 4
const STOP = 5
const COUNTERS = 6

/**
 * Which partition to reconcile next: a counter shared by the threads that reconcile the same spill (Atomics on a
 * SharedArrayBuffer), so that the threads share the partitions without any waiting for a fixed share. A second
 * counter says how many are reconciled (the progress the main thread reports while merge threads work); three more count
 * their keys, the keys found on both sides and their variances' item codes (finished(held), for linesUpFarBelow), and
 * a flag stops every thread's claims (stop()).
 */
export class PartitionClaim {
  readonly counter: Int32Array
  constructor(readonly partitions: number, shared?: SharedArrayBuffer) {
    this.counter = new Int32Array(shared ?? new SharedArrayBuffer(4 * COUNTERS))
  }

  get buffer(): SharedArrayBuffer {
    return this.counter.buffer as SharedArrayBuffer
  }

  /** This thread's claimed window: partitions [at, end) still to hand out. */
  private at = 0
  private end = 0
  private window = 1

  /**
   * Claim `count` consecutive partitions at a time (this thread's next() hands them out one by one): threads that all
   * claim by the spill's read window (Spill.readWindow) each read a window of partitions back at once.
   */
  claimBy(count: number): this {
    this.window = Math.max(1, count)
    return this
  }

  /** The next unclaimed partition, or -1 when all are taken. */
  next(): number {
    if (Atomics.load(this.counter, STOP) !== 0) return -1
    if (this.at < this.end) return this.at++
    const p = Atomics.add(this.counter, NEXT, this.window)
    if (p >= this.partitions) return -1
    this.at = p + 1
    this.end = Math.min(p + this.window, this.partitions)
    return p
  }

  /**
   * One claimed partition is reconciled. With `held` (its keys, those of them found on both sides, the distinct item
   * codes of its variances: an item code lives in one partition, so the sums count distinct codes) it is counted, and
   * every thread's claims stop once linesUpFarBelow(minMatchRatio) says so.
   */
  finished(held?: {keys: number; paired: number; items: number}, minMatchRatio = 0): void {
    if (held !== undefined) {
      Atomics.add(this.counter, KEYS, held.keys)
      Atomics.add(this.counter, PAIRED, held.paired)
      Atomics.add(this.counter, ITEMS, held.items)
    }
    Atomics.add(this.counter, DONE, 1)
    if (linesUpFarBelow(minMatchRatio, this)) this.stop()
  }

  /** Partitions reconciled so far (by every thread). */
  get done(): number {
    return Atomics.load(this.counter, DONE)
  }

  /** Keys of the partitions reconciled so far, and those found on both sides. */
  get keys(): number {
    return Atomics.load(this.counter, KEYS)
  }

  get paired(): number {
    return Atomics.load(this.counter, PAIRED)
  }

  get items(): number {
    return Atomics.load(this.counter, ITEMS)
  }

  /** No thread claims another partition (next() says -1 everywhere). */
  stop(): void {
    Atomics.store(this.counter, STOP, 1)
  }

  get stopped(): boolean {
    return Atomics.load(this.counter, STOP) !== 0
  }

  /** What the partitions reconciled before a stop() held, or null when no thread stopped the claims. */
  earlyStop(): EarlyStop | null {
    return this.stopped ? {partitions: this.partitions, done: this.done, keys: this.keys, paired: this.paired} : null
  }
}

/** A reconcile stopped early because its keys do not line up (linesUpFarBelow): what the partitions it did held. */
export interface EarlyStop {
  partitions: number
  done: number
  keys: number
  paired: number
}

/** linesUpFarBelow needs at least this many keys reconciled, in at least this many partitions, with variances of at least this many item codes. */
export const EARLY_MIN_KEYS = 20_000
export const EARLY_MIN_PARTITIONS = 8
export const EARLY_MIN_ITEMS = 1_000

/**
 * Whether the partitions reconciled so far show that the keys do not line up, so that the reconcile stops before it
 * holds every key as a variance. The final check (checks.ts checkLinesUp) fails a run whose share of keys found on
 * both sides is below stock.safety.minMatchRatio; a broken cross-reference makes almost every key one-sided, and the
 * reconcile kept all of them in memory before saying so (the bins plant with a 1,000-row cross-reference: at
 * 200,000 keys/side 623-660 MB and 11 s, at 2,000,000 5.5 GB and 305 s before exit 3). Partitions are a hash of the
 * item code, so the keys of those reconciled first are those of a sample of the items: the run stops once at least
 * EARLY_MIN_KEYS keys in at least EARLY_MIN_PARTITIONS partitions, with variances of at least EARLY_MIN_ITEMS item
 * codes, show fewer than half of minMatchRatio on both sides. The item minimum is what makes it a sample worth judging:
 * a plant of few items with many lots each reaches 20,000 keys on a handful of them (2,000 items, 8% of them paired:
 * 32 of 1,024 partitions hold ~62, and 1 or none of them paired in ~4% of such samples); with 1,000 codes a plant at
 * 5% shows under 2.5% about twice in 10,000. The partition minimum only spreads the sample; at 8 the 2,000,000-key
 * bins plant with a broken cross-reference stops with ~33,000 variances held (at 32: ~130,000, 379-395 MB). The
 * error says the figures are a sample; minMatchRatio 0 turns both checks off.
 */
export function linesUpFarBelow(minMatchRatio: number, claim: {done: number; keys: number; paired: number; items: number}): boolean {
  const {done, keys, paired, items} = claim
  return minMatchRatio > 0 && keys >= EARLY_MIN_KEYS && done >= EARLY_MIN_PARTITIONS && items >= EARLY_MIN_ITEMS && paired * 2 < minMatchRatio * keys
}

/**
 * What one thread reconciled (some of the partitions): plain data that crosses threads (structured clone), bounded
 * whatever the number of variances: the rows themselves went to the spill, sorted per partition (SpilledRow).
 */
export interface MergePart {
  figures: VarianceFigures
  /** Loose keys of the open variances whose code_format partner may be in another partition (crossPartition). */
  candidates: string[]
  totals: MergeTotals<PartitionTotals['unitWarnings'][number] & {partition: number}>
}

/**
 * Reconcile the partitions this thread claims; each partition's rows (its variances, every key with --all) go back to
 * the spill sorted, under the kind `rowsKind` (read by mergeSortedRows), and what the summary says of them is counted
 * as they go (VarianceTally). Yields to the event loop every YIELD_MS so that SIGTERM/SIGINT are handled at once (the
 * run is marked interrupted and the spill removed).
 */
export async function reconcilePartitions(spill: Spill, s: MergeSettings, claim: PartitionClaim, opts: {onPartition?: () => void; rowsKind?: string} = {}): Promise<MergePart> {
  const env = partitionEnv(s)
  const totals = emptyTotals()
  const keep = keepRow(s.onlyNew)
  const tally = new VarianceTally(s.top ?? DEFAULT_TOP, s.onlyNew, s.cfg.failOn.oneSided)
  const candidates: string[] = []
  const warnings: MergePart['totals']['unitWarnings'] = []
  let lastYield = performance.now()
  // partitions are claimed by the spill's read windows (each read back at once: Spill.readWindow)
  claim.claimBy(spill.readWindow)
  for (let p = claim.next(); p >= 0; p = claim.next()) {
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      lastYield = performance.now()
    }
    const warned = totals.unitWarnings.length
    const {keys} = totals
    const keysBefore = keys.match + keys.within_tolerance + keys.over_tolerance
    const oneSidedBefore = keys.only_in_erp + keys.only_in_wms
    // the previous run's open variances of this partition (stock/history.ts loadStockHistory spilled them)
    const previous = (env.history = previousVariances(spill, p))
    spill.drop(KIND_HISTORY, p)
    const res = reconcilePartition(spill, p, env, totals)
    for (let i = warned; i < totals.unitWarnings.length; i++) warnings.push({...totals.unitWarnings[i], partition: p})
    const items = new Set<string>()
    for (const v of res.variances) {
      tally.variance(v, rowValue.get(v), p)
      items.add(v.item)
      if (v.cause === null && crossPartition.has(v)) candidates.push(looseKeyOf.get(v)!)
    }
    const spilled: SpilledRow[] = res.rows.sort(compareRows).map((r) => {
      if (keep(r)) tally.reportedRow()
      const loose = r.status === 'match' || r.cause !== null ? undefined : looseKeyOf.get(r)
      return [r, rowValue.get(r)?.toFixed() ?? null, loose === undefined || loose === defaultLooseKey(r) ? null : loose]
    })
    writeSortedRows(spill, p, spilled, opts.rowsKind)
    if (previous.size > 0) {
      const now = new Set(res.variances.map((v) => `${v.item}\t${v.warehouse}\t${v.lot}`))
      for (const [k, h] of previous) if (!now.has(k)) tally.resolved(resolvedVariance(h))
    }
    const paired = keys.match + keys.within_tolerance + keys.over_tolerance - keysBefore
    claim.finished({keys: paired + keys.only_in_erp + keys.only_in_wms - oneSidedBefore, paired, items: items.size}, s.minMatchRatio)
    opts.onPartition?.()
  }
  spill.flush()
  return {
    figures: tally.figures(),
    candidates,
    totals: {
      keys: totals.keys,
      causes: totals.causes,
      sumAbsErp: totals.sumAbsErp.plus(scaledToDecimal(totals.sumAbsErpFast.value())).toFixed(),
      sumAbsDiff: totals.sumAbsDiff.plus(scaledToDecimal(totals.sumAbsDiffFast.value())).toFixed(),
      valueAtRisk: totals.valueAtRisk.toFixed(),
      valueInDataErrors: totals.valueInDataErrors.toFixed(),
      unitWarnings: warnings,
      unitWarningCount: totals.unitWarningCount,
      seenWarehouses: [...totals.seenWarehouses],
      seenClasses: [...totals.seenClasses],
      ...warehouseFigures(totals),
    },
  }
}

/** The summary's default number of top variances. */
export const DEFAULT_TOP = 10

function resolvedVariance(h: PreviousVariance): ResolvedVariance {
  return {item: h.item, warehouse: h.warehouse, lot: h.lot, status: h.status, cause: h.cause, erp_qty: h.erpQty, wms_qty: h.wmsQty, first_seen: h.firstSeen, runs_seen: h.runsSeen}
}

/** A thread's or a run's per-warehouse figures as plain data, by warehouse code (the same whichever thread or join met them first). */
function warehouseFigures(totals: Pick<PartitionTotals, 'pairedWarehouses' | 'oneSided'>): Pick<MergeTotals<never>, 'pairedWarehouses' | 'oneSided'> {
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return {
    pairedWarehouses: [...totals.pairedWarehouses].sort(byCode),
    oneSided: [...totals.oneSided].sort((a, b) => byCode(a[0], b[0])).map(([wh, n]) => [wh, n.erp, n.wms]),
  }
}

/** The order of items tagged with their partition, stable within a partition. */
function byPartition(partitions: number[]): number[] {
  return partitions.map((_, i) => i).sort((a, b) => partitions[a] - partitions[b] || a - b)
}

/**
 * Combine the parts reconciled by one or more threads (as if one thread had done them all), then find code_format
 * across partitions (crossPartitionCodeFormat: it reads the spilled rows of `rowKinds` again when there are candidates).
 */
export function combineParts(parts: MergePart[], spill: Spill, rowKinds: string[], top = DEFAULT_TOP): MergeShare {
  const totals = emptyTotals()
  const sum = (f: (t: MergePart['totals']) => string) => parts.reduce((a, p) => a.plus(f(p.totals)), new Decimal(0))
  for (const p of parts) {
    for (const [k, n] of Object.entries(p.totals.keys)) totals.keys[k as keyof PartitionTotals['keys']] += n
    for (const [k, n] of Object.entries(p.totals.causes)) totals.causes[k] = (totals.causes[k] ?? 0) + n
    totals.unitWarningCount += p.totals.unitWarningCount
    for (const w of p.totals.seenWarehouses) totals.seenWarehouses.add(w)
    for (const c of p.totals.seenClasses) totals.seenClasses.add(c)
    for (const w of p.totals.pairedWarehouses) totals.pairedWarehouses.add(w)
    for (const [wh, erp, wms] of p.totals.oneSided) {
      const n = totals.oneSided.get(wh) ?? {erp: 0, wms: 0}
      n.erp += erp
      n.wms += wms
      totals.oneSided.set(wh, n)
    }
  }
  totals.valueAtRisk = sum((t) => t.valueAtRisk)
  totals.valueInDataErrors = sum((t) => t.valueInDataErrors)
  const warnings = parts.flatMap((p) => p.totals.unitWarnings)
  totals.unitWarnings = byPartition(warnings.map((w) => w.partition))
    .slice(0, 20)
    .map((i) => ({item: warnings[i].item, from: warnings[i].from, to: warnings[i].to}))
  const figures = combineFigures(
    parts.map((p) => p.figures),
    top,
  )
  const patched = crossPartitionCodeFormat(
    parts.flatMap((p) => p.candidates),
    () => eachSpilledRow(spill, rowKinds),
    totals,
  )
  const patch = new Map(patched.map((r) => [`${r.item}\t${r.warehouse}\t${r.lot}`, r.cause!]))
  for (const e of figures.top) patchRow(e.row, patch)
  return {
    patched: patch,
    figures,
    totals: {
      keys: totals.keys,
      causes: totals.causes,
      sumAbsErp: sum((t) => t.sumAbsErp).toFixed(),
      sumAbsDiff: sum((t) => t.sumAbsDiff).toFixed(),
      valueAtRisk: totals.valueAtRisk.toFixed(),
      valueInDataErrors: totals.valueInDataErrors.toFixed(),
      unitWarnings: totals.unitWarnings,
      unitWarningCount: totals.unitWarningCount,
      seenWarehouses: [...totals.seenWarehouses],
      seenClasses: [...totals.seenClasses],
      ...warehouseFigures(totals),
    },
  }
}

/** Give a row the cause code_format across partitions found for its key (and the action that goes with it). */
export function patchRow(r: StockVarianceRow, patched: Map<string, string>): void {
  if (patched.size === 0 || r.cause !== null) return
  const c = patched.get(`${r.item}\t${r.warehouse}\t${r.lot}`)
  if (c !== undefined) {
    r.cause = c as StockVarianceRow['cause']
    r.action = suggestedAction(r)
  }
}

/**
 * The rows of the report, in warehouse, item, lot order, streamed from the spill (keepRow: --only new), with the
 * causes found across partitions and the warehouse names.
 */
export function* reportRows(spill: Spill, rowKinds: string[], share: Pick<MergeShare, 'patched'>, onlyNew: boolean, whNames: Map<string, string>): Generator<StockVarianceRow> {
  const keep = keepRow(onlyNew)
  for (const [r] of mergeSortedRows(spill, rowKinds)) {
    if (!keep(r)) continue
    patchRow(r, share.patched)
    if (whNames.size > 0) r.warehouse_name = whNames.get(r.warehouse) ?? null
    yield r
  }
}

/**
 * Every variance of the run (what its history remembers), streamed from the spill partition by partition (the history
 * needs no order: without the k-way merge the 147,004 variances of a mis-mapped 200,000-key plant were saved in
 * 1.1 s less).
 */
export function* varianceRows(spill: Spill, rowKinds: string[], share: Pick<MergeShare, 'patched'>): Generator<StockVarianceRow> {
  for (const [r] of eachSpilledRow(spill, rowKinds)) {
    if (r.status === 'match') continue
    patchRow(r, share.patched)
    yield r
  }
}

/**
 * Reconcile every partition of the spill in this thread. Its rows are in the spill (read them with reportRows /
 * varianceRows); `variances` and `rows` are them read back, for tests.
 */
export async function mergePartitions(spill: Spill, s: MergeSettings, onPartition?: () => void): Promise<MergeShare & {variances: StockVarianceRow[]; rows: StockVarianceRow[]}> {
  const {share} = await mergeHere(spill, s, onPartition)
  return {...share, variances: [...varianceRows(spill, [KIND_ROWS], share)], rows: [...reportRows(spill, [KIND_ROWS], share, s.onlyNew, new Map())]}
}

/** Reconcile the spill in this thread; `early` as in ReconcileResult. */
async function mergeHere(spill: Spill, s: MergeSettings, onPartition?: () => void): Promise<{share: MergeShare; early: EarlyStop | null}> {
  const claim = new PartitionClaim(spill.partitions)
  const part = await reconcilePartitions(spill, s, claim, {onPartition})
  return {share: combineParts([part], spill, [KIND_ROWS], s.top), early: claim.earlyStop()}
}

/**
 * A merge thread's heap: a 16 MB young generation, and an old generation bounded at 2,000 MB (the default of a
 * machine with 8 GB). The bound is not there to be reached: below V8's 2 GB mark it makes V8 grow the heap by ~2x
 * instead of up to 4x between full collections, and the partitions' dead Maps and texts (large objects, freed only
 * by full collections) no longer pile up. Measured at 2,000,000 keys/side: this thread's heap 54-60 -> 46 MB, peak RSS
 * 234-240 -> 214-219 MB. A/B with two merge threads (2,000,000 rows/side, interleaved, load 9-18): without the bound
 * 13.9 / 15.3 s CPU and 274 / 233 MB, with it 14.1 / 14.4 s and 240 / 240 MB: no CPU cost seen, so it stays; a 32 MB
 * young generation gave no CPU back either (14.6 / 14.0 s, 244 / 252 MB), nor did 48 MB (16.5 / 15.2 s against 15.8 /
 * 15.0 s, 241 / 257 MB against 218 / 223 MB: its scavenges took half the time, the rest did not shrink). A thread that reaches the bound ends the run
 * as WORKER_OUT_OF_MEMORY (exit 70), never a hang.
 */
export const MERGE_WORKER_HEAP: ResourceLimits = {maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 2000}

/** Merge threads of a large run: one per core of the machine this was measured on (the main thread only waits). */
export const MERGE_THREADS = 2

/**
 * Merge threads started during the read; the others start when the read ends. An idle thread costs ~11 MB of RSS
 * (an isolate and its modules) at the read's end, where large runs peak; the first one ready hides most of the start
 * (~0.1-0.3 s) and the second claims partitions as soon as it is up. Measured (bins plant, load 9-18, noisy): at
 * 5,000,000 rows/side one ahead peaked at 276-283 MB (read phase), none ahead at 287 MB (merge phase: the two threads
 * started late grew heaps of 58-61 MB with 18-19 full collections, the one started ahead 53 MB with 2); at 2,000,000
 * one ahead 221-240 MB, none ahead 219-221 MB.
 */
export const MERGE_THREADS_AHEAD = 1

/**
 * Whether this thread reconciles partitions too (beside MERGE_THREADS - 1 merge threads) rather than only waiting for
 * MERGE_THREADS of them: yes while the larger side fits the default partitions at ROWS_PER_PARTITION (below ~3.7M rows
 * a partition holds at most ~3,600 rows, so this thread's unbounded heap stays small). Measured on the bins plant at
 * 2,000,000 keys/side (load < 3, one run each): two merge threads 11.2 s CPU and 236 MB, this thread and one merge
 * thread 10.3 s and 226 MB; at 5,000,000 (2,048 partitions) only merge threads kept the peak lower (h-mem: 255-282 MB
 * against 329-370 MB with this thread merging 1,024 partitions).
 */
export function mainMerges(largerSideRows: number, minPartitions: number, rowsPerPartition: number): boolean {
  return largerSideRows < minPartitions * rowsPerPartition
}

/** Below this many rows (both sides) the reconcile stays on this thread: starting threads costs more than it saves. */
export const PARALLEL_MIN_ROWS = 100_000

/**
 * Whether the merge threads started ahead (MERGE_THREADS_AHEAD) start now, during the read: once one side's read is done
 * and the rows read so far (both sides) reach PARALLEL_MIN_ROWS. A thread's start costs ~0.2-0.3 s of CPU (an isolate,
 * its bundle); while both sides are read the two cores are taken by the readers and the server, and a thread started
 * then slowed the side read in the reader thread, which ends the read phase. Once a side is done its core is free.
 * Measured against starting at 100,000 rows, interleaved: same-shape 2,000,000 rows/side 3.22-3.27 s against 3.26-3.55
 * s (6 pairs, one outlier each left out: load 4); bins plant 2,000,000 keys/side the same wall (5 pairs), peak RSS
 * 174-186 MB against 181-189 MB.
 */
export function startsMergeThreads(sidesRead: number, rowsRead: number): boolean {
  return sidesRead > 0 && rowsRead >= PARALLEL_MIN_ROWS
}

/** How often the main thread reports the merge threads' progress (ms). */
const PROGRESS_MS = 100

export interface ReconcileResult {
  share: MergeShare
  /** Spill kinds holding the reconciled rows, sorted per partition (for reportRows, varianceRows). */
  rowKinds: string[]
  /** Threads that reconciled. */
  threads: number
  /** Set when the keys did not line up and the reconcile stopped early (linesUpFarBelow): `share` is then partial. */
  early: EarlyStop | null
}

function mergeWorkerFile(): string | null {
  const file = fileURLToPath(new URL('merge-worker.js', import.meta.url))
  return existsSync(file) ? file : null
}

/**
 * Merge threads, (some) started before there is work for them (during the read: their module load is then off the
 * critical path) and each given one job once the spill is complete. While idle they do not keep the process alive (a run that
 * fails in its read exits as before; `stop()` ends them). The main thread reconciles nothing while they work: only
 * they do, each with a bounded heap (MERGE_WORKER_HEAP), claiming partitions from one shared counter.
 */
export class MergeThreads {
  private readonly workers: Worker[] = []
  private readonly results: Array<Promise<{part: MergePart; rows: SpillIndex}>> = []
  private stopped = false

  private constructor(
    private readonly file: string,
    count: number,
    private readonly limits: ResourceLimits,
  ) {
    this.add(count)
  }

  /** Start `count` more threads. */
  private add(count: number): void {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(this.file, {workerData: {plantopsMerge: {thread: this.workers.length + 1}}, resourceLimits: this.limits})
      this.workers.push(worker)
      const result = new Promise<{part: MergePart; rows: SpillIndex}>((resolve, reject) => {
        worker.once('message', (m: MergeMessage) => (m.type === 'done' ? resolve(m) : reject(new Error(m.message))))
        worker.once('error', (error) => reject(outOfMemoryError(error, this.limits)))
        worker.once('exit', (code) => reject(new Error(`the reconcile thread exited with code ${code}`)))
      })
      // a thread failing before it has work is said when the work is given to it (or never, when the run stops first)
      result.catch(() => {})
      this.results.push(result)
      // after the listeners (a 'message' listener refs the thread again)
      worker.unref()
    }
  }

  /** Start `count` merge threads, or null when the compiled worker does not exist (tests from source: one thread). */
  static start(count = MERGE_THREADS, limits: ResourceLimits = MERGE_WORKER_HEAP): MergeThreads | null {
    const file = mergeWorkerFile()
    return file === null ? null : new MergeThreads(file, count, limits)
  }

  get threads(): number {
    return this.workers.length
  }

  /**
   * Reconcile the whole spill on the threads; their parts are combined in partition order (the answer of one thread).
   * `newDir` gives each thread a spill directory for its --all rows (tracked and removed by the caller); the rows come
   * back as the spill's kinds `rowKinds`. One thread failing (an error, its heap limit, an exit) stops the others.
   */
  async run(spill: Spill, s: MergeSettings, opts: {newDir: () => string; onPartition?: () => void; count?: number; mainToo?: boolean}): Promise<ReconcileResult> {
    if (this.stopped) throw new Error('the merge threads were stopped')
    // the threads not started ahead start now (they claim partitions once ready, while the others already work)
    this.add(Math.max(0, (opts.count ?? (opts.mainToo ? MERGE_THREADS - 1 : MERGE_THREADS)) - this.workers.length))
    const claim = new PartitionClaim(spill.partitions)
    const index = spill.exportIndex()
    const rowKinds = [...(opts.mainToo ? [KIND_ROWS] : []), ...this.workers.map((_, i) => `${KIND_ROWS}${i + 1}`)]
    this.workers.forEach((worker, i) => {
      worker.ref()
      const job: MergeJob = {settings: s, index, partitions: spill.partitions, claim: claim.buffer, dir: opts.newDir(), rowsKind: `${KIND_ROWS}${i + 1}`}
      worker.postMessage(job)
    })
    let reported = 0
    const progress = () => {
      for (const done = claim.done; reported < done; reported++) opts.onPartition?.()
    }
    const timer = setInterval(progress, PROGRESS_MS)
    try {
      const theirs = Promise.all(this.results)
      theirs.catch(() => {})
      // a mid-sized run: this thread claims partitions too (its heap stays small: see mainMerges). Else it only waits,
      // and the read's garbage goes now, while the threads work: nothing here allocates enough to collect it. At
      // 5,000,000 keys/side (bins plant) the dead cross-reference (~900,000 codes) and read buffers were held through
      // the whole merge, where the run peaks: this thread's old space 37 -> 23 MB and external memory 22 -> 8 MB with
      // the collection, the run's peak RSS 246-250 -> 220-224 MB (3 interleaved pairs), same wall and CPU
      let mine: MergePart | null = null
      if (opts.mainToo) mine = await reconcilePartitions(spill, s, claim)
      else collectGarbage()
      const parts = await theirs
      progress()
      // done: their heaps go now, not at exit (the report is written after this)
      await this.stop()
      for (const p of parts) spill.adopt(p.rows)
      const all = parts.map((p) => p.part)
      return {share: combineParts(mine ? [mine, ...all] : all, spill, rowKinds, s.top), rowKinds, threads: this.workers.length + (mine ? 1 : 0), early: claim.earlyStop()}
    } catch (error) {
      await this.stop()
      throw error
    } finally {
      clearInterval(timer)
    }
  }

  /** End the threads (idle or working). */
  async stop(): Promise<void> {
    this.stopped = true
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => 0)))
  }
}

/**
 * Reconcile the spill: on the merge threads (`threads` started during the read, or threads started now when the sides
 * are large) when the compiled merge worker exists, else in this thread. `newDir` gives each merge thread a spill directory for its --all
 * rows (tracked and removed by the caller).
 */
export async function reconcileSpill(spill: Spill, s: MergeSettings, opts: {parallel: boolean; rows: number; newDir: () => string; onPartition?: () => void; threads?: MergeThreads | null; mainToo?: boolean}): Promise<ReconcileResult> {
  const parallel = opts.parallel && spill.partitions >= 2 && (opts.rows >= PARALLEL_MIN_ROWS || Boolean(opts.threads))
  if (!parallel) await opts.threads?.stop()
  const threads = parallel ? (opts.threads ?? MergeThreads.start()) : null
  if (threads === null) return {...(await mergeHere(spill, s, opts.onPartition)), rowKinds: [KIND_ROWS], threads: 1}
  return threads.run(spill, s, {newDir: opts.newDir, onPartition: opts.onPartition, mainToo: opts.mainToo})
}
