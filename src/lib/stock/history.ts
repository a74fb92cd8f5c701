import type {Knex} from 'knex'

import {lastRun, loadOpenFindings, saveRunHistory, type HistoryTables} from '../reconcile/history.js'
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
  /** Open variances of the previous run of this scope, by item\twarehouse\tlot. */
  open: Map<string, PreviousVariance>
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

export async function loadStockHistory(knex: Knex, scope: string): Promise<StockHistory> {
  const rows = await loadOpenFindings<ResolvedVariance>(knex, TABLES, {scope}, ['item', 'warehouse', 'lot', 'status', 'cause', 'erp_qty', 'wms_qty', 'first_seen', 'runs_seen'])
  const open: StockHistory['open'] = new Map()
  for (const r of rows) {
    open.set(`${r.item}\t${r.warehouse}\t${r.lot}`, {
      item: r.item,
      warehouse: r.warehouse,
      lot: r.lot,
      status: r.status,
      cause: r.cause,
      erpQty: r.erp_qty,
      wmsQty: r.wms_qty,
      firstSeen: r.first_seen,
      runsSeen: Number(r.runs_seen),
    })
  }
  const prev = await lastRun<{run_id: number; erp_rows: number | string; wms_rows: number | string}>(knex, TABLES, {}, ['run_id', 'erp_rows', 'wms_rows'])
  return {open, previousRows: prev ? {erp: Number(prev.erp_rows), wms: Number(prev.wms_rows), runId: Number(prev.run_id)} : null}
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
