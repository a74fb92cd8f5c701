/**
 * The reconcile on a second core: this thread claims partitions from the same shared counter as the main thread and
 * reconciles them from the same spill files (read-only), writing --all rows to its own spill kind. Its part goes back
 * as plain data; the main thread combines the parts in partition order (merge.ts combineParts).
 */
import {parentPort, workerData} from 'node:worker_threads'

import {PartitionClaim, reconcilePartitions, type MergePart, type MergeSettings} from './merge.js'
import {Spill, type SpillIndex} from './spill.js'

export interface MergeJob {
  settings: MergeSettings
  /** The spill to read (every kind written by the readers and the main thread). */
  index: SpillIndex
  partitions: number
  claim: SharedArrayBuffer
  /** Where this thread writes its --all rows (created and removed by the main thread). */
  dir: string
  rowsKind: string
}

export type MergeMessage = {type: 'done'; part: MergePart; rows: SpillIndex} | {type: 'error'; message: string}

export async function runMergeJob(job: MergeJob): Promise<{part: MergePart; rows: SpillIndex}> {
  const spill = new Spill({partitions: job.partitions, dir: job.dir})
  try {
    spill.adopt(job.index, false)
    const part = await reconcilePartitions(spill, job.settings, new PartitionClaim(job.partitions, job.claim), {rowsKind: job.rowsKind})
    return {part, rows: spill.exportIndex([job.rowsKind])}
  } finally {
    spill.release()
  }
}

if (parentPort && workerData && (workerData as {plantopsMerge?: MergeJob}).plantopsMerge) {
  const port = parentPort
  runMergeJob((workerData as {plantopsMerge: MergeJob}).plantopsMerge).then(
    (r) => port.postMessage({type: 'done', ...r} satisfies MergeMessage),
    (error: unknown) => port.postMessage({type: 'error', message: (error as Error)?.message ?? String(error)} satisfies MergeMessage),
  )
}
