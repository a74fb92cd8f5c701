import type {Column, ColumnKind} from '../report/columns.js'
import type {TextOptions, View} from '../report/emit.js'
import {renderKeyValue, renderTable} from '../report/table.js'
import {label, t} from '../i18n/index.js'
import {causeLabel, csvColumns, fieldLabel, labelledRow, staleText, summaryPairs, tableColumns, toTableRow, transitWindow, withStale, xlsxColumns} from './report.js'
import type {StockDiffSummary} from './stock-diff.js'
import type {StockVarianceRow} from './types.js'

/** The result of `plantops stock diff` (its JSON contract). */
export interface StockDiffResult {
  runId: number
  summary: StockDiffSummary
  /** The reported keys (variances; every key with --all; only new ones with --only new), sorted by warehouse, item, lot. */
  rows: StockVarianceRow[]
  output: string | null
  failed: boolean
}

/** A stock diff being reported: its JSON document, and its rows as they stream from the spill files. */
export interface StockDiffReport {
  result: StockDiffResult
  rows: Iterable<StockVarianceRow>
  showCost: boolean
  /** Name columns shown only when configured (stock.items.columns.description, stock.warehouses). */
  names?: {items?: boolean; warehouses?: boolean}
  /** Most rows the terminal table lists (the files always have all). */
  tableLimit?: number
  /** A line printed above the table (the demo says what it shows). */
  tableTitle?: (shown: number, total: number) => string
}

const TABLE_LIMIT = 500

/** The summary sheet: every figure a number with a number format, not text. */
interface SummaryCell {
  item: string
  value: unknown
  kind: ColumnKind
}

function pctFraction(pct: string | null): string | null {
  if (pct === null) return null
  // a percentage string → its fraction, exactly (move the decimal point two places)
  const neg = pct.startsWith('-')
  const [int, frac = ''] = (neg ? pct.slice(1) : pct).split('.')
  const digits = int.padStart(3, '0')
  const text = `${digits.slice(0, -2)}.${digits.slice(-2)}${frac}`.replace(/^0+(?=\d)/, '')
  return `${neg ? '-' : ''}${text}`
}

export function summaryCells(s: StockDiffSummary, runId?: number): SummaryCell[] {
  const cells: SummaryCell[] = [
    ...(runId === undefined ? [] : [{item: t('stock.cell.run'), value: runId, kind: 'int' as const}]),
    {item: t('stock.summary.grain'), value: s.grain, kind: 'text'},
    {item: t('stock.summary.erpRows', {source: s.erp.source}), value: s.erp.rows, kind: 'int'},
    {item: t('stock.cell.erpRowsRead', {source: s.erp.source}), value: s.erp.rowsRead, kind: 'int'},
    {item: t('stock.cell.erpReadSeconds'), value: (s.erp.readMs / 1000).toFixed(1), kind: 'qty'},
    ...(s.erp.lagSeconds === null ? [] : [{item: t('stock.cell.erpLag'), value: s.erp.lagSeconds, kind: 'int' as const}]),
    {item: t('stock.summary.wmsRows', {source: s.wms.source}), value: s.wms.rows, kind: 'int'},
    {item: t('stock.cell.wmsRowsRead', {source: s.wms.source}), value: s.wms.rowsRead, kind: 'int'},
    {item: t('stock.cell.wmsReadSeconds'), value: (s.wms.readMs / 1000).toFixed(1), kind: 'qty'},
    ...(s.wms.lagSeconds === null ? [] : [{item: t('stock.cell.wmsLag'), value: s.wms.lagSeconds, kind: 'int' as const}]),
    ...(s.stale.length === 0 ? [] : [{item: t('stock.summary.stale'), value: staleText(s.stale), kind: 'text' as const}]),
    {item: t('stock.summary.keys'), value: s.keys.total, kind: 'int'},
    {item: label('stock.statusLong.match'), value: s.keys.match, kind: 'int'},
    {item: label('stock.statusLong.within_tolerance'), value: s.keys.within_tolerance, kind: 'int'},
    {item: label('stock.statusLong.over_tolerance'), value: s.keys.over_tolerance, kind: 'int'},
    {item: label('stock.statusLong.only_in_erp'), value: s.keys.only_in_erp, kind: 'int'},
    {item: label('stock.statusLong.only_in_wms'), value: s.keys.only_in_wms, kind: 'int'},
    {item: t('stock.summary.recordAccuracy'), value: pctFraction(s.recordAccuracyPct), kind: 'pct'},
    {item: t('stock.summary.deviationRate'), value: pctFraction(s.deviationRatePct), kind: 'pct'},
    ...Object.entries(s.causes).map(([c, n]) => ({item: t('stock.cell.cause', {cause: causeLabel(c)}), value: n, kind: 'int' as const})),
  ]
  if (s.valueAtRisk !== null) cells.push({item: t('stock.summary.valueAtRisk'), value: s.valueAtRisk, kind: 'money'})
  if (s.inTransitWindow) cells.push({item: t('stock.summary.inTransitWindow'), value: transitWindow(s.inTransitWindow), kind: 'text'})
  cells.push({item: t('stock.summary.newVariances'), value: s.newVariances, kind: 'int'}, {item: t('stock.summary.resolved'), value: s.resolved.count, kind: 'int'}, {item: t('stock.cell.tookSeconds'), value: (s.elapsedMs / 1000).toFixed(1), kind: 'qty'})
  return cells
}

function summaryColumns(): Column<SummaryCell>[] {
  return [
    {key: 'item', header: t('report.summaryItem')},
    {key: 'value', header: t('report.summaryValue'), kindOf: (r) => r.kind},
  ]
}

/** The variance rows for people: status, cause and action in the language in force (the CSV keeps the codes). */
function* labelled(rows: Iterable<StockVarianceRow>): Iterable<StockVarianceRow> {
  for (const r of rows) yield labelledRow(r)
}
/** The terminal: the summary, the top variances by value (with cost), then the variances (at most 500). */
export function stockDiffText(r: StockDiffReport, o: TextOptions): string {
  const limit = r.tableLimit ?? TABLE_LIMIT
  const {summary} = r.result
  const shown: StockVarianceRow[] = []
  let n = 0
  for (const row of r.rows) if (n++ < limit) shown.push(row)
  const out = [renderKeyValue(summaryPairs(summary), {color: o.color, width: o.width})]
  if (r.showCost && summary.topVariances.length > 0 && !r.tableTitle) {
    out.push(t('stock.topByValue'), renderTable(tableColumns(true, r.names).filter((c) => c.key !== 'seen' && c.key !== 'pct').map((c) => (c.key === 'value_diff' ? {...c, priority: 9} : c)), summary.topVariances.map(toTableRow), {color: o.color, width: o.width}))
  }
  if (n === 0) out.push(t('stock.noVariances'))
  else {
    if (r.tableTitle) out.push(r.tableTitle(shown.length, n))
    out.push(renderTable(tableColumns(r.showCost, r.names), shown.map(toTableRow), {color: o.color, width: o.width, columns: o.columns}))
    if (n > limit && !r.tableTitle) out.push(t('stock.moreRows', {count: n - limit}))
  }
  return out.join('\n')
}

export const stockDiffView: View<StockDiffReport> = {
  text: stockDiffText,
  csv: (r) => ({columns: csvColumns(), rows: withStale(r.rows, r.result.summary.stale)}),
  xlsx: (r) => [
    {name: t('stock.sheet.variances'), columns: xlsxColumns(r.showCost), rows: labelled(withStale(r.rows, r.result.summary.stale))},
    {name: t('report.sheet.summary'), columns: summaryColumns(), rows: summaryCells(r.result.summary, r.result.runId)},
  ],
  json: (r) => r.result,
  csvLabel: fieldLabel,
}
