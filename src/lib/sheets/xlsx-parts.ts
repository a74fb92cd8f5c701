import {type Cell, type DateSystem, dateCell, EMPTY_CELL, numberCell} from './cells.js'
import {incompleteUtf8Tail, isDateFmt, parseSax, type ReaderState} from './exceljs-patch.js'

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

/** Element names the worksheet reader acts on (local names, namespace prefix ignored); OTHER for the rest. */
const enum Tag {
  OTHER,
  ROW,
  C,
  V,
  F,
  IS,
  T,
  RPH,
  ODD_HEADER,
}

/** The Tag of the element name in `buf` from `from` to `to` (exclusive), without cutting a string out of it. */
function tagOf(buf: string, from: number, to: number): Tag {
  for (let i = to - 1; i > from; i--) {
    if (buf.charCodeAt(i) === 58 /* : */) {
      from = i + 1
      break
    }
  }
  const c = buf.charCodeAt(from)
  switch (to - from) {
    case 1:
      return c === 99 ? Tag.C : c === 118 ? Tag.V : c === 116 ? Tag.T : c === 102 ? Tag.F : Tag.OTHER
    case 2:
      return c === 105 && buf.charCodeAt(from + 1) === 115 ? Tag.IS : Tag.OTHER
    case 3:
      if (c !== 114) return Tag.OTHER
      if (buf.charCodeAt(from + 1) === 111 && buf.charCodeAt(from + 2) === 119) return Tag.ROW
      return buf.charCodeAt(from + 1) === 80 && buf.charCodeAt(from + 2) === 104 ? Tag.RPH : Tag.OTHER
    case 9:
      return buf.startsWith('oddHeader', from) ? Tag.ODD_HEADER : Tag.OTHER
    default:
      return Tag.OTHER
  }
}

const PREDEFINED: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}

/** XML character data as a parser delivers it: line ends normalised to \n, entity and character references replaced. */
export function xmlText(raw: string): string {
  let s = raw
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n')
  if (!s.includes('&')) return s
  return s.replace(/&([^;&<]*)(;?)/g, (_, name: string, semi: string) => {
    if (semi === '') throw new Error(`XML: unterminated entity &${name}`)
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : /^#\d+$/.test(name) ? Number.parseInt(name.slice(1), 10) : Number.NaN
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff) || !/^#(x[0-9a-fA-F]+|\d+)$/.test(name)) throw new Error(`XML: malformed character entity &${name};`)
      return String.fromCodePoint(code)
    }
    const v = PREDEFINED[name]
    if (v === undefined) throw new Error(`XML: undefined entity &${name};`)
    return v
  })
}

/** The attributes of a cell or row the reader uses; one object reused for every tag. */
interface Attributes {
  r: string | undefined
  t: string | undefined
  s: string | undefined
}

/** Read the r, t and s attributes of the tag text in `buf` from `from` to `to` (after the element name). */
function readAttributes(buf: string, from: number, to: number, out: Attributes): void {
  out.r = out.t = out.s = undefined
  let i = from
  while (i < to) {
    const eq = buf.indexOf('=', i)
    if (eq < 0 || eq >= to) return
    let q = eq + 1
    while (q < to && buf.charCodeAt(q) !== 34 && buf.charCodeAt(q) !== 39) q++
    if (q >= to) return
    const close = buf.indexOf(buf[q], q + 1)
    if (close < 0 || close >= to) return
    // the name: the last word before "="
    let ne = eq
    while (ne > i && isSpace(buf.charCodeAt(ne - 1))) ne--
    let ns = ne
    while (ns > i && !isSpace(buf.charCodeAt(ns - 1))) ns--
    if (ne - ns === 1) {
      const c = buf.charCodeAt(ns)
      if (c === 114 || c === 116 || c === 115) {
        const v = xmlText(buf.slice(q + 1, close))
        if (c === 114) out.r = v
        else if (c === 116) out.t = v
        else out.s = v
      }
    }
    i = close + 1
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/**
 * The rows of one worksheet part, in the batches the XML parser produces (one per decompressed chunk). Cells are
 * reduced to what a person sees: shared and inline strings with every rich-text run, numbers as Excel shows them
 * (15 significant digits; the raw number kept), date-formatted numbers as dates in the workbook's date system,
 * booleans as TRUE/FALSE, error values (also a formula's cached error) as errors, a formula by its cached result.
 *
 * The worksheet XML is scanned here, not by a general XML parser: a worksheet is millions of small elements, and a
 * SAX event object per tag and text (exceljs's parseSax over saxes) was a third of an order import's CPU time and most
 * of its garbage. What a SAX parser gives is kept: namespace prefixes, self-closing tags, either quote, entity and
 * character references, line-end normalisation, comments, processing instructions and DOCTYPE skipped, CDATA
 * sections ignored (exceljs's parseSax drops them too), a closing tag that does not match an error.
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
  // date cells by serial: a date column holds few distinct days (bounded, keyed by number: no text kept alive)
  const dates = new Map<number, Cell>()
  const dateOf = (v: string): Cell => {
    const n = Number(v)
    let d = dates.get(n)
    if (d === undefined) {
      d = dateCell(n, dateSystem)
      if (dates.size >= 4096) dates.clear()
      dates.set(n, d)
    }
    return d
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
  let capture: Tag.V | Tag.F | Tag.T | Tag.ODD_HEADER | null = null
  let inIs = false
  let inRph = false
  let header = ''
  const attrs: Attributes = {r: undefined, t: undefined, s: undefined}
  // open elements (Tag, and the name of OTHER ones) to check that closing tags match
  const open: Tag[] = []
  const otherNames: string[] = []

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
        return value === null ? {text, error: 'error value'} : {text, error: value}
      }
      case 'd': {
        if (value === null) return EMPTY_CELL
        const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
        if (Number.isNaN(t)) return {text: value, error: 'invalid date'}
        return dateCell(t / 86_400_000 + 25_569, 1900)
      }
      default: {
        if (value === null || value === '') {
          if (formula !== null) {
            return {text: formula === '' ? '' : `=${formula}`, error: 'formula result is an error value (such as #N/A) or was never calculated'}
          }
          return EMPTY_CELL
        }
        if (style > 0 && isDateStyle(style)) return dateOf(value)
        return numberCell(value)
      }
    }
  }

  const openTag = (tag: Tag, buf: string, from: number, to: number) => {
    switch (tag) {
      case Tag.ROW:
        readAttributes(buf, from, to, attrs)
        rowNumber = attrs.r ? Number.parseInt(attrs.r, 10) : lastRow + 1
        cells = []
        break
      case Tag.C:
        if (cells) {
          readAttributes(buf, from, to, attrs)
          const c = columnOf(attrs.r)
          col = c >= 0 ? c : cells.length
          type = attrs.t ?? 'n'
          style = attrs.s ? Number.parseInt(attrs.s, 10) : 0
          formula = null
          value = null
          inline = null
        }
        break
      case Tag.V:
        if (cells) {
          capture = Tag.V
          value ??= ''
        }
        break
      case Tag.F:
        if (cells) {
          capture = Tag.F
          formula ??= ''
        }
        break
      case Tag.IS:
        inIs = true
        inline = ''
        break
      case Tag.T:
        if (inIs && !inRph) capture = Tag.T
        break
      case Tag.RPH:
        inRph = true
        break
      case Tag.ODD_HEADER:
        capture = Tag.ODD_HEADER
        header = ''
        break
    }
  }

  const closeTag = (tag: Tag, batch: SheetRow[]) => {
    switch (tag) {
      case Tag.V:
      case Tag.F:
      case Tag.T:
        capture = null
        break
      case Tag.RPH:
        inRph = false
        break
      case Tag.IS:
        inIs = false
        break
      case Tag.ODD_HEADER:
        capture = null
        trailer.pageHeader = header
        break
      case Tag.C:
        if (cells && col >= 0) cells[col] = finishCell()
        col = -1
        break
      case Tag.ROW:
        if (cells) {
          for (let i = 0; i < cells.length; i++) cells[i] ??= EMPTY_CELL
          batch.push({number: rowNumber, cells})
          lastRow = rowNumber
        }
        cells = null
        break
    }
  }

  const text = (raw: string) => {
    const s = xmlText(raw)
    if (capture === Tag.V) value = (value ?? '') + s
    else if (capture === Tag.T) inline = (inline ?? '') + s
    else if (capture === Tag.F) formula = (formula ?? '') + s
    else if (capture === Tag.ODD_HEADER) header += s
  }

  let carry: Buffer | null = null
  let first = true
  for await (const chunk of chunks) {
    // one flat string per chunk (a concatenation would be a rope, slower to scan char by char); a character cut at
    // the end of the chunk waits for the rest of its bytes
    const bytes: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    const cut = incompleteUtf8Tail(bytes)
    const tail: Buffer | null = cut > 0 ? Buffer.from(bytes.subarray(bytes.length - cut)) : null
    let buf: string = bytes.toString('utf8', 0, bytes.length - cut)
    if (first && buf.length > 0) {
      first = false
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1)
    }
    const batch: SheetRow[] = []
    const n = buf.length
    let pos = 0
    while (pos < n) {
      const lt = buf.indexOf('<', pos)
      if (lt < 0) break // text up to the end of the chunk: kept for the next one (a reference may be cut)
      if (lt > pos && capture !== null) text(buf.slice(pos, lt))
      pos = lt
      if (lt + 1 >= n) break
      const c1 = buf.charCodeAt(lt + 1)
      if (c1 === 47 /* </ */) {
        const gt = buf.indexOf('>', lt + 2)
        if (gt < 0) break
        let ne = gt
        while (ne > lt + 2 && isSpace(buf.charCodeAt(ne - 1))) ne--
        const tag = tagOf(buf, lt + 2, ne)
        const expected = open.pop()
        if (expected !== tag || (tag === Tag.OTHER && otherNames.pop() !== buf.slice(lt + 2, ne))) {
          throw new Error(`XML: unexpected closing tag </${buf.slice(lt + 2, ne)}>`)
        }
        closeTag(tag, batch)
        pos = gt + 1
        continue
      }
      if (c1 === 63 /* <? */) {
        const end = buf.indexOf('?>', lt + 2)
        if (end < 0) break
        pos = end + 2
        continue
      }
      if (c1 === 33 /* <! */) {
        let end: number
        if (buf.startsWith('<!--', lt)) end = skipTo(buf, '-->', lt + 4)
        else if (buf.startsWith('<![CDATA[', lt)) end = skipTo(buf, ']]>', lt + 9)
        else if (n - lt < 9) break // too short to tell: wait for the rest
        else {
          const bracket = buf.indexOf('[', lt)
          const gt = buf.indexOf('>', lt)
          end = bracket >= 0 && (gt < 0 || bracket < gt) ? skipTo(buf, ']>', bracket) : gt < 0 ? -1 : gt + 1
        }
        if (end < 0) break
        pos = end
        continue
      }
      // a start tag: its end is the first ">" outside quoted attribute values
      let i = lt + 1
      let gt = -1
      while (i < n) {
        const c = buf.charCodeAt(i)
        if (c === 62) {
          gt = i
          break
        }
        if (c === 34 || c === 39) {
          const q = buf.indexOf(c === 34 ? '"' : "'", i + 1)
          if (q < 0) break
          i = q + 1
        } else i++
      }
      if (gt < 0) break
      let ne = lt + 1
      while (ne < gt) {
        const c = buf.charCodeAt(ne)
        if (isSpace(c) || c === 47 || c === 62) break
        ne++
      }
      const selfClosing = buf.charCodeAt(gt - 1) === 47
      const tag = tagOf(buf, lt + 1, ne)
      openTag(tag, buf, ne, selfClosing ? gt - 1 : gt)
      if (selfClosing) closeTag(tag, batch)
      else {
        open.push(tag)
        if (tag === Tag.OTHER) otherNames.push(buf.slice(lt + 1, ne))
      }
      pos = gt + 1
    }
    carry = pos < n ? Buffer.from(buf.slice(pos), 'utf8') : null
    if (tail) carry = carry ? Buffer.concat([carry, tail]) : tail
    if (batch.length > 0) yield batch
  }
  // text after the last tag is outside the root element; an unfinished tag is not read (exceljs's parser neither)
}

/** The position just after `end` searched from `from`, or -1 when it is not in `buf` yet. */
function skipTo(buf: string, end: string, from: number): number {
  const at = buf.indexOf(end, from)
  return at < 0 ? -1 : at + end.length
}
