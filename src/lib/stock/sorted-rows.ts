import type {LineReader, Spill} from './spill.js'
import {compareRows, type StockVarianceRow} from './types.js'

export const KIND_ROWS = 'r'

/** Spill one partition's report rows, already sorted, as JSON lines (under `kind`: one per reconciling thread). */
export function writeSortedRows(spill: Spill, partition: number, rows: StockVarianceRow[], kind = KIND_ROWS): void {
  for (const r of rows) spill.write(kind, partition, JSON.stringify(r))
}

/**
 * k-way merge of the sorted partition files (a binary heap over one line reader per partition): every key of a
 * 2,000,000-row plant comes out in warehouse, item, lot order with only one row per partition in memory.
 */
export function* mergeSortedRows(spill: Spill, kinds: string[] = [KIND_ROWS]): Generator<StockVarianceRow> {
  const readers: LineReader[] = []
  const heap: Array<{row: StockVarianceRow; src: number}> = []
  const push = (e: {row: StockVarianceRow; src: number}) => {
    heap.push(e)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (compareRows(heap[parent].row, heap[i].row) <= 0) break
      ;[heap[parent], heap[i]] = [heap[i], heap[parent]]
      i = parent
    }
  }
  const pop = () => {
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && compareRows(heap[l].row, heap[m].row) < 0) m = l
        if (r < heap.length && compareRows(heap[r].row, heap[m].row) < 0) m = r
        if (m === i) break
        ;[heap[m], heap[i]] = [heap[i], heap[m]]
        i = m
      }
    }
    return top
  }
  try {
    for (let p = 0; p < spill.partitions; p++) {
      for (const kind of kinds) {
        const reader = spill.reader(kind, p)
        const line = reader.next()
        if (line === undefined || line === '') continue
        readers.push(reader)
        push({row: JSON.parse(line) as StockVarianceRow, src: readers.length - 1})
      }
    }
    while (heap.length > 0) {
      const {row, src} = pop()
      yield row
      const line = readers[src].next()
      if (line !== undefined && line !== '') push({row: JSON.parse(line) as StockVarianceRow, src})
    }
  } finally {
    for (const r of readers) r.close()
  }
}
