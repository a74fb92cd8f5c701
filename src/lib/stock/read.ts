/**
 * The read phase of a stock diff: replica lag of every source first, then both sides in parallel (each in one
 * read-only snapshot, with the lookups the plan puts there), one side in a reader thread and the other in this thread
 * (homeSide) when the compiled worker exists, then the lookups that live on other sources. Every row ends normalised, mapped and spilled to hash partitions.
 */
import {existsSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {Worker, type ResourceLimits} from 'node:worker_threads'

import {CodeMap, itemMapFromFile} from '../reconcile/mapping.js'
import {codeText} from '../reconcile/keys.js'
import {buildSideRead} from '../reconcile/side-read.js'
import type {Reader, Source} from '../sources/source.js'
import {runReadWorker} from '../sources/worker-read.js'
import {tableRows} from '../sources/catalog.js'
import type {StockConfig} from './config.js'
import type {DiffScope, ReadPlace, ReadPlan} from './plan.js'
import {STOCK_SIDE_TASK, type SideJob, type SideResult} from './read-worker.js'
import {readContext} from './read-context.js'
import {readErpStock, readItemMap, readItems, readItemUnits, readTransit, readWmsStock, sideNormalizers} from './read-sides.js'
import type {Spill} from './spill.js'

export interface SideRead {
  rows: number
  ms: number
}

export interface ReadResult {
  erp: SideRead
  wms: SideRead
  transit: {rows: number; from: string; to: string} | null
  /** The WMS warehouse codes (normalised) the WMS stock read met, filters applied. */
  wmsWarehouses: string[]
}

export interface ReadInput {
  cfg: StockConfig
  baseDir: string
  sources: Map<string, Source>
  spill: Spill
  scope: DiffScope
  plan: ReadPlan
  /** Read each side in a worker thread when the compiled worker exists (and a side may be large: `sizes`). */
  workers: boolean
  /** Both sides' sizes as the catalog says (sideSizes, asked once per run). */
  sizes: {erp: SideSize; wms: SideSize}
  /** A new spill directory for a thread to write (tracked and removed by the caller). */
  newDir: () => string
  onRows: (side: 'erp' | 'wms', rows: number) => void
  /** A side's read is done (its rows, and the lookups read in its snapshot, are in the spill): told once per side. */
  onSideRead?: (side: 'erp' | 'wms') => void
}

/**
 * The heap of the stock reader thread (the smaller side; the main thread reads the other: homeSide). Its live data is small
 * (bounded per-value caches, the spill's arena) except the item cross-reference; the rest is garbage of the row stream.
 * Unbounded, V8 lets an old generation grow to ~4× its live data between full collections (its growing factor depends
 * on the heap's maximum): measured at 1,500,000 rows/side when both sides had a reader thread, reader heaps of 52 and
 * 62 MB (16 MB young generation each). An 8 MB young generation and a 1 GB old generation
 * bound (V8 then grows the heap by at most ~1.6× between collections) give 35 and 44 MB (the CPU cost, if any, was
 * within the noise of a loaded machine: to be re-measured quietly). 1 GB is far above any live set a reader holds (a
 * cross-reference of millions of codes is tens of MB); a thread that reaches it anyway ends the run with
 * WORKER_OUT_OF_MEMORY (worker-read.ts), never a hang.
 */
export const STOCK_READER_HEAP: ResourceLimits = {maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 1024}

/**
 * Below this many rows on both sides, both are read in this thread: a reader thread starts a Node thread and loads its
 * bundle with knex and mysql2 again (~0.2 s of CPU each since scripts/bundle.mjs bundles it; 0.3-0.4 s before), more
 * than reading a small plant costs (the 20,000-row demo reads in ~0.1 s).
 */
export const THREADS_MIN_ROWS = 50_000

/**
 * What the catalog says of a side's size: its rows (MySQL's table estimate; SQLite rows counted up to a bound), or
 * null when it says nothing (a free query, a table the catalog does not list, a refused catalog read: the side's own
 * read says what is wrong).
 */
export type SideSize = number | null

/** A side's size (SideSize); SQLite rows are counted up to `upTo` at most. */
export async function sideSize(src: Source, table: string | undefined, upTo: number): Promise<SideSize> {
  if (table === undefined) return null
  try {
    const size = await tableRows(src, table, {upTo})
    return size.found ? size.rows : null
  } catch {
    return null
  }
}

/**
 * Both sides' sizes, one catalog read per side, asked once per run: the partition count (the larger side) and the
 * reader-thread choice (mayBeLarge) both use them.
 */
export async function sideSizes(cfg: StockConfig, sources: Map<string, Source>, upTo: number): Promise<{erp: SideSize; wms: SideSize}> {
  const [erp, wms] = await Promise.all([sideSize(sources.get(cfg.erp.source)!, cfg.erp.table, upTo), sideSize(sources.get(cfg.wms.source)!, cfg.wms.table, upTo)])
  return {erp, wms}
}

/** Whether a side may hold THREADS_MIN_ROWS rows or more: a size the catalog does not know counts as large (threads cost little there). */
export function mayBeLarge(size: SideSize): boolean {
  return size === null || size >= THREADS_MIN_ROWS
}

/**
 * The side read in the command's thread when the other has a reader thread: the larger by the catalog's sizes, the WMS
 * side on a tie or when a size is unknown (it carries the item cross-reference and the bins). This thread starts its
 * read at once; the reader thread's starts ~0.2 s later (a Node thread, its bundle, its connection), so the longer
 * read goes here. On the bins plant at 2,000,000 keys/side (2,400,000 WMS bins through a 400,000-code cross-reference)
 * the WMS side here and the ERP side in the thread also peaked lower: 200-206 MB against 208-212 MB (4 interleaved
 * pairs, same CPU); same-shape tables (a tie) are read as before.
 */
export function homeSide(sizes: {erp: SideSize; wms: SideSize}): 'erp' | 'wms' {
  return sizes.erp !== null && sizes.wms !== null && sizes.erp > sizes.wms ? 'erp' : 'wms'
}

/** Read both sides (and every lookup) into the spill. */
export async function readSides(a: ReadInput): Promise<ReadResult> {
  const {cfg, plan, scope, spill} = a
  // a side read here stops at its next row count once the other side has failed (its error)
  let stopped: {error: unknown} | null = null
  const onRows = (side: 'erp' | 'wms', n: number) => {
    if (stopped !== null) throw stopped.error
    a.onRows(side, n)
  }
  const ctx = readContext({cfg, spill, itemMap: new CodeMap(true), warehouses: scope.warehouses, noLots: scope.noLots, onRows})
  const {erpNorm, wmsNorm} = ctx
  // the item cross-reference first when it is not read inside the WMS snapshot
  const im = cfg.itemMap
  if (im && 'file' in im) ctx.itemMap = await itemMapFromFile(im, a.baseDir, wmsNorm.code, erpNorm.code)
  else if (im && plan.itemMap === 'alone') {
    const src = a.sources.get(im.source)!
    ctx.itemMap = await src.snapshot((r) => readItemMap(im, r, src.builder(), ctx))
  }

  const erpSrc = a.sources.get(cfg.erp.source)!
  const wmsSrc = a.sources.get(cfg.wms.source)!
  let transit: ReadResult['transit'] = null
  let erp: SideRead
  let wms: SideRead
  // a side read in this thread: in its snapshot with the lookups the plan puts there
  const lookups = async (where: ReadPlace, src: Source, r: Reader) => {
    if (plan.items === where) await readItems(r, src.builder(), ctx)
    if (plan.units === where) await readItemUnits(r, src.builder(), ctx)
    if (plan.transit === where) transit = await readTransit(r, src.builder(), ctx)
  }
  const readSide = async (side: 'erp' | 'wms'): Promise<SideRead> => {
    const src = side === 'erp' ? erpSrc : wmsSrc
    const t0 = performance.now()
    const rows = await src.snapshot(async (r) => {
      if (side === 'wms' && im && 'source' in im && plan.itemMap === 'wms') ctx.itemMap = await readItemMap(im, r, src.builder(), ctx)
      const n = side === 'erp' ? await readErpStock(r, src.builder(), ctx) : await readWmsStock(r, src.builder(), ctx)
      await lookups(side, src, r)
      return n
    })
    return {rows, ms: performance.now() - t0}
  }
  const workerFile = fileURLToPath(new URL('read-worker.js', import.meta.url))
  const threads = a.workers && existsSync(workerFile) && (mayBeLarge(a.sizes.erp) || mayBeLarge(a.sizes.wms))
  if (threads) {
    const job = (side: 'erp' | 'wms', src: Source): SideJob => ({
      side,
      cfg,
      source: {name: src.name, config: src.config},
      baseDir: a.baseDir,
      partitions: spill.partitions,
      tempDir: cfg.tempDir,
      dir: a.newDir(),
      warehouses: scope.warehouses,
      noLots: scope.noLots,
      itemMap: side === 'wms' && plan.itemMap !== 'wms' && im ? ctx.itemMap.entries() : undefined,
      items: plan.items === side,
      units: plan.units === side,
      transit: plan.transit === side,
    })
    // one side in a reader thread, the other in this thread (which otherwise only waits: its modules are loaded and its
    // sources open, where a second reader thread starts a Node thread and loads its bundle again: ~0.3 s of CPU, and
    // the side's read starts that much later); which one: homeSide. One side failing (a killed connection, a missing
    // table) ends the run now: the reader thread is stopped at once, the read here too (its snapshot's connection is
    // closed; a SQLite read stops at its next row count)
    const readers: Worker[] = []
    const home = homeSide(a.sizes)
    const away = home === 'erp' ? 'wms' : 'erp'
    const [homeSrc, awaySrc] = home === 'erp' ? [erpSrc, wmsSrc] : [wmsSrc, erpSrc]
    const thread = runReadWorker<SideJob, SideResult>(workerFile, STOCK_SIDE_TASK, job(away, awaySrc), (n) => a.onRows(away, n), readers, STOCK_READER_HEAP)
    const here = readSide(home)
    // told as each one ends (the other's read goes on)
    here.then(() => a.onSideRead?.(home), () => {})
    thread.then(() => a.onSideRead?.(away), () => {})
    const [h, w] = await Promise.all([here, thread]).catch(async (error: unknown) => {
      stopped = {error}
      here.catch(() => {})
      homeSrc.abortSnapshots()
      thread.catch(() => {})
      await Promise.all(readers.map((r) => r.terminate().catch(() => 0)))
      throw error
    })
    spill.adopt(w.index)
    awaySrc.rowsRead += w.rowsRead
    if (w.transit) transit = w.transit
    if (away === 'wms') ctx.wmsWarehouses = new Set(w.wmsWarehouses)
    const there = {rows: w.rows, ms: w.readMs}
    ;[erp, wms] = home === 'erp' ? [h, there] : [there, h]
    if (away === 'wms' && plan.itemMap === 'wms' && plan.transit === 'alone' && cfg.inTransit?.side === 'wms') {
      // the map was read inside the WMS thread; the movements on another source need it here too
      ctx.itemMap = await wmsSrc.snapshot((r) => readItemMap(im as Extract<typeof im, {source: string}>, r, wmsSrc.builder(), ctx))
    }
  } else {
    if (erpSrc.name === wmsSrc.name || erpSrc.dialect === 'sqlite' || wmsSrc.dialect === 'sqlite') {
      // one connection per SQLite file: read one after the other
      wms = await readSide('wms')
      erp = await readSide('erp')
    } else [erp, wms] = await Promise.all([readSide('erp'), readSide('wms')])
  }

  // the lookups on other sources, one snapshot per source, after both sides (movements need the item map)
  const alone = [
    [cfg.items?.source, plan.items, () => readItems],
    [cfg.units.itemUnits?.source, plan.units, () => readItemUnits],
  ] as const
  for (const [name, src] of a.sources) {
    const here = [cfg.items, cfg.units.itemUnits, cfg.inTransit].some((l, i) => l?.source === name && [plan.items, plan.units, plan.transit][i] === 'alone')
    if (!here) continue
    await src.snapshot(async (r) => {
      for (const [source, place, reader] of alone) if (place === 'alone' && source === name) await reader()(r, src.builder(), ctx)
      if (plan.transit === 'alone' && cfg.inTransit?.source === name) transit = await readTransit(r, src.builder(), ctx)
    })
  }
  spill.flush()
  return {erp, wms, transit, wmsWarehouses: [...(ctx.wmsWarehouses ?? [])]}
}

/** ERP warehouse code → name (stock.warehouses), read in one small query. */
export async function warehouseNames(cfg: StockConfig, sources: Map<string, Source>): Promise<Map<string, string>> {
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
