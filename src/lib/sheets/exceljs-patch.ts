import {createRequire} from 'node:module'
import {Transform, type TransformCallback} from 'node:stream'

/**
 * What plantops borrows from exceljs's streaming WorkbookReader (exceljs 4.4.0): its parsers of workbook.xml, the
 * workbook relationships and styles.xml, called by `./read.ts` on parts it reads by name (`./xlsx-package.ts`); the
 * worksheets and the shared strings are parsed by plantops (`./xlsx-parts.ts`). exceljs's own zip walk is not used.
 * Every private name used here is listed in PATCHED_METHODS / READER_STATE and pinned by
 * test/sheets/exceljs-patch.test.ts, so an exceljs upgrade that renames one fails that test, not a plant's import.
 *
 * - UTF-8 chunks: exceljs decodes every compressed chunk to a string on its own, so a Chinese character whose UTF-8
 *   bytes straddle two chunks becomes "\uFFFD\uFFFD" (exceljs issues #2063, #2084, #2316). Every part is re-chunked at
 *   character boundaries.
 * - 1904: exceljs only knows date1904="1"; the OOXML boolean may also be written "true" (LibreOffice and others).
 */
export const PATCHED_METHODS = ['_parseWorkbook', '_parseRels', '_parseStyles'] as const

/** Reader state the patch reads or sets (exceljs's names). */
export const READER_STATE = ['model', 'properties', 'workbookRels', 'styles'] as const

const require = createRequire(import.meta.url)

/** exceljs's parseSax (chunks → batches of sax events). */
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

/** The reader's state plantops uses (exceljs private fields), plus the shared strings plantops parses itself. */
export interface ReaderState {
  model?: {sheets?: Array<{id: number; name: string; state?: string; rId?: string}>; properties?: {date1904?: boolean}}
  properties?: {model?: {date1904?: boolean}; date1904?: boolean}
  workbookRels?: Array<{Id: string; Target: string; Type?: string}>
  sharedStrings?: string[]
  styles?: {getStyleModel(id: number): {numFmt?: string} | null}
}

/** exceljs's part parsers, each given the part's bytes as a stream. */
export interface PartParsers {
  _parseWorkbook(part: NodeJS.ReadableStream): Promise<void>
  _parseRels(part: NodeJS.ReadableStream): Promise<void>
  _parseStyles(part: NodeJS.ReadableStream): Promise<void>
}

/** Install the overrides on one WorkbookReader instance. */
export function patchWorkbookReader(reader: Record<string, unknown>): asserts reader is Record<string, unknown> & PartParsers & ReaderState {
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
