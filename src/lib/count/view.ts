import type {Column} from '../report/columns.js'
import path from 'node:path'

import type {TextOptions, View} from '../report/emit.js'
import {renderKeyValue, renderTable, wrap} from '../report/table.js'
import {formatTime, zoneLabel} from '../report/time.js'
import type {CountHeader, CountSummary} from './count-store.js'
import type {Proportion} from './ira.js'
import type {SampleResult} from './open-count.js'
import type {RecordResult} from './record.js'
import type {AdjustmentRow, CountReport, IraSummary, ReportLine, UncountedLine} from './report.js'

/** The result of `plantops count report` (its JSON contract). */
export interface CountReportResult {
  count: Pick<CountHeader, 'id' | 'kind' | 'parentId' | 'status' | 'method' | 'seed' | 'snapshotAt' | 'populationSize' | 'sampleSize'> & {recountId: number | null}
  totals: CountReport['totals']
  ira: IraSummary
  cutoff: CountReport['cutoff']
  lines: ReportLine[]
  recount: Array<Pick<ReportLine, 'line' | 'location' | 'item' | 'lot' | 'wmsStatus' | 'erpStatus'>>
  uncounted: UncountedLine[]
  adjustments: {path: string; rows: number} | null
  output: string | null
}

/** The report as shown: the JSON document plus what the terminal and workbook also show. */
export interface CountReportView {
  result: CountReportResult
  header: CountHeader
  report: CountReport
}

// priority: which columns a narrow terminal keeps (10 = always; the lowest are left out first)
export const LINE_COLUMNS: Column<ReportLine>[] = [
  {key: 'line', header: 'Line', kind: 'int', priority: 10},
  {key: 'location', header: 'Location', priority: 9, shrink: true, minWidth: 8},
  {key: 'item', header: 'Item', priority: 10},
  {key: 'description', header: 'Description', priority: 1, shrink: true, minWidth: 10},
  {key: 'lot', header: 'Lot', priority: 6, shrink: true, minWidth: 8},
  {key: 'abcClass', header: 'Class', priority: 3},
  {key: 'unit', header: 'Unit', priority: 5},
  {key: 'counted', header: 'Counted', kind: 'qty', priority: 9},
  {key: 'wmsExpected', header: 'WMS', kind: 'qty', priority: 8},
  {key: 'cutoff', header: 'Cut-off', kind: 'qty', priority: 1},
  {key: 'wmsDiff', header: 'WMS diff', kind: 'qty', priority: 8},
  {key: 'wmsStatus', header: 'WMS status', priority: 9},
  {key: 'erpUnit', header: 'ERP unit', priority: 2},
  {key: 'countedErpUnit', header: 'Counted (ERP unit)', kind: 'qty', priority: 2},
  {key: 'erpExpected', header: 'ERP', kind: 'qty', priority: 6},
  {key: 'erpDiff', header: 'ERP diff', kind: 'qty', priority: 7},
  {key: 'erpStatus', header: 'ERP status', priority: 8},
  {key: 'erpDiffValue', header: 'ERP diff value', kind: 'money', priority: 3},
  {key: 'tolerancePct', header: 'Tol %', kind: 'int', priority: 1},
]

const TABLE_COLUMNS = LINE_COLUMNS.filter((c) => !['description', 'tolerancePct', 'cutoff'].includes(c.key))

export const ADJ_COLUMNS: Column<AdjustmentRow>[] = [
  {key: 'system', header: 'System'},
  {key: 'warehouse', header: 'Warehouse'},
  {key: 'location', header: 'Location'},
  {key: 'item', header: 'Item'},
  {key: 'lot', header: 'Lot'},
  {key: 'unit', header: 'Unit'},
  {key: 'systemQty', header: 'System qty', kind: 'qty'},
  {key: 'countedQty', header: 'Counted qty', kind: 'qty'},
  {key: 'adjustQty', header: 'Proposed adjustment', kind: 'qty'},
  {key: 'value', header: 'Value', kind: 'money'},
  {key: 'status', header: 'Status'},
  {key: 'note', header: 'Note'},
]

interface IraRow {
  scope: string
  population: number | null
  counted: number
  wms: number | null
  wmsLow: number | null
  wmsHigh: number | null
  erp: number | null
  erpLow: number | null
  erpHigh: number | null
  fpc: string
}

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)}%`)
const interval = (p: Proportion) => (p.low === null ? '' : `${pct(p.low)} – ${pct(p.high)}${p.fpcApplied ? ' (fpc)' : ''}`)

function iraRows(ira: IraSummary, population: number): IraRow[] {
  const row = (scope: string, pop: number | null, w: Proportion, e: Proportion): IraRow => ({
    scope,
    population: pop,
    counted: w.counted,
    wms: w.ira,
    wmsLow: w.low,
    wmsHigh: w.high,
    erp: e.counted ? e.ira : null,
    erpLow: e.counted ? e.low : null,
    erpHigh: e.counted ? e.high : null,
    fpc: w.fpcApplied || e.fpcApplied ? 'yes' : 'no',
  })
  return [row('all lines', population, ira.wms, ira.erp), ...ira.byClass.map((b) => row(`class ${b.abcClass}`, b.population, b.wms, b.erp))]
}

/** The terminal's IRA table: percentages and intervals as text. */
function iraText(ira: IraSummary, population: number) {
  const row = (scope: string, pop: number | null, w: Proportion, e: Proportion) => ({scope, population: pop, counted: w.counted, wms: pct(w.ira), wmsInterval: interval(w), erp: e.counted ? pct(e.ira) : 'n/a', erpInterval: interval(e)})
  return [row('all lines', population, ira.wms, ira.erp), ...ira.byClass.map((b) => row(`class ${b.abcClass}`, b.population, b.wms, b.erp))]
}

const IRA_TEXT_COLUMNS: Column<ReturnType<typeof iraText>[number]>[] = [
  {key: 'scope', header: 'Scope'},
  {key: 'population', header: 'Population', kind: 'int'},
  {key: 'counted', header: 'Counted', kind: 'int'},
  {key: 'wms', header: 'IRA WMS'},
  {key: 'wmsInterval', header: 'WMS 95% CI'},
  {key: 'erp', header: 'IRA ERP'},
  {key: 'erpInterval', header: 'ERP 95% CI'},
]

/** The workbook's IRA sheet: the rates and interval bounds as numbers with a percent format. */
const IRA_SHEET_COLUMNS: Column<IraRow>[] = [
  {key: 'scope', header: 'Scope'},
  {key: 'population', header: 'Population', kind: 'int'},
  {key: 'counted', header: 'Counted', kind: 'int'},
  {key: 'wms', header: 'IRA WMS', kind: 'pct'},
  {key: 'wmsLow', header: 'WMS 95% CI low', kind: 'pct'},
  {key: 'wmsHigh', header: 'WMS 95% CI high', kind: 'pct'},
  {key: 'erp', header: 'IRA ERP', kind: 'pct'},
  {key: 'erpLow', header: 'ERP 95% CI low', kind: 'pct'},
  {key: 'erpHigh', header: 'ERP 95% CI high', kind: 'pct'},
  {key: 'fpc', header: 'Finite population correction'},
]

export function countReportText(v: CountReportView, o: TextOptions): string {
  const {header, report} = v
  const t = report.totals
  const out: string[] = []
  out.push(`Count ${header.id}${header.kind === 'recount' ? ` (recount of ${header.parentId})` : ''}: ${t.counted} counted, ${t.found} found, ${t.uncounted} uncounted; over tolerance WMS ${t.wmsOver}, ERP ${t.erpOver}.`)
  out.push(renderTable(TABLE_COLUMNS, report.lines, {color: o.color, width: o.width, columns: o.columns}))
  out.push('\nInventory record accuracy (share of counted lines within tolerance), 95% Wilson interval:')
  out.push(renderTable(IRA_TEXT_COLUMNS, iraText(report.ira, header.populationSize), {color: o.color, width: o.width}))
  if (report.ira.weighted) out.push(`Population estimate (classes weighted by population): WMS ${pct(report.ira.weighted.wms)}, ERP ${pct(report.ira.weighted.erp)}`)
  out.push(
    renderKeyValue(
      [
        ['value of differences (WMS)', t.wmsDiffValue],
        ['value of differences (ERP)', t.erpDiffValue],
        ['cut-off', `${report.cutoff.applied} movement(s) applied to ${report.cutoff.linesMoved} line(s)`],
      ],
      {color: o.color, width: o.width},
    ),
  )
  if (report.recount.length > 0) {
    out.push(`\nRecount list: ${report.recount.length} line(s) over tolerance (${report.recount.map((r) => r.line).join(', ')}).`)
    out.push(v.result.count.recountId ? `Recount ${v.result.count.recountId} is already open.` : `Open the recount (a different counter, still blind): plantops count sample --recount ${header.id}`)
  }
  if (report.uncounted.length > 0) out.push(`${report.uncounted.length} line(s) not counted yet (shown without quantities until counted).`)
  const text = out.join('\n')
  return o.width === undefined ? text : text.split('\n').map((l) => (l.startsWith('┌') || l.startsWith('│') || l.startsWith('└') || l.startsWith('├') ? l : wrap(l, o.width!))).join('\n')
}

const overCells = (r: ReportLine) => [...(r.wmsStatus === 'over_tolerance' ? ['wmsDiff'] : []), ...(r.erpStatus === 'over_tolerance' ? ['erpDiff'] : [])]

export const countReportView: View<CountReportView> = {
  text: countReportText,
  csv: (v) => ({columns: LINE_COLUMNS, rows: v.report.lines}),
  xlsx: (v) => [
    {name: 'Lines', columns: LINE_COLUMNS, rows: v.report.lines, highlight: overCells},
    {name: 'IRA', columns: IRA_SHEET_COLUMNS, rows: iraRows(v.report.ira, v.header.populationSize)},
    {name: 'Recount', columns: LINE_COLUMNS, rows: v.report.recount},
    {name: 'Adjustments', columns: ADJ_COLUMNS, rows: v.report.adjustments},
  ],
  json: (v) => v.result,
}

/** `plantops count list`: times in the plant's zone, labelled. */
export function countListText(counts: CountSummary[], o: TextOptions): string {
  if (counts.length === 0) return 'No counts yet: open one with `plantops count sample`.'
  return renderTable(
    [
      {key: 'id', header: 'Count', kind: 'int', priority: 10},
      {key: 'kind', header: 'Kind', priority: 6},
      {key: 'parentId', header: 'Of', kind: 'int', priority: 5},
      {key: 'createdAt', header: `Opened (${zoneLabel(o.zone)})`, priority: 8},
      {key: 'method', header: 'Method', priority: 4},
      {key: 'seed', header: 'Seed', priority: 3},
      {key: 'sampleSize', header: 'Lines', kind: 'int', priority: 9},
      {key: 'counted', header: 'Counted', kind: 'int', priority: 9},
      {key: 'found', header: 'Found', kind: 'int', priority: 5},
      {key: 'status', header: 'Status', priority: 9},
      {key: 'sheetsPath', header: 'Sheets', priority: 2, shrink: true, minWidth: 12},
    ],
    counts.map((c) => ({...c, createdAt: formatTime(c.createdAt, o.zone)})),
    {color: o.color, width: o.width, columns: o.columns},
  )
}

/** `plantops count record`: what was recorded, what was rejected and why, what is still uncounted. */
export function countRecordText(r: RecordResult, o: TextOptions): string {
  const out: string[] = []
  out.push(`Count ${r.count}: ${r.recorded} line(s) recorded, ${r.unchanged} unchanged, ${r.found} found, ${r.rejected.length} rejected, ${r.uncounted.length} still uncounted (status ${r.status}).`)
  if (r.rejected.length > 0) {
    out.push('\nRejected (fix these rows and record the file again; recorded rows are not duplicated):')
    out.push(renderTable([{key: 'where', header: 'Where', priority: 9, shrink: true, minWidth: 12}, {key: 'line', header: 'Line', kind: 'int', priority: 10}, {key: 'reason', header: 'Why', priority: 10, shrink: true, minWidth: 20}], r.rejected, {color: o.color, maxWidth: 110, width: o.width}))
  }
  if (r.uncounted.length > 0) {
    out.push('\nStill uncounted:')
    out.push(
      renderTable(
        [
          {key: 'line', header: 'Line', kind: 'int', priority: 10},
          {key: 'sheet', header: 'Sheet', priority: 6, shrink: true},
          {key: 'location', header: 'Location', priority: 9},
          {key: 'item', header: 'Item', priority: 10},
          {key: 'lot', header: 'Lot', priority: 7, shrink: true},
        ],
        r.uncounted.slice(0, 50),
        {color: o.color, width: o.width},
      ),
    )
    if (r.uncounted.length > 50) out.push(`… and ${r.uncounted.length - 50} more.`)
  } else if (r.rejected.length === 0) out.push(`All lines counted: plantops count report ${r.count}`)
  return out.join('\n')
}

/** `plantops count sample`: the count opened, its sample and sheets (no quantities: the count is blind). */
export function countSampleText(r: SampleResult, o: TextOptions): string {
  const out: string[] = []
  const c = r.count!
  const sheets = r.sheets!
  const title = c.kind === 'recount' ? `Recount ${c.id} of count ${c.parentId} opened` : `Count ${c.id} opened`
  out.push(c.kind === 'recount' ? `${title}: ${c.sampleSize} line(s) over tolerance, to be recounted by someone other than the first counter.` : `${title}: ${c.sampleSize} line(s), seed ${c.seed} (repeat with --seed ${c.seed}).`)
  out.push(
    renderKeyValue(
      [
        ['method', c.method],
        ['snapshot (WMS clock)', c.snapshotAt],
        ['population', `${c.populationSize} lines (A ${c.populationByClass.A} · B ${c.populationByClass.B} · C ${c.populationByClass.C})`],
        ['sample by class', `A ${c.sampleByClass.A} · B ${c.sampleByClass.B} · C ${c.sampleByClass.C}`],
        ...(c.confidence !== null ? ([['size from', `${c.confidence}% confidence, ±${c.margin}% margin`]] as Array<[string, unknown]>) : []),
        ['sheets', `${sheets.path} (${sheets.sheets.map((s) => `${s.name}: ${s.lines}`).join(', ')})`],
      ],
      {color: o.color, width: o.width},
    ),
  )
  const shown = r.lines.slice(0, 30)
  out.push(
    renderTable(
      [
        {key: 'line', header: 'Line', kind: 'int', priority: 10},
        {key: 'sheet', header: 'Sheet', priority: 4, shrink: true},
        {key: 'location', header: 'Location', priority: 9},
        {key: 'item', header: 'Item', priority: 10},
        {key: 'description', header: 'Description', priority: 6, shrink: true, minWidth: 10},
        {key: 'lot', header: 'Lot', priority: 7, shrink: true},
        {key: 'unit', header: 'Unit', priority: 5},
        {key: 'abcClass', header: 'Class', priority: 3},
      ],
      shown,
      {color: o.color, maxWidth: 30, width: o.width},
    ),
  )
  if (r.lines.length > shown.length) out.push(`… and ${r.lines.length - shown.length} more line(s) on the sheets.`)
  out.push(`Blind count: print the sheets, count, then: plantops count record ${c.id} ${path.relative(process.cwd(), sheets.path) || sheets.path}`)
  return out.join('\n')
}
