/**
 * A side read in its own thread, the generic half: the main thread starts a worker with one plain-data task, hears its
 * row counts, and gets its result or its error back as the same typed error (message, code, exit code and hints kept,
 * so a bad value or an unreadable source still exits 3 naming the source). The worker side answers one task with
 * `serveReadWorker`. Whoever uses it supplies the task and the result (plain data: structured clone).
 *
 * Used by the reconcile jobs (reconcile/job-read-worker.ts) and the stock diff (stock/read-worker.ts).
 */
import {parentPort, Worker, workerData, type ResourceLimits} from 'node:worker_threads'

import {isPlantopsError, PlantopsError} from '../cli/errors.js'
import {ExitCode, type ExitCodeValue} from '../cli/exit-codes.js'
import {languageDecision, setLanguage, t, type LanguageDecision} from '../i18n/index.js'

/**
 * A small young generation per thread keeps the isolates' heaps (and the peak RSS) down; the old generation is left
 * unbounded (an item cross-reference of millions of codes must still fit).
 */
export const READ_WORKER_HEAP: ResourceLimits = {maxYoungGenerationSizeMb: 16}

export interface WorkerErrorData {
  message: string
  name: string
  code?: string
  exitCode?: number
  hints?: string[]
  source?: string
}

const LANG_KEY = 'plantopsLanguage'

export type ReadWorkerMessage<R> = {type: 'rows'; n: number} | {type: 'done'; result: R} | {type: 'error'; error: WorkerErrorData}

/** An error as plain data for postMessage. */
export function errorData(error: unknown): WorkerErrorData {
  const e = error as Error & {code?: string; exitCode?: number; hints?: string[]; source?: string}
  return {message: e?.message ?? String(error), name: e?.name ?? 'Error', code: e?.code, exitCode: isPlantopsError(error) ? e.exitCode : undefined, hints: e?.hints, source: e?.source}
}

/** The error a worker posted, as a PlantopsError with the same code, exit code and hints (a plain Error otherwise). */
export function errorFromData(e: WorkerErrorData): Error {
  return e.exitCode === undefined ? new Error(e.message) : new PlantopsError(e.message, {code: e.code ?? 'SOURCE_UNREADABLE', exitCode: e.exitCode as ExitCodeValue, hints: e.hints})
}

/**
 * A thread that reached its heap limit (`resourceLimits`): V8 stops it and Node reports ERR_WORKER_OUT_OF_MEMORY. Said
 * as such (exit 70, naming the limit), not as a bare engine message; the caller stops the other threads.
 */
export function outOfMemoryError(error: unknown, limits: ResourceLimits): Error {
  if ((error as {code?: string})?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return error as Error
  return new PlantopsError(t('reconcile.errors.workerOutOfMemory', {limit: limits.maxOldGenerationSizeMb ?? '-'}), {
    code: 'WORKER_OUT_OF_MEMORY',
    exitCode: ExitCode.INTERNAL,
    hints: [t('reconcile.errors.workerOutOfMemoryHint')],
  })
}

/**
 * Run one task in a worker thread (`file`, compiled JS) under `key` in workerData; `all` collects the workers so that
 * the caller can terminate the others when one fails. `limits` bound the thread's heap (default READ_WORKER_HEAP).
 */
export function runReadWorker<T, R>(file: string, key: string, task: T, onRows: (n: number) => void, all: Worker[] = [], limits: ResourceLimits = READ_WORKER_HEAP): Promise<R> {
  return new Promise((resolve, reject) => {
    // the thread speaks the language in force here (--lang, lang: in plantops.yaml), not only its environment's
    const worker = new Worker(file, {workerData: {[key]: task, [LANG_KEY]: languageDecision()}, resourceLimits: limits})
    all.push(worker)
    let settled = false
    worker.on('message', (m: ReadWorkerMessage<R>) => {
      if (m.type === 'rows') onRows(m.n)
      else if (m.type === 'done') {
        settled = true
        resolve(m.result)
      } else {
        settled = true
        reject(errorFromData(m.error))
      }
    })
    worker.on('error', (error) => {
      if (!settled) reject(outOfMemoryError(error, limits))
      settled = true
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(t('reconcile.errors.readerExited', {code})))
    })
  })
}

/** In a worker: when started with `key`, run `handler` on the task and post its rows, result or error. */
export function serveReadWorker<T, R>(key: string, handler: (task: T, onRows: (n: number) => void) => Promise<R>): void {
  const data = workerData as Record<string, T> | null
  if (!parentPort || !data || typeof data !== 'object' || !(key in data)) return
  const lang = (data as Record<string, unknown>)[LANG_KEY] as LanguageDecision | undefined
  if (lang) setLanguage(lang)
  const port = parentPort
  const post = (m: ReadWorkerMessage<R>) => port.postMessage(m)
  handler(data[key], (n) => post({type: 'rows', n})).then(
    (result) => post({type: 'done', result}),
    (error: unknown) => post({type: 'error', error: errorData(error)}),
  )
}
