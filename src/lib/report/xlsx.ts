import {t} from '../i18n/index.js'
import {withAtomicFile, withOutputStream} from './atomic.js'
import {cellText, type Column, type ColumnKind} from './columns.js'
import {plantZone, wallClockDate} from './time.js'
import {displayWidth} from './width.js'

export interface SheetSpec<R> {
  name: string
  columns: Column<R>[]
  rows: Iterable<R> | AsyncIterable<R>
  /** Printed page header (e.g. the count id and date). */
  pageHeader?: string
  /** Printed page footer (e.g. signature lines); default "plantops". */
  pageFooter?: string
  landscape?: boolean
  /** Per-row cell highlighting: return the keys of cells to mark (e.g. the bad cells of a rejected row). */
  highlight?: (row: R) => Iterable<string>
}

export interface XlsxOptions {
  /** Zone date/time cells are shown in (default: the machine's). */
  zone?: string
  /** The flag that named the file (`--output`, `--rejects`): named when it cannot be written. */
  flag?: string
}

/** Rows looked at to size the columns to their content (the writer streams: widths are fixed before the first row). */
const SIZING_ROWS = 2000

type XlsxCell = {value: string | number | Date | null; numFmt?: string}

/**
 * Write a workbook with exceljs's streaming writer (rows are committed as they come; memory stays flat):
 * bold frozen header, autofilter, columns sized to their content, numbers as numbers with number formats (whole
 * numbers without a trailing dot), dates as dates. Atomic.
 * Quantities are written as numbers when they survive the round trip exactly, else as text (nothing is rounded).
 */
export async function writeXlsx(target: string, sheets: SheetSpec<any>[], opts: XlsxOptions = {}): Promise<void> {
  const {default: ExcelJS} = await import('exceljs')
  const zone = plantZone(opts.zone)
  await withAtomicFile(target, (tmp) => withOutputStream(tmp, async (out) => {
    // our stream, not exceljs's `filename`: exceljs opens that without an 'error' listener, and a file that cannot be
    // opened left commit() waiting forever (the orders import hung holding the store's transaction)
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({stream: out, useStyles: true, useSharedStrings: false})
    wb.creator = 'plantops'
    for (const spec of sheets) {
      const ws = wb.addWorksheet(safeSheetName(spec.name), {
        views: [{state: 'frozen', ySplit: 1}],
        pageSetup: {
          orientation: spec.landscape ? 'landscape' : 'portrait',
          fitToPage: true,
          fitToWidth: 1,
          fitToHeight: 0,
          printTitlesRow: '1:1',
          showGridLines: true,
          paperSize: 9,
        },
        headerFooter: spec.pageHeader ? {oddHeader: `&L${spec.pageHeader}&R${t('report.pageOf')}`, oddFooter: `&L${spec.pageFooter ?? 'plantops'}`} : undefined,
      })
      const iterator = toAsyncIterator(spec.rows)
      const head: Record<string, unknown>[] = []
      for (let i = 0; i < SIZING_ROWS; i++) {
        const next = await iterator.next()
        if (next.done) break
        head.push(next.value)
      }
      const toCells = (row: Record<string, unknown>) => spec.columns.map((c) => xlsxCell(row[c.key], c.kindOf ? c.kindOf(row) : c.kind, zone))
      const headCells = head.map(toCells)
      ws.columns = spec.columns.map((c, i) => ({
        header: c.header,
        key: c.key,
        width: c.width ?? contentWidth(c, headCells.map((r) => r[i])),
      }))
      const header = ws.getRow(1)
      header.font = {bold: true}
      header.fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFE8EEF7'}}
      header.commit()
      ws.autoFilter = {from: {row: 1, column: 1}, to: {row: 1, column: spec.columns.length}}
      const write = (row: Record<string, unknown>, cells: XlsxCell[]) => {
        const r = ws.addRow(cells.map((c) => c.value))
        cells.forEach((c, i) => {
          if (c.numFmt) r.getCell(i + 1).numFmt = c.numFmt
        })
        if (spec.highlight) {
          for (const key of spec.highlight(row)) {
            const idx = spec.columns.findIndex((c) => c.key === key)
            if (idx >= 0) r.getCell(idx + 1).fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFFFC7CE'}}
          }
        }
        r.commit()
      }
      head.forEach((row, i) => write(row, headCells[i]))
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) write(next.value, toCells(next.value))
      ws.commit()
    }
    await wb.commit()
  }), {flag: opts.flag})
}

function toAsyncIterator<R>(rows: Iterable<R> | AsyncIterable<R>): AsyncIterator<R> | Iterator<R> {
  return Symbol.asyncIterator in rows ? (rows as AsyncIterable<R>)[Symbol.asyncIterator]() : (rows as Iterable<R>)[Symbol.iterator]()
}

/** The number format of a number: whole numbers without decimals (no `3,567.`), others with exactly their places. */
export function numberFormat(kind: ColumnKind, text: string): string | undefined {
  if (kind === 'money') return '#,##0.00'
  if (kind === 'int') return '#,##0'
  if (kind === 'pct') return places(text) > 3 ? `0.${'0'.repeat(places(text) - 2)}%` : '0.0%'
  if (kind === 'qty') return places(text) === 0 ? '#,##0' : `#,##0.${'0'.repeat(Math.min(places(text), 15))}`
  return undefined
}

function places(text: string): number {
  const m = /\.(\d*?)0*$/.exec(text.replace(/e.*$/i, ''))
  return m ? m[1].length : 0
}

function xlsxCell(value: unknown, kind: ColumnKind | undefined, zone: string): XlsxCell {
  if (value === null || value === undefined || value === '') return {value: null}
  if (kind === 'qty' || kind === 'money' || kind === 'int' || kind === 'pct') {
    const text = cellText(value)
    const n = Number(text)
    // only when the double prints back to the same decimal: nothing silently rounded
    if (text.trim() !== '' && Number.isFinite(n) && sameDecimal(String(n), text)) return {value: n, numFmt: numberFormat(kind, text)}
    return {value: text}
  }
  if (kind === 'auto' && typeof value === 'number' && Number.isFinite(value)) return {value}
  if (kind === 'date') {
    const d = wallClockDate(value, zone)
    if (d) {
      const dateOnly = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())
      return {value: d, numFmt: dateOnly ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss'}
    }
  }
  return {value: cellText(value)}
}

function sameDecimal(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^(-?)0+(?=\d)/, '$1').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
  return norm(a) === norm(b)
}

/** How wide a cell shows: numbers with their thousands separators, dates in their format, text by display width. */
function shownWidth(cell: XlsxCell | undefined): number {
  if (!cell || cell.value === null) return 0
  if (cell.value instanceof Date) return cell.numFmt === 'yyyy-mm-dd' ? 10 : 19
  if (typeof cell.value === 'number') {
    if (cell.numFmt?.endsWith('%')) return (cell.value * 100).toFixed(Math.max(0, (cell.numFmt.split('.')[1] ?? '').length - 1)).length + 1
    const [int, frac = ''] = Math.abs(cell.value).toFixed(cell.numFmt === '#,##0.00' ? 2 : Math.max(0, (cell.numFmt?.split('.')[1] ?? '').replace('%', '').length)).split('.')
    const withSep = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
    return withSep.length + (frac ? frac.length + 1 : 0) + (cell.value < 0 ? 1 : 0) + (cell.numFmt?.endsWith('%') ? 3 : 0)
  }
  return Math.max(...String(cell.value).split('\n').map(displayWidth))
}

function contentWidth(c: Column<unknown>, cells: Array<XlsxCell | undefined>): number {
  // +2 for the autofilter button beside the header, +1 of air
  const header = displayWidth(c.header) + 3
  const content = cells.reduce((w, cell) => Math.max(w, shownWidth(cell) + 1), 0)
  return Math.min(60, Math.max(6, header, content))
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ] */
export function safeSheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'Sheet1'
}
