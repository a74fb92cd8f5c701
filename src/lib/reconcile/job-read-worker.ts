/**
 * One side of a reconcile job read in its own thread (sources/worker-read.ts): the worker opens its own read-only
 * connection, reads the side inside one consistent snapshot (readJobSide: keys normalised, right codes mapped, values
 * parsed, every record spilled to its key's partition) and hands the spill index back for the main thread to adopt.
 * Both sides then parse rows on two cores instead of one.
 */
import {performance} from 'node:perf_hooks'

import type {SourceConfig} from '../config/sources-schema.js'
import {serveReadWorker} from '../sources/worker-read.js'
import {Source} from '../sources/source.js'
import {CodeMap} from '../stock/code-maps.js'
import {Spill, type SpillIndex} from '../stock/spill.js'
import type {ReconcileJobConfig} from './jobs-config.js'
import {readJobSide, type JobCodeMaps, type SideName, type SideReadResult} from './job-read.js'

/** The workerData key of a job side read. */
export const JOB_SIDE_TASK = 'plantopsJobSide'

/** A code map as plain data. */
export interface CodeMapData {
  identity: boolean
  entries: Array<[string, string]>
}

export interface JobSideTask {
  jobName: string
  job: ReconcileJobConfig
  side: SideName
  source: {name: string; config: SourceConfig}
  baseDir: string
  partitions: number
  /** The spill directory to write (created and tracked by the main thread, so that it is removed on any exit). */
  dir: string
  maps: {item?: CodeMapData; warehouse?: CodeMapData}
}

export interface JobSideDone {
  read: SideReadResult
  rowsRead: number
  readMs: number
  index: SpillIndex
}

export function codeMapData(m: CodeMap | undefined): CodeMapData | undefined {
  return m === undefined ? undefined : {identity: m.identity, entries: m.entries()}
}

function codeMapFrom(d: CodeMapData | undefined): CodeMap | undefined {
  if (d === undefined) return undefined
  const m = new CodeMap(d.identity)
  for (const [k, v] of d.entries) m.set(k, v)
  return m
}

export async function readJobSideTask(task: JobSideTask, onRows: (n: number) => void): Promise<JobSideDone> {
  const t0 = performance.now()
  const spill = new Spill({partitions: task.partitions, dir: task.dir})
  let handedOver = false
  let src: Source
  try {
    src = await Source.open(task.source.name, task.source.config, {baseDir: task.baseDir})
  } catch (error) {
    spill.dispose()
    throw error
  }
  try {
    const maps: JobCodeMaps = {item: codeMapFrom(task.maps.item), warehouse: codeMapFrom(task.maps.warehouse)}
    const read = await src.snapshot((reader) => readJobSide({jobName: task.jobName, job: task.job, side: task.side, source: src, reader, spill, maps, onRows}))
    const index = spill.exportIndex()
    spill.release()
    handedOver = true
    return {read, rowsRead: src.rowsRead, readMs: performance.now() - t0, index}
  } finally {
    if (!handedOver) spill.dispose()
    await src.close()
  }
}

serveReadWorker(JOB_SIDE_TASK, readJobSideTask)
