import type {Cell} from '../sheets/cells.js'
import {type FieldSpec, normalizeHeader} from './fields.js'

/** Columns the rejects workbook adds; ignored (not "unmatched") when a fixed rejects workbook is imported again. */
export const REJECTS_COLUMNS = {errors: 'errors', file: 'source_file', sheet: 'source_sheet', row: 'source_row'} as const
const RESERVED = new Set(Object.values(REJECTS_COLUMNS).map(normalizeHeader))

/** How one row of a sheet maps onto the fields, if it is the header row. */
export interface HeaderMatch {
  /** Spreadsheet row number of the header. */
  rowNumber: number
  /** Header texts by column (0-based), as in the file (BOM removed, trimmed). */
  headers: string[]
  /** field name → column index */
  columns: Map<string, number>
  /** Required fields no header matched. */
  missing: FieldSpec[]
  /** Non-empty headers no field matched (rejects-workbook columns excluded). */
  unmatchedHeaders: string[]
  /** Columns added by a previous rejects workbook: reserved name → column index. */
  reserved: Map<string, number>
}

/**
 * Match one row's texts against the fields' aliases (ignoring case, width, spaces and punctuation). Required fields
 * are matched first; within a field the earliest alias wins, then the leftmost column; a column serves one field.
 */
export function matchHeaderRow(rowNumber: number, cells: Cell[], fields: FieldSpec[]): HeaderMatch {
  const headers = cells.map((c) => c.text.replace(/^\uFEFF/, '').trim())
  const norm = headers.map(normalizeHeader)
  const used = new Set<number>()
  const columns = new Map<string, number>()
  const reserved = new Map<string, number>()
  norm.forEach((h, i) => {
    if (RESERVED.has(h)) {
      reserved.set(h, i)
      used.add(i)
    }
  })
  const ordered = [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)]
  for (const f of ordered) {
    for (const alias of f.aliases) {
      const a = normalizeHeader(alias)
      const col = norm.findIndex((h, i) => h === a && !used.has(i))
      if (col >= 0) {
        columns.set(f.name, col)
        used.add(col)
        break
      }
    }
  }
  return {
    rowNumber,
    headers,
    columns,
    missing: fields.filter((f) => f.required && !columns.has(f.name)),
    unmatchedHeaders: headers.filter((h, i) => h !== '' && !used.has(i)),
    reserved,
  }
}

/** Better candidate for "the header row" when none matches completely: more fields matched, then earlier. */
export function betterCandidate(a: HeaderMatch | undefined, b: HeaderMatch): HeaderMatch {
  if (!a) return b
  return b.columns.size > a.columns.size ? b : a
}
