import type {LineReader, Spill} from '../stock/spill.js'
import {compareFindings, type JobFinding} from './job-types.js'

/**
 * k-way merge of a job's sorted partition outputs (a binary heap over one line reader per partition): every key of
 * a million-row job comes out in key order with only one row per partition in memory.
 */
export function* mergeSortedFindings(spill: Spill, kind: string): Generator<JobFinding> {
  const readers: LineReader[] = []
  const heap: Array<{row: JobFinding; src: number}> = []
  const less = (i: number, j: number) => compareFindings(heap[i].row, heap[j].row) < 0
  const swap = (i: number, j: number) => {
    const t = heap[i]
    heap[i] = heap[j]
    heap[j] = t
  }
  const push = (e: {row: JobFinding; src: number}) => {
    heap.push(e)
    let i = heap.length - 1
    while (i > 0 && less(i, (i - 1) >> 1)) {
      swap(i, (i - 1) >> 1)
      i = (i - 1) >> 1
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
        let m = i
        if (l < heap.length && less(l, m)) m = l
        if (l + 1 < heap.length && less(l + 1, m)) m = l + 1
        if (m === i) break
        swap(m, i)
        i = m
      }
    }
    return top
  }
  for (let p = 0; p < spill.partitions; p++) {
    const reader = spill.reader(kind, p)
    readers.push(reader)
    const line = reader.next()
    if (line !== undefined && line !== '') push({row: JSON.parse(line) as JobFinding, src: p})
  }
  while (heap.length > 0) {
    const {row, src} = pop()
    yield row
    const line = readers[src].next()
    if (line !== undefined && line !== '') push({row: JSON.parse(line) as JobFinding, src})
  }
}
