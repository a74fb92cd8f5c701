import {performance} from 'node:perf_hooks'

import type {Knex} from 'knex'

import {ConfigError, SourceError, UsageError} from '../cli/errors.js'
import {Decimal} from '../decimal/decimal.js'
import {checkReplicaLag} from '../sources/lag.js'
import type {Source} from '../sources/source.js'
import {CodeMap, itemMapFromFile, itemMapFromSource} from '../stock/code-maps.js'
import type {StockConfig} from '../stock/config.js'
import {collectGarbage} from '../stock/heap.js'
import {codeNormalizer} from '../stock/normalize.js'
import {Spill} from '../stock/spill.js'
import {UnitConverter} from '../stock/units.js'
import type {Tolerance} from './classify.js'
import type {ReconcileConfig, ReconcileJobConfig} from './jobs-config.js'
import {loadJobHistory, resolvedFindings, saveJobHistory, type ResolvedFinding} from './job-history.js'
import {emptyJobTotals, reconcileJobPartition, type JobMergeEnv} from './job-merge.js'
import {readJobSide, type JobCodeMaps, type SideName, type SideReadResult} from './job-read.js'
import {mergeSortedFindings} from './job-sorted.js'
import {compareFindings, type JobCause, type JobFinding, type JobStatus} from './job-types.js'
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
  /** The rows to report, sorted by key. Iterate once, then call close(). */
  rows: Iterable<JobFinding>
  close(): void
  /** Remember this run's findings (first_seen, consecutive runs, resolved); call once the report is written. */
  commit(): Promise<void>
}

/** The `reconcile` section's job, or exit 2 naming the jobs there are. */
export function requireJob(section: ReconcileConfig | undefined, name: string, file: string): ReconcileJobConfig {
  if (!section) {
    throw new ConfigError(`${file} has no \`reconcile\` section`, {
      code: 'RECONCILE_NOT_CONFIGURED',
      hints: ['Add `reconcile: {jobs: {NAME: {left, right, link, compare}}}` (see README "Reconcile jobs", or `plantops demo`).'],
    })
  }
  const job = section.jobs[name]
  if (!job) throw new UsageError(`no reconcile job named "${name}" in ${file}`, {hints: [`Configured jobs: ${Object.keys(section.jobs).join(', ') || 'none'}. See \`plantops reconcile list\`.`]})
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

  // 2. history and the code maps (right codes → left codes)
  const history = await loadJobHistory(opts.store, name)
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
    if (maps.item.size === 0) warn(`the item cross-reference (stock.itemMap on source "${im.source}") is empty: no right code maps to a left code`)
  }

  const spill = new Spill({partitions: job.partitions, tempDir: job.tempDir})
  let closed = false
  const close = () => {
    if (!closed) spill.dispose()
    closed = true
  }
  try {
    // 3. each side in one read-only snapshot
    const counters = {left: 0, right: 0}
    const readSide = async (side: SideName): Promise<SideReadResult & {ms: number}> => {
      const src = sources.get(job[side].source)!
      const t0 = performance.now()
      const res = await src.snapshot((reader) =>
        readJobSide({jobName: name, job, side, source: src, reader, spill, maps, onRows: (n) => {
          counters[side] = n
          progress('reading', {[labels.left]: counters.left, [labels.right]: counters.right})
        }}),
      )
      return {...res, ms: performance.now() - t0}
    }
    progress('reading', {[labels.left]: 0, [labels.right]: 0})
    // two different server sources are read in parallel (spill writes are synchronous: the two readers interleave
    // whole lines); one SQLite file, or one source, one after the other
    const l = sources.get(job.left.source)!
    const r = sources.get(job.right.source)!
    const parallel = l !== r && l.dialect !== 'sqlite' && r.dialect !== 'sqlite'
    const [leftRead, rightRead] = parallel ? await Promise.all([readSide('left'), readSide('right')]) : [await readSide('left'), await readSide('right')]
    spill.flush()

    // 4. safety: an empty side, or far fewer rows than last time, means a broken replica
    for (const [side, read] of [['left', leftRead], ['right', rightRead]] as const) {
      const cfg = job[side]
      const where = cfg.table !== undefined ? `table ${cfg.table}` : 'its query'
      if (read.records === 0) {
        throw new SourceError(cfg.source, `the ${labels[side]} side of reconcile job "${name}" (${where}) returned no rows; refusing to report every key as only on the other side`, {
          code: 'SOURCE_EMPTY',
          hints: [`Check the replica and reconcile.jobs.${name}.${side} (table/query, filters) in plantops.yaml.`],
        })
      }
      const prev = history.previousRows?.[side]
      if (prev && read.records < prev * job.safety.minRowsRatio) {
        throw new SourceError(cfg.source, `the ${labels[side]} side of reconcile job "${name}" returned ${read.records} records, fewer than ${Math.round(job.safety.minRowsRatio * 100)}% of the previous run's ${prev}; refusing to report a half-loaded replica`, {
          code: 'SOURCE_SHRUNK',
          hints: [`Check the replica; if the drop is real, lower reconcile.jobs.${name}.safety.minRowsRatio for one run.`],
        })
      }
    }

    // 5. reconcile partition by partition
    await collectGarbage()
    const units = new UnitConverter(opts.stock?.units ?? {conversions: [], pack: undefined, itemUnits: undefined})
    const factors: Decimal[] = []
    for (const f of [...units.globalFactors, ...job.unitFactors.map((x) => new Decimal(x))]) {
      if (f.isZero() || f.eq(1)) continue
      factors.push(f, new Decimal(1).div(f))
    }
    const cutoff = job.grace ? graceCutoff(job.grace.asOf, job.grace.afterMinutes, opts.now) : null
    const env: JobMergeEnv = {
      job,
      labels,
      units,
      factors,
      cutoff,
      history: new Map([...history.open].map(([k, h]) => [k, {firstSeen: h.firstSeen, runsSeen: h.runsSeen}])),
      today: localDateTime(opts.now ?? new Date()).slice(0, 10),
      all: Boolean(options.all),
    }
    const tolerances: Array<Tolerance | undefined> = Object.values(job.compare).map((f) =>
      f.type === 'decimal' ? {abs: f.tolerance.abs === undefined ? undefined : new Decimal(f.tolerance.abs), pct: f.tolerance.pct === undefined ? undefined : new Decimal(f.tolerance.pct)} : undefined,
    )
    const totals = emptyJobTotals(job)
    const findings: JobFinding[] = []
    const keep = (f: JobFinding) => !options.onlyNew || (f.runs_seen === 1 && f.status !== 'match' && f.status !== 'in_flight')
    let reported = 0
    let inMemory: JobFinding[] | null = options.all ? null : []
    for (let p = 0; p < spill.partitions; p++) {
      const res = reconcileJobPartition(spill, p, env, totals, tolerances)
      for (const f of res.findings) findings.push(f)
      const kept = res.rows.filter(keep)
      reported += kept.length
      if (inMemory) for (const r of kept) inMemory.push(r)
      else for (const r of kept.sort(compareFindings)) spill.write('o', p, JSON.stringify(r))
      if ((p & 15) === 15) {
        progress('comparing', {partitions: p + 1, of: spill.partitions})
        // each partition's maps live long enough to be promoted, then die: V8 lets that old-space garbage pile up
        // (RSS 200 → 280-307 MB over a 1,000,000-line merge); a full collection every 16 partitions keeps the peak at
        // 218-227 MB (bench/reconcile.ts: 220 MB) for about as long a run
        await collectGarbage()
      }
    }
    spill.flush()
    if (totals.unitWarnings > 0) warn(`${totals.unitWarnings} quantities had a unit with no conversion (e.g. ${totals.unitWarningExamples.join(', ')}) and were compared unconverted; add stock.units.conversions`)
    const rows: Iterable<JobFinding> = inMemory ? inMemory.sort(compareFindings) : mergeSortedFindings(spill, 'o')
    inMemory = null

    // 6. summary
    const keys = {total: 0, ...totals.keys}
    keys.total = Object.values(totals.keys).reduce((a, b) => a + b, 0)
    const pct = (diffS: Scaled, baseS: Scaled) => {
      const base = scaledToDecimal(baseS)
      return base.isZero() ? null : scaledToDecimal(diffS).div(base).times(100).toDecimalPlaces(4).toFixed()
    }
    const resolved = resolvedFindings(history, findings)
    const newOnes = findings.filter((f) => f.runs_seen === 1)
    const newByStatus = {differs: 0, only_in_left: 0, only_in_right: 0}
    for (const f of newOnes) if (f.status in newByStatus) newByStatus[f.status as keyof typeof newByStatus]++
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
      newFindings: newOnes.length,
      newByStatus,
      resolved: {count: resolved.length, rows: resolved.slice(0, 100)},
      warnings,
      reported,
      elapsedMs: Math.round(performance.now() - started),
    }
    const commit = () => saveJobHistory(opts.store, {job: name, runId: opts.runId, leftRows: leftRead.records, rightRows: rightRead.records, keys: keys.total, findings})
    return {summary, rows, close, commit}
  } catch (error) {
    close()
    throw error
  }
}
