import {t} from '../i18n/index.js'
import type {Column} from '../report/columns.js'
import {displayWidth} from '../report/width.js'
import {writeXlsx} from '../report/xlsx.js'
import type {CountHeader} from './count-store.js'

/** What a counter sees: no system quantity, ever. */
export interface SheetLine {
  line: number
  location: string
  item: string
  description: string
  lot: string
  unit: string
  zone: string | null
  /** Pre-printed remark (a recount names who must not recount the line). */
  remarks?: string
}

interface SheetRow {
  line: number | null
  location: string
  item: string
  description: string
  lot: string
  unit: string
  counted: null
  counter: string
  remarks: string
}

/**
 * Column headers in the language in force (English: bilingual, "Line 行号"; Chinese: 行号, 库位, 物料编码 …); the
 * reader (read-sheets.ts) recognises either language, so a sheet printed in one can be recorded in the other.
 */
export function sheetHeaders(): Record<keyof Omit<SheetRow, never>, string> {
  return {
    line: t('count.sheet.line'),
    location: t('count.sheet.location'),
    item: t('count.sheet.item'),
    description: t('count.sheet.description'),
    lot: t('count.sheet.lot'),
    unit: t('count.sheet.unit'),
    counted: t('count.sheet.counted'),
    counter: t('count.sheet.counter'),
    remarks: t('count.sheet.remarks'),
  }
}

function columns(): Column<SheetRow>[] {
  const h = sheetHeaders()
  // widths: at least the header's display width (+3: the autofilter button and air), so Chinese headers fit
  const w = (header: string, min: number) => Math.max(min, displayWidth(header) + 3)
  return [
    {key: 'line', header: h.line, kind: 'int', width: w(h.line, 8)},
    {key: 'location', header: h.location, width: w(h.location, 16)},
    {key: 'item', header: h.item, width: w(h.item, 14)},
    {key: 'description', header: h.description, width: w(h.description, 34)},
    {key: 'lot', header: h.lot, width: w(h.lot, 14)},
    {key: 'unit', header: h.unit, width: w(h.unit, 8)},
    {key: 'counted', header: h.counted, kind: 'qty', width: w(h.counted, 16)},
    {key: 'counter', header: h.counter, width: w(h.counter, 14)},
    {key: 'remarks', header: h.remarks, width: w(h.remarks, 30)},
  ]
}

/** Blank rows at the end of each sheet, for items found in a location that were not on the sheet. */
export const FOUND_ROWS = 5

/**
 * Which sheet each line goes on: with `counters`, the walking-order list is cut into that many contiguous runs of
 * (almost) equal length, one route per counter; otherwise one sheet per zone.
 */
export function assignSheets(lines: readonly SheetLine[], counters?: number): string[] {
  if (counters && counters > 0) {
    const k = Math.min(counters, Math.max(1, lines.length))
    const base = Math.floor(lines.length / k)
    const extra = lines.length % k
    const out: string[] = []
    for (let i = 0; i < k; i++) {
      const name = t('count.sheetName.counter', {n: i + 1}).slice(0, 31)
      for (let j = 0; j < base + (i < extra ? 1 : 0); j++) out.push(name)
    }
    return out
  }
  // one catalog lookup per zone, not per line
  const names = new Map<string | null, string>()
  return lines.map((l) => {
    let name = names.get(l.zone)
    if (name === undefined) names.set(l.zone, (name = t('count.sheetName.zone', {zone: (l.zone ?? '-').replace(/[:\\/?*[\]]/g, '_')}).slice(0, 31)))
    return name
  })
}

/** The marker the reader checks to know which count a sheet belongs to ("plantops count N" in every language). */
export function pageHeaderFor(countId: number, date: string, sheet: string): string {
  return t('count.sheet.pageHeader', {id: countId, date, sheet}).replace(/&/g, '&&')
}

/** The printed page footer: signature lines for the counter and the checker. */
export function pageFooterFor(): string {
  return t('count.sheet.signatures').replace(/&/g, '&&')
}

/** Write the printable count sheets (landscape, header row repeated on each page, count id and date in the page header). */
export async function writeCountSheets(path: string, header: Pick<CountHeader, 'id' | 'createdAt'>, lines: readonly SheetLine[], sheetOf: readonly string[]): Promise<Array<{name: string; lines: number}>> {
  const groups = new Map<string, SheetRow[]>()
  lines.forEach((l, i) => {
    const name = sheetOf[i]
    const rows = groups.get(name) ?? []
    rows.push({line: l.line, location: l.location, item: l.item, description: l.description, lot: l.lot, unit: l.unit, counted: null, counter: '', remarks: l.remarks ?? ''})
    groups.set(name, rows)
  })
  const date = header.createdAt.slice(0, 10)
  const cols = columns()
  const specs = [...groups].map(([name, rows]) => ({
    name,
    columns: cols,
    rows: [...rows, ...Array.from({length: FOUND_ROWS}, () => ({line: null, location: '', item: '', description: '', lot: '', unit: '', counted: null, counter: '', remarks: ''}))],
    pageHeader: pageHeaderFor(header.id, date, name),
    pageFooter: pageFooterFor(),
    landscape: true,
  }))
  await writeXlsx(path, specs)
  return [...groups].map(([name, rows]) => ({name, lines: rows.length}))
}
