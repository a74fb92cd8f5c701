import path from 'node:path'

import {type Cell, cellErrorText} from '../sheets/cells.js'
import {openSheets} from '../sheets/read.js'
import {t} from '../i18n/index.js'

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
  /** The counted cell as shown (a formula by its saved result, a number as Excel shows it), or null when empty. */
  counted: string | number | null
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

/** A cell as a count entry sees it: its text (formulas give their saved result), or why it cannot be read. */
function cellValue(c: Cell | undefined): {value: string | null; error?: string} {
  if (!c) return {value: null}
  if (c.error) {
    if (c.error.startsWith('#')) return {value: null, error: t('count.reasons.excelError', {error: c.error})}
    return {value: null, error: t('count.reasons.cellUnreadable', {error: cellErrorText(c.error)})}
  }
  const text = c.text.trim()
  return {value: text === '' ? null : text}
}

function str(c: Cell | undefined): string {
  return c?.error ? '' : (c?.text.trim() ?? '')
}

/**
 * Read every sheet of a filled count workbook (or CSV) through the sheets reader: find the header row (first 10
 * rows), map columns by their headers in English or Chinese (so reordered or extra columns still work), and return
 * one entry per non-blank row. Sheets marked (page header) for another count are refused as a whole.
 */
export async function readCountWorkbook(file: string, countId: number): Promise<{entries: SheetEntry[]; problems: SheetProblem[]}> {
  const base = path.basename(file)
  const entries: SheetEntry[] = []
  const problems: SheetProblem[] = []
  let countSheets = 0
  let otherCount = false
  for await (const sheet of openSheets(file)) {
    const at = (row: number) => `${base}:${sheet.name}:${row}`
    const mine: SheetEntry[] = []
    let headerRow = 0
    let rows = 0
    const cols = new Map<Field, number>()
    for await (const row of sheet.rows) {
      rows++
      if (headerRow === 0) {
        if (row.number > 10) continue // read on: the page header comes after the rows
        const found = new Map<Field, number>()
        row.cells.forEach((cell, col) => {
          const h = cell.text.replace(/^\uFEFF/, '').trim()
          if (!h) return
          const hit = FIELD_PATTERNS.find(([, re]) => re.test(h))
          if (hit && !found.has(hit[0])) found.set(hit[0], col)
        })
        if (found.has('counted') && (found.has('line') || found.has('location'))) {
          headerRow = row.number
          for (const [k, v] of found) cols.set(k, v)
        }
        continue
      }
      const get = (f: Field): Cell | undefined => (cols.has(f) ? row.cells[cols.get(f) as number] : undefined)
      const lineRaw = cellValue(get('line'))
      const countedRaw = cellValue(get('counted'))
      const location = str(get('location'))
      const item = str(get('item'))
      const remarks = str(get('remarks'))
      const counter = str(get('counter'))
      const lineText = lineRaw.value ?? ''
      if (lineText === '' && !lineRaw.error && location === '' && item === '' && countedRaw.value === null && !countedRaw.error) continue
      let lineNo: number | null = null
      let lineError: string | null = null
      if (lineRaw.error) lineError = t('count.reasons.lineCell', {error: lineRaw.error})
      else if (lineText !== '') {
        const n = Number(lineText.normalize('NFKC'))
        if (Number.isInteger(n) && n > 0) lineNo = n
        else lineError = t('count.reasons.notALineNumber', {value: lineText})
      }
      mine.push({
        where: at(row.number),
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
    const marker = /plantops count (\d+)/.exec(sheet.trailer.pageHeader ?? '')
    if (marker && Number(marker[1]) !== countId) {
      problems.push({where: `${base}:${sheet.name}`, reason: t('count.reasons.otherCount', {other: marker[1], id: countId})})
      otherCount = true
      continue
    }
    if (headerRow === 0) {
      if (rows > 0) problems.push({where: `${base}:${sheet.name}`, reason: t('count.reasons.noHeader')})
      continue
    }
    countSheets++
    entries.push(...mine)
  }
  if (countSheets === 0 && !otherCount) {
    problems.push({where: base, reason: t('count.reasons.noCountSheet')})
  }
  return {entries, problems}
}
