import type {Knex} from 'knex'

import {eachOpenFinding, lastRun, saveRunHistory, type HistoryTables} from '../reconcile/history.js'
import {looseCode} from '../reconcile/keys.js'
import {nullableField, nullableValue, partitionOf, type Spill} from './spill.js'
import type {HistoryEntry} from './reconcile-partition.js'
import type {StockVarianceRow} from './types.js'

/** Where stock diff keeps its history (scope: grain, warehouses and classes of the run). */
const TABLES: HistoryTables = {findings: 'stock_variances', runs: 'stock_runs'}

/** An open variance of the previous run of a scope. */
export interface PreviousVariance extends HistoryEntry {
  item: string
  warehouse: string
  lot: string
  status: string
  cause: string | null
  erpQty: string | null
  wmsQty: string | null
}

/** What the previous stock-diff run of a scope left behind. */
export interface StockHistory {
  /**
   * How many open variances the previous run of this scope left: they are in the spill under KIND_HISTORY, each in the
   * partition its item is reconciled in (previousVariances reads a partition's).
   */
  open: number
  /** Rows read per side by the previous run (any scope): the baseline of the shrink check. */
  previousRows: {erp: number; wms: number; runId: number} | null
}

export interface ResolvedVariance {
  item: string
  warehouse: string
  lot: string
  /** Status and cause the previous run reported. */
  status: string
  cause: string | null
  erp_qty: string | null
  wms_qty: string | null
  first_seen: string
  runs_seen: number
}

/** The spill kind of the previous run's open variances. */
export const KIND_HISTORY = 'h'

/**
 * Load the previous run of the scope: its row counts, and its open variances written to `into` (a spill of the run's
 * partitions) page by page, each in the partition its item is reconciled in. Memory stays flat whatever their number
 * (1.47M after a night with a warehouse mapped wrong at 2,000,000 keys/side). `stop()` says the run ended meanwhile.
 */
export async function loadStockHistory(knex: Knex, scope: string, into: Spill, stop: () => boolean = () => false): Promise<StockHistory> {
  let open = 0
  const columns = ['item', 'warehouse', 'lot', 'status', 'cause', 'erp_qty', 'wms_qty', 'first_seen', 'runs_seen']
  for await (const r of eachOpenFinding<ResolvedVariance>(knex, TABLES, {scope}, columns)) {
    if (stop()) break
    const line = [r.item, r.warehouse, r.lot, r.status, r.cause, r.erp_qty, r.wms_qty, r.first_seen, String(r.runs_seen)].map(nullableField).join('\t')
    into.write(KIND_HISTORY, partitionOf(looseCode(r.item), into.partitions), line)
    open++
  }
  const prev = await lastRun<{run_id: number; erp_rows: number | string; wms_rows: number | string}>(knex, TABLES, {}, ['run_id', 'erp_rows', 'wms_rows'])
  return {open, previousRows: prev ? {erp: Number(prev.erp_rows), wms: Number(prev.wms_rows), runId: Number(prev.run_id)} : null}
}

/** The previous run's open variances of one partition (loadStockHistory), by item\twarehouse\tlot. */
export function previousVariances(spill: Spill, partition: number): Map<string, PreviousVariance> {
  const out = new Map<string, PreviousVariance>()
  for (const line of spill.lines(KIND_HISTORY, partition)) {
    const f = line.split('\t').map(nullableValue)
    const [item, warehouse, lot, status] = f as string[]
    out.set(`${item}\t${warehouse}\t${lot}`, {item, warehouse, lot, status, cause: f[4], erpQty: f[5], wmsQty: f[6], firstSeen: f[7]!, runsSeen: Number(f[8])})
  }
  return out
}

/** Replace the scope's open variances with this run's, and record the run's row counts (one transaction). */
export async function saveStockHistory(
  knex: Knex,
  opts: {scope: string; runId: number; erpRows: number; wmsRows: number; keys: number; variances: Iterable<StockVarianceRow>; count: number},
): Promise<void> {
  await saveRunHistory(knex, TABLES, {
    scope: {scope: opts.scope},
    items: opts.variances,
    finding: (r) => ({
      item: r.item,
      warehouse: r.warehouse,
      lot: r.lot,
      status: r.status,
      cause: r.cause,
      erp_qty: r.erp_qty,
      wms_qty: r.wms_qty,
      first_seen: r.first_seen ?? '',
      runs_seen: r.runs_seen ?? 1,
      last_run_id: opts.runId,
    }),
    run: {run_id: opts.runId, erp_rows: opts.erpRows, wms_rows: opts.wmsRows, keys: opts.keys, variances: opts.count},
  })
}
