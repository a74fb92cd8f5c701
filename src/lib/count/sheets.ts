import type {Column} from '../report/columns.js'
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

/** Column headers, bilingual; the reader recognises either language (and the English word alone). */
export const SHEET_HEADERS = {
  line: 'Line 行号',
  location: 'Location 库位',
  item: 'Item 物料',
  description: 'Description 描述',
  lot: 'Lot 批次',
  unit: 'Unit 单位',
  counted: 'Counted 实盘数量',
  counter: 'Counter 盘点人',
  remarks: 'Remarks 备注',
} as const

const COLUMNS: Column<SheetRow>[] = [
  {key: 'line', header: SHEET_HEADERS.line, kind: 'int', width: 8},
  {key: 'location', header: SHEET_HEADERS.location, width: 16},
  {key: 'item', header: SHEET_HEADERS.item, width: 14},
  {key: 'description', header: SHEET_HEADERS.description, width: 34},
  {key: 'lot', header: SHEET_HEADERS.lot, width: 14},
  {key: 'unit', header: SHEET_HEADERS.unit, width: 8},
  {key: 'counted', header: SHEET_HEADERS.counted, kind: 'qty', width: 16},
  {key: 'counter', header: SHEET_HEADERS.counter, width: 14},
  {key: 'remarks', header: SHEET_HEADERS.remarks, width: 30},
]

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
    for (let i = 0; i < k; i++) for (let j = 0; j < base + (i < extra ? 1 : 0); j++) out.push(`Counter ${i + 1}`)
    return out
  }
  return lines.map((l) => `Zone ${(l.zone ?? '-').replace(/[:\\/?*[\]]/g, '_')}`.slice(0, 31))
}

/** The marker the reader checks to know which count a sheet belongs to. */
export function pageHeaderFor(countId: number, date: string, sheet: string): string {
  return `plantops count ${countId} · ${date} · ${sheet} · blind count`.replace(/&/g, '&&')
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
  const specs = [...groups].map(([name, rows]) => ({
    name,
    columns: COLUMNS,
    rows: [...rows, ...Array.from({length: FOUND_ROWS}, () => ({line: null, location: '', item: '', description: '', lot: '', unit: '', counted: null, counter: '', remarks: ''}))],
    pageHeader: pageHeaderFor(header.id, date, name),
    landscape: true,
  }))
  await writeXlsx(path, specs)
  return [...groups].map(([name, rows]) => ({name, lines: rows.length}))
}
