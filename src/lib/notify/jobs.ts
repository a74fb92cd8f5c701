import type {CountReport, IraSummary, ReportLine} from '../count/report.js'
import type {OrdersImportResult} from '../orders/import-orders.js'
import {causeName, JOB_STATUSES, statusName} from '../reconcile/job-types.js'
import type {JobFindingJson, JobRunSummaryJson} from '../reconcile/job-view.js'
import type {StockDiffSummary} from '../stock/stock-diff.js'
import type {AuditReport} from '../systems/audit/run-audit.js'
import type {Finding} from '../systems/audit/findings.js'
import {label} from '../i18n/index.js'
import {msg} from './messages.js'
import type {NotifySummary} from './summary.js'

/** What the run lifecycle knows when a job ends (the job's typed result, or its error). */
export interface FinishedRun {
  job: string
  plant: string | null
  runId: number | null
  startedAt: string
  exitCode: number
  /** The job's JSON result (absent when it failed). */
  result?: unknown
  error?: {message: string; exitCode: number}
  /** Output files the run recorded. */
  outputs: string[]
  /** The run's recorded outcome counts (run history), for jobs without a summarizer. */
  outcome: Record<string, unknown>
}

/** How a job's result becomes a summary: one function per job, registered by job name. */
export type JobSummarizer = (result: unknown, run: FinishedRun, top: number) => Partial<NotifySummary>

const summarizers = new Map<string, JobSummarizer>()

/** Register the summary of a job's result (e.g. `reconcile run`: registerJobSummarizer('reconcile-run', fn)). */
export function registerJobSummarizer(job: string, fn: JobSummarizer): void {
  summarizers.set(job, fn)
}

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)
const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0)

/**
 * The counts of a job that reconciles keys (stock diff, reconcile run): all keys, then each status under its label,
 * then the rates (record accuracy; match and deviation rates).
 */
function keyCounts(total: number, byStatus: Array<[string, number]>, rates: Array<[string, string]>): NotifySummary['counts'] {
  return [{label: msg.label('keys'), value: total}, ...[...byStatus, ...rates].map(([label, value]) => ({label, value}))]
}

/** What changed since the last run: "all N are new" on a first run (or when everything changed), else new and resolved. */
function sinceLastRun(o: {found: number; newOnes: number; resolved: number; allNew: (n: number) => string; extra?: string[]}): string[] {
  if (o.found > 0 && o.newOnes === o.found && o.resolved === 0) return [o.allNew(o.found)]
  return [msg.newCount(o.newOnes), msg.resolvedCount(o.resolved), ...(o.extra ?? [])]
}

/** Each source's replica lag once (both sides may read the same source). */
function sideLags(sides: Array<{source: string; lagSeconds: number | null}>): NotifySummary['lag'] {
  return sides.filter((side, i) => sides.findIndex((x) => x.source === side.source) === i).map((side) => ({source: side.source, seconds: side.lagSeconds}))
}

/** A count line's status (match, over_tolerance…) in words. */
function countStatus(status: string): string {
  return label(`count.status.${status}`) // i18n-dynamic: count.status.*
}

/**
 * The summary of a finished run. Status: a source error (exit 3) or another failure first, then over-tolerance, then
 * findings, else ok. Unknown jobs are summarised from the outcome counts recorded in the run history.
 */
export function summarizeRun(run: FinishedRun, top = 10): NotifySummary {
  const base: NotifySummary = {
    job: run.job,
    plant: run.plant,
    runId: run.runId,
    startedAt: run.startedAt,
    exitCode: run.exitCode,
    status: 'ok',
    events: {overTolerance: false, findings: false, sourceError: run.exitCode === 3},
    lag: [],
    counts: [],
    valueAtRisk: null,
    top: {title: '', total: 0, lines: []},
    changes: [],
    outputs: run.outputs,
    error: run.error?.message ?? null,
  }
  let s: NotifySummary = base
  if (run.result !== undefined) {
    const fn = summarizers.get(run.job) ?? genericSummary
    const part = fn(run.result, run, top)
    s = {...base, ...part, events: {...base.events, ...part.events}, outputs: [...new Set([...(part.outputs ?? []), ...run.outputs])]}
  } else if (run.error === undefined) {
    s = {...base, ...genericSummary(undefined, run, top)}
  }
  s.status = s.events.sourceError ? 'source-error' : run.error || (run.exitCode !== 0 && run.exitCode !== 1) ? 'error' : s.events.overTolerance ? 'over-tolerance' : s.events.findings ? 'findings' : 'ok'
  return s
}

function genericSummary(_result: unknown, run: FinishedRun, _top?: number): Partial<NotifySummary> {
  const counts = Object.entries(run.outcome)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([label, value]) => ({label, value: value as number | string}))
  return {counts, events: {overTolerance: run.exitCode === 1, findings: run.exitCode === 1, sourceError: run.exitCode === 3}}
}

// ── stock diff ────────────────────────────────────────────────────────

/** The stock diff (and the demo's): counts by status, value at risk (with cost), the top variances by value. */
export function stockDiffSummary(result: unknown, _run: FinishedRun, top: number): Partial<NotifySummary> {
  const r = result as {summary: StockDiffSummary; output?: string | null; itemNames?: Record<string, string>}
  const s = r.summary
  const k = s.keys
  const over = k.over_tolerance + k.only_in_erp + k.only_in_wms
  const names = r.itemNames ?? {}
  const lines = s.topVariances.slice(0, top).map((v) =>
    msg.stockLine({
      item: v.item,
      name: names[v.item] ?? null,
      warehouse: v.warehouse,
      lot: v.lot,
      erp: v.erp_qty,
      wms: v.wms_qty,
      uom: v.uom,
      diff: v.diff,
      value: v.value_diff,
      status: label(`stock.statusLong.${v.status}`), // i18n-dynamic: stock.statusLong.*
      cause: v.cause ? label(`stock.cause.${v.cause}`) : null, // i18n-dynamic: stock.cause.*
      since: v.first_seen,
    }),
  )
  const nb = s.newByStatus
  const newOverish = nb.over_tolerance + nb.only_in_erp + nb.only_in_wms
  return {
    lag: sideLags([s.erp, s.wms]),
    counts: keyCounts(
      k.total,
      [
        [msg.label('match'), k.match],
        [msg.label('withinTolerance'), k.within_tolerance],
        [msg.label('overTolerance'), k.over_tolerance],
        [msg.label('onlyInErp'), k.only_in_erp],
        [msg.label('onlyInWms'), k.only_in_wms],
      ],
      [[msg.label('recordAccuracy'), `${s.recordAccuracyPct}%`]],
    ),
    valueAtRisk: s.valueAtRisk,
    top: {title: msg.topVariances(lines.length, s.valueAtRisk !== null), total: over, lines},
    changes: sinceLastRun({found: over + k.within_tolerance, newOnes: s.newVariances, resolved: s.resolved.count, allNew: msg.allNew, extra: newOverish > 0 ? [msg.newOverish(newOverish)] : []}),
    outputs: r.output ? [r.output] : [],
    // over-tolerance is what --fail-on over-tolerance fails on (summary.failing): goods in transit do not alert every night
    events: {overTolerance: (s.failing ? s.failing.over_tolerance + s.failing.only_in_erp + s.failing.only_in_wms : over) > 0, findings: over + k.within_tolerance > 0, sourceError: false},
  }
}

/** The parts of `count report`'s JSON result the message uses. */
interface CountReportShape {
  totals: CountReport['totals']
  ira: IraSummary
  lines: ReportLine[]
  recount: Array<Pick<ReportLine, 'line' | 'location' | 'item' | 'lot' | 'wmsStatus' | 'erpStatus'>>
  output: string | null
  adjustments: {path: string} | null
}

function countReportSummary(result: unknown, _run: FinishedRun, top: number): Partial<NotifySummary> {
  const r = result as CountReportShape
  const t = r.totals
  const byLine = new Map(r.lines.map((l) => [l.line, l]))
  const lines = r.recount.slice(0, top).map((x) => msg.countLine({...x, description: byLine.get(x.line)?.description ?? null, lot: x.lot ?? null, wmsStatus: countStatus(x.wmsStatus), erpStatus: countStatus(x.erpStatus)}))
  return {
    counts: [
      {label: msg.label('counted'), value: t.counted},
      {label: msg.label('uncounted'), value: t.uncounted},
      {label: msg.label('wmsOver'), value: t.wmsOver},
      {label: msg.label('erpOver'), value: t.erpOver},
      {label: msg.label('iraWms'), value: pct(r.ira.wms.ira)},
      {label: msg.label('iraErp'), value: pct(r.ira.erp.ira)},
    ],
    top: {title: msg.recountList, total: r.recount.length, lines},
    outputs: [r.output, r.adjustments?.path].filter((x): x is string => Boolean(x)),
    changes: [],
    events: {overTolerance: r.recount.length > 0, findings: t.wmsOver + t.erpOver > 0, sourceError: false},
  }
}

function systemsAuditSummary(result: unknown, _run: FinishedRun, top: number): Partial<NotifySummary> {
  const r = result as AuditReport & {sinceLast: {new: Finding[]; resolved: Finding[]} | null}
  const order = {critical: 0, warning: 1, info: 2} as Record<string, number>
  const sorted = [...r.findings].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3))
  const lines = sorted.slice(0, top).map((f) => msg.findingLine(f))
  return {
    lag: r.systems.flatMap((s) => (s.replica?.isReplica ? [{source: s.source, seconds: s.replica.lagSeconds}] : [])),
    counts: [
      {label: msg.label('systems'), value: r.systems.length},
      {label: msg.label('critical'), value: n(r.counts.critical)},
      {label: msg.label('warning'), value: n(r.counts.warning)},
      {label: msg.label('info'), value: n(r.counts.info)},
    ],
    top: {title: msg.findings, total: r.findings.length, lines},
    changes: r.sinceLast ? [msg.newCount(r.sinceLast.new.length), msg.resolvedCount(r.sinceLast.resolved.length)] : [],
    events: {overTolerance: n(r.counts.critical) > 0, findings: r.findings.some((f) => f.severity !== 'info'), sourceError: false},
  }
}

function ordersImportSummary(result: unknown, _run: FinishedRun, top: number): Partial<NotifySummary> {
  const r = result as OrdersImportResult
  const t = r.totals
  const lines = [
    ...r.failed.map((f) => msg.failedFile(f.file, f.message)),
    ...r.files.filter((f) => f.rejected > 0).map((f) => msg.rejectedFile(f.file, f.rejected, f.rejectsFile)),
  ]
  return {
    counts: [
      {label: msg.label('files'), value: r.files.length},
      {label: msg.label('rowsRead'), value: t.rowsRead},
      {label: msg.label('imported'), value: t.imported},
      {label: msg.label('updated'), value: t.updated},
      {label: msg.label('unchanged'), value: t.unchanged},
      {label: msg.label('rejected'), value: t.rejected},
    ],
    top: {title: msg.filesWithProblems, total: lines.length, lines: lines.slice(0, top)},
    outputs: r.files.flatMap((f) => (f.rejectsFile ? [f.rejectsFile] : [])),
    events: {overTolerance: r.failed.length > 0 || t.rejected > 0, findings: t.rejected > 0, sourceError: false},
  }
}

// ── reconcile run ─────────────────────────────────────────────────────

/**
 * One reconcile job's run (`reconcile run JOB`, one alert per job): the job, its counts by status under the job's
 * display names, the match rate and each quantity field's deviation rate, the probable causes by count (or, when the
 * findings were kept, the first ones in key order), new and resolved since the last run.
 */
export function reconcileRunSummary(result: unknown, _run: FinishedRun, top: number): Partial<NotifySummary> {
  const r = result as {job: string; summary: JobRunSummaryJson; rows?: JobFindingJson[]; output?: string | null}
  const s = r.summary
  const k = s.keys
  const findings = k.differs + k.only_in_left + k.only_in_right
  const shown = (r.rows ?? []).filter((f) => f.status !== 'match').slice(0, top)
  const causes = Object.entries(s.causes)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
  const lines =
    shown.length > 0
      ? shown.map((f) => msg.reconcileLine({...f, status: statusName(s, f.status), cause: f.cause ? causeName(f.cause).replaceAll('_', ' ') : null}))
      : causes.slice(0, top).map(([c, n]) => msg.causeLine(causeName(c).replaceAll('_', ' '), n ?? 0))
  const nb = s.newByStatus
  return {
    lag: sideLags([s.left, s.right]),
    counts: [
      {label: msg.label('reconcileJob'), value: r.job},
      ...keyCounts(
        k.total,
        JOB_STATUSES.map((st) => [statusName(s, st), k[st]]),
        [[msg.label('matchRate'), `${s.matchRatePct}%`], ...Object.entries(s.deviationRatePct).map(([field, pct]): [string, string] => [msg.deviationRate(field), pct === null ? '—' : `${pct}%`])],
      ),
    ],
    top: shown.length > 0 ? {title: msg.reconcileFindings(lines.length), total: findings, lines} : {title: msg.reconcileCauses, total: causes.length, lines},
    changes: sinceLastRun({found: findings, newOnes: nb.differs + nb.only_in_left + nb.only_in_right, resolved: s.resolved.count, allNew: msg.allNewFindings}),
    outputs: r.output ? [r.output] : [],
    events: {overTolerance: findings > 0, findings: findings > 0, sourceError: false},
  }
}

registerJobSummarizer('reconcile-run', reconcileRunSummary)
registerJobSummarizer('stock-diff', stockDiffSummary)
registerJobSummarizer('count-report', countReportSummary)
registerJobSummarizer('systems-audit', systemsAuditSummary)
registerJobSummarizer('orders-import', ordersImportSummary)
