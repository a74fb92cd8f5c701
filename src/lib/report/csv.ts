import type {Writable} from 'node:stream'

import {drained} from '../cli/stdout.js'
import {withAtomicFile, withOutputStream} from './atomic.js'
import {cellText, type Column} from './columns.js'

const UTF8_BOM = '\uFEFF'

/**
 * Stream rows to CSV (csv-stringify does the quoting) with backpressure. `bom` adds a UTF-8 BOM so Excel on
 * Chinese Windows opens the file as UTF-8. Written to a temp file and renamed.
 */
export async function writeCsv<R>(target: string, ...csv: CsvArgs<R>): Promise<number> {
  return withAtomicFile(target, (tmp) => withOutputStream(tmp, (out) => pipeCsv(out, ...csv)), {flag: csv[2]?.flag})
}

/**
 * What is written as CSV: the columns, the rows (may stream), and whether a BOM starts the text; `flag` names the
 * file in errors (writeCsv).
 */
type CsvArgs<R> = [columns: Column<R>[], rows: Iterable<R> | AsyncIterable<R>, opts?: {bom?: boolean; flag?: string}]

/** Write CSV to any writable (stdout, a file stream). Returns the number of data rows written. */
export async function pipeCsv<R>(out: Writable, ...[columns, rows, opts = {}]: CsvArgs<R>): Promise<number> {
  const {stringify} = await import('csv-stringify/sync')
  if (opts.bom) out.write(UTF8_BOM)
  const write = async (line: string) => {
    if (!out.write(line)) await drained(out)
  }
  await write(stringify([columns.map((c) => c.header)]))
  let n = 0
  let batch: string[][] = []
  for await (const row of rows as AsyncIterable<R>) {
    batch.push(columns.map((c) => cellText(row[c.key])))
    n++
    if (batch.length >= 1000) {
      await write(stringify(batch))
      batch = []
    }
  }
  if (batch.length > 0) await write(stringify(batch))
  return n
}
