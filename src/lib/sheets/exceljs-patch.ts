import {createRequire} from 'node:module'
import path from 'node:path'
import {Transform, type TransformCallback} from 'node:stream'

/**
 * What plantops changes in exceljs's streaming WorkbookReader (exceljs 4.4.0). exceljs walks the zip and parses
 * workbook.xml, its relationships and styles.xml; the worksheets and the shared strings are parsed by plantops
 * (`./xlsx-parts.ts`). Every private name used here is listed in PATCHED_METHODS / READER_STATE and pinned by
 * test/sheets/exceljs-patch.test.ts, so an exceljs upgrade that renames one fails that test, not a plant's import.
 *
 * - UTF-8 chunks: exceljs decodes every compressed chunk to a string on its own, so a Chinese character whose UTF-8
 *   bytes straddle two chunks becomes "\uFFFD\uFFFD" (exceljs issues #2063, #2084, #2316). Every XML part is
 *   re-chunked at character boundaries.
 * - 1904: exceljs only knows date1904="1"; the OOXML boolean may also be written "true" (LibreOffice and others).
 * - Sheet names: exceljs matches a worksheet to its name only when the relationship target is written
 *   `worksheets/sheetN.xml`; openpyxl writes `/xl/worksheets/sheetN.xml` (absolute) and others `./worksheets/…`,
 *   and such sheets came out as "Sheet1". The target is resolved as a part name.
 */
export const PATCHED_METHODS = ['_parseWorkbook', '_parseRels', '_parseStyles', '_parseSharedStrings', '_parseWorksheet', '_parseHyperlinks'] as const

/** Reader state the patch reads or sets (exceljs's names). */
export const READER_STATE = ['model', 'properties', 'workbookRels', 'sharedStrings', 'styles'] as const

const require = createRequire(import.meta.url)

/** exceljs's iterateStream (readable → async iterable) and parseSax (chunks → batches of sax events). */
export const iterateStream = require('exceljs/lib/utils/iterate-stream.js') as (stream: NodeJS.ReadableStream) => AsyncIterable<Buffer>
export const parseSax = require('exceljs/lib/utils/parse-sax.js') as (chunks: AsyncIterable<Buffer>) => AsyncIterable<SaxEvent[]>
export const isDateFmt = (require('exceljs/lib/utils/utils.js') as {isDateFmt(fmt: string | undefined): boolean}).isDateFmt

/** The XML parser exceljs's parseSax wraps (saxes, the version exceljs depends on), for parsing without the wrapper. */
export interface SaxParser {
  on(event: 'opentag', handler: (tag: {name: string; attributes: Record<string, string>}) => void): void
  on(event: 'closetag', handler: (tag: {name: string}) => void): void
  on(event: 'text', handler: (text: string) => void): void
  on(event: 'error', handler: (error: Error) => void): void
  write(chunk: string): unknown
}
export const SaxesParser = (createRequire(require.resolve('exceljs/package.json'))('saxes') as {SaxesParser: new () => SaxParser}).SaxesParser

export type SaxEvent =
  | {eventType: 'opentag'; value: {name: string; attributes: Record<string, string>}}
  | {eventType: 'closetag'; value: {name: string}}
  | {eventType: 'text'; value: string}

/** The reader's state plantops uses (exceljs private fields). */
export interface ReaderState {
  model?: {sheets?: Array<{id: number; name: string; state?: string; rId?: string}>; properties?: {date1904?: boolean}}
  properties?: {model?: {date1904?: boolean}; date1904?: boolean}
  workbookRels?: Array<{Id: string; Target: string; Type?: string}>
  sharedStrings?: string[]
  styles: {getStyleModel(id: number): {numFmt?: string} | null}
}

/** Worksheet part as handed to plantops's parser. */
export interface WorksheetPart {
  name: string
  state?: string
  /** Position of the sheet in the workbook's sheet list, 1-based; 0 when unknown. */
  index: number
  chunks: AsyncIterable<Buffer>
  reader: ReaderState
}

export interface PatchHooks {
  /** Parse the shared strings part (already UTF-8 safe) into the reader's table. */
  sharedStrings(chunks: AsyncIterable<Buffer>): Promise<string[]>
}

/** Install the overrides on one WorkbookReader instance. */
export function patchWorkbookReader(reader: Record<string, unknown>, hooks: PatchHooks): void {
  for (const name of PATCHED_METHODS) {
    if (typeof reader[name] !== 'function') throw new Error(`exceljs WorkbookReader has no ${name}: the installed exceljs is not the version plantops was written for`)
  }
  const parseWorkbook = reader._parseWorkbook as (entry: NodeJS.ReadableStream) => Promise<void>
  reader._parseWorkbook = async function (this: ReaderState, entry: NodeJS.ReadableStream) {
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
  for (const method of ['_parseRels', '_parseStyles']) {
    const original = reader[method] as (entry: NodeJS.ReadableStream, ...rest: unknown[]) => unknown
    reader[method] = function (this: unknown, entry: NodeJS.ReadableStream, ...rest: unknown[]) {
      return original.call(this, entry.pipe(new Utf8Boundaries()), ...rest)
    }
  }
  reader._parseSharedStrings = async function* (this: ReaderState, entry: NodeJS.ReadableStream) {
    this.sharedStrings = await hooks.sharedStrings(utf8Boundaries(iterateStream(entry)))
  }
  // hyperlinks are not needed: a hyperlink cell's value is its text
  reader._parseHyperlinks = function* () {}
  reader._parseWorksheet = function* (this: ReaderState, iterator: AsyncIterable<Buffer>, sheetNo: string) {
    const sheets = this.model?.sheets ?? []
    const rel = (this.workbookRels ?? []).find((r) => partName(r.Target) === `xl/worksheets/sheet${sheetNo}.xml`)
    const at = rel ? sheets.findIndex((s) => s.rId === rel.Id) : -1
    const meta = at >= 0 ? sheets[at] : undefined
    // A sheet stored before the shared strings was buffered by exceljs in a temporary file; it hands the sheet over
    // as an fs stream it has already asked to open, and deletes the file as soon as the next sheet is asked for. For a
    // sheet nobody reads (--sheet chose another) the open can lose that race: with no listener the ENOENT would be an
    // uncaught exception ending the process. The listener only keeps it from being uncaught: a reader of the chunks
    // still gets every error through the stream's async iterator.
    if (isEmitter(iterator)) iterator.on('error', ignoreUnreadSheetError)
    const part: WorksheetPart = {name: meta?.name ?? `Sheet${sheetNo}`, state: meta?.state, index: at + 1, chunks: utf8Boundaries(iterator), reader: this}
    yield {eventType: 'worksheet', value: part}
  }
}

function isEmitter(x: unknown): x is NodeJS.EventEmitter {
  return typeof (x as NodeJS.EventEmitter).on === 'function'
}

function ignoreUnreadSheetError(): void {}

/** The part name a workbook relationship target points at: relative to xl/, or absolute (openpyxl writes "/xl/…"). */
export function partName(target: string): string {
  const t = target.replace(/\\/g, '/')
  return t.startsWith('/') ? path.posix.normalize(t.slice(1)) : path.posix.join('xl', t)
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

/** Re-chunk a byte stream so that no chunk ends inside a UTF-8 character. */
export async function* utf8Boundaries(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
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
