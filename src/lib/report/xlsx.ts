import {withAtomicFile} from './atomic.js'
import {cellText, type Column, type ColumnKind} from './columns.js'

export interface SheetSpec<R> {
  name: string
  columns: Column<R>[]
  rows: Iterable<R> | AsyncIterable<R>
  /** Printed page header (e.g. the count id and date). */
  pageHeader?: string
  landscape?: boolean
  /** Per-row cell highlighting: return the keys of cells to mark (e.g. the bad cells of a rejected row). */
  highlight?: (row: R) => Iterable<string>
}

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  qty: '#,##0.####',
  money: '#,##0.00',
  pct: '0.00%',
  int: '#,##0',
}

/**
 * Write a workbook with exceljs's streaming writer (rows are committed as they come; memory stays flat):
 * bold frozen header, autofilter, sensible widths, number formats for quantities and money. Atomic.
 * Quantities are written as numbers when they survive the round trip exactly, else as text (nothing is rounded).
 */
export async function writeXlsx(target: string, sheets: SheetSpec<any>[]): Promise<void> {
  const {default: ExcelJS} = await import('exceljs')
  await withAtomicFile(target, async (tmp) => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({filename: tmp, useStyles: true, useSharedStrings: false})
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
        headerFooter: spec.pageHeader ? {oddHeader: `&L${spec.pageHeader}&RPage &P of &N`, oddFooter: '&Lplantops'} : undefined,
      })
      ws.columns = spec.columns.map((c) => ({
        header: c.header,
        key: c.key,
        width: c.width ?? defaultWidth(c),
        style: NUM_FMT[c.kind ?? 'text'] ? {numFmt: NUM_FMT[c.kind ?? 'text']} : {},
      }))
      const header = ws.getRow(1)
      header.font = {bold: true}
      header.fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFE8EEF7'}}
      header.commit()
      ws.autoFilter = {from: {row: 1, column: 1}, to: {row: 1, column: spec.columns.length}}
      for await (const row of spec.rows as AsyncIterable<Record<string, unknown>>) {
        const values = spec.columns.map((c) => xlsxValue(row[c.key], c.kind))
        const r = ws.addRow(values)
        if (spec.highlight) {
          for (const key of spec.highlight(row)) {
            const idx = spec.columns.findIndex((c) => c.key === key)
            if (idx >= 0) r.getCell(idx + 1).fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFFFC7CE'}}
          }
        }
        r.commit()
      }
      ws.commit()
    }
    await wb.commit()
  })
}

function xlsxValue(value: unknown, kind: ColumnKind | undefined): string | number | null {
  if (value === null || value === undefined || value === '') return null
  if (kind === 'qty' || kind === 'money' || kind === 'int' || kind === 'pct') {
    const text = cellText(value)
    const n = Number(text)
    // only when the double prints back to the same decimal: nothing silently rounded
    if (Number.isFinite(n) && sameDecimal(String(n), text)) return n
    return text
  }
  return cellText(value)
}

function sameDecimal(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^(-?)0+(?=\d)/, '$1').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
  return norm(a) === norm(b)
}

function defaultWidth(c: Column<unknown>): number {
  const headerWidth = [...c.header].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)
  const base = c.kind === 'text' || c.kind === undefined ? 16 : 12
  return Math.min(60, Math.max(base, headerWidth + 2))
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ] */
export function safeSheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'Sheet1'
}
