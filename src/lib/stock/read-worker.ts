/**
 * One side of the stock reconciliation read in its own thread: the worker opens its own read-only connection, reads
 * the side (and the lookups that live on the same source) inside one consistent snapshot, normalises, maps and spills
 * every row, and hands the spill index back. Both sides then parse rows on two cores instead of one.
 */
import type {SourceConfig} from '../config/sources-schema.js'
import {Source} from '../sources/source.js'
import {serveReadWorker} from '../sources/worker-read.js'
import {CodeMap} from '../reconcile/mapping.js'
import {CompactCodeMap} from './compact-map.js'
import type {StockConfig} from './config.js'
import {readContext} from './read-context.js'
import {readErpStock, readItemMap, readItems, readItemUnits, readTransit, readWmsStock} from './read-sides.js'
import {Spill, type SpillIndex} from './spill.js'

export interface SideJob {
  side: 'erp' | 'wms'
  cfg: StockConfig
  source: {name: string; config: SourceConfig}
  baseDir: string
  partitions: number
  tempDir?: string
  /** The spill directory to write (created and tracked by the main thread, so that it is removed on any exit). */
  dir: string
  warehouses: string[]
  noLots: boolean
  /** Item map entries when the map does not come from this source (CSV file or another source). */
  itemMap?: Array<[string, string]>
  /** Read these lookups here too (they live on this source). */
  items: boolean
  units: boolean
  transit: boolean
}

/** What a side's thread hands back: its row counts, the spill index it wrote, the movements in transit it read. */
export interface SideResult {
  rows: number
  rowsRead: number
  readMs: number
  index: SpillIndex
  transit: {rows: number; from: string; to: string} | null
  /** The WMS warehouse codes the WMS stock read met (ReadContext.wmsWarehouses); [] for the ERP side. */
  wmsWarehouses: string[]
}

/** The shortest time between two row counts a reader thread posts (progress; the merge threads start on them). */
const ROWS_POST_MS = 100

/** The workerData key of a stock side's task. */
export const STOCK_SIDE_TASK = 'plantopsStockSide'

export async function readSideJob(job: SideJob, onRows: (n: number) => void): Promise<SideResult> {
  const t0 = performance.now()
  const {cfg} = job
  const spill = new Spill({partitions: job.partitions, tempDir: job.tempDir, dir: job.dir})
  let handedOver = false
  let src: Source
  try {
    src = await Source.open(job.source.name, job.source.config, {baseDir: job.baseDir})
  } catch (error) {
    spill.dispose()
    throw error
  }
  try {
    const itemMap = cfg.itemMap ? new CompactCodeMap() : new CodeMap(true)
    for (const [w, e] of job.itemMap ?? []) itemMap.set(w, e)
    // row counts go to the main thread at most every ROWS_POST_MS (each message wakes it: a post per 16,384 rows was
    // ~120 per side at 2,000,000 rows, ~0.1 s of the reader's profile in postMessage on a loaded machine)
    let posted = -Infinity
    let last = 0
    let sent = 0
    const post = (_side: 'erp' | 'wms', n: number) => {
      last = n
      const now = performance.now()
      if (now - posted < ROWS_POST_MS) return
      posted = now
      sent = n
      onRows(n)
    }
    const ctx = readContext({cfg, spill, itemMap, warehouses: job.warehouses, noLots: job.noLots, onRows: post})
    let transit: {rows: number; from: string; to: string} | null = null
    const rows = await src.snapshot(async (r) => {
      const im = cfg.itemMap
      if (job.side === 'wms' && im && 'source' in im && im.source === src.name) ctx.itemMap = await readItemMap(im, r, src.builder(), ctx)
      const n = job.side === 'erp' ? await readErpStock(r, src.builder(), ctx) : await readWmsStock(r, src.builder(), ctx)
      if (job.items) await readItems(r, src.builder(), ctx)
      if (job.units) await readItemUnits(r, src.builder(), ctx)
      if (job.transit) transit = await readTransit(r, src.builder(), ctx)
      return n
    })
    // the last count always goes
    if (last !== sent) onRows(last)
    const index = spill.exportIndex()
    spill.release()
    handedOver = true
    return {rows, rowsRead: src.rowsRead, readMs: performance.now() - t0, index, transit, wmsWarehouses: [...(ctx.wmsWarehouses ?? [])]}
  } finally {
    if (!handedOver) spill.dispose()
    await src.close()
  }
}

serveReadWorker(STOCK_SIDE_TASK, readSideJob)
