import {mergeSortedLines} from '../reconcile/sorted-merge.js'
import type {Spill} from './spill.js'
import {compareRows, type StockVarianceRow} from './types.js'

const KIND_ROWS = 'r'

/** Spill one partition's report rows, already sorted, as JSON lines. */
export function writeSortedRows(spill: Spill, partition: number, rows: StockVarianceRow[]): void {
  for (const r of rows) spill.write(KIND_ROWS, partition, JSON.stringify(r))
}

/**
 * k-way merge of the sorted partition files (src/lib/reconcile/sorted-merge.ts): every key of a 2,000,000-row plant
 * comes out in warehouse, item, lot order with only one row per partition in memory.
 */
export function mergeSortedRows(spill: Spill): Generator<StockVarianceRow> {
  return mergeSortedLines<StockVarianceRow>(spill, KIND_ROWS, compareRows)
}
