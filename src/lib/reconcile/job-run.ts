import {existsSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import type {Worker} from 'node:worker_threads'

import type {Knex} from 'knex'

import {ConfigError, PlantopsError, SourceError, UsageError} from '../cli/errors.js'
import {ExitCode} from '../cli/exit-codes.js'
import {t} from '../i18n/index.js'
import {Decimal} from '../decimal/decimal.js'
import {checkReplicaLag} from '../sources/lag.js'
import type {Source} from '../sources/source.js'
import {runReadWorker} from '../sources/worker-read.js'
import {CodeMap, itemMapFromFile, itemMapFromSource} from '../stock/code-maps.js'
import type {StockConfig} from '../stock/config.js'
import {collectGarbage} from '../heap/collect.js'
import type {EarlyStop} from '../stock/merge.js'
import {codeNormalizer} from '../stock/normalize.js'
import {createSpillDir, removeSpillDir, Spill} from '../stock/spill.js'
import type {ReconcileConfig, ReconcileJobConfig} from './jobs-config.js'
import {loadJobHistory, saveJobHistory, type ResolvedFinding} from './job-history.js'
import {jobFindings, keepFinding, reconcileJobSpill, type JobFigures, type JobMergeSettings} from './job-merge.js'
import {readJobSide, type JobCodeMaps, type SideName, type SideReadResult} from './job-read.js'
import {codeMapData, JOB_SIDE_TASK, type JobSideDone, type JobSideTask} from './job-read-worker.js'
import {mergeSortedFindings} from './job-sorted.js'
import type {JobCause, JobFinding, JobStatus} from './job-types.js'
import {graceCutoff, localDateTime} from './job-values.js'
import {formatScaled, scaledToDecimal, type Scaled} from './scaled.js'

export interface JobSourceAccess {
  get(name: string): Promise<Source>
}

export interface JobRunOptions {
  /** Report every key, matches included. */
  all?: boolean
  /** Report only findings first seen in this run. */
  onlyNew?: boolean
  allowStale?: boolean
  /** Read server sources in reader threads when the compiled worker exists (default true). */
  workers?: boolean
  onProgress?: (phase: string, counters: Record<string, number>) => void
  onWarning?: (message: string) => void
}

export interface JobSideSummary {
  label: string
  source: string
  rows: number
  records: number
  /** Right records left out by the status filter; records with an empty key. */
  excluded: number
  unkeyed: number
  readMs: number
  lagSeconds: number | null
  /** GROUP BY ran on the server. */
  pushedDown: boolean
}

export interface JobRunSummary {
  job: string
  description: string | null
  keyNames: string[]
  /** Display name of each status (configured names, else the status itself). */
  names: Record<JobStatus, string>
  left: JobSideSummary
  right: JobSideSummary
  keys: {total: number} & Record<JobStatus, number>
  causes: Partial<Record<JobCause, number>>
  /** Per quantity field: Σ|right − left| ÷ Σ|left| × 100 (4 places); null when the left side sums to zero. */
  deviationRatePct: Record<string, string | null>
  /** With a day key: the first quantity field's deviation rate per day. */
  deviationByDay: Array<{day: string; left: string; absDiff: string; deviationRatePct: string | null}>
  /** Matching keys ÷ all keys, percent (4 places). */
  matchRatePct: string
  /** Records changed after this plant-local time were in flight (null without grace). */
  graceCutoff: string | null
  newFindings: number
  newByStatus: Record<'differs' | 'only_in_left' | 'only_in_right', number>
  resolved: {count: number; rows: ResolvedFinding[]}
  warnings: string[]
  reported: number
  elapsedMs: number
}

export interface JobRunOutcome {
  summary: JobRunSummary
  /** The rows to report, sorted by key, streamed from the spill: iterate once. */
  rows: Iterable<JobFinding>
  /**
   * Remember this run's findings (first_seen, consecutive runs, resolved); call once the report is written, before
   * close() (they are read from the spill once more).
   */
  commit(): Promise<void>
  /** Remove the spill (every exit path). */
  close(): void
}

/** The `reconcile` section's job, or exit 2 naming the jobs there are. */
export function requireJob(section: ReconcileConfig | undefined, name: string, file: string): ReconcileJobConfig {
  if (!section) {
    throw new ConfigError(t('reconcile.errors.notConfigured', {file}), {code: 'RECONCILE_NOT_CONFIGURED', hints: [t('reconcile.errors.notConfiguredHint')]})
  }
  const job = section.jobs[name]
  if (!job) throw new UsageError(t('reconcile.errors.noJob', {name, file}), {hints: [t('reconcile.errors.noJobHint', {jobs: Object.keys(section.jobs).join(', ') || t('reconcile.errors.noJobs')})]})
  return job
}

/**
 * Run one reconcile job: check replica lag, read the code maps, read each side in one read-only snapshot into hash
 * partitions on disk (bounded memory), refuse an empty or shrunken side, reconcile partition by partition, and return
 * the sorted findings with a summary. History (first_seen, consecutive runs, resolved) is saved by commit().
 */
export async function runReconcileJob(opts: {
  name: string
  job: ReconcileJobConfig
  stock: StockConfig | undefined
  baseDir: string
  sources: JobSourceAccess
  store: Knex
  runId: number
  options: JobRunOptions
  now?: Date
}): Promise<JobRunOutcome> {
  const started = performance.now()
  const {job, name, options} = opts
  const warnings: string[] = []
  const warn = (m: string) => {
    warnings.push(m)
    options.onWarning?.(m)
  }
  const progress = options.onProgress ?? (() => {})
  const labels = {left: job.left.label ?? job.left.source, right: job.right.label ?? job.right.source}

  // 1. lag of every source the job reads, before reading anything
  const im = job.link.keys.some((k) => k.map === 'item') || Object.values(job.compare).some((f) => f.type === 'code' && f.map === 'item') ? opts.stock?.itemMap : undefined
  const names = [...new Set([job.left.source, job.right.source, im && 'source' in im ? im.source : undefined].filter((s): s is string => s !== undefined))]
  progress('checking replica lag', {})
  const {sources, lag} = await checkReplicaLag(names, (n) => opts.sources.get(n), {allowStale: options.allowStale, warn})

  // 2. the code maps (right codes → left codes)
  const maps: JobCodeMaps = {}
  const rightNorm = codeNormalizer(job.right.normalize)
  const leftNorm = codeNormalizer(job.left.normalize)
  if (opts.stock) {
    const wm = new CodeMap(false)
    for (const [w, e] of Object.entries(opts.stock.warehouseMap)) wm.set(rightNorm(w), leftNorm(e))
    maps.warehouse = wm
  }
  if (im && 'file' in im) maps.item = await itemMapFromFile(im, opts.baseDir, rightNorm, leftNorm)
  else if (im) {
    const src = sources.get(im.source)!
    maps.item = await src.snapshot((r) => itemMapFromSource(im, r, src.builder(), rightNorm, leftNorm))
    if (maps.item.size === 0) warn(t('reconcile.warn.itemMapEmpty', {source: im.source}))
  }

  const spill = new Spill({partitions: job.partitions, tempDir: job.tempDir})
  const threadDirs: string[] = []
  let closed = false
  const close = () => {
    if (!closed) {
      spill.dispose()
      for (const d of threadDirs) removeSpillDir(d)
    }
    closed = true
  }
  try {
    // the previous run's open findings, into the spill by partition (before the sides are read)
    const history = await loadJobHistory(opts.store, name, spill)
    // 3. each side in one read-only snapshot
    const counters = {left: 0, right: 0}
    const onRows = (side: SideName) => (n: number) => {
      counters[side] = n
      progress('reading', {[labels.left]: counters.left, [labels.right]: counters.right})
    }
    progress('reading', {[labels.left]: 0, [labels.right]: 0})
    const l = sources.get(job.left.source)!
    const r = sources.get(job.right.source)!
    const readSide = async (side: SideName): Promise<SideReadResult & {ms: number}> => {
      const src = sources.get(job[side].source)!
      const t0 = performance.now()
      const res = await src.snapshot((reader) => readJobSide({jobName: name, job, side, source: src, reader, spill, maps, onRows: onRows(side)}))
      return {...res, ms: performance.now() - t0}
    }
    let leftRead: SideReadResult & {ms: number}
    let rightRead: SideReadResult & {ms: number}
    const workerFile = fileURLToPath(new URL('job-read-worker.js', import.meta.url))
    if (options.workers !== false && l.dialect !== 'sqlite' && r.dialect !== 'sqlite' && existsSync(workerFile)) {
      // server sources: the right side in a reader thread (its own connection and snapshot, spilling into its own
      // directory, adopted here) while this thread reads the left: rows parsed on two cores, and one isolate fewer
      // than a thread per side (bench/reconcile.ts: peak RSS 264 MB with two reader threads at 1,000,000 lines)
      const dir = createSpillDir(job.tempDir)
      threadDirs.push(dir)
      const task: JobSideTask = {jobName: name, job, side: 'right', source: {name: r.name, config: r.config}, baseDir: opts.baseDir, partitions: spill.partitions, dir, maps: {item: codeMapData(maps.item), warehouse: codeMapData(maps.warehouse)}}
      const readers: Worker[] = []
      const [left, right] = await Promise.all([readSide('left'), runReadWorker<JobSideTask, JobSideDone>(workerFile, JOB_SIDE_TASK, task, onRows('right'), readers)]).catch(async (error: unknown) => {
        await Promise.all(readers.map((w) => w.terminate().catch(() => 0)))
        throw error
      })
      spill.adopt(right.index)
      r.rowsRead += right.rowsRead
      leftRead = left
      rightRead = {...right.read, ms: right.readMs}
    } else {
      // two different server sources are read in parallel (spill writes are synchronous: the two readers interleave
      // whole lines); one SQLite file, or one source, one after the other
      const parallel = l !== r && l.dialect !== 'sqlite' && r.dialect !== 'sqlite'
      ;[leftRead, rightRead] = parallel ? await Promise.all([readSide('left'), readSide('right')]) : [await readSide('left'), await readSide('right')]
    }
    spill.flush()

    // 4. safety: an empty side, or far fewer rows than last time, means a broken replica
    for (const [side, read] of [['left', leftRead], ['right', rightRead]] as const) {
      const cfg = job[side]
      const where = cfg.table !== undefined ? t('reconcile.errors.whereTable', {table: cfg.table}) : t('reconcile.errors.whereQuery')
      if (read.records === 0) {
        throw new SourceError(cfg.source, t('reconcile.errors.sideEmpty', {label: labels[side], job: name, where}), {code: 'SOURCE_EMPTY', hints: [t('reconcile.errors.sideEmptyHint', {job: name, side})]})
      }
      const prev = history.previousRows?.[side]
      if (prev && read.records < prev * job.safety.minRowsRatio) {
        throw new SourceError(cfg.source, t('reconcile.errors.sideShrunk', {label: labels[side], job: name, records: read.records, pct: Math.round(job.safety.minRowsRatio * 100), previous: prev}), {
          code: 'SOURCE_SHRUNK',
          hints: [t('reconcile.errors.sideShrunkHint', {job: name})],
        })
      }
    }

    // 5. reconcile partition by partition (on two cores for large server reads)
    collectGarbage()
    const cutoff = job.grace ? graceCutoff(job.grace.asOf, job.grace.afterMinutes, opts.now) : null
    const settings: JobMergeSettings = {
      job,
      units: opts.stock?.units ?? {conversions: [], pack: undefined, itemUnits: undefined},
      cutoff,
      today: localDateTime(opts.now ?? new Date()).slice(0, 10),
      all: Boolean(options.all),
      onlyNew: Boolean(options.onlyNew),
      // both sides have records here (the empty-side check ran): the final check's ratio
      minMatchRatio: job.safety.minMatchRatio,
    }
    let merged = 0
    const merge = await reconcileJobSpill(spill, settings, {
      parallel: options.workers !== false,
      records: leftRead.records + rightRead.records,
      newDir() {
        const d = createSpillDir(job.tempDir)
        threadDirs.push(d)
        return d
      },
      onPartition() {
        merged++
        if ((merged & 15) === 0) progress('comparing', {partitions: merged, of: spill.partitions})
      },
    })
    const {figures, totals} = merge
    checkJobLinesUp(name, job, labels, totals.keys, figures.examples, merge.early)
    if (totals.unitWarnings > 0) warn(t('reconcile.warn.noConversion', {count: totals.unitWarnings, examples: totals.unitWarningExamples.join(', ')}))
    const keep = keepFinding(settings.onlyNew)
    const rows: Iterable<JobFinding> = (function* () {
      for (const f of mergeSortedFindings(spill, merge.rowKinds)) if (keep(f)) yield f
    })()

    // 6. summary
    const keys = {total: 0, ...totals.keys}
    keys.total = Object.values(totals.keys).reduce((a, b) => a + b, 0)
    const pct = (diffS: Scaled, baseS: Scaled) => {
      const base = scaledToDecimal(baseS)
      return base.isZero() ? null : scaledToDecimal(diffS).div(base).times(100).toDecimalPlaces(4).toFixed()
    }
    const side = (s: SideName, read: SideReadResult & {ms: number}): JobSideSummary => ({
      label: labels[s],
      source: job[s].source,
      rows: read.rows,
      records: read.records,
      excluded: read.excluded,
      unkeyed: read.unkeyed,
      readMs: Math.round(read.ms),
      lagSeconds: lag.get(job[s].source) ?? null,
      pushedDown: read.pushedDown,
    })
    const summary: JobRunSummary = {
      job: name,
      description: job.description ?? null,
      keyNames: job.link.keys.map((k) => k.name),
      names: {match: 'match', differs: 'differs', only_in_left: 'only_in_left', only_in_right: 'only_in_right', in_flight: 'in_flight', ...job.names},
      left: side('left', leftRead),
      right: side('right', rightRead),
      keys,
      causes: totals.causes,
      deviationRatePct: Object.fromEntries(Object.entries(totals.qty).map(([f, t]) => [f, pct(t.sumAbsDiff, t.sumAbsLeft)])),
      deviationByDay: [...totals.byBucket]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([day, t]) => ({day, left: formatScaled(t.sumAbsLeft), absDiff: formatScaled(t.sumAbsDiff), deviationRatePct: pct(t.sumAbsDiff, t.sumAbsLeft)})),
      matchRatePct: keys.total === 0 ? '100' : new Decimal(keys.match).div(keys.total).times(100).toDecimalPlaces(4).toFixed(),
      graceCutoff: cutoff,
      newFindings: figures.newFindings,
      newByStatus: figures.newByStatus,
      resolved: {count: figures.resolved.count, rows: figures.resolved.rows.map((r) => r.item)},
      warnings,
      reported: figures.reported,
      elapsedMs: Math.round(performance.now() - started),
    }
    const commit = async () => {
      // the findings are read from the spill: after close() there are none (a defect, never an empty history)
      if (closed) throw new Error('commit() after close(): the run\'s findings are gone')
      await saveJobHistory(opts.store, {job: name, runId: opts.runId, leftRows: leftRead.records, rightRows: rightRead.records, keys: keys.total, findings: jobFindings(spill, merge.rowKinds), count: figures.findings})
    }
    return {summary, rows, close, commit}
  } catch (error) {
    close()
    throw error
  }
}

/**
 * Both sides have records (the empty-side check ran first) but almost no key is found on both: the link's keys do not
 * line the sides up (a key column mapped to the wrong column, codes in another form, a missing map). Exit 3 with
 * example keys from each side, instead of a report in which every key is one-sided. In-flight keys (changed within the
 * grace period) are left out of the share; reconcile.jobs.NAME.safety.minMatchRatio 0 turns the check off.
 */
export function checkJobLinesUp(name: string, job: ReconcileJobConfig, labels: {left: string; right: string}, keys: Record<JobStatus, number>, examples: JobFigures['examples'], early: EarlyStop | null = null): void {
  const ratio = job.safety.minMatchRatio
  const total = keys.match + keys.differs + keys.only_in_left + keys.only_in_right
  if (ratio <= 0 || total === 0) return
  const paired = keys.match + keys.differs
  // stopped early (a sample far below the ratio: stock's linesUpFarBelow): the sample's figures, said as a sample
  if (early === null && paired / total >= ratio) return
  const ex = (status: 'only_in_left' | 'only_in_right') =>
    examples[status]
      .map((e) => e.item.join(' · '))
      .join(t('common.listSeparator'))
  const vars = {job: name, paired, total, pct: ((paired / total) * 100).toFixed(2), ratio, left: labels.left, right: labels.right, onlyLeft: ex('only_in_left') || '-', onlyRight: ex('only_in_right') || '-'}
  throw new PlantopsError(
    early === null ? t('reconcile.errors.nothingLinesUp', vars) : t('reconcile.errors.nothingLinesUpEarly', {...vars, done: early.done, partitions: early.partitions}),
    {code: 'NOTHING_LINES_UP', exitCode: ExitCode.SOURCE, hints: [t('reconcile.errors.linesUpHintKeys', {job: name}), t('reconcile.errors.linesUpHintRatio', {job: name})]},
  )
}
