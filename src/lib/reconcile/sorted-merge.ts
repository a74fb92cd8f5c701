import type {LineReader, Spill} from '../stock/spill.js'

/** What the readers of one k-way merge hold at most together (bytes read, not yet returned). */
export const SORTED_MERGE_BYTES = 16 * 1024 * 1024

/** Each reader's chunk: SORTED_MERGE_BYTES shared by the readers, between 4 KB and 1 MB. */
export function sortedLineChunk(readers: number): number {
  return Math.max(4096, Math.min(1 << 20, Math.floor(SORTED_MERGE_BYTES / Math.max(1, readers))))
}

/**
 * k-way merge of sorted partition files (a binary heap over one line reader per partition): every key of a
 * multi-million-row run comes out in report order with one row and at most one chunk (sortedLineChunk) per partition
 * in memory. Used by stock diff (its report rows) and the reconcile jobs (their findings); each spills its rows as
 * JSON lines of one `kind` (or several: stock diff's reconciling threads write one kind each), each partition already
 * sorted by `compare`.
 */
export function* mergeSortedLines<T>(spill: Spill, kind: string | string[], compare: (a: T, b: T) => number): Generator<T> {
  const readers: LineReader[] = []
  const heap: Array<{row: T; src: number}> = []
  const push = (e: {row: T; src: number}) => {
    heap.push(e)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (compare(heap[parent].row, heap[i].row) <= 0) break
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
        if (l < heap.length && compare(heap[l].row, heap[m].row) < 0) m = l
        if (r < heap.length && compare(heap[r].row, heap[m].row) < 0) m = r
        if (m === i) break
        ;[heap[m], heap[i]] = [heap[i], heap[m]]
        i = m
      }
    }
    return top
  }
  try {
    const kinds = typeof kind === 'string' ? [kind] : kind
    const chunk = sortedLineChunk(spill.partitions * kinds.length)
    for (let p = 0; p < spill.partitions; p++) {
      for (const k of kinds) {
        const reader = spill.reader(k, p, chunk)
        readers.push(reader)
        const line = reader.next()
        if (line !== undefined && line !== '') push({row: JSON.parse(line) as T, src: readers.length - 1})
      }
    }
    while (heap.length > 0) {
      const {row, src} = pop()
      yield row
      const line = readers[src].next()
      if (line !== undefined && line !== '') push({row: JSON.parse(line) as T, src})
    }
  } finally {
    for (const r of readers) r.close()
  }
}

/**
 * The same JSON lines partition by partition, with no order across partitions (one reader at a time): for what needs
 * every row but no order (the run history, a scan for causes across partitions).
 */
export function* eachSpilledLine<T>(spill: Spill, kinds: string[]): Generator<T> {
  const chunk = sortedLineChunk(1)
  for (let p = 0; p < spill.partitions; p++) {
    for (const kind of kinds) {
      const reader = spill.reader(kind, p, chunk)
      for (let line = reader.next(); line !== undefined; line = reader.next()) if (line !== '') yield JSON.parse(line) as T
    }
  }
}
