import type {Column} from '../report/columns.js'
import type {StaleSource, StockDiffSummary} from './stock-diff.js'
import {CSV_COLUMNS, type ReportedRow, type StockVarianceRow} from './types.js'

/** The CSV contract: exactly these columns in this order (new columns only ever at the end). */
export function csvColumns(): Column<ReportedRow>[] {
  const kind: Record<string, Column<ReportedRow>['kind']> = {erp_qty: 'qty', wms_qty: 'qty', diff: 'qty', diff_pct: 'pct', value_diff: 'money', in_transit_qty: 'qty', first_seen: 'date'}
  return CSV_COLUMNS.map((c) => ({key: c, header: c, kind: kind[c] ?? 'text'}))
}

/** XLSX: the CSV columns, then class, category, runs seen and quantity in transit. */
export function xlsxColumns(showCost: boolean): Column<ReportedRow>[] {
  const cols = csvColumns().filter((c) => showCost || c.key !== 'value_diff')
  return [
    ...cols.map((c) => (c.key === 'diff_pct' ? {...c, kind: 'qty' as const} : c)),
    {key: 'class', header: 'class'},
    {key: 'category', header: 'category'},
    {key: 'runs_seen', header: 'runs_seen', kind: 'int'},
  ]
}

/** The `stale` cell: `source:lagSeconds` (or `source:unknown`) of each replica read although too far behind, `;`-joined. */
export function staleText(stale: StaleSource[]): string {
  return stale.map((s) => `${s.source}:${s.lagSeconds ?? 'unknown'}`).join(';')
}

/** The rows with the run's `stale` cell (the rows themselves when every replica was fresh enough). */
export function withStale(rows: Iterable<StockVarianceRow>, stale: StaleSource[]): Iterable<ReportedRow> {
  const text = staleText(stale)
  if (text === '') return rows
  return (function* () {
    for (const r of rows) yield {...r, stale: text}
  })()
}

export type TableRow = StockVarianceRow & {seen: string; pct: string}

/** Terminal columns; the name columns only when names are configured (`names`). */
export function tableColumns(showCost: boolean, names: {items?: boolean; warehouses?: boolean} = {}): Column<TableRow>[] {
  // priority: which columns a narrow terminal keeps (10 = always; the lowest are left out first)
  const cols: Column<TableRow>[] = [
    {key: 'warehouse', header: 'Warehouse', priority: 10},
    {key: 'warehouse_name', header: 'Warehouse name', priority: 1, shrink: true, minWidth: 6},
    {key: 'item', header: 'Item', priority: 10},
    {key: 'item_name', header: 'Description', priority: 6, shrink: true, minWidth: 8},
    {key: 'lot', header: 'Lot', priority: 8, shrink: true, minWidth: 8},
    {key: 'erp_qty', header: 'ERP', kind: 'qty', priority: 7},
    {key: 'wms_qty', header: 'WMS', kind: 'qty', priority: 7},
    {key: 'diff', header: 'Diff', kind: 'qty', priority: 9},
    {key: 'pct', header: 'Diff %', kind: 'qty', priority: 3},
    {key: 'uom', header: 'UoM', priority: 4},
    {key: 'status', header: 'Status', priority: 9},
    {key: 'cause', header: 'Cause', priority: 8},
    {key: 'action', header: 'Suggested action', priority: 2, shrink: true, minWidth: 12},
    {key: 'seen', header: 'First seen (runs)', priority: 2},
  ]
  if (showCost) cols.push({key: 'value_diff', header: 'Value', kind: 'money', priority: 5})
  return cols.filter((c) => (c.key !== 'item_name' || names.items) && (c.key !== 'warehouse_name' || names.warehouses))
}

export function toTableRow(r: StockVarianceRow): TableRow {
  return {...r, pct: r.diff_pct === null ? '' : `${r.diff_pct}%`, seen: r.first_seen === null ? '' : `${r.first_seen} (${r.runs_seen})`}
}

/** One side: the stock rows it compared, and rows read (lookups included: the figure run history records). */
function sideText(side: StockDiffSummary['erp']): string {
  const lag = side.lagSeconds === null ? '' : `, lag ${side.lagSeconds} s`
  return `${side.rows.toLocaleString('en-US')} stock rows in ${(side.readMs / 1000).toFixed(1)} s${lag} · ${side.rowsRead.toLocaleString('en-US')} rows read (lookups included)`
}

/** The summary as label/value pairs for the terminal. */
export function summaryPairs(s: StockDiffSummary): Array<[string, unknown]> {
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  const pairs: Array<[string, unknown]> = [
    ['Grain', s.grain],
    [`ERP rows (${s.erp.source})`, sideText(s.erp)],
    [`WMS rows (${s.wms.source})`, sideText(s.wms)],
    ['Keys', s.keys.total.toLocaleString('en-US')],
    ['  match', s.keys.match],
    ['  within tolerance', s.keys.within_tolerance],
    ['  over tolerance', s.keys.over_tolerance],
    ['  only in ERP', s.keys.only_in_erp],
    ['  only in WMS', s.keys.only_in_wms],
    ['Record accuracy', `${s.recordAccuracyPct}%`],
    ['Deviation rate', s.deviationRatePct === null ? 'n/a' : `${s.deviationRatePct}%`],
  ]
  if (s.stale.length > 0) pairs.push(['STALE (--allow-stale)', s.stale.map((x) => `${x.source} ${x.lagSeconds === null ? 'lag unknown' : `${x.lagSeconds} s behind`} (max ${x.maxLagSeconds} s)`).join(', ')])
  const causes = Object.entries(s.causes)
  if (causes.length) pairs.push(['Probable causes', causes.map(([c, n]) => `${c} ${n}`).join(', ')])
  if (s.valueAtRisk !== null) pairs.push(['Value at risk', s.valueAtRisk])
  if (s.valueInDataErrors !== null && s.valueInDataErrors !== '0.00') pairs.push(['  in data errors (unit, sign, code)', `${s.valueInDataErrors} (not included above)`])
  if (s.failing.explained > 0) pairs.push(['Explained by goods in transit', `${s.failing.explained} (do not fail --fail-on over-tolerance)`])
  if (s.inTransitWindow) pairs.push(['In transit window', `${s.inTransitWindow.from} – ${s.inTransitWindow.to} (${s.inTransitWindow.movements} movements)`])
  pairs.push(['New variances', s.newVariances])
  pairs.push(['Resolved since last run', s.resolved.count])
  pairs.push(['Took', `${sec(s.elapsedMs)}`])
  return pairs
}
