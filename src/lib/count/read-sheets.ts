import {existsSync} from 'node:fs'
import path from 'node:path'

import {UsageError} from '../cli/errors.js'

/** One row of a filled count sheet, as written (validated later against the count). */
export interface SheetEntry {
  /** "file.xlsx:Counter 1:12" */
  where: string
  lineNo: number | null
  /** Set when the line cell holds something that is not a line number. */
  lineError: string | null
  location: string
  item: string
  lot: string
  /** The counted cell: number, text, or null when empty. */
  counted: unknown
  countedError: string | null
  counter: string | null
  remarks: string | null
}

export interface SheetProblem {
  where: string
  reason: string
}

type Field = 'line' | 'location' | 'item' | 'description' | 'lot' | 'unit' | 'counted' | 'counter' | 'remarks'

const FIELD_PATTERNS: Array<[Field, RegExp]> = [
  ['counter', /counter|盘点人|盘点员/i],
  ['counted', /counted|实盘|盘点数|count\s*qty/i],
  ['line', /^\s*(line|行号|序号|#)/i],
  ['location', /location|库位|储位|货位|bin/i],
  ['description', /desc|描述|名称|品名/i],
  ['item', /item|物料|料号|sku/i],
  ['lot', /lot|批次|batch/i],
  ['unit', /unit|单位|uom/i],
  ['remarks', /remark|备注|note/i],
]

/** A cell value as plain data: formulas give their saved result, rich text its text, hyperlinks their text. */
export function cellData(v: unknown): {value: unknown; error?: string} {
  if (v === null || v === undefined) return {value: null}
  if (v instanceof Date) return {value: v.toISOString()}
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if ('formula' in o || 'sharedFormula' in o) {
      if (o.result === undefined || o.result === null) return {value: null, error: 'a formula with no saved result (open the file in Excel and save it)'}
      return cellData(o.result)
    }
    if ('result' in o) return cellData(o.result)
    if (Array.isArray(o.richText)) return {value: (o.richText as Array<{text: string}>).map((t) => t.text).join('')}
    if ('text' in o) return cellData(o.text)
    if ('error' in o) return {value: null, error: `an Excel error ${String(o.error)}`}
    return {value: JSON.stringify(o)}
  }
  return {value: v}
}

function str(v: unknown): string {
  const d = cellData(v).value
  return d === null || d === undefined ? '' : String(d).trim()
}

/**
 * Read every sheet of a filled count workbook: find the header row (first 10 rows), map columns by their headers in
 * English or Chinese (so reordered or extra columns still work), and return one entry per non-blank row.
 * Sheets marked (page header) for another count are refused as a whole.
 */
export async function readCountWorkbook(file: string, countId: number): Promise<{entries: SheetEntry[]; problems: SheetProblem[]}> {
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  if (!existsSync(file)) throw new UsageError(`cannot read ${file}: no such file`, {code: 'COUNT_SHEET_UNREADABLE'})
  try {
    await wb.xlsx.readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : 'not an .xlsx workbook (' + (error as Error).message.split('\n')[0] + ')'}`, {
      code: 'COUNT_SHEET_UNREADABLE',
      hints: ['Pass the count sheets written by `plantops count sample` (saved as .xlsx).'],
    })
  }
  const base = path.basename(file)
  const entries: SheetEntry[] = []
  const problems: SheetProblem[] = []
  let countSheets = 0
  wb.eachSheet((ws) => {
    const at = (row: number) => `${base}:${ws.name}:${row}`
    const marker = /plantops count (\d+)/.exec(String(ws.headerFooter?.oddHeader ?? ''))
    if (marker && Number(marker[1]) !== countId) {
      problems.push({where: `${base}:${ws.name}`, reason: `this sheet belongs to count ${marker[1]}, not count ${countId}`})
      return
    }
    let headerRow = 0
    const cols = new Map<Field, number>()
    for (let r = 1; r <= Math.min(10, ws.rowCount); r++) {
      const found = new Map<Field, number>()
      ws.getRow(r).eachCell((cell, col) => {
        const h = str(cell.value)
        if (!h) return
        const hit = FIELD_PATTERNS.find(([, re]) => re.test(h))
        if (hit && !found.has(hit[0])) found.set(hit[0], col)
      })
      if (found.has('counted') && (found.has('line') || found.has('location'))) {
        headerRow = r
        countSheets++
        for (const [k, v] of found) cols.set(k, v)
        break
      }
    }
    if (headerRow === 0) {
      if (ws.rowCount > 0) problems.push({where: `${base}:${ws.name}`, reason: 'no header row with a "Counted 实盘数量" column and a "Line 行号" or "Location 库位" column in the first 10 rows: sheet skipped'})
      return
    }
    for (let r = headerRow + 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r)
      const get = (f: Field) => (cols.has(f) ? row.getCell(cols.get(f) as number).value : null)
      const lineRaw = cellData(get('line'))
      const countedRaw = cellData(get('counted'))
      const location = str(get('location'))
      const item = str(get('item'))
      const remarks = str(get('remarks'))
      const counter = str(get('counter'))
      const lineText = lineRaw.value === null ? '' : String(lineRaw.value).trim()
      if (lineText === '' && location === '' && item === '' && (countedRaw.value === null || String(countedRaw.value).trim() === '') && !countedRaw.error) continue
      let lineNo: number | null = null
      let lineError: string | null = null
      if (lineText !== '') {
        const n = Number(lineText.normalize('NFKC'))
        if (Number.isInteger(n) && n > 0) lineNo = n
        else lineError = `line "${lineText}" is not a line number`
      }
      entries.push({
        where: at(r),
        lineNo,
        lineError,
        location,
        item,
        lot: str(get('lot')),
        counted: countedRaw.value,
        countedError: countedRaw.error ?? null,
        counter: counter || null,
        remarks: remarks || null,
      })
    }
  })
  if (countSheets === 0 && !problems.some((p) => p.reason.startsWith('this sheet belongs'))) {
    problems.push({where: base, reason: 'no count sheet in this workbook (a sheet with "Counted 实盘数量" and "Line 行号" or "Location 库位" columns in its first 10 rows)'})
  }
  return {entries, problems}
}
