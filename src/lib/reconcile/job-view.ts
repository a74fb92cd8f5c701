import type {Column} from '../report/columns.js'
import type {JobRunSummary} from './job-run.js'
import type {JobFinding} from './job-types.js'

/**
 * One line of a job's CSV/XLSX report: one per differing field (a key with no field to show gives one line with an
 * empty field). The CSV contract, in order: job, the job's key columns (named by link.keys[].name), status, cause,
 * field, left_value, right_value, first_seen; then runs_seen, status_label, detail (new columns only ever at the end).
 */
export type JobReportLine = Record<string, string | number | null>

export const CONTRACT_TAIL = ['status', 'cause', 'field', 'left_value', 'right_value', 'first_seen', 'runs_seen', 'status_label', 'detail'] as const

export function* reportLines(job: string, summary: Pick<JobRunSummary, 'keyNames' | 'names'>, rows: Iterable<JobFinding>): Generator<JobReportLine> {
  for (const f of rows) {
    const base: JobReportLine = {job}
    summary.keyNames.forEach((k, i) => (base[k] = f.key[i] ?? ''))
    const common = {status: f.status, first_seen: f.first_seen, runs_seen: f.runs_seen, status_label: summary.names[f.status]}
    if (f.fields.length === 0) {
      yield {...base, ...common, cause: f.cause, field: '', left_value: null, right_value: null, detail: null}
      continue
    }
    for (const d of f.fields) yield {...base, ...common, cause: d.cause ?? f.cause, field: d.field, left_value: d.left, right_value: d.right, detail: d.detail}
  }
}

export function csvColumns(keyNames: string[]): Column<JobReportLine>[] {
  return [{key: 'job', header: 'job'}, ...keyNames.map((k) => ({key: k, header: k})), ...CONTRACT_TAIL.map((c) => ({key: c, header: c, kind: c === 'runs_seen' ? ('int' as const) : ('text' as const)}))]
}

/** XLSX: the CSV columns with the sides' labels in the value headers; the differing values are highlighted. */
export function xlsxColumns(summary: Pick<JobRunSummary, 'keyNames' | 'left' | 'right'>): Column<JobReportLine>[] {
  return csvColumns(summary.keyNames).map((c) => (c.key === 'left_value' ? {...c, header: `left_value (${summary.left.label})`} : c.key === 'right_value' ? {...c, header: `right_value (${summary.right.label})`} : c))
}

export function xlsxHighlight(line: JobReportLine): string[] {
  return line.field ? ['field', 'left_value', 'right_value'] : []
}

export function tableColumns(summary: Pick<JobRunSummary, 'keyNames' | 'left' | 'right'>): Column<JobReportLine>[] {
  return [
    ...summary.keyNames.map((k) => ({key: k, header: k})),
    {key: 'status_label', header: 'Status'},
    {key: 'cause', header: 'Cause'},
    {key: 'field', header: 'Field'},
    {key: 'left_value', header: summary.left.label},
    {key: 'right_value', header: summary.right.label},
    {key: 'detail', header: 'Detail'},
    {key: 'seen', header: 'First seen (runs)'},
  ]
}

export function toTableLine(l: JobReportLine): JobReportLine {
  return {...l, seen: l.first_seen === null ? '' : `${l.first_seen} (${l.runs_seen})`}
}

/** The summary as label/value pairs for the terminal. */
export function jobSummaryPairs(s: JobRunSummary): Array<[string, unknown]> {
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  const side = (x: JobRunSummary['left']) =>
    `${x.records.toLocaleString('en-US')} records${x.pushedDown ? ` (${x.rows.toLocaleString('en-US')} groups, GROUP BY on the server)` : ''} read in ${sec(x.readMs)}${x.excluded ? `, ${x.excluded} left out by status` : ''}${x.unkeyed ? `, ${x.unkeyed.toLocaleString('en-US')} without a key (not compared)` : ''}${x.lagSeconds === null ? '' : `, lag ${x.lagSeconds} s`}`
  const pairs: Array<[string, unknown]> = [
    ['Job', s.description ? `${s.job}: ${s.description}` : s.job],
    [`${s.left.label} (${s.left.source})`, side(s.left)],
    [`${s.right.label} (${s.right.source})`, side(s.right)],
    [`Keys (${s.keyNames.join(' × ')})`, s.keys.total.toLocaleString('en-US')],
    ['  match', s.keys.match],
    [`  ${s.names.differs}`, s.keys.differs],
    [`  ${s.names.only_in_left}`, s.keys.only_in_left],
    [`  ${s.names.only_in_right}`, s.keys.only_in_right],
    [`  ${s.names.in_flight}`, s.keys.in_flight],
    ['Match rate', `${s.matchRatePct}%`],
  ]
  for (const [f, v] of Object.entries(s.deviationRatePct)) pairs.push([`Deviation rate (${f})`, v === null ? 'n/a' : `${v}%`])
  const causes = Object.entries(s.causes)
  if (causes.length) pairs.push(['Probable causes', causes.map(([c, n]) => `${c} ${n}`).join(', ')])
  if (s.deviationByDay.length > 0) {
    const worst = [...s.deviationByDay].filter((d) => d.deviationRatePct !== null && d.deviationRatePct !== '0').sort((a, b) => Number(b.deviationRatePct) - Number(a.deviationRatePct))
    pairs.push(['Days', `${s.deviationByDay.length}, ${worst.length} with a deviation${worst.length ? ` (worst ${worst[0].day}: ${worst[0].deviationRatePct}%)` : ''}`])
  }
  if (s.graceCutoff) pairs.push(['In flight since', s.graceCutoff])
  pairs.push(['New findings', s.newFindings])
  pairs.push(['Resolved since last run', s.resolved.count])
  pairs.push(['Took', sec(s.elapsedMs)])
  return pairs
}
