import {mergeSortedLines} from '../reconcile/sorted-merge.js'
import type {Spill} from './spill.js'
import {compareRows, type StockVarianceRow} from './types.js'

export const KIND_ROWS = 'r'

/** Spill one partition's report rows, already sorted, as JSON lines (under `kind`: one per reconciling thread). */
export function writeSortedRows(spill: Spill, partition: number, rows: StockVarianceRow[], kind = KIND_ROWS): void {
  for (const r of rows) spill.write(kind, partition, JSON.stringify(r))
}

/**
 * k-way merge of the sorted partition files (src/lib/reconcile/sorted-merge.ts): every key of a 2,000,000-row plant
 * comes out in warehouse, item, lot order with only one row per partition in memory.
 */
export function mergeSortedRows(spill: Spill, kinds: string[] = [KIND_ROWS]): Generator<StockVarianceRow> {
  return mergeSortedLines<StockVarianceRow>(spill, kinds, compareRows)
}
