import {looseCode} from '../reconcile/keys.js'
import {eachSpilledLine, mergeSortedLines} from '../reconcile/sorted-merge.js'
import type {Spill} from './spill.js'
import {compareRows, type StockVarianceRow} from './types.js'

export const KIND_ROWS = 'r'

/**
 * A reconciled key as spilled: the row, its diff × unit cost (exact text; null without a cost) and, for an open
 * variance whose loose key (cause-groups.ts looseVarianceKey) is not the one its row gives (defaultLooseKey), that key:
 * what code_format across partitions needs of it (crossPartitionCodeFormat).
 */
export type SpilledRow = [row: StockVarianceRow, value: string | null, loose: string | null]

/** Spill one partition's rows, already sorted, as JSON lines (under `kind`: one per reconciling thread). */
export function writeSortedRows(spill: Spill, partition: number, rows: SpilledRow[], kind = KIND_ROWS): void {
  for (const r of rows) spill.write(kind, partition, JSON.stringify(r))
}

/** The loose key of an open variance as its row gives it (item, warehouse and lot ignoring case, spaces and width). */
export function defaultLooseKey(r: Pick<StockVarianceRow, 'item' | 'warehouse' | 'lot'>): string {
  return `${looseCode(r.item)}\t${looseCode(r.warehouse)}\t${looseCode(r.lot)}`
}

const compareSpilled = (a: SpilledRow, b: SpilledRow) => compareRows(a[0], b[0])

/**
 * k-way merge of the sorted partition files (src/lib/reconcile/sorted-merge.ts): every key of a 2,000,000-row plant
 * comes out in warehouse, item, lot order with only one row per partition in memory. Can be read more than once (the
 * report, then the history).
 */
export function mergeSortedRows(spill: Spill, kinds: string[] = [KIND_ROWS]): Generator<SpilledRow> {
  return mergeSortedLines<SpilledRow>(spill, kinds, compareSpilled)
}

/** The spilled rows partition by partition (no order across partitions): for readers that need none. */
export function eachSpilledRow(spill: Spill, kinds: string[] = [KIND_ROWS]): Generator<SpilledRow> {
  return eachSpilledLine<SpilledRow>(spill, kinds)
}
