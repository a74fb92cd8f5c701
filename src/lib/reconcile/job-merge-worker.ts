/**
 * A reconcile job's merge on a second core: this thread claims partitions from the same shared counter as the main
 * thread and reconciles them from the same spill files (read-only), writing its rows to its own spill kind. Its parts and figures
 * go back as plain data; the main thread combines them in partition order (job-merge.ts combineJobParts).
 */
import {parentPort, workerData} from 'node:worker_threads'

import {errorData} from '../sources/worker-read.js'
import {PartitionClaim} from '../stock/merge.js'
import {Spill} from '../stock/spill.js'
import {GC_EVERY, JOB_MERGE_TASK, reconcileJobPartitions, type JobMergeDone, type JobMergeMessage, type JobMergeTask} from './job-merge.js'

export async function runJobMergeTask(task: JobMergeTask): Promise<JobMergeDone> {
  const spill = new Spill({partitions: task.partitions, dir: task.dir})
  try {
    spill.adopt(task.index, false)
    const {parts, figures} = await reconcileJobPartitions(spill, task.settings, new PartitionClaim(task.partitions, task.claim), {rowsKind: task.rowsKind, gcEvery: GC_EVERY.two})
    return {type: 'done', parts, figures, rows: spill.exportIndex([task.rowsKind])}
  } finally {
    spill.release()
  }
}

const data = workerData as Record<string, JobMergeTask> | null
if (parentPort && data && typeof data === 'object' && JOB_MERGE_TASK in data) {
  const port = parentPort
  runJobMergeTask(data[JOB_MERGE_TASK]).then(
    (done) => port.postMessage(done satisfies JobMergeMessage),
    (error: unknown) => port.postMessage({type: 'error', error: errorData(error)} satisfies JobMergeMessage),
  )
}
