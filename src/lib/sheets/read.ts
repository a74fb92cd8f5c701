import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import path from 'node:path'

import {isPlantopsError, UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {DateSystem} from './cells.js'
import {patchWorkbookReader, type ReaderState, utf8Boundaries} from './exceljs-patch.js'
import {openXlsxPackage, partName, relationshipsOf, type XlsxPackage} from './xlsx-package.js'
import {parseSharedStrings, type SheetRow, type SheetTrailer, worksheetRows} from './xlsx-parts.js'

export type {SheetRow, SheetTrailer} from './xlsx-parts.js'
export type {Cell, DateSystem} from './cells.js'

/** One sheet of a workbook (a CSV file is one sheet). Iterate `batches` (or `rows`, row by row) once. */
export interface SheetRows {
  name: string
  /** 1-based position in the workbook's sheet order. */
  index: number
  dateSystem: DateSystem
  /** Hidden or very hidden in the workbook: skipped unless --sheet names it. */
  hidden: boolean
  /** What the sheet says after its rows (page header): filled once the rows have been read. */
  trailer: SheetTrailer
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

/** How to turn a workbook plantops cannot read into one it can (a hint). */
const saveAsXlsx = (): string => t('errors.sheets.saveAsXlsx')

/** Decide how to read a file from its first bytes (not its name): zip → xlsx, OLE2 → legacy .xls (refused), else CSV. */
export async function detectFileKind(file: string): Promise<FileKind> {
  let st
  try {
    st = await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(t('errors.sheets.cannotRead', {file, reason: code === 'ENOENT' ? t('errors.sheets.noSuchFile') : code}), {code: 'INPUT_UNREADABLE', hints: [t('errors.sheets.checkPath')]})
  }
  if (st.isDirectory()) throw new UsageError(t('errors.sheets.directory', {file}), {code: 'INPUT_UNREADABLE'})
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
    throw new UsageError(t('errors.sheets.legacyXls', {file}), {
      code: 'INPUT_XLS',
      hints: [saveAsXlsx(), t('errors.sheets.passwordHint')],
    })
  }
  if (['.xlsx', '.xlsm', '.xltx', '.xls', '.xlsb', '.ods', '.numbers'].includes(ext)) {
    const message = ext === '.xls' ? t('errors.sheets.fakeXls', {file}) : t('errors.sheets.unreadableWorkbook', {file, ext})
    throw new UsageError(message, {code: 'INPUT_UNREADABLE', hints: [saveAsXlsx()]})
  }
  if (n === 0) throw new UsageError(t('errors.sheets.empty', {file}), {code: 'INPUT_EMPTY'})
  return 'csv'
}

/** The sheets of an .xlsx or .csv file, streamed: memory does not grow with the number of rows. */
export async function* openSheets(file: string, opts: ReadOptions = {}): AsyncGenerator<SheetRows> {
  const kind = await detectFileKind(file)
  if (kind === 'xlsx') yield* openXlsxSheets(file)
  else yield await openCsvSheet(file, opts)
}

/**
 * The zip reader's (yauzl's) words for a file that is not a whole zip: said in the language in force, the reader's
 * English kept only for the other, rarer reasons.
 */
const NOT_A_ZIP = /end of central directory record signature not found|not a zip file|file is truncated|invalid (comment length|central directory|local file header)|unexpected EOF/i

function unreadable(file: string, error: unknown): UsageError {
  const raw = (error as Error)?.message?.split('\n')[0] ?? String(error)
  const message = NOT_A_ZIP.test(raw) ? t('errors.sheets.truncatedZip') : raw
  return new UsageError(t('errors.sheets.notXlsx', {file, reason: message}), {
    code: 'INPUT_UNREADABLE',
    hints: [t('errors.sheets.damagedHint'), saveAsXlsx()],
    cause: error,
  })
}

/**
 * The sheets of a workbook in the workbook's order. The parts are read by name from the zip's central directory
 * (`./xlsx-package.ts`), found through the package's relationships as Excel finds them: the workbook, its styles and
 * shared strings first, then each worksheet when its rows are read. A sheet the workbook lists but the package lacks
 * is a damaged workbook (exit 2), never a silently missing sheet.
 */
async function* openXlsxSheets(file: string): AsyncGenerator<SheetRows> {
  let pkg: XlsxPackage
  try {
    pkg = await openXlsxPackage(file)
  } catch (error) {
    throw unreadable(file, error)
  }
  try {
    const {state, workbook} = await readWorkbookParts(file, pkg)
    const dateSystem: DateSystem = state.model?.properties?.date1904 || state.properties?.date1904 ? 1904 : 1900
    // the worksheets (a chart, dialog or macro sheet has no cells), each with its part, before any is read
    const worksheets: Array<{meta: {name: string; state?: string}; index: number; part: string}> = []
    for (const [at, meta] of (state.model?.sheets ?? []).entries()) {
      const rel = (state.workbookRels ?? []).find((r) => r.Id === meta.rId)
      if (rel?.Type !== undefined && !rel.Type.endsWith('/worksheet')) continue
      const part = rel === undefined ? undefined : partName(rel.Target, workbook)
      if (part === undefined || !pkg.has(part)) throw unreadable(file, new Error(t('errors.sheets.sheetPartMissing', {sheet: meta.name, part: part ?? `(${meta.rId})`})))
      worksheets.push({meta, index: at + 1, part})
    }
    if (worksheets.length === 0) throw new UsageError(t('errors.sheets.noWorksheet', {file}), {code: 'INPUT_UNREADABLE', hints: [saveAsXlsx()]})
    for (const {meta, index, part} of worksheets) {
      const trailer: SheetTrailer = {}
      const hidden = meta.state === 'hidden' || meta.state === 'veryHidden'
      yield sheet({name: meta.name, index, hidden, dateSystem, trailer, batches: guarded(file, worksheetRows(utf8Boundaries(pkg.chunks(part)), state, dateSystem, trailer))})
    }
  } finally {
    pkg.close()
  }
}

/**
 * The workbook part (the package's officeDocument relationship; `xl/workbook.xml` by convention), its relationships,
 * styles and shared strings: exceljs's parsers for the first three, plantops' for the shared strings.
 */
async function readWorkbookParts(file: string, pkg: XlsxPackage): Promise<{state: ReaderState; workbook: string}> {
  const {default: ExcelJS} = await import('exceljs')
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit'} as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookReader>[1]) as unknown as Record<string, unknown>
  patchWorkbookReader(reader)
  const relationships = async (part: string) => {
    if (!pkg.has(part)) return []
    await reader._parseRels(await pkg.open(part))
    return reader.workbookRels ?? []
  }
  try {
    const office = (await relationships(relationshipsOf(''))).find((r) => r.Type?.endsWith('/officeDocument'))
    const workbook = office ? partName(office.Target, '') : 'xl/workbook.xml'
    if (!pkg.has(workbook)) throw unreadable(file, new Error(t('errors.sheets.noWorkbookPart', {part: workbook})))
    // the workbook's own relationships (none when its part is missing: every sheet is then refused as missing, not
    // looked up among the package's)
    const related = await relationships(relationshipsOf(workbook))
    reader.workbookRels = related
    const part = (type: string) => {
      const rel = related.find((r) => r.Type?.endsWith(`/${type}`))
      const name = rel && partName(rel.Target, workbook)
      return name !== undefined && pkg.has(name) ? name : undefined
    }
    await reader._parseWorkbook(await pkg.open(workbook))
    const styles = part('styles')
    if (styles) await reader._parseStyles(await pkg.open(styles))
    const shared = part('sharedStrings')
    if (shared) reader.sharedStrings = await parseSharedStrings(utf8Boundaries(pkg.chunks(shared)))
    return {state: reader, workbook}
  } catch (error) {
    throw isPlantopsError(error) ? error : unreadable(file, error)
  }
}

/** A damaged part is a clear input error naming the file, not an internal error. */
async function* guarded(file: string, batches: AsyncGenerator<SheetRow[]>): AsyncGenerator<SheetRow[]> {
  const it = batches[Symbol.asyncIterator]()
  try {
    while (true) {
      let step: IteratorResult<SheetRow[]>
      try {
        step = await it.next()
      } catch (error) {
        throw isPlantopsError(error) ? error : unreadable(file, error)
      }
      if (step.done) return
      yield step.value
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
    throw new UsageError(t('errors.sheets.encoding', {encoding: opts.encoding}), {code: 'USAGE', hints: [t('errors.sheets.encodingHint')]})
  }
  const encoding = opts.encoding ?? (await detectCsvEncoding(file))
  const delimiter = await detectDelimiter(file, encoding)
  return sheet({name: path.basename(file), index: 1, hidden: false, dateSystem: 1900, trailer: {}, batches: csvBatches(file, encoding, delimiter)})
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
    throw new UsageError(t('errors.sheets.csv', {file, encoding, record: n + 1, reason: (error as Error).message.split('\n')[0]}), {
      code: 'INPUT_UNREADABLE',
      hints: [t('errors.sheets.csvHint')],
      cause: error,
    })
  } finally {
    parser.destroy()
  }
}
