import {label, t, type Language} from '../i18n/index.js'
import type {Column} from '../report/columns.js'
import type {ResolvedFinding} from './job-history.js'
import type {JobRunSummary} from './job-run.js'
import {causeName, detailText, statusName, type DetailCode, type FieldDifference, type JobFinding, type JobStatus} from './job-types.js'

/**
 * One line of a job's CSV/XLSX report: one per differing field (a key with no field to show gives one line with an
 * empty field). The CSV contract, in order: job, the job's key columns (named by link.keys[].name), status, cause,
 * field, left_value, right_value, first_seen; then runs_seen, status_label, detail (new columns only ever at the end).
 */
export type JobReportLine = Record<string, string | number | null>

export const CONTRACT_TAIL = ['status', 'cause', 'field', 'left_value', 'right_value', 'first_seen', 'runs_seen', 'status_label', 'detail'] as const

/**
 * The report lines of a job's rows, the detail in `lang`: English for the CSV (a contract, the same whatever the
 * language in force), the language in force for the XLSX and the terminal.
 */
export function* reportLines(job: string, summary: Pick<JobRunSummary, 'keyNames' | 'names' | 'left' | 'right'>, rows: Iterable<JobFinding>, lang: Language): Generator<JobReportLine> {
  const labels = {left: summary.left.label, right: summary.right.label}
  for (const f of rows) {
    const base: JobReportLine = {job}
    summary.keyNames.forEach((k, i) => (base[k] = f.key[i] ?? ''))
    const common = {status: f.status, first_seen: f.first_seen, runs_seen: f.runs_seen, status_label: summary.names[f.status]}
    if (f.fields.length === 0) {
      yield {...base, ...common, cause: f.cause, field: '', left_value: null, right_value: null, detail: null}
      continue
    }
    for (const d of f.fields) yield {...base, ...common, cause: d.cause ?? f.cause, field: d.field, left_value: d.left, right_value: d.right, detail: detailText(d.detail, labels, lang)}
  }
}

/**
 * A differing field in the JSON document (a contract, like the CSV): the detail as English text, as the CSV's
 * `detail` column has it, and its code (`detail_code`: late, diff, unit_factor…; null without a detail, or for text an
 * earlier plantops kept in the run history).
 */
export interface FieldDifferenceJson {
  field: string
  left: string | null
  right: string | null
  cause: FieldDifference['cause']
  detail: string | null
  detail_code: Exclude<DetailCode, 'stored'> | null
}

export type JobFindingJson = Omit<JobFinding, 'fields'> & {fields: FieldDifferenceJson[]}
export type ResolvedFindingJson = Omit<ResolvedFinding, 'fields'> & {fields: FieldDifferenceJson[]}
export type JobRunSummaryJson = Omit<JobRunSummary, 'resolved'> & {resolved: {count: number; rows: ResolvedFindingJson[]}}

type Labels = {left: string; right: string}

function fieldsJson(fields: FieldDifference[], labels: Labels): FieldDifferenceJson[] {
  return fields.map((d) => ({field: d.field, left: d.left, right: d.right, cause: d.cause, detail: detailText(d.detail, labels, 'en'), detail_code: d.detail === null || d.detail.code === 'stored' ? null : d.detail.code}))
}

/** A reported key (or a resolved one) as the JSON document has it; a key without fields is returned as it is. */
export function findingJson<F extends {fields: FieldDifference[]}>(f: F, summary: Pick<JobRunSummary, 'left' | 'right'>): Omit<F, 'fields'> & {fields: FieldDifferenceJson[]} {
  if (f.fields.length === 0) return f as unknown as Omit<F, 'fields'> & {fields: FieldDifferenceJson[]} // no field: nothing to render, no copy
  return {...f, fields: fieldsJson(f.fields, {left: summary.left.label, right: summary.right.label})}
}

/** The summary as the JSON document has it (the resolved findings' details in English). */
export function jobSummaryJson(s: JobRunSummary): JobRunSummaryJson {
  return {...s, resolved: {count: s.resolved.count, rows: s.resolved.rows.map((r) => findingJson(r, s))}}
}

export function csvColumns(keyNames: string[]): Column<JobReportLine>[] {
  return [{key: 'job', header: 'job'}, ...keyNames.map((k) => ({key: k, header: k})), ...CONTRACT_TAIL.map((c) => ({key: c, header: c, kind: c === 'runs_seen' ? ('int' as const) : ('text' as const)}))]
}

/** A report column's header in the language in force (job, status, cause, field, values, first_seen…); key columns keep their configured names. */
function headerOf(key: string, summary: Pick<JobRunSummary, 'left' | 'right'>): string {
  if (key === 'left_value') return t('reconcile.col.left_value', {side: summary.left.label})
  if (key === 'right_value') return t('reconcile.col.right_value', {side: summary.right.label})
  return label(`reconcile.col.${key}`) // i18n-dynamic: reconcile.col.*
}

/** XLSX: the CSV columns under headers in the language in force, the sides' labels in the value headers; the differing values are highlighted. */
export function xlsxColumns(summary: Pick<JobRunSummary, 'keyNames' | 'left' | 'right'>): Column<JobReportLine>[] {
  const keys = new Set(summary.keyNames)
  return csvColumns(summary.keyNames).map((c) => (keys.has(c.key) && c.key !== 'job' ? c : {...c, header: headerOf(c.key, summary)}))
}

/** An XLSX line: status and cause in words (the status column keeps the code, as in the CSV); `names` from statusNames(summary). */
export function xlsxLine(names: Record<JobStatus, string>, l: JobReportLine): JobReportLine {
  return {...l, status_label: names[l.status as JobStatus] ?? l.status_label, cause: l.cause === null ? null : causeName(String(l.cause))}
}

export function xlsxHighlight(line: JobReportLine): string[] {
  return line.field ? ['field', 'left_value', 'right_value'] : []
}

export function tableColumns(summary: Pick<JobRunSummary, 'keyNames' | 'left' | 'right'>): Column<JobReportLine>[] {
  return [
    ...summary.keyNames.map((k) => ({key: k, header: k})),
    {key: 'status_label', header: t('reconcile.table.status')},
    {key: 'cause', header: t('reconcile.table.cause')},
    {key: 'field', header: t('reconcile.table.field')},
    {key: 'left_value', header: summary.left.label},
    {key: 'right_value', header: summary.right.label},
    {key: 'detail', header: t('reconcile.table.detail')},
    {key: 'seen', header: t('reconcile.table.seen')},
  ]
}

/** A terminal line: status and cause in words, first seen with its run count. */
export function toTableLine(names: Record<JobStatus, string>, l: JobReportLine): JobReportLine {
  return {...xlsxLine(names, l), seen: l.first_seen === null ? '' : t('reconcile.seen', {date: l.first_seen, runs: l.runs_seen})}
}

/** The summary as label/value pairs (terminal, XLSX summary sheet, demo), in the language in force. */
export function jobSummaryPairs(s: JobRunSummary): Array<[string, unknown]> {
  const sec = (ms: number) => t('common.seconds', {s: (ms / 1000).toFixed(1)})
  const num = (n: number) => n.toLocaleString('en-US')
  const side = (x: JobRunSummary['left']) =>
    [
      x.pushedDown ? t('reconcile.summary.recordsGrouped', {records: num(x.records), rows: num(x.rows), took: sec(x.readMs)}) : t('reconcile.summary.records', {records: num(x.records), took: sec(x.readMs)}),
      x.excluded ? t('reconcile.summary.excluded', {n: x.excluded}) : '',
      x.unkeyed ? t('reconcile.summary.unkeyed', {n: num(x.unkeyed)}) : '',
      x.lagSeconds === null ? '' : t('reconcile.summary.lag', {s: x.lagSeconds}),
    ].join('')
  const pairs: Array<[string, unknown]> = [
    [t('reconcile.summary.job'), s.description ? `${s.job}: ${s.description}` : s.job],
    [`${s.left.label} (${s.left.source})`, side(s.left)],
    [`${s.right.label} (${s.right.source})`, side(s.right)],
    [t('reconcile.summary.keys', {keys: s.keyNames.join(' × ')}), num(s.keys.total)],
    [`  ${statusName(s, 'match')}`, num(s.keys.match)],
    [`  ${statusName(s, 'differs')}`, num(s.keys.differs)],
    [`  ${statusName(s, 'only_in_left')}`, num(s.keys.only_in_left)],
    [`  ${statusName(s, 'only_in_right')}`, num(s.keys.only_in_right)],
    [`  ${statusName(s, 'in_flight')}`, num(s.keys.in_flight)],
    [t('reconcile.summary.matchRate'), `${s.matchRatePct}%`],
  ]
  for (const [f, v] of Object.entries(s.deviationRatePct)) pairs.push([t('reconcile.summary.deviationRate', {field: f}), v === null ? t('common.na') : `${v}%`])
  const causes = Object.entries(s.causes)
  if (causes.length) pairs.push([t('reconcile.summary.causes'), causes.map(([c, n]) => t('reconcile.summary.causeCount', {cause: causeName(c), n})).join(t('common.listSeparator'))])
  if (s.deviationByDay.length > 0) {
    const worst = [...s.deviationByDay].filter((d) => d.deviationRatePct !== null && d.deviationRatePct !== '0').sort((a, b) => Number(b.deviationRatePct) - Number(a.deviationRatePct))
    pairs.push([t('reconcile.summary.days'), worst.length ? t('reconcile.summary.daysWorst', {days: s.deviationByDay.length, n: worst.length, day: worst[0].day, pct: worst[0].deviationRatePct}) : t('reconcile.summary.daysNone', {days: s.deviationByDay.length})])
  }
  if (s.graceCutoff) pairs.push([t('reconcile.summary.inFlightSince'), s.graceCutoff])
  pairs.push([t('reconcile.summary.newFindings'), num(s.newFindings)])
  pairs.push([t('reconcile.summary.resolved'), num(s.resolved.count)])
  pairs.push([t('reconcile.summary.took'), sec(s.elapsedMs)])
  return pairs
}
