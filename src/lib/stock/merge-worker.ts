/**
 * A merge thread: started during the read (merge.ts MergeThreads), it loads its modules and waits for one job. It then
 * claims partitions from the counter it shares with the other merge threads and reconciles them from the spill files
 * (read-only), writing its --all rows to its own spill kind. Its part goes back as plain data; the main thread combines
 * the parts in partition order (merge.ts combineParts).
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

if (parentPort && workerData && (workerData as {plantopsMerge?: unknown}).plantopsMerge) {
  const port = parentPort
  // one job: once it is answered the thread has nothing left to listen to and ends
  port.once('message', (job: MergeJob) => {
    runMergeJob(job).then(
      (r) => port.postMessage({type: 'done', ...r} satisfies MergeMessage),
      (error: unknown) => port.postMessage({type: 'error', message: (error as Error)?.message ?? String(error)} satisfies MergeMessage),
    )
  })
}
