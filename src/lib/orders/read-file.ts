import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import path from 'node:path'
import {Transform, type TransformCallback} from 'node:stream'

import {isPlantopsError, UsageError} from '../cli/errors.js'
import {cellFromExcel, type Cell, type DateSystem} from './cells.js'

/** One row of a sheet: its row number as the spreadsheet shows it, and its cells by column (0-based). */
export interface SheetRow {
  number: number
  cells: Cell[]
}

/** One sheet of a workbook (a CSV file is one sheet). Iterate `batches` (or `rows`, row by row) once. */
export interface SheetRows {
  name: string
  /** 1-based position in the workbook's sheet order. */
  index: number
  dateSystem: DateSystem
  /** Hidden or very hidden in the workbook: skipped unless --sheet names it. */
  hidden: boolean
  /** Rows in the batches the parser produces them (one per decompressed chunk): far fewer async hops than rows. */
  batches: AsyncIterable<SheetRow[]>
  rows: AsyncIterable<SheetRow>
}

function sheet(meta: Omit<SheetRows, 'rows'>): SheetRows {
  return {
    ...meta,
    rows: (async function* () {
      for await (const batch of meta.batches) yield* batch
    })(),
  }
}

export type FileKind = 'xlsx' | 'csv'

export interface ReadOptions {
  /** Force a CSV encoding (utf-8, gb18030, gbk, big5, …); detected when absent. */
  encoding?: string
}

const SAVE_AS_XLSX = 'Open it in Excel (or WPS/LibreOffice) and use File > Save As > Excel Workbook (*.xlsx), or save it as CSV UTF-8.'

/** Decide how to read a file from its first bytes (not its name): zip → xlsx, OLE2 → legacy .xls (refused), else CSV. */
export async function detectFileKind(file: string): Promise<FileKind> {
  let st
  try {
    st = await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`, {code: 'INPUT_UNREADABLE', hints: ['Check the file name and path.']})
  }
  if (st.isDirectory()) throw new UsageError(`${file} is a directory, not an order file`, {code: 'INPUT_UNREADABLE'})
  const head = Buffer.alloc(8)
  const fh = await open(file, 'r')
  let n: number
  try {
    ;({bytesRead: n} = await fh.read(head, 0, 8, 0))
  } finally {
    await fh.close()
  }
  const ext = path.extname(file).toLowerCase()
  if (n >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'xlsx'
  if (n >= 8 && head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1) {
    throw new UsageError(`${file} is a legacy Excel 97-2003 workbook (.xls) or a password-protected workbook; plantops reads .xlsx and .csv`, {
      code: 'INPUT_XLS',
      hints: [SAVE_AS_XLSX, 'A password-protected workbook must be saved without a password first.'],
    })
  }
  if (['.xlsx', '.xlsm', '.xltx', '.xls', '.xlsb', '.ods', '.numbers'].includes(ext)) {
    const what = ext === '.xls' ? 'not a real Excel workbook (probably an HTML or text export named .xls)' : `not a readable ${ext} workbook`
    throw new UsageError(`${file} is ${what}`, {code: 'INPUT_UNREADABLE', hints: [SAVE_AS_XLSX]})
  }
  if (n === 0) throw new UsageError(`${file} is empty`, {code: 'INPUT_EMPTY'})
  return 'csv'
}

/** The sheets of an .xlsx or .csv file, streamed: memory does not grow with the number of rows. */
export async function* openSheets(file: string, opts: ReadOptions = {}): AsyncGenerator<SheetRows> {
  const kind = await detectFileKind(file)
  if (kind === 'xlsx') yield* openXlsxSheets(file)
  else yield await openCsvSheet(file, opts)
}

function unreadable(file: string, error: unknown): UsageError {
  const message = (error as Error)?.message?.split('\n')[0] ?? String(error)
  return new UsageError(`cannot read ${file} as an .xlsx workbook: ${message}`, {
    code: 'INPUT_UNREADABLE',
    hints: ['The file may be damaged or not really a workbook.', SAVE_AS_XLSX],
    cause: error,
  })
}

async function* openXlsxSheets(file: string): AsyncGenerator<SheetRows> {
  const {default: ExcelJS} = await import('exceljs')
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'cache',
    worksheets: 'emit',
  } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookReader>[1])
  keepUtf8CharactersWhole(reader as unknown as Record<string, unknown>)
  const iterator = (reader as unknown as AsyncIterable<WorksheetReaderLike>)[Symbol.asyncIterator]()
  let found = 0
  try {
    while (true) {
      let step: IteratorResult<WorksheetReaderLike>
      try {
        step = await iterator.next()
      } catch (error) {
        throw isPlantopsError(error) ? error : unreadable(file, error)
      }
      if (step.done) break
      const ws = step.value
      found++
      const model = (reader as unknown as {model?: {sheets?: Array<{name: string}>; properties?: {date1904?: boolean}}}).model
      const index = (model?.sheets?.findIndex((s) => s.name === ws.name) ?? -1) + 1 || found
      const hidden = ws.state === 'hidden' || ws.state === 'veryHidden'
      yield sheet({name: ws.name, index, hidden, dateSystem: model?.properties?.date1904 ? 1904 : 1900, batches: xlsxBatches(file, ws)})
    }
  } finally {
    await iterator.return?.(undefined)?.catch(() => {})
  }
  if (found === 0) {
    throw new UsageError(`${file} holds no worksheet plantops can read`, {code: 'INPUT_UNREADABLE', hints: [SAVE_AS_XLSX]})
  }
}

/**
 * exceljs's streaming reader decodes every compressed chunk to a string on its own, so a Chinese character whose
 * UTF-8 bytes straddle two chunks becomes "\uFFFD\uFFFD" (exceljs issues #2063, #2084, #2316; about one cell in a few
 * thousand of a large Chinese workbook). Re-chunk every XML part this reader parses at character boundaries.
 */
export function keepUtf8CharactersWhole(reader: Record<string, unknown>): void {
  // workbook.xml: exceljs only knows date1904="1"; the OOXML boolean may also be written "true" (LibreOffice and others)
  const parseWorkbook = reader._parseWorkbook as (entry: NodeJS.ReadableStream) => Promise<void>
  type WorkbookState = {properties?: {model?: {date1904?: boolean}}; model?: {properties?: {date1904?: boolean}}}
  reader._parseWorkbook = async function (this: WorkbookState, entry: NodeJS.ReadableStream) {
    const piped = entry.pipe(new Utf8Boundaries())
    const head: Buffer[] = []
    let size = 0
    piped.on('data', (chunk: Buffer) => {
      if (size < 65_536) head.push(chunk)
      size += chunk.length
    })
    await parseWorkbook.call(this, piped)
    if (workbookUses1904(Buffer.concat(head).toString('utf8'))) {
      this.properties ??= {}
      this.properties.model = {...this.properties.model, date1904: true}
      if (this.model) this.model.properties = {...this.model.properties, date1904: true}
    }
  }
  for (const method of ['_parseRels', '_parseSharedStrings', '_parseStyles']) {
    const original = reader[method] as (entry: NodeJS.ReadableStream, ...rest: unknown[]) => unknown
    reader[method] = function (this: unknown, entry: NodeJS.ReadableStream, ...rest: unknown[]) {
      return original.call(this, entry.pipe(new Utf8Boundaries()), ...rest)
    }
  }
  for (const method of ['_parseWorksheet', '_parseHyperlinks']) {
    const original = reader[method] as (iterator: AsyncIterable<Buffer>, ...rest: unknown[]) => unknown
    reader[method] = function (this: unknown, iterator: AsyncIterable<Buffer>, ...rest: unknown[]) {
      return original.call(this, utf8Boundaries(iterator), ...rest)
    }
  }
}

/** Whether workbook.xml declares the 1904 date system (date1904="1" or "true"). */
export function workbookUses1904(xml: string): boolean {
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(xml)?.[0]
  return pr !== undefined && /\bdate1904\s*=\s*["'](?:1|true)["']/i.test(pr)
}

/** Bytes at the end of `buf` that begin a UTF-8 character not complete in `buf`. */
export function incompleteUtf8Tail(buf: Uint8Array): number {
  for (let i = 1; i <= Math.min(4, buf.length); i++) {
    const b = buf[buf.length - i]
    if ((b & 0xc0) === 0x80) continue // continuation byte: look further back for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > i ? i : 0
  }
  return 0
}

class Utf8Boundaries extends Transform {
  private carry: Buffer | null = null

  _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk
    const cut = incompleteUtf8Tail(buf)
    this.carry = cut > 0 ? Buffer.from(buf.subarray(buf.length - cut)) : null
    if (cut > 0) buf = buf.subarray(0, buf.length - cut)
    done(null, buf.length > 0 ? buf : undefined)
  }

  _flush(done: TransformCallback): void {
    done(null, this.carry ?? undefined)
  }
}

async function* utf8Boundaries(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null
  for await (const chunk of chunks) {
    let buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    const cut = incompleteUtf8Tail(buf)
    carry = cut > 0 ? Buffer.from(buf.subarray(buf.length - cut)) : null
    if (cut > 0) buf = buf.subarray(0, buf.length - cut)
    if (buf.length > 0) yield buf
  }
  if (carry) yield carry
}

interface WorksheetReaderLike {
  name: string
  state?: string
  parse(): AsyncIterable<Array<{eventType: string; value: unknown}>>
}

async function* xlsxBatches(file: string, ws: WorksheetReaderLike): AsyncGenerator<SheetRow[]> {
  // exceljs's own row iterator is built on parse(), which yields the events of one decompressed chunk at a time
  const it = ws.parse()[Symbol.asyncIterator]()
  try {
    while (true) {
      let step: IteratorResult<Array<{eventType: string; value: unknown}>>
      try {
        step = await it.next()
      } catch (error) {
        throw unreadable(file, error)
      }
      if (step.done) return
      const batch: SheetRow[] = []
      for (const ev of step.value) {
        if (ev.eventType !== 'row') continue
        const row = ev.value as {number: number; values: unknown[]}
        const values = row.values
        const cells: Cell[] = []
        // row.values is 1-based and sparse
        for (let c = 1; c < values.length; c++) cells.push(cellFromExcel(values[c]))
        batch.push({number: row.number, cells})
      }
      if (batch.length > 0) yield batch
    }
  } finally {
    await it.return?.(undefined)?.catch(() => {})
  }
}

/** CSV encodings: BOM → UTF-8; else strict UTF-8 if the whole file decodes; else GB18030 (what Chinese Excel saves). */
export async function detectCsvEncoding(file: string): Promise<string> {
  const fh = await open(file, 'r')
  const head = Buffer.alloc(4)
  try {
    await fh.read(head, 0, 4, 0)
  } finally {
    await fh.close()
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8'
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return head[0] === 0xff ? 'utf-16le' : 'utf-16be'
  const decoder = new TextDecoder('utf-8', {fatal: true})
  try {
    for await (const chunk of createReadStream(file)) decoder.decode(chunk as Buffer, {stream: true})
    decoder.decode()
    return 'utf-8'
  } catch {
    return 'gb18030'
  }
}

async function openCsvSheet(file: string, opts: ReadOptions): Promise<SheetRows> {
  const {default: iconv} = await import('iconv-lite')
  if (opts.encoding && !iconv.encodingExists(opts.encoding)) {
    throw new UsageError(`unknown encoding "${opts.encoding}" (--encoding)`, {code: 'USAGE', hints: ['Use utf-8, gb18030, gbk, big5 or another encoding iconv-lite knows.']})
  }
  const encoding = opts.encoding ?? (await detectCsvEncoding(file))
  const delimiter = await detectDelimiter(file, encoding)
  return sheet({name: path.basename(file), index: 1, hidden: false, dateSystem: 1900, batches: csvBatches(file, encoding, delimiter)})
}

async function detectDelimiter(file: string, encoding: string): Promise<string> {
  const {default: iconv} = await import('iconv-lite')
  const fh = await open(file, 'r')
  const buf = Buffer.alloc(64 * 1024)
  let n: number
  try {
    ;({bytesRead: n} = await fh.read(buf, 0, buf.length, 0))
  } finally {
    await fh.close()
  }
  const lines = iconv.decode(buf.subarray(0, n), encoding).split(/\r?\n/).slice(0, 20)
  let best = ','
  let bestCount = 0
  for (const d of [',', ';', '\t', '|']) {
    const count = lines.reduce((sum, l) => sum + l.split(d).length - 1, 0)
    if (count > bestCount) {
      best = d
      bestCount = count
    }
  }
  return best
}

async function* csvBatches(file: string, encoding: string, delimiter: string): AsyncGenerator<SheetRow[]> {
  const {default: iconv} = await import('iconv-lite')
  const {parse} = await import('csv-parse')
  const parser = createReadStream(file)
    .pipe(iconv.decodeStream(encoding, {stripBOM: true}))
    .pipe(parse({delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true}))
  let n = 0
  let batch: SheetRow[] = []
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      n++
      batch.push({number: n, cells: record.map((text) => ({text}))})
      if (batch.length >= 500) {
        yield batch
        batch = []
      }
    }
    if (batch.length > 0) yield batch
  } catch (error) {
    if (isPlantopsError(error)) throw error
    throw new UsageError(`cannot read ${file} as CSV (${encoding}) near record ${n + 1}: ${(error as Error).message.split('\n')[0]}`, {
      code: 'INPUT_UNREADABLE',
      hints: ['Check the quoting of that line, or save the file again as CSV UTF-8 from Excel.'],
      cause: error,
    })
  } finally {
    parser.destroy()
  }
}
