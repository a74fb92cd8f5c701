import type {Column} from '../report/columns.js'
import path from 'node:path'

import {label, t} from '../i18n/index.js'
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

// The CSV contract: these English headers, whatever --lang (tables and workbooks use lineColumns()).
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

/** The line columns with headers in the language in force (terminal, XLSX). */
export function lineColumns(): Column<ReportLine>[] {
  // i18n-dynamic: count.col.*
  return LINE_COLUMNS.map((c) => ({...c, header: label(`count.col.${c.key}`)}))
}

const tableColumns = () => lineColumns().filter((c) => !['description', 'tolerancePct', 'cutoff'].includes(c.key))

/** The adjustments file: CSV with these English headers (a contract); XLSX with adjColumns(). */
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

/** The adjustment columns with headers in the language in force (XLSX). */
export function adjColumns(): Column<AdjustmentRow>[] {
  // i18n-dynamic: count.adj.*
  return ADJ_COLUMNS.map((c) => ({...c, header: label(`count.adj.${c.key}`)}))
}

/** A count status for people: English keeps the code (match, within_tolerance, over_tolerance, not_compared). */
export function toleranceLabel(status: string): string {
  // i18n-dynamic: count.status.*
  return label(`count.status.${status}`)
}

/** A report line for people (terminal, XLSX): statuses in the language in force. */
export function labelledLine(r: ReportLine): ReportLine {
  return {...r, wmsStatus: toleranceLabel(r.wmsStatus) as ReportLine['wmsStatus'], erpStatus: toleranceLabel(r.erpStatus) as ReportLine['erpStatus']}
}

/** An adjustment for people (XLSX): status and note in the language in force (the CSV keeps English). */
export function labelledAdjustment(a: AdjustmentRow): AdjustmentRow {
  return {...a, status: toleranceLabel(a.status) as AdjustmentRow['status'], note: a.noteKey ? t(a.noteKey.key, a.noteKey.vars) : a.note}
}

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
    fpc: w.fpcApplied || e.fpcApplied ? t('common.yes') : t('common.no'),
  })
  return [row(t('count.ira.allLines'), population, ira.wms, ira.erp), ...ira.byClass.map((b) => row(t('count.ira.class', {class: b.abcClass}), b.population, b.wms, b.erp))]
}

/** The terminal's IRA table: percentages and intervals as text. */
function iraText(ira: IraSummary, population: number) {
  const row = (scope: string, pop: number | null, w: Proportion, e: Proportion) => ({scope, population: pop, counted: w.counted, wms: pct(w.ira), wmsInterval: interval(w), erp: e.counted ? pct(e.ira) : t('common.na'), erpInterval: interval(e)})
  return [row(t('count.ira.allLines'), population, ira.wms, ira.erp), ...ira.byClass.map((b) => row(t('count.ira.class', {class: b.abcClass}), b.population, b.wms, b.erp))]
}

const iraTextColumns = (): Column<ReturnType<typeof iraText>[number]>[] => [
  {key: 'scope', header: t('count.ira.scope')},
  {key: 'population', header: t('count.ira.population'), kind: 'int'},
  {key: 'counted', header: t('count.ira.counted'), kind: 'int'},
  {key: 'wms', header: t('count.ira.iraWms')},
  {key: 'wmsInterval', header: t('count.ira.wmsCi')},
  {key: 'erp', header: t('count.ira.iraErp')},
  {key: 'erpInterval', header: t('count.ira.erpCi')},
]

/** The workbook's IRA sheet: the rates and interval bounds as numbers with a percent format. */
const iraSheetColumns = (): Column<IraRow>[] => [
  {key: 'scope', header: t('count.ira.scope')},
  {key: 'population', header: t('count.ira.population'), kind: 'int'},
  {key: 'counted', header: t('count.ira.counted'), kind: 'int'},
  {key: 'wms', header: t('count.ira.iraWms'), kind: 'pct'},
  {key: 'wmsLow', header: t('count.ira.wmsLow'), kind: 'pct'},
  {key: 'wmsHigh', header: t('count.ira.wmsHigh'), kind: 'pct'},
  {key: 'erp', header: t('count.ira.iraErp'), kind: 'pct'},
  {key: 'erpLow', header: t('count.ira.erpLow'), kind: 'pct'},
  {key: 'erpHigh', header: t('count.ira.erpHigh'), kind: 'pct'},
  {key: 'fpc', header: t('count.ira.fpc')},
]

export function countReportText(v: CountReportView, o: TextOptions): string {
  const {header, report} = v
  const tt = report.totals
  const out: string[] = []
  const title = header.kind === 'recount' ? t('count.report.titleRecount', {id: header.id, parent: header.parentId}) : t('count.report.title', {id: header.id})
  out.push(t('count.report.totals', {title, counted: tt.counted, found: tt.found, uncounted: tt.uncounted, wmsOver: tt.wmsOver, erpOver: tt.erpOver}))
  out.push(renderTable(tableColumns(), report.lines.map(labelledLine), {color: o.color, width: o.width, columns: o.columns}))
  out.push(`\n${t('count.report.iraTitle')}`)
  out.push(renderTable(iraTextColumns(), iraText(report.ira, header.populationSize), {color: o.color, width: o.width}))
  if (report.ira.weighted) out.push(t('count.report.weighted', {wms: pct(report.ira.weighted.wms), erp: pct(report.ira.weighted.erp)}))
  out.push(
    renderKeyValue(
      [
        [t('count.report.valueWms'), tt.wmsDiffValue],
        [t('count.report.valueErp'), tt.erpDiffValue],
        [t('count.report.cutoff'), t('count.report.cutoffValue', {movements: report.cutoff.applied, lines: report.cutoff.linesMoved})],
      ],
      {color: o.color, width: o.width},
    ),
  )
  if (report.recount.length > 0) {
    out.push(`\n${t('count.report.recountList', {count: report.recount.length, lines: report.recount.map((r) => r.line).join(', ')})}`)
    out.push(v.result.count.recountId ? t('count.report.recountOpen', {id: v.result.count.recountId}) : t('count.report.openRecount', {id: header.id}))
  }
  if (report.uncounted.length > 0) out.push(t('count.report.uncounted', {count: report.uncounted.length}))
  const text = out.join('\n')
  return o.width === undefined ? text : text.split('\n').map((l) => (l.startsWith('┌') || l.startsWith('│') || l.startsWith('└') || l.startsWith('├') ? l : wrap(l, o.width!))).join('\n')
}

function* labelled<R>(rows: Iterable<R>, f: (r: R) => R): Iterable<R> {
  for (const r of rows) yield f(r)
}

// rows arrive labelled: compare with the label of "over_tolerance"
const overCells = (r: ReportLine) => [...(r.wmsStatus === toleranceLabel('over_tolerance') ? ['wmsDiff'] : []), ...(r.erpStatus === toleranceLabel('over_tolerance') ? ['erpDiff'] : [])]

export const countReportView: View<CountReportView> = {
  text: countReportText,
  csv: (v) => ({columns: LINE_COLUMNS, rows: v.report.lines}),
  xlsx: (v) => [
    {name: t('count.sheetName.lines'), columns: lineColumns(), rows: labelled(v.report.lines, labelledLine), highlight: overCells},
    {name: t('count.sheetName.ira'), columns: iraSheetColumns(), rows: iraRows(v.report.ira, v.header.populationSize)},
    {name: t('count.sheetName.recount'), columns: lineColumns(), rows: labelled(v.report.recount, labelledLine)},
    {name: t('count.sheetName.adjustments'), columns: adjColumns(), rows: labelled(v.report.adjustments, labelledAdjustment)},
  ],
  json: (v) => v.result,
  // i18n-dynamic: count.col.*
  csvLabel: (key) => label(`count.col.${key}`),
}

/** `plantops count list`: times in the plant's zone, labelled. */
export function countListText(counts: CountSummary[], o: TextOptions): string {
  if (counts.length === 0) return t('count.list.none')
  return renderTable(
    [
      {key: 'id', header: t('count.list.id'), kind: 'int', priority: 10},
      {key: 'kind', header: t('count.list.kind'), priority: 6},
      {key: 'parentId', header: t('count.list.parent'), kind: 'int', priority: 5},
      {key: 'createdAt', header: t('count.list.opened', {zone: zoneLabel(o.zone)}), priority: 8},
      {key: 'method', header: t('count.list.method'), priority: 4},
      {key: 'seed', header: t('count.list.seed'), priority: 3},
      {key: 'sampleSize', header: t('count.list.lines'), kind: 'int', priority: 9},
      {key: 'counted', header: t('count.list.counted'), kind: 'int', priority: 9},
      {key: 'found', header: t('count.list.found'), kind: 'int', priority: 5},
      {key: 'status', header: t('count.list.status'), priority: 9},
      {key: 'sheetsPath', header: t('count.list.sheets'), priority: 2, shrink: true, minWidth: 12},
    ],
    // i18n-dynamic: count.kind.*
    // i18n-dynamic: count.countStatus.*
    counts.map((c) => ({...c, kind: label(`count.kind.${c.kind}`), status: label(`count.countStatus.${c.status}`), createdAt: formatTime(c.createdAt, o.zone)})),
    {color: o.color, width: o.width, columns: o.columns},
  )
}

/** `plantops count record`: what was recorded, what was rejected and why, what is still uncounted. */
export function countRecordText(r: RecordResult, o: TextOptions): string {
  const out: string[] = []
  // i18n-dynamic: count.countStatus.*
  out.push(t('count.record.totals', {id: r.count, recorded: r.recorded, unchanged: r.unchanged, found: r.found, rejected: r.rejected.length, uncounted: r.uncounted.length, status: label(`count.countStatus.${r.status}`)}))
  if (r.rejected.length > 0) {
    out.push(`\n${t('count.record.rejected')}`)
    out.push(renderTable([{key: 'where', header: t('count.record.where'), priority: 9, shrink: true, minWidth: 12}, {key: 'line', header: t('count.sheet.lineShort'), kind: 'int', priority: 10}, {key: 'reason', header: t('count.record.why'), priority: 10, shrink: true, minWidth: 20}], r.rejected, {color: o.color, maxWidth: 110, width: o.width}))
  }
  if (r.uncounted.length > 0) {
    out.push(`\n${t('count.record.stillUncounted')}`)
    out.push(
      renderTable(
        [
          {key: 'line', header: t('count.sheet.lineShort'), kind: 'int', priority: 10},
          {key: 'sheet', header: t('count.sample.sheet'), priority: 6, shrink: true},
          {key: 'location', header: t('count.col.location'), priority: 9},
          {key: 'item', header: t('count.col.item'), priority: 10},
          {key: 'lot', header: t('count.col.lot'), priority: 7, shrink: true},
        ],
        r.uncounted.slice(0, 50),
        {color: o.color, width: o.width},
      ),
    )
    if (r.uncounted.length > 50) out.push(t('common.andMore', {count: r.uncounted.length - 50}))
  } else if (r.rejected.length === 0) out.push(t('count.record.allCounted', {id: r.count}))
  return out.join('\n')
}

/** `plantops count sample`: the count opened, its sample and sheets (no quantities: the count is blind). */
export function countSampleText(r: SampleResult, o: TextOptions): string {
  const out: string[] = []
  const c = r.count!
  const sheets = r.sheets!
  out.push(c.kind === 'recount' ? t('count.sample.recountOpened', {id: c.id, parent: c.parentId, count: c.sampleSize}) : t('count.sample.opened', {id: c.id, count: c.sampleSize, seed: c.seed}))
  const byClass = (x: {A: number; B: number; C: number}) => `A ${x.A} · B ${x.B} · C ${x.C}`
  out.push(
    renderKeyValue(
      [
        [t('count.sample.method'), c.method],
        [t('count.sample.snapshot'), c.snapshotAt],
        [t('count.sample.population'), t('count.sample.populationValue', {count: c.populationSize, classes: byClass(c.populationByClass)})],
        [t('count.sample.byClass'), byClass(c.sampleByClass)],
        ...(c.confidence !== null ? ([[t('count.sample.sizeFrom'), t('count.sample.sizeFromValue', {confidence: c.confidence, margin: c.margin})]] as Array<[string, unknown]>) : []),
        [t('count.sample.sheets'), `${sheets.path} (${sheets.sheets.map((s) => `${s.name}: ${s.lines}`).join(t('common.listSeparator'))})`],
      ],
      {color: o.color, width: o.width},
    ),
  )
  const shown = r.lines.slice(0, 30)
  out.push(
    renderTable(
      [
        {key: 'line', header: t('count.sheet.lineShort'), kind: 'int', priority: 10},
        {key: 'sheet', header: t('count.sample.sheet'), priority: 4, shrink: true},
        {key: 'location', header: t('count.col.location'), priority: 9},
        {key: 'item', header: t('count.col.item'), priority: 10},
        {key: 'description', header: t('count.col.description'), priority: 6, shrink: true, minWidth: 10},
        {key: 'lot', header: t('count.col.lot'), priority: 7, shrink: true},
        {key: 'unit', header: t('count.col.unit'), priority: 5},
        {key: 'abcClass', header: t('count.col.abcClass'), priority: 3},
      ],
      shown,
      {color: o.color, maxWidth: 30, width: o.width},
    ),
  )
  if (r.lines.length > shown.length) out.push(t('count.sample.moreOnSheets', {count: r.lines.length - shown.length}))
  out.push(t('count.sample.next', {id: c.id, file: path.relative(process.cwd(), sheets.path) || sheets.path}))
  return out.join('\n')
}
