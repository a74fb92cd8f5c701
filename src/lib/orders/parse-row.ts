import {BoundedMap} from '../cache/bounded-map.js'
import {Decimal, formatDecimal} from '../decimal/decimal.js'
import {type Cell, cellErrorText, type DateSystem, EMPTY_CELL, foldWidth, formatExcelNumber, parseTextDate, parseTextDecimal, readTextDecimal, serialToIsoDate} from '../sheets/cells.js'
import {quantityReason} from '../reconcile/quantity.js'
import {t} from '../i18n/index.js'
import type {FieldSpec} from './fields.js'
import type {HeaderMatch} from './header-match.js'

/** One problem of a row, in words, and the column (0-based) to highlight when there is one. */
export interface Problem {
  field: string
  column?: number
  message: string
}

/** A line's values as stored: canonical fields as text (decimals exact, dates ISO), others in `extra`. Null when empty. */
export type LineValues = Record<string, string | null>

export interface ParsedRow {
  rowNumber: number
  /** Original cell texts by column, for the rejects workbook. */
  cells: Cell[]
  values: LineValues
  problems: Problem[]
}

/** Fields whose values are codes: full-width characters folded, inner whitespace kept as typed. */
const CODE_FIELDS = new Set(['order_no', 'line_no', 'sku', 'uom', 'currency'])

export interface RowParser {
  /** null when the row is blank (no values at all). */
  parse(rowNumber: number, cells: Cell[]): ParsedRow | null
  /** Whether the trigger lets this row in (true when no trigger is configured). */
  triggered(row: ParsedRow): boolean
}

export function createRowParser(opts: {
  fields: FieldSpec[]
  header: HeaderMatch
  dateSystem: DateSystem
  trigger?: {field: string; in: string[]}
  /** Fields whose empty cells take the value of the row above (merged cells). */
  fillDown?: string[]
}): RowParser {
  const mapped: MappedField[] = opts.fields
    .filter((f) => opts.header.columns.has(f.name))
    .map((f) => ({f, col: opts.header.columns.get(f.name)!, byNum: new BoundedMap(CACHE_SIZE), byText: new BoundedMap(CACHE_SIZE)}))
  // a required field without a column is a problem of every row
  const noColumn = opts.fields.filter((f) => f.required && !opts.header.columns.has(f.name))
  const fillCols = (opts.fillDown ?? []).map((name) => opts.header.columns.get(name)).filter((c): c is number => c !== undefined)
  const above = new Map<number, Cell>()
  const triggerValues = new Set((opts.trigger?.in ?? []).map((v) => foldWidth(v).toLowerCase()))
  return {
    parse(rowNumber, cells) {
      if (!cells.some((c) => c.text.trim() !== '' || c.error)) return null
      for (const col of fillCols) {
        const cell = cells[col]
        if (cell && (cell.text.trim() !== '' || cell.error || cell.date)) above.set(col, cell)
        else if (above.has(col)) {
          while (cells.length <= col) cells.push(EMPTY_CELL)
          cells[col] = above.get(col)! // the rejects workbook then shows the filled value: the row stands alone
        }
      }
      const values: LineValues = {}
      const problems: Problem[] = []
      for (const m of mapped) {
        const r = parseCached(m, cells[m.col] ?? EMPTY_CELL, opts.dateSystem)
        values[m.f.name] = r.value
        if (r.problem) problems.push({field: m.f.name, column: m.col, message: r.problem})
      }
      for (const f of noColumn) problems.push({field: f.name, message: t('orders.problem.noColumn')})
      return {rowNumber, cells, values, problems}
    },
    triggered(row) {
      if (!opts.trigger) return true
      const v = row.values[opts.trigger.field]
      return v !== null && v !== undefined && triggerValues.has(foldWidth(v).toLowerCase())
    },
  }
}

type FieldResult = {value: string | null; problem?: string}

/** A field with its column, and what its cells parsed to (by number, or by short text). */
interface MappedField {
  f: FieldSpec
  col: number
  byNum: BoundedMap<number, FieldResult>
  byText: BoundedMap<string, FieldResult>
}

/** Distinct values remembered per field: order files repeat units, statuses, quantities, prices and dates. */
const CACHE_SIZE = 4096

/**
 * parseField, remembered per field for cells whose result depends on their number alone (numeric cells) or on a
 * short text alone. Short only: a text of 13 characters or more may be a slice of a whole decompressed chunk, which
 * a cache would keep alive; a shorter one is its own copy.
 */
function parseCached(m: MappedField, cell: Cell, dateSystem: DateSystem): FieldResult {
  if (cell.error !== undefined || cell.date !== undefined) return parseField(m.f, cell, dateSystem)
  if (cell.num !== undefined) {
    return m.byNum.get(cell.num) ?? m.byNum.remember(cell.num, parseField(m.f, cell, dateSystem))
  }
  if (cell.text.length > 12) return parseField(m.f, cell, dateSystem)
  return m.byText.get(cell.text) ?? m.byText.remember(cell.text, parseField(m.f, cell, dateSystem))
}

const MIN_CACHE = new Map<string, Decimal>()
function minOf(min: string): Decimal {
  let d = MIN_CACHE.get(min)
  if (!d) MIN_CACHE.set(min, (d = new Decimal(min)))
  return d
}

/** Parse one cell for one field: the value as stored, or a problem in words. */
export function parseField(f: FieldSpec, cell: Cell, dateSystem: DateSystem): FieldResult {
  if (cell.error) return {value: null, problem: cell.error.startsWith('#') ? t('orders.problem.errorValue', {value: cellErrorText(cell.error)}) : cellErrorText(cell.error)}
  const raw = cell.text.charCodeAt(0) === 0xfeff ? cell.text.slice(1) : cell.text
  const text = CODE_FIELDS.has(f.name) ? foldWidth(raw) : trimSpace(raw)
  if (text === '' && cell.date === undefined) return f.required ? {value: null, problem: t('orders.problem.empty')} : {value: null}
  switch (f.type) {
    case 'text': {
      if (f.name === 'line_no') {
        const d = parseTextDecimal(text)
        if (d && d.isInteger()) return {value: formatDecimal(d)}
      }
      return {value: text}
    }
    case 'integer':
    case 'decimal': {
      let d: Decimal
      if (cell.num === undefined) {
        const r = readTextDecimal(text)
        if (!r.ok) {
          // an exponent beyond the sources' bound (1e50000000): out of range, with the reason the stock side gives
          if (r.outOfRange) return {value: null, problem: t('orders.problem.outOfRange', {text: raw.trim(), reason: quantityReason(r.outOfRange)})}
          return {value: null, problem: t('orders.problem.notNumber', {text: raw.trim()})}
        }
        d = r.value
      } else d = new Decimal(formatExcelNumber(cell.num))
      if (f.type === 'integer' && !d.isInteger()) return {value: null, problem: t('orders.problem.notWhole', {text: raw.trim()})}
      if (f.min !== undefined) {
        const min = minOf(f.min)
        if (f.exclusiveMin ? d.lte(min) : d.lt(min)) {
          return {value: formatDecimal(d), problem: f.exclusiveMin ? t('orders.problem.greaterThan', {min: f.min}) : t('orders.problem.atLeast', {min: f.min})}
        }
      }
      return {value: formatDecimal(d)}
    }
    case 'date': {
      if (cell.date) return {value: cell.date}
      if (cell.num !== undefined) {
        const iso = serialToIsoDate(cell.num, dateSystem)
        return iso ? {value: iso} : {value: null, problem: t('orders.problem.notDate', {text: raw.trim()})}
      }
      const iso = parseTextDate(text)
      return iso ? {value: iso} : {value: null, problem: t('orders.problem.badDate', {text: raw.trim()})}
    }
    default:
      return {value: text}
  }
}

/** `s` without leading and trailing whitespace (ideographic space too); the regex only when an end may be one. */
function trimSpace(s: string): string {
  if (s.length === 0 || (plainEnd(s.charCodeAt(0)) && plainEnd(s.charCodeAt(s.length - 1)))) return s
  return s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '')
}

/** A character that is certainly not whitespace: printable ASCII but space, or a CJK ideograph. */
function plainEnd(c: number): boolean {
  return (c > 32 && c < 127) || (c >= 0x4e00 && c <= 0x9fff)
}
