import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {errorFromData, READ_WORKER_HEAP, type WorkerErrorData} from '../sources/worker-read.js'
import type {StockConfig} from '../stock/config.js'
import {collectGarbage} from '../heap/collect.js'
import {PartitionClaim, type EarlyStop} from '../stock/merge.js'
import {combineFirst, FirstByPartition, type InPartition} from './first-in-order.js'
import {JOB_KIND_HISTORY, previousFindings, resolvedFinding, type PreviousFinding, type ResolvedFinding} from './job-history.js'
import {eachSpilledLine} from './sorted-merge.js'
import {looseCode} from '../stock/normalize.js'
import {nullableValue, unescapeField, type Spill, type SpillIndex} from '../stock/spill.js'
import {UnitConverter} from '../stock/units.js'
import {withinTolerance, type Tolerance} from './classify.js'
import type {CompareFieldConfig, ReconcileJobConfig} from './jobs-config.js'
import {JOB_KIND} from './job-read.js'
import {causeRank, compareFindings, KEY_SEP, type FieldDifference, type JobCause, type JobDetail, type JobFinding, type JobStatus} from './job-types.js'
import {daysBetween, normalText} from './job-values.js'
import {FastMatch, LineIndex, type KeyLines} from './job-fast.js'
import {addScaled, cmpScaled, formatScaled, parseScaled, scaledToDecimal, ZERO_SCALED, type Scaled} from './scaled.js'

/** What the merge of a job needs besides the spill (plain data). */
export interface JobMergeEnv {
  job: ReconcileJobConfig
  units: UnitConverter
  /** Factors (and their reciprocals) that explain a quantity difference as unit_factor. */
  factors: Decimal[]
  /** Records changed after this plant-local time are in flight; null: no grace. */
  cutoff: string | null
  /** The previous run's open findings of the partition being reconciled, by key text. */
  history: Map<string, {firstSeen: string; runsSeen: number}>
  today: string
  all: boolean
}

/** Exact sums (scaled integers). */
export interface QtyTotals {
  sumAbsLeft: Scaled
  sumAbsDiff: Scaled
}

function absScaled(a: Scaled): Scaled {
  return a.v < 0n ? {v: -a.v, s: a.s} : a
}

export interface JobMergeTotals {
  keys: Record<JobStatus, number>
  causes: Record<string, number>
  /** Per quantity field: Σ|left| and Σ|right − left| over the compared keys (a missing side counts as 0; in flight left out). */
  qty: Record<string, QtyTotals>
  /** Per value of the day-bucket key: the first quantity field's sums. */
  byBucket: Map<string, QtyTotals>
  unitWarnings: number
  unitWarningExamples: string[]
}

export function emptyJobTotals(job: ReconcileJobConfig): JobMergeTotals {
  const qty: Record<string, QtyTotals> = {}
  for (const [name, f] of Object.entries(job.compare)) if (f.type === 'decimal' && f.quantity) qty[name] = {sumAbsLeft: ZERO_SCALED, sumAbsDiff: ZERO_SCALED}
  return {keys: {match: 0, differs: 0, only_in_left: 0, only_in_right: 0, in_flight: 0}, causes: {}, qty, byBucket: new Map(), unitWarnings: 0, unitWarningExamples: []}
}

/** One side's records of one key, aggregated: sums (in the first record's unit), latest dates, distinct values. */
interface SideAgg {
  records: number
  lines: number
  changed: string | null
  /** Every record flagged by link.leftOptional. */
  optional: boolean
  vals: FieldAgg[]
}

type FieldAgg =
  | {t: 'decimal'; q: Scaled | null; unit: string | null; bad?: undefined}
  | {t: 'date'; d: string | null; bad: string | null}
  | {t: 'set'; v: Array<string | null>}

function newAgg(fields: Array<[string, CompareFieldConfig]>): SideAgg {
  return {
    records: 0,
    lines: 0,
    changed: null,
    optional: true,
    vals: fields.map(([, f]) => (f.type === 'decimal' ? {t: 'decimal', q: null, unit: null} : f.type === 'date' ? {t: 'date', d: null, bad: null} : {t: 'set', v: []})),
  }
}

/** One side's records of one key (its spill lines) aggregated. */
function load(lines: KeyLines, fields: Array<[string, CompareFieldConfig]>, env: JobMergeEnv, totals: JobMergeTotals): SideAgg {
  const a = newAgg(fields)
  for (const line of typeof lines === 'string' ? [lines] : lines) {
    const rec = line.split('\t')
    a.records += Number(rec[3])
    a.lines++
    const changed = nullableValue(rec[1])
    if (changed !== null && (a.changed === null || changed > a.changed)) a.changed = changed
    if (rec[2] === '0') a.optional = false
    let at = 4
    for (let i = 0; i < fields.length; i++) {
      const agg = a.vals[i]
      if (agg.t === 'decimal') {
        const text = nullableValue(rec[at++])
        const unit = nullableValue(rec[at++])
        if (text === null) continue
        let q = parseScaled(text)
        if (agg.q === null) {
          agg.q = q
          agg.unit = unit
          continue
        }
        if (unit !== agg.unit && unit !== null && agg.unit !== null) {
          const f = env.units.factor(unit, agg.unit, undefined)
          if (f === null) noteUnit(totals, `${unit}→${agg.unit}`)
          else q = parseScaled(scaledToDecimal(q).times(f).toFixed())
        }
        agg.q = addScaled(agg.q, q)
      } else if (agg.t === 'date') {
        const d = nullableValue(rec[at++])
        if (d === null) continue
        if (d.startsWith('!')) agg.bad ??= d.slice(1)
        else if (agg.d === null || d > agg.d) agg.d = d
      } else {
        const v = nullableValue(rec[at++])
        if (!agg.v.includes(v)) agg.v.push(v)
      }
    }
  }
  return a
}

function noteUnit(totals: JobMergeTotals, example: string): void {
  totals.unitWarnings++
  if (totals.unitWarningExamples.length < 5 && !totals.unitWarningExamples.includes(example)) totals.unitWarningExamples.push(example)
}

export interface JobPartitionResult {
  /** Every key that is not a match (for the history and the summary). */
  findings: JobFinding[]
  /** Report rows: the findings, plus matches with `all`. */
  rows: JobFinding[]
}

/** Reconcile one partition of a job. */
export function reconcileJobPartition(spill: Spill, p: number, env: JobMergeEnv, totals: JobMergeTotals, tolerances: Array<Tolerance | undefined>, opts: {fast?: boolean} = {}): JobPartitionResult {
  const {job} = env
  const fields = Object.entries(job.compare)
  // the records as spilled, indexed by key in place; per-key aggregates only for keys the fast path does not settle
  // (job-fast.ts), whose lines are the only ones decoded
  const left = LEFT.build(spill.bytes(JOB_KIND.left, p, 0))
  const right = RIGHT.build(spill.bytes(JOB_KIND.right, p, 1))
  const fast = new FastMatch(job)
  spill.drop(JOB_KIND.left, p)
  spill.drop(JOB_KIND.right, p)
  const findings: JobFinding[] = []
  const rows: JobFinding[] = []
  const bucketIdx = job.link.keys.findIndex((k) => k.bucket === 'day')
  const firstQty = fields.findIndex(([, f]) => f.type === 'decimal' && f.quantity)
  const ambiguityMatters = !job.group
  // every key once: the left keys, then the right keys with no left record, each in first-seen order
  if (SEEN.length < right.keys) SEEN = new Uint8Array(Math.max(right.keys, 2 * SEEN.length))
  const seen = SEEN
  seen.fill(0, 0, right.keys)
  const useFast = opts.fast !== false
  for (let lk = 0; lk < left.keys; lk++) {
    const rk = left.keyIn(lk, right)
    if (rk >= 0) {
      seen[rk] = 1
      if (useFast && fast.matchKey(left, lk, right, rk)) {
        totals.keys.match++
        if (env.all) rows.push(fast.matchFinding(left.keyText(lk), left.linesOf(lk), right.linesOf(rk)))
        continue
      }
    }
    general(left.keyText(lk), left.linesOf(lk), rk >= 0 ? right.linesOf(rk) : undefined)
  }
  for (let rk = 0; rk < right.keys; rk++) if (seen[rk] === 0) general(right.keyText(rk), undefined, right.linesOf(rk))
  fast.addTotals(totals)
  return {findings, rows}

  /** A key the fast path did not settle: its lines aggregated, compared, classified. */
  function general(rawKey: string, ll: KeyLines | undefined, rl: KeyLines | undefined): void {
    const keyText = unescapeField(rawKey)
    const l = ll === undefined ? undefined : load(ll, fields, env, totals)
    const r = rl === undefined ? undefined : load(rl, fields, env, totals)
    let key: string[] | null = null
    const keyParts = () => (key ??= keyText.split(KEY_SEP))
    let status: JobStatus
    let diffs: FieldDifference[] = []
    if (l && !r) status = l.optional ? 'match' : 'only_in_left'
    else if (r && !l) status = 'only_in_right'
    else {
      diffs = compareFields(fields, l!, r!, env, totals, tolerances)
      // several records behind a one-to-one key: a finding, never a silent double count
      if (ambiguityMatters && l!.records > 1) diffs.unshift({field: 'records', left: String(l!.records), right: String(r!.records), cause: 'ambiguous_link', detail: {code: 'ambiguous_left', vars: {n: l!.records}}})
      else if (ambiguityMatters && job.link.cardinality === 'one-to-one' && r!.records > 1) diffs.unshift({field: 'records', left: String(l!.records), right: String(r!.records), cause: 'ambiguous_link', detail: {code: 'ambiguous_right', vars: {n: r!.records}}})
      status = diffs.length === 0 ? 'match' : 'differs'
    }
    // quantities: Σ|left| and Σ|diff| (a missing side counts as 0), as exact scaled integers on the hot path
    const inFlight = status !== 'match' && env.cutoff !== null && ((l?.changed ?? '') > env.cutoff || (r?.changed ?? '') > env.cutoff)
    if (!inFlight) {
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i][1]
        if (f.type !== 'decimal' || !f.quantity) continue
        const lq = l ? (l.vals[i] as Extract<FieldAgg, {t: 'decimal'}>) : null
        const rq = r ? (r.vals[i] as Extract<FieldAgg, {t: 'decimal'}>) : null
        const lv = lq?.q ?? ZERO_SCALED
        let rv = rq?.q ?? ZERO_SCALED
        if (lq?.unit && rq?.unit && lq.unit !== rq.unit && rq.q) {
          const factor = env.units.factor(rq.unit, lq.unit, undefined)
          if (factor !== null) rv = parseScaled(scaledToDecimal(rq.q).times(factor).toFixed())
        }
        const absLeft = absScaled(lv)
        const absDiff = absScaled(addScaled(rv, {v: -lv.v, s: lv.s}))
        const t = totals.qty[fields[i][0]]
        t.sumAbsLeft = addScaled(t.sumAbsLeft, absLeft)
        t.sumAbsDiff = addScaled(t.sumAbsDiff, absDiff)
        if (bucketIdx >= 0 && i === firstQty) {
          const day = keyParts()[bucketIdx]
          const b = totals.byBucket.get(day) ?? {sumAbsLeft: ZERO_SCALED, sumAbsDiff: ZERO_SCALED}
          b.sumAbsLeft = addScaled(b.sumAbsLeft, absLeft)
          b.sumAbsDiff = addScaled(b.sumAbsDiff, absDiff)
          totals.byBucket.set(day, b)
        }
      }
    }
    if (inFlight) status = 'in_flight'
    totals.keys[status]++
    let cause: JobCause | null = null
    for (const d of diffs) if (causeRank(d.cause) < causeRank(cause)) cause = d.cause
    if (status === 'in_flight') cause = null
    if (cause !== null && status === 'differs') totals.causes[cause] = (totals.causes[cause] ?? 0) + 1
    const reported = status !== 'match' || env.all
    if (!reported) return
    const finding: JobFinding = {key: keyParts(), status, cause, fields: diffs, leftRecords: l?.records ?? 0, rightRecords: r?.records ?? 0, first_seen: null, runs_seen: null}
    if (status === 'differs' || status === 'only_in_left' || status === 'only_in_right') {
      const h = env.history.get(keyText)
      finding.first_seen = h?.firstSeen ?? env.today
      finding.runs_seen = (h?.runsSeen ?? 0) + 1
      findings.push(finding)
      rows.push(finding)
    } else rows.push(finding)
  }
}

/** The line indexes of a partition's two sides and the right keys' seen marks, reused from partition to partition. */
const LEFT = new LineIndex()
const RIGHT = new LineIndex()
let SEEN = new Uint8Array(1024)

const show = (v: Array<string | null>) => (v.length === 0 ? null : v.map((x) => x ?? '').join(', '))

/** code_format has no variables: one detail shared by every such field. */
const CODE_FORMAT: JobDetail = Object.freeze({code: 'code_format'})

function compareFields(fields: Array<[string, CompareFieldConfig]>, l: SideAgg, r: SideAgg, env: JobMergeEnv, totals: JobMergeTotals, tolerances: Array<Tolerance | undefined>): FieldDifference[] {
  const out: FieldDifference[] = []
  const changedAfter = l.changed !== null && r.changed !== null && l.changed > r.changed
  // one changed_after detail for every differing field of the key (made on the first)
  let changed: JobDetail | null = null
  for (let i = 0; i < fields.length; i++) {
    const [name, f] = fields[i]
    const a = l.vals[i]
    const b = r.vals[i]
    let d: FieldDifference | null = null
    if (a.t === 'decimal' && b.t === 'decimal' && f.type === 'decimal') {
      let rq = b.q
      if (rq !== null && b.unit !== null && a.unit !== null && b.unit !== a.unit) {
        const factor = env.units.factor(b.unit, a.unit, undefined)
        if (factor === null) noteUnit(totals, `${b.unit}→${a.unit}`)
        else rq = parseScaled(scaledToDecimal(rq).times(factor).toFixed())
      }
      if (a.q === null && rq === null) continue
      if (a.q !== null && rq !== null && cmpScaled(a.q, rq) === 0) continue
      if (a.q !== null && rq !== null) {
        const lv = scaledToDecimal(a.q)
        const rv = scaledToDecimal(rq)
        if (withinTolerance(rv.minus(lv), lv, tolerances[i] ?? {})) continue
        const ratio = lv.isZero() ? null : rv.div(lv)
        const hit = ratio === null ? undefined : env.factors.find((x) => x.eq(ratio))
        const detail: JobDetail = hit ? {code: 'unit_factor', vars: {factor: hit.toFixed()}} : {code: 'diff', vars: {diff: rv.minus(lv).toFixed()}}
        d = {field: name, left: formatScaled(a.q), right: formatScaled(rq), cause: hit ? 'unit_factor' : null, detail}
      } else d = {field: name, left: a.q === null ? null : formatScaled(a.q), right: rq === null ? null : formatScaled(rq), cause: null, detail: null}
    } else if (a.t === 'date' && b.t === 'date' && f.type === 'date') {
      if (a.bad !== null || b.bad !== null) {
        const detail: JobDetail = a.bad !== null ? {code: 'bad_date_left', vars: {value: JSON.stringify(a.bad)}} : {code: 'bad_date_right', vars: {value: JSON.stringify(b.bad)}}
        d = {field: name, left: a.bad ?? a.d, right: b.bad ?? b.d, cause: 'bad_value', detail}
      } else if (a.d === null && b.d === null) continue
      else if (a.d === null || b.d === null) d = {field: name, left: a.d, right: b.d, cause: null, detail: null}
      else {
        const days = daysBetween(a.d, b.d)
        const over = f.direction === 'right-later' ? days > f.toleranceDays : f.direction === 'right-earlier' ? -days > f.toleranceDays : Math.abs(days) > f.toleranceDays
        if (!over) continue
        d = {field: name, left: a.d, right: b.d, cause: days > 0 ? 'late' : null, detail: days > 0 ? {code: 'late', vars: {days}} : {code: 'early', vars: {days: -days}}}
      }
    } else if (a.t === 'set' && b.t === 'set') {
      const lv = a.v.length === 1 ? a.v[0] : null
      if (f.type === 'enum') {
        const allowed: Array<string | null> = lv === null ? [null] : (f.map[lv] ?? [lv])
        if (a.v.length <= 1 && b.v.every((x) => allowed.includes(x))) continue
        let cause: JobCause | null = null
        if (f.inactive && lv !== null && f.inactive.left.includes(lv) && b.v.some((x) => x !== null && f.inactive!.rightActive.includes(x))) cause = 'cancelled_not_propagated'
        const right = show(b.v)
        d = {field: name, left: show(a.v), right, cause, detail: cause ? {code: 'cancelled', vars: {leftValue: lv!, rightValue: right ?? ''}} : null}
      } else if (f.type === 'text') {
        const n = (x: string | null) => (f.normalize ? normalText(x) : (x ?? ''))
        if (a.v.length <= 1 && b.v.every((x) => n(x) === n(lv))) continue
        d = {field: name, left: show(a.v), right: show(b.v), cause: null, detail: null}
      } else {
        if (a.v.length <= 1 && b.v.every((x) => x === lv)) continue
        const loose = lv !== null && b.v.every((x) => x !== null && looseCode(x) === looseCode(lv))
        d = {field: name, left: show(a.v), right: show(b.v), cause: loose ? 'code_format' : null, detail: loose ? CODE_FORMAT : null}
      }
    }
    if (d === null) continue
    if (changedAfter && d.cause !== 'cancelled_not_propagated' && d.cause !== 'bad_value') {
      d.cause = 'change_not_propagated'
      d.detail = changed ??= {code: 'changed_after', vars: {leftChanged: l.changed!, rightChanged: r.changed!}}
    }
    out.push(d)
  }
  return out
}

/** What a thread needs to reconcile a job's partitions: plain data that crosses threads (structured clone). */
export interface JobMergeSettings {
  job: ReconcileJobConfig
  units: StockConfig['units']
  cutoff: string | null
  today: string
  all: boolean
  onlyNew: boolean
  /** safety.minMatchRatio: the reconcile stops early when a sample of keys pairs far below it (stock's linesUpFarBelow). Absent: never. */
  minMatchRatio?: number
}

/** The merge environment (unit converter, unit factors, tolerances) built from the settings, in any thread. */
export function jobMergeEnv(s: JobMergeSettings): {env: JobMergeEnv; tolerances: Array<Tolerance | undefined>} {
  const units = new UnitConverter(s.units)
  const factors: Decimal[] = []
  for (const f of [...units.globalFactors, ...s.job.unitFactors.map((x) => new Decimal(x))]) {
    if (f.isZero() || f.eq(1)) continue
    factors.push(f, new Decimal(1).div(f))
  }
  const env: JobMergeEnv = {job: s.job, units, factors, cutoff: s.cutoff, history: new Map(), today: s.today, all: s.all}
  const tolerances: Array<Tolerance | undefined> = Object.values(s.job.compare).map((f) =>
    f.type === 'decimal' ? {abs: f.tolerance.abs === undefined ? undefined : new Decimal(f.tolerance.abs), pct: f.tolerance.pct === undefined ? undefined : new Decimal(f.tolerance.pct)} : undefined,
  )
  return {env, tolerances}
}

/** What one thread made of one partition (its totals); the parts combine in partition order (the answer of one thread). */
export interface JobMergePart {
  partition: number
  totals: JobMergeTotals
}

/**
 * What the summary says of a job's findings, counted while they stream past (the findings themselves go back to the
 * spill, sorted per partition): a link that lines up half the keys made every one-sided key a finding held in the
 * threads, across their messages and in this thread.
 */
export interface JobFigures {
  findings: number
  reported: number
  newFindings: number
  newByStatus: {differs: number; only_in_left: number; only_in_right: number}
  /** The first EXAMPLES keys of each one-sided status in partition order (for the "nothing lines up" error). */
  examples: {only_in_left: Array<InPartition<string[]>>; only_in_right: Array<InPartition<string[]>>}
  /** Previous open findings this run no longer reports: how many, and the first RESOLVED_KEPT in partition order. */
  resolved: {count: number; rows: Array<InPartition<ResolvedFinding>>}
}

const EXAMPLES = 3
const RESOLVED_KEPT = 100

/** A thread's JobFigures, tallied partition by partition. */
class JobTally {
  readonly figures: JobFigures = {findings: 0, reported: 0, newFindings: 0, newByStatus: {differs: 0, only_in_left: 0, only_in_right: 0}, examples: {only_in_left: [], only_in_right: []}, resolved: {count: 0, rows: []}}
  private readonly examples = {only_in_left: new FirstByPartition<string[]>(EXAMPLES), only_in_right: new FirstByPartition<string[]>(EXAMPLES)}
  private readonly resolved = new FirstByPartition<ResolvedFinding>(RESOLVED_KEPT)

  finding(f: JobFinding, partition: number): void {
    const g = this.figures
    g.findings++
    if (f.runs_seen === 1) {
      g.newFindings++
      if (f.status in g.newByStatus) g.newByStatus[f.status as keyof JobFigures['newByStatus']]++
    }
    if (f.status === 'only_in_left' || f.status === 'only_in_right') this.examples[f.status].add(f.key, partition)
  }

  gone(h: PreviousFinding, partition: number): void {
    this.figures.resolved.count++
    this.resolved.add(resolvedFinding(h), partition)
  }

  done(): JobFigures {
    const g = this.figures
    g.examples = {only_in_left: this.examples.only_in_left.items, only_in_right: this.examples.only_in_right.items}
    g.resolved.rows = this.resolved.items
    return g
  }
}

/** Spill kind of the sorted report rows written by the main thread; the merge thread writes `o1`. */
export const JOB_ROWS_KIND = 'o'

/**
 * Reconcile the partitions this thread claims, each with its own totals; every partition's rows (its findings, and its
 * matches with --all) go back to the spill sorted, under `rowsKind`, and its findings are tallied (JobTally).
 */
export async function reconcileJobPartitions(spill: Spill, s: JobMergeSettings, claim: PartitionClaim, opts: {rowsKind: string; gcEvery: number; onPartition?: () => void}): Promise<{parts: JobMergePart[]; figures: JobFigures}> {
  const {env, tolerances} = jobMergeEnv(s)
  const keep = keepFinding(s.onlyNew)
  const parts: JobMergePart[] = []
  const tally = new JobTally()
  for (let p = claim.next(), n = 1; p >= 0; p = claim.next(), n++) {
    const totals = emptyJobTotals(s.job)
    // the previous run's open findings of this partition (job-history.ts loadJobHistory spilled them)
    const previous = previousFindings(spill, p)
    spill.drop(JOB_KIND_HISTORY, p)
    env.history = previous
    const res = reconcileJobPartition(spill, p, env, totals, tolerances)
    for (const r of res.rows.sort(compareFindings)) {
      if (keep(r)) tally.figures.reported++
      spill.write(opts.rowsKind, p, JSON.stringify(r))
    }
    spill.flush(opts.rowsKind)
    for (const f of res.findings) tally.finding(f, p)
    if (previous.size > 0) {
      const now = new Set(res.findings.map((f) => f.key.join(KEY_SEP)))
      for (const [k, h] of previous) if (!now.has(k)) tally.gone(h, p)
    }
    parts.push({partition: p, totals})
    // the early stop when the link lines nothing up: keys are their own sample units here (hashed one by one), so the
    // one-sided keys stand for stock's variance item codes; in-flight keys count in neither share
    const k = totals.keys
    claim.finished({keys: k.match + k.differs + k.only_in_left + k.only_in_right, paired: k.match + k.differs, items: k.only_in_left + k.only_in_right}, s.minMatchRatio)
    opts.onPartition?.()
    // a partition's garbage that lives long enough to be promoted can pile up in old space: a full collection every
    // gcEvery partitions (GC_EVERY: none since the merge works on the spilled bytes)
    if (opts.gcEvery > 0 && n % opts.gcEvery === 0) collectGarbage()
  }
  return {parts, figures: tally.done()}
}

/** Which findings the report shows: all, or with --only new the new ones (not matches, not in flight). */
export function keepFinding(onlyNew: boolean): (f: JobFinding) => boolean {
  return (f) => !onlyNew || (f.runs_seen === 1 && f.status !== 'match' && f.status !== 'in_flight')
}

/** The parts and figures of every thread combined as one thread's (totals in partition order). */
export function combineJobParts(job: ReconcileJobConfig, parts: JobMergePart[], figures: JobFigures[]): {figures: JobFigures; totals: JobMergeTotals} {
  parts.sort((a, b) => a.partition - b.partition)
  const totals = emptyJobTotals(job)
  for (const part of parts) {
    const t = part.totals
    for (const k of Object.keys(totals.keys) as JobStatus[]) totals.keys[k] += t.keys[k]
    for (const [c, n] of Object.entries(t.causes)) totals.causes[c] = (totals.causes[c] ?? 0) + n
    for (const [f, q] of Object.entries(t.qty)) {
      totals.qty[f].sumAbsLeft = addScaled(totals.qty[f].sumAbsLeft, q.sumAbsLeft)
      totals.qty[f].sumAbsDiff = addScaled(totals.qty[f].sumAbsDiff, q.sumAbsDiff)
    }
    for (const [day, q] of t.byBucket) {
      const b = totals.byBucket.get(day)
      totals.byBucket.set(day, b ? {sumAbsLeft: addScaled(b.sumAbsLeft, q.sumAbsLeft), sumAbsDiff: addScaled(b.sumAbsDiff, q.sumAbsDiff)} : q)
    }
    totals.unitWarnings += t.unitWarnings
    for (const e of t.unitWarningExamples) if (totals.unitWarningExamples.length < 5 && !totals.unitWarningExamples.includes(e)) totals.unitWarningExamples.push(e)
  }
  const out = new JobTally().figures
  for (const f of figures) {
    out.findings += f.findings
    out.reported += f.reported
    out.newFindings += f.newFindings
    for (const k of Object.keys(out.newByStatus) as Array<keyof JobFigures['newByStatus']>) out.newByStatus[k] += f.newByStatus[k]
    out.resolved.count += f.resolved.count
  }
  out.examples.only_in_left = combineFirst(
    figures.map((f) => f.examples.only_in_left),
    EXAMPLES,
  )
  out.examples.only_in_right = combineFirst(
    figures.map((f) => f.examples.only_in_right),
    EXAMPLES,
  )
  out.resolved.rows = combineFirst(
    figures.map((f) => f.resolved.rows),
    RESOLVED_KEPT,
  )
  return {figures: out, totals}
}

/** A job's findings (what its history remembers) streamed from the spill partition by partition (no order needed). */
export function* jobFindings(spill: Spill, rowKinds: string[]): Generator<JobFinding> {
  for (const f of eachSpilledLine<JobFinding>(spill, rowKinds)) if (f.status === 'differs' || f.status === 'only_in_left' || f.status === 'only_in_right') yield f
}

/** Below this many records (both sides) a job reconciles on one thread: starting a second costs more than it saves. */
const PARALLEL_MIN_RECORDS = 100_000

/**
 * Partitions between forced full collections (see reconcileJobPartitions), per thread; 0: none. bench/reconcile.ts at
 * 1,000,000 order lines, while a partition's records were decoded into strings and Maps: one thread, every 16: peak RSS
 * 218-241 MB; two threads, every 16: 348 MB, every 4: 229 MB. Since the partitions are joined on their spilled bytes
 * (job-fast.ts LineIndex, reused arrays; only the keys the fast path does not settle are decoded) a partition leaves
 * little garbage, and the forced collections were the larger cost: two threads, every 16: CPU 6.9-8.4 s, peak RSS
 * 194-197 MB; every 64: 6.9-5.9 s, 195 MB; never: 5.4-6.7 s, 193-197 MB (interleaved runs, load average 12-13 on 2 cores).
 */
export const GC_EVERY = {one: 0, two: 0}

/**
 * Reconcile a job's spill, on two cores when the compiled merge worker exists and the sides are large: this thread and
 * a worker claim partitions from one shared counter (stock's PartitionClaim) and the parts are combined in partition
 * order (the same answer as one thread). `newDir` gives the worker a spill directory for its --all rows (tracked and
 * removed by the caller). Returns the spill kinds holding the sorted --all rows.
 */
export async function reconcileJobSpill(
  spill: Spill,
  s: JobMergeSettings,
  opts: {parallel: boolean; records: number; newDir: () => string; onPartition?: () => void},
): Promise<ReturnType<typeof combineJobParts> & {rowKinds: string[]; threads: number; early: EarlyStop | null}> {
  const workerFile = fileURLToPath(new URL('job-merge-worker.js', import.meta.url))
  const claim = new PartitionClaim(spill.partitions)
  if (!opts.parallel || opts.records < PARALLEL_MIN_RECORDS || spill.partitions < 2 || !existsSync(workerFile)) {
    const mine = await reconcileJobPartitions(spill, s, claim, {rowsKind: JOB_ROWS_KIND, gcEvery: GC_EVERY.one, onPartition: opts.onPartition})
    spill.flush()
    return {...combineJobParts(s.job, mine.parts, [mine.figures]), rowKinds: [JOB_ROWS_KIND], threads: 1, early: claim.earlyStop()}
  }
  const task: JobMergeTask = {settings: s, index: spill.exportIndex(), partitions: spill.partitions, claim: claim.buffer, dir: opts.newDir(), rowsKind: `${JOB_ROWS_KIND}1`}
  const worker = new Worker(workerFile, {workerData: {[JOB_MERGE_TASK]: task}, resourceLimits: READ_WORKER_HEAP})
  const other = new Promise<JobMergeDone>((resolve, reject) => {
    worker.once('message', (m: JobMergeMessage) => (m.type === 'done' ? resolve(m) : reject(errorFromData(m.error))))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(t('reconcile.errors.mergerExited', {code}))))
  })
  other.catch(() => {})
  try {
    const mine = await reconcileJobPartitions(spill, s, claim, {rowsKind: JOB_ROWS_KIND, gcEvery: GC_EVERY.two, onPartition: opts.onPartition})
    spill.flush()
    const theirs = await other
    spill.adopt(theirs.rows)
    return {...combineJobParts(s.job, [...mine.parts, ...theirs.parts], [mine.figures, theirs.figures]), rowKinds: [JOB_ROWS_KIND, task.rowsKind], threads: 2, early: claim.earlyStop()}
  } catch (error) {
    await worker.terminate().catch(() => 0)
    throw error
  }
}

/** The workerData key of a job's merge thread. */
export const JOB_MERGE_TASK = 'plantopsJobMerge'

export interface JobMergeTask {
  settings: JobMergeSettings
  /** The spill to read (every kind the readers wrote), read-only. */
  index: SpillIndex
  partitions: number
  claim: SharedArrayBuffer
  /** Where this thread writes its rows (created and removed by the main thread). */
  dir: string
  rowsKind: string
}

export interface JobMergeDone {
  type: 'done'
  parts: JobMergePart[]
  figures: JobFigures
  rows: SpillIndex
}

export type JobMergeMessage = JobMergeDone | {type: 'error'; error: WorkerErrorData}
