import type {Column, ColumnKind} from '../report/columns.js'
import type {TextOptions, View} from '../report/emit.js'
import {renderKeyValue, renderTable} from '../report/table.js'
import {csvColumns, staleText, summaryPairs, tableColumns, toTableRow, withStale, xlsxColumns} from './report.js'
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
    ...(runId === undefined ? [] : [{item: 'Run', value: runId, kind: 'int' as const}]),
    {item: 'Grain', value: s.grain, kind: 'text'},
    {item: `ERP rows (${s.erp.source})`, value: s.erp.rows, kind: 'int'},
    {item: `ERP rows read, lookups included (${s.erp.source})`, value: s.erp.rowsRead, kind: 'int'},
    {item: 'ERP read seconds', value: (s.erp.readMs / 1000).toFixed(1), kind: 'qty'},
    ...(s.erp.lagSeconds === null ? [] : [{item: 'ERP replica lag seconds', value: s.erp.lagSeconds, kind: 'int' as const}]),
    {item: `WMS rows (${s.wms.source})`, value: s.wms.rows, kind: 'int'},
    {item: `WMS rows read, lookups included (${s.wms.source})`, value: s.wms.rowsRead, kind: 'int'},
    {item: 'WMS read seconds', value: (s.wms.readMs / 1000).toFixed(1), kind: 'qty'},
    ...(s.wms.lagSeconds === null ? [] : [{item: 'WMS replica lag seconds', value: s.wms.lagSeconds, kind: 'int' as const}]),
    ...(s.stale.length === 0 ? [] : [{item: 'STALE replicas (--allow-stale)', value: staleText(s.stale), kind: 'text' as const}]),
    {item: 'Keys', value: s.keys.total, kind: 'int'},
    {item: 'match', value: s.keys.match, kind: 'int'},
    {item: 'within tolerance', value: s.keys.within_tolerance, kind: 'int'},
    {item: 'over tolerance', value: s.keys.over_tolerance, kind: 'int'},
    {item: 'only in ERP', value: s.keys.only_in_erp, kind: 'int'},
    {item: 'only in WMS', value: s.keys.only_in_wms, kind: 'int'},
    {item: 'Record accuracy', value: pctFraction(s.recordAccuracyPct), kind: 'pct'},
    {item: 'Deviation rate', value: pctFraction(s.deviationRatePct), kind: 'pct'},
    ...Object.entries(s.causes).map(([c, n]) => ({item: `cause ${c}`, value: n, kind: 'int' as const})),
  ]
  if (s.valueAtRisk !== null) cells.push({item: 'Value at risk', value: s.valueAtRisk, kind: 'money'})
  if (s.inTransitWindow) cells.push({item: 'In transit window', value: `${s.inTransitWindow.from} – ${s.inTransitWindow.to} (${s.inTransitWindow.movements} movements)`, kind: 'text'})
  cells.push({item: 'New variances', value: s.newVariances, kind: 'int'}, {item: 'Resolved since last run', value: s.resolved.count, kind: 'int'}, {item: 'Took seconds', value: (s.elapsedMs / 1000).toFixed(1), kind: 'qty'})
  return cells
}

const SUMMARY_COLUMNS: Column<SummaryCell>[] = [
  {key: 'item', header: 'item'},
  {key: 'value', header: 'value', kindOf: (r) => r.kind},
]

/** The terminal: the summary, the top variances by value (with cost), then the variances (at most 500). */
export function stockDiffText(r: StockDiffReport, o: TextOptions): string {
  const limit = r.tableLimit ?? TABLE_LIMIT
  const {summary} = r.result
  const shown: StockVarianceRow[] = []
  let n = 0
  for (const row of r.rows) if (n++ < limit) shown.push(row)
  const out = [renderKeyValue(summaryPairs(summary), {color: o.color, width: o.width})]
  if (r.showCost && summary.topVariances.length > 0 && !r.tableTitle) {
    out.push('Top variances by value:', renderTable(tableColumns(true, r.names).filter((c) => c.key !== 'seen' && c.key !== 'pct').map((c) => (c.key === 'value_diff' ? {...c, priority: 9} : c)), summary.topVariances.map(toTableRow), {color: o.color, width: o.width}))
  }
  if (n === 0) out.push('No variances.')
  else {
    if (r.tableTitle) out.push(r.tableTitle(shown.length, n))
    out.push(renderTable(tableColumns(r.showCost, r.names), shown.map(toTableRow), {color: o.color, width: o.width, columns: o.columns}))
    if (n > limit && !r.tableTitle) out.push(`… ${n - limit} more rows: use --output FILE.csv or FILE.xlsx for the full list.`)
  }
  return out.join('\n')
}

export const stockDiffView: View<StockDiffReport> = {
  text: stockDiffText,
  csv: (r) => ({columns: csvColumns(), rows: withStale(r.rows, r.result.summary.stale)}),
  xlsx: (r) => [
    {name: 'variances', columns: xlsxColumns(r.showCost), rows: withStale(r.rows, r.result.summary.stale)},
    {name: 'summary', columns: SUMMARY_COLUMNS, rows: summaryCells(r.result.summary, r.result.runId)},
  ],
  json: (r) => r.result,
}
