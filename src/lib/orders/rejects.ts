import {createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {once} from 'node:events'
import {createInterface} from 'node:readline'

import {t} from '../i18n/index.js'
import {fieldLabel} from './fields.js'
import type {Column} from '../report/columns.js'
import {REJECTS_COLUMNS} from './header-match.js'
import type {Problem} from './parse-row.js'

/** One rejected row: its original cell texts, where it came from, and every problem found. */
export interface RejectedRow {
  file: string
  sheet: string
  row: number
  texts: string[]
  /** The number of each cell that the file held as a number (null otherwise): written back as a number, not as text. */
  numbers?: Array<number | null>
  problems: Problem[]
}

/** "qty: must be greater than 0; sku: ABC-9 not in ERP item master" */
export function describeProblems(problems: Problem[]): string {
  // canonical fields by their name in the language in force (English: the field name); configured ones as named
  return problems.map((p) => t('orders.problem.item', {field: fieldLabel(p.field), message: p.message})).join(t('orders.problem.separator'))
}

/**
 * Rejected rows spooled to a temporary NDJSON file while the import streams (memory stays flat however many rows
 * fail), then written as the review-queue workbook.
 */
export class RejectSpool {
  count = 0
  /** Widest rejected row (cells), so columns beyond the header are kept too. */
  maxWidth = 0
  private dir: string | undefined
  private out: WriteStream | undefined

  async add(r: RejectedRow): Promise<void> {
    this.count++
    this.maxWidth = Math.max(this.maxWidth, r.texts.length)
    if (!this.out) {
      this.dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-rejects-'))
      this.out = createWriteStream(path.join(this.dir, 'rejects.ndjson'))
      // a failed write (TMPDIR full) is thrown by the next add or by rows(), not an unhandled 'error' event
      this.out.on('error', () => {})
    }
    if (this.out.errored) throw this.out.errored
    if (!this.out.write(`${JSON.stringify(r)}\n`)) await once(this.out, 'drain')
  }

  async *rows(): AsyncGenerator<RejectedRow> {
    const out = this.out
    if (!out || !this.dir) return
    if (out.errored) throw out.errored
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
    const rl = createInterface({input: createReadStream(path.join(this.dir, 'rejects.ndjson')), crlfDelay: Infinity})
    for await (const line of rl) if (line) yield JSON.parse(line) as RejectedRow
  }

  /**
   * Remove the spool. Its rows are not wanted any more (written, or the import failed), so the stream is destroyed,
   * not ended: waiting for an end that a failed stream never reaches would keep the import's store transaction open.
   */
  async dispose(): Promise<void> {
    const out = this.out
    if (out && !out.closed) {
      const closed = once(out, 'close').catch(() => {})
      out.destroy()
      await closed
    }
    if (this.dir) rmSync(this.dir, {recursive: true, force: true})
  }
}

/** A rejects workbook's path, and the flag or config key that chose it (`--rejects`, `orders.rejectsDir`). */
export interface RejectsTarget {
  path: string
  named: string
}

/**
 * Write the review-queue workbook: `errors` first, then the original columns with their original headers and values,
 * then source_file / source_sheet / source_row. Bad cells are highlighted. Its headers map like the original file's,
 * so the fixed workbook can be imported again as is (the extra columns are ignored). `named`: what chose `target`,
 * named in the error when it cannot be written.
 */
export async function writeRejectsWorkbook(target: string, headers: string[], spool: RejectSpool, named = '--rejects'): Promise<void> {
  const {writeXlsx} = await import('../report/xlsx.js')
  const all = [...headers]
  while (all.length < spool.maxWidth) all.push('')
  const rows = async function* () {
    for await (const r of spool.rows()) {
      const out: Record<string, unknown> = {
        __errors: describeProblems(r.problems),
        __file: r.file,
        __sheet: r.sheet,
        __row: r.row,
        __bad: r.problems.map((p) => (p.column === undefined ? '__errors' : `c${p.column}`)),
      }
      r.texts.forEach((t, i) => (out[`c${i}`] = typeof r.numbers?.[i] === 'number' ? r.numbers[i] : t))
      yield out
    }
  }
  const columns: Column<Record<string, unknown>>[] = [
    {key: '__errors', header: REJECTS_COLUMNS.errors, width: 50},
    ...all.map((h, i) => ({key: `c${i}`, header: h || t('orders.rejects.column', {n: i + 1}), kind: 'auto' as const})),
    {key: '__file', header: REJECTS_COLUMNS.file},
    {key: '__sheet', header: REJECTS_COLUMNS.sheet},
    {key: '__row', header: REJECTS_COLUMNS.row, kind: 'int'},
  ]
  await writeXlsx(target, [{name: t('orders.rejects.sheet'), columns, rows: rows(), highlight: (row) => row.__bad as string[]}], {flag: named})
}
