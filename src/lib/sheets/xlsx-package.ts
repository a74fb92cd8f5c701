import path from 'node:path'
import type {Readable} from 'node:stream'

import type {Entry, ZipFile} from 'yauzl'

/**
 * The parts of an .xlsx package (a zip), found by name in its central directory and read in the order plantops needs
 * them (workbook, relationships, styles and shared strings before any worksheet), whatever order they are stored in.
 *
 * Why not a streaming walk of the zip (exceljs's WorkbookReader, unzipper's Parse): unzipper 0.10 ends its entry
 * stream when the *file* has been written into it, not when its entries have been parsed, so under load the walk
 * silently stopped early: a sheet or the workbook part went missing and sheets came out as "Sheet1" or not at all
 * (reproduced 160 times in 4,000 reads of a workbook stored in Excel's order with both cores busy). Worksheets stored
 * before the shared strings also had to be copied to temporary files first; read by name, they are read once.
 */
export interface XlsxPackage {
  /** Whether the package holds this part (a part name: `xl/workbook.xml`, no leading slash). */
  has(part: string): boolean
  /** The part's bytes, inflated, as a stream; opened when called. */
  open(part: string): Promise<Readable>
  /** The part's bytes as chunks, opened when iteration starts (a part nobody iterates is never opened). */
  chunks(part: string): AsyncIterable<Buffer>
  close(): void
}

export async function openXlsxPackage(file: string): Promise<XlsxPackage> {
  const {default: yauzl} = await import('yauzl')
  const zip: ZipFile = await yauzl.openPromise(file, {lazyEntries: true, autoClose: false})
  const parts = new Map<string, Entry>()
  try {
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith('/')) parts.set(entry.fileName.replace(/^\/+/, ''), entry)
    }
  } catch (error) {
    zip.close()
    throw error
  }
  const entry = (part: string): Entry => {
    const e = parts.get(part)
    if (!e) throw new Error(`the package has no part ${part}`)
    return e
  }
  const open = async (part: string): Promise<Readable> => zip.openReadStreamPromise(entry(part))
  return {
    has: (part) => parts.has(part),
    open,
    chunks: (part) => ({
      async *[Symbol.asyncIterator]() {
        const stream = await open(part)
        try {
          for await (const chunk of stream) yield chunk as Buffer
        } finally {
          stream.destroy()
        }
      },
    }),
    close: () => {
      if (zip.isOpen) zip.close()
    },
  }
}

/**
 * The part a relationship target points at: relative to the folder of the part that holds the relationship (`from`;
 * '' for the package's own `_rels/.rels`), or absolute ("/xl/…", as openpyxl writes).
 */
export function partName(target: string, from: string): string {
  const t = target.replace(/\\/g, '/')
  return t.startsWith('/') ? path.posix.normalize(t.slice(1)) : path.posix.join(path.posix.dirname(from), t)
}

/** The relationships part of a part: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; '' → `_rels/.rels`. */
export function relationshipsOf(part: string): string {
  return path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`)
}
