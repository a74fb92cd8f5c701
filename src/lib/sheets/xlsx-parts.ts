import {BoundedMap} from '../cache/bounded-map.js'
import {type Cell, type DateSystem, dateCell, EMPTY_CELL, numberCell} from './cells.js'
import {isDateFmt, parseSax, type ReaderState, SaxesParser} from './exceljs-patch.js'

/** One row of a sheet: its row number as the spreadsheet shows it, and its cells by column (0-based). */
export interface SheetRow {
  number: number
  cells: Cell[]
}

/** What a worksheet says after its rows (known once the rows have been read). */
export interface SheetTrailer {
  /** The odd-page header text (`<headerFooter><oddHeader>`), as written. */
  pageHeader?: string
}

/** The local name of an XML element (`x:c` → `c`): some producers prefix the SpreadsheetML namespace. */
function local(name: string): string {
  const i = name.indexOf(':')
  return i < 0 ? name : name.slice(i + 1)
}

/**
 * Shared strings (`xl/sharedStrings.xml`): each `<si>` is the text of all its runs (`<t>`, or `<r><t>` rich text
 * runs, however many), without phonetic guides (`<rPh>`).
 */
export async function parseSharedStrings(chunks: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = []
  let inSi = false
  let inT = false
  let inRph = false
  let text = ''
  for await (const events of parseSax(chunks)) {
    for (const ev of events) {
      if (ev.eventType === 'text') {
        if (inT) text += ev.value
      } else if (ev.eventType === 'opentag') {
        const n = local(ev.value.name)
        if (n === 'si') {
          inSi = true
          text = ''
        } else if (n === 't') inT = inSi && !inRph
        else if (n === 'rPh') inRph = true
      } else {
        const n = local(ev.value.name)
        if (n === 't') inT = false
        else if (n === 'rPh') inRph = false
        else if (n === 'si') {
          out.push(text)
          inSi = false
        }
      }
    }
  }
  return out
}

/** Column index (0-based) of a cell reference such as "AB12"; -1 when there is none. */
export function columnOf(ref: string | undefined): number {
  if (!ref) return -1
  let col = 0
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20 // lower case
    if (c < 97 || c > 122) break
    col = col * 26 + (c - 96)
  }
  return col - 1
}

/**
 * The rows of one worksheet part, in the batches the XML parser produces (one per decompressed chunk). Cells are
 * reduced to what a person sees: shared and inline strings with every rich-text run, numbers as Excel shows them
 * (15 significant digits; the raw number kept), date-formatted numbers as dates in the workbook's date system,
 * booleans as TRUE/FALSE, error values (also a formula's cached error) as errors, a formula by its cached result.
 *
 * saxes's events are handled as the parser emits them: exceljs's parseSax wrapper would make an event object for
 * every tag and text and an array of them per chunk (a profile of a 100,000-line import: the wrapper and its garbage
 * ≈ 0.5 s of 10.6 s CPU). Shared-string cells are made once per string, date cells once per serial.
 */
export async function* worksheetRows(chunks: AsyncIterable<Buffer>, reader: ReaderState, dateSystem: DateSystem, trailer: SheetTrailer): AsyncGenerator<SheetRow[]> {
  const shared = reader.sharedStrings ?? []
  const sharedCells: Cell[] = []
  const dateStyle = new Map<number, boolean>()
  const isDateStyle = (s: number): boolean => {
    let d = dateStyle.get(s)
    if (d === undefined) {
      d = isDateFmt(reader.styles?.getStyleModel(s)?.numFmt)
      dateStyle.set(s, d)
    }
    return d
  }
  // date cells by serial: a date column holds few distinct days (bounded; keyed by number, no text kept alive)
  const dates = new BoundedMap<number, Cell>()
  const dateOf = (v: string): Cell => {
    const n = Number(v)
    return dates.get(n) ?? dates.remember(n, dateCell(n, dateSystem))
  }
  let lastRow = 0
  let cells: Cell[] | null = null
  let rowNumber = 0
  // the cell being read
  let col = -1
  let type = 'n'
  let style = 0
  let formula: string | null = null
  let value: string | null = null
  let inline: string | null = null
  let capture: 'v' | 'f' | 't' | 'header' | null = null
  let inIs = false
  let inRph = false
  let header = ''

  const finishCell = (): Cell => {
    switch (type) {
      case 's': {
        if (value === null) return EMPTY_CELL
        const i = Number.parseInt(value, 10)
        const cached = sharedCells[i]
        if (cached !== undefined) return cached
        const s = shared[i]
        if (s === undefined) return {text: '', error: `shared string ${value} is missing`}
        return (sharedCells[i] = {text: s})
      }
      case 'inlineStr':
        return {text: inline ?? value ?? ''}
      case 'str':
        return {text: value ?? ''}
      case 'b':
        return value === null || value === '' ? EMPTY_CELL : {text: value.trim() === '1' || value.trim().toLowerCase() === 'true' ? 'TRUE' : 'FALSE'}
      case 'e': {
        // a formula's cached error keeps the formula as its text (what to fix), the error code as its error
        const text = formula ? `=${formula}` : (value ?? '')
        return value === null ? {text, error: 'error_value'} : {text, error: value}
      }
      case 'd': {
        if (value === null) return EMPTY_CELL
        const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
        if (Number.isNaN(t)) return {text: value, error: 'invalid_date'}
        return dateCell(t / 86_400_000 + 25_569, 1900)
      }
      default: {
        if (value === null || value === '') {
          if (formula !== null) {
            return {text: formula === '' ? '' : `=${formula}`, error: 'formula_uncalculated'}
          }
          return EMPTY_CELL
        }
        if (style > 0 && isDateStyle(style)) return dateOf(value)
        return numberCell(value)
      }
    }
  }

  const onText = (text: string) => {
    if (capture === 'v') value = (value ?? '') + text
    else if (capture === 't') inline = (inline ?? '') + text
    else if (capture === 'f') formula = (formula ?? '') + text
    else if (capture === 'header') header += text
  }

  const onOpen = (n: string, a: Record<string, string>) => {
    switch (n) {
      case 'row':
        rowNumber = a.r ? Number.parseInt(a.r, 10) : lastRow + 1
        cells = []
        break
      case 'c':
        if (cells) {
          const c = columnOf(a.r)
          col = c >= 0 ? c : cells.length
          type = a.t ?? 'n'
          style = a.s ? Number.parseInt(a.s, 10) : 0
          formula = null
          value = null
          inline = null
        }
        break
      case 'v':
        if (cells) {
          capture = 'v'
          value ??= ''
        }
        break
      case 'f':
        if (cells) {
          capture = 'f'
          formula ??= ''
        }
        break
      case 'is':
        inIs = true
        inline = ''
        break
      case 't':
        if (inIs && !inRph) capture = 't'
        break
      case 'rPh':
        inRph = true
        break
      case 'oddHeader':
        capture = 'header'
        header = ''
        break
    }
  }

  const onClose = (n: string) => {
    switch (n) {
      case 'v':
      case 'f':
      case 't':
        capture = null
        break
      case 'rPh':
        inRph = false
        break
      case 'is':
        inIs = false
        break
      case 'oddHeader':
        capture = null
        trailer.pageHeader = header
        break
      case 'c':
        if (cells && col >= 0) cells[col] = finishCell()
        col = -1
        break
      case 'row':
        if (cells) {
          for (let i = 0; i < cells.length; i++) cells[i] ??= EMPTY_CELL
          batch.push({number: rowNumber, cells})
          lastRow = rowNumber
        }
        cells = null
        break
    }
  }

  const parser = new SaxesParser()
  let error: Error | undefined
  parser.on('error', (e) => (error = e))
  parser.on('opentag', (tag) => onOpen(local(tag.name), tag.attributes))
  parser.on('closetag', (tag) => onClose(local(tag.name)))
  parser.on('text', onText)
  // decoded as exceljs's parseSax decodes (a TextDecoder call per chunk; chunks end on character boundaries)
  const decoder = new TextDecoder('utf-8')
  let batch: SheetRow[] = []
  for await (const chunk of chunks) {
    parser.write(decoder.decode(chunk))
    if (error) throw error
    if (batch.length > 0) {
      yield batch
      batch = []
    }
  }
}
