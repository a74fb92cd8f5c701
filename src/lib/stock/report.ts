import {label, t} from '../i18n/index.js'
import {suggestedActionLabel} from '../reconcile/causes.js'
import type {Column} from '../report/columns.js'
import type {StaleSource, StockDiffSummary} from './stock-diff.js'
import {CSV_COLUMNS, type ReportedRow, type StockVarianceRow} from './types.js'

/** The CSV contract: exactly these columns in this order (new columns only ever at the end). */
export function csvColumns(): Column<ReportedRow>[] {
  const kind: Record<string, Column<ReportedRow>['kind']> = {erp_qty: 'qty', wms_qty: 'qty', diff: 'qty', diff_pct: 'pct', value_diff: 'money', in_transit_qty: 'qty', first_seen: 'date'}
  return CSV_COLUMNS.map((c) => ({key: c, header: c, kind: kind[c] ?? 'text'}))
}

/** A column's name in the language in force (XLSX headers, `--csv-headers labels`); English: the CSV column name. */
export function fieldLabel(key: string): string {
  // i18n-dynamic: stock.field.*
  return label(`stock.field.${key}`)
}

/** XLSX: the CSV columns, then class, category, runs seen and quantity in transit; headers in the language in force. */
export function xlsxColumns(showCost: boolean): Column<ReportedRow>[] {
  const cols = csvColumns().filter((c) => showCost || c.key !== 'value_diff')
  return [
    ...cols.map((c) => (c.key === 'diff_pct' ? {...c, kind: 'qty' as const} : c)),
    {key: 'class', header: 'class'},
    {key: 'category', header: 'category'},
    {key: 'runs_seen', header: 'runs_seen', kind: 'int'},
  ].map((c) => ({...c, header: fieldLabel(c.key)})) as Column<ReportedRow>[]
}

/** Status, cause and action as words in the language in force (tables, XLSX); English: the codes, as in the CSV. */
export function statusLabel(status: string): string {
  // i18n-dynamic: stock.status.*
  return label(`stock.status.${status}`)
}

export function causeLabel(cause: string | null): string | null {
  // i18n-dynamic: stock.cause.*
  return cause === null ? null : label(`stock.cause.${cause}`)
}

/** A variance row for people (XLSX): status, cause and action in the language in force, every other value as is. */
export function labelledRow(r: StockVarianceRow): StockVarianceRow {
  return {...r, status: statusLabel(r.status) as StockVarianceRow['status'], cause: causeLabel(r.cause) as StockVarianceRow['cause'], action: suggestedActionLabel(r)}
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
    {key: 'warehouse', header: t('stock.col.warehouse'), priority: 10},
    {key: 'warehouse_name', header: t('stock.col.warehouse_name'), priority: 1, shrink: true, minWidth: 6},
    {key: 'item', header: t('stock.col.item'), priority: 10},
    {key: 'item_name', header: t('stock.col.item_name'), priority: 6, shrink: true, minWidth: 8},
    {key: 'lot', header: t('stock.col.lot'), priority: 8, shrink: true, minWidth: 8},
    {key: 'erp_qty', header: t('stock.col.erp_qty'), kind: 'qty', priority: 7},
    {key: 'wms_qty', header: t('stock.col.wms_qty'), kind: 'qty', priority: 7},
    {key: 'diff', header: t('stock.col.diff'), kind: 'qty', priority: 9},
    {key: 'pct', header: t('stock.col.pct'), kind: 'qty', priority: 3},
    {key: 'uom', header: t('stock.col.uom'), priority: 4},
    {key: 'status', header: t('stock.col.status'), priority: 9},
    {key: 'cause', header: t('stock.col.cause'), priority: 8},
    {key: 'action', header: t('stock.col.action'), priority: 2, shrink: true, minWidth: 12},
    {key: 'seen', header: t('stock.col.seen'), priority: 2},
  ]
  if (showCost) cols.push({key: 'value_diff', header: t('stock.col.value_diff'), kind: 'money', priority: 5})
  return cols.filter((c) => (c.key !== 'item_name' || names.items) && (c.key !== 'warehouse_name' || names.warehouses))
}

export function toTableRow(r: StockVarianceRow): TableRow {
  return {...labelledRow(r), pct: r.diff_pct === null ? '' : `${r.diff_pct}%`, seen: r.first_seen === null ? '' : t('stock.seen', {date: r.first_seen, runs: r.runs_seen})}
}

/** "uom_factor 3, sign 2" in the language in force. */
export function causeList(causes: Record<string, number>): string {
  return Object.entries(causes).map(([c, n]) => t('stock.causeCount', {cause: causeLabel(c), count: n})).join(t('common.listSeparator'))
}

/** The summary as label/value pairs for the terminal. */
export function summaryPairs(s: StockDiffSummary): Array<[string, unknown]> {
  const sec = (ms: number) => t('common.seconds', {s: (ms / 1000).toFixed(1)})
  // every count with its thousands separators, as the rows read: "20,038" keys, "19,776" match
  const num = (n: number) => n.toLocaleString('en-US')
  const side = (x: StockDiffSummary['erp']) =>
    `${t('stock.summary.readIn', {rows: num(x.rows), took: sec(x.readMs)})}${x.lagSeconds === null ? '' : t('stock.summary.lag', {s: x.lagSeconds})}${t('stock.summary.rowsRead', {rows: num(x.rowsRead)})}`
  const pairs: Array<[string, unknown]> = [
    [t('stock.summary.grain'), s.grain],
    [t('stock.summary.erpRows', {source: s.erp.source}), side(s.erp)],
    [t('stock.summary.wmsRows', {source: s.wms.source}), side(s.wms)],
    [t('stock.summary.keys'), num(s.keys.total)],
    [`  ${statusLabelLong('match')}`, num(s.keys.match)],
    [`  ${statusLabelLong('within_tolerance')}`, num(s.keys.within_tolerance)],
    [`  ${statusLabelLong('over_tolerance')}`, num(s.keys.over_tolerance)],
    [`  ${statusLabelLong('only_in_erp')}`, num(s.keys.only_in_erp)],
    [`  ${statusLabelLong('only_in_wms')}`, num(s.keys.only_in_wms)],
    [t('stock.summary.recordAccuracy'), `${s.recordAccuracyPct}%`],
    [t('stock.summary.deviationRate'), s.deviationRatePct === null ? t('common.na') : `${s.deviationRatePct}%`],
  ]
  if (s.stale.length > 0) pairs.push([t('stock.summary.stale'), s.stale.map((x) => t('stock.summary.staleValue', {source: x.source, lag: x.lagSeconds ?? '?', max: x.maxLagSeconds})).join(t('common.listSeparator'))])
  if (Object.keys(s.causes).length) pairs.push([t('stock.summary.causes'), causeList(s.causes)])
  if (s.valueAtRisk !== null) pairs.push([t('stock.summary.valueAtRisk'), s.valueAtRisk])
  if (s.valueInDataErrors !== null && s.valueInDataErrors !== '0.00') pairs.push([`  ${t('stock.summary.inDataErrors')}`, t('stock.summary.notIncluded', {value: s.valueInDataErrors})])
  if (s.failing.explained > 0) pairs.push([t('stock.summary.explained'), t('stock.summary.explainedValue', {count: s.failing.explained})])
  if (s.inTransitWindow) pairs.push([t('stock.summary.inTransitWindow'), transitWindow(s.inTransitWindow)])
  pairs.push([t('stock.summary.newVariances'), num(s.newVariances)])
  pairs.push([t('stock.summary.resolved'), num(s.resolved.count)])
  pairs.push([t('stock.summary.took'), `${sec(s.elapsedMs)}`])
  return pairs
}

export function transitWindow(w: NonNullable<StockDiffSummary['inTransitWindow']>): string {
  return t('stock.summary.inTransitWindowValue', {from: w.from, to: w.to, count: w.movements})
}

/** The summary's status lines: "within tolerance" (English words, not the code). */
function statusLabelLong(status: string): string {
  // i18n-dynamic: stock.statusLong.*
  return label(`stock.statusLong.${status}`)
}
