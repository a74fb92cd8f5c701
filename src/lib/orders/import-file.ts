import {createHash} from 'node:crypto'
import {createReadStream, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {Knex} from 'knex'

import type {OrdersConfig} from './config.js'
import type {FieldSpec} from './fields.js'
import {normalizeHeader} from './fields.js'
import {FirstRows} from './first-rows.js'
import {t} from '../i18n/index.js'
import {REJECTS_COLUMNS} from './header-match.js'
import {type ItemMaster, matchUom} from './item-master.js'
import {LineWriter, type LineToWrite} from './line-writer.js'
import {type OrderStoreTx, withOrderStore} from './order-store.js'
import {locateHeader, type LocatedSheet} from './locate-header.js'
import type {ImportCounts} from './ledger.js'
import {createRowParser, type ParsedRow, type Problem} from './parse-row.js'
import {detectFileKind} from '../sheets/read.js'
import {RejectSpool, writeRejectsWorkbook, type RejectsTarget} from './rejects.js'

/** The outcome of importing one file (the `files[]` entries of `plantops orders import --json`). */
export interface FileImportResult extends ImportCounts {
  file: string
  sheet: string
  headerRow: number
  sha256: string
  /** Field changes recorded on updated lines. */
  changes: number
  /** Ledger id; null on --dry-run. */
  importId: number | null
  dryRun: boolean
  /** Earlier imports of a file with the same SHA-256. */
  previousImports: Array<{id: number; fileName: string; startedAt: string}>
  /** Headers in the file no field matched (ignored). */
  ignoredHeaders: string[]
}

export interface ImportFileOptions {
  file: string
  cfg: OrdersConfig
  fields: FieldSpec[]
  store: Knex
  itemMaster: ItemMaster | null
  sheet?: string
  encoding?: string
  dryRun: boolean
  /** Where the rejects go (null: nowhere, --dry-run) and what chose the place (named when it cannot be written). */
  rejects: RejectsTarget | null
  runId?: number
  batchSize?: number
  onProgress?: (counts: {rows: number; rejected: number}) => void
}

const BATCH = 500

/**
 * Import one order file: find the header, parse and validate every row (all problems of a row collected), check SKUs
 * and units against the ERP item master in batches, reject duplicates of (order_no, line_no), upsert the valid lines,
 * and send the rest to the rejects workbook. The whole file is one store transaction: an error leaves the store as
 * it was. The ledger row (orders_imports) is written in the same transaction.
 */
export async function importOrderFile(opts: ImportFileOptions): Promise<FileImportResult> {
  const abs = path.resolve(opts.file)
  const fileName = path.basename(abs)
  await detectFileKind(abs) // missing, unreadable or legacy .xls: a clear message before anything else
  const {sha256, bytes} = await hashFile(abs)
  const located = await locateHeader(abs, opts.fields, {sheet: opts.sheet, encoding: opts.encoding, searchRows: opts.cfg.headerSearchRows})
  const previousImports = (
    (await opts.store('orders_imports').where('sha256', sha256).orderBy('id').select('id', 'file_name', 'started_at')) as Array<{id: number; file_name: string; started_at: string}>
  ).map((r) => ({id: Number(r.id), fileName: r.file_name, startedAt: r.started_at}))
  const spool = new RejectSpool()
  try {
    const run = async (db: OrderStoreTx): Promise<FileImportResult> => {
      const startedAt = new Date().toISOString()
      let importId: number | null = null
      if (!opts.dryRun) {
        importId = await db.insertImport({
          run_id: opts.runId ?? null,
          file_name: fileName,
          file_path: abs,
          sha256,
          file_bytes: bytes,
          sheet: located.sheet.name,
          header_row: located.header.rowNumber,
          started_at: startedAt,
          user: currentUser(),
          host: os.hostname(),
        })
      }
      const counts = await importRows(located, db, importId, opts, spool, fileName)
      const result: FileImportResult = {
        file: abs,
        sheet: located.sheet.name,
        headerRow: located.header.rowNumber,
        sha256,
        ...counts,
        rejected: spool.count,
        rejectsFile: spool.count > 0 ? (opts.rejects?.path ?? null) : null,
        importId,
        dryRun: Boolean(opts.dryRun),
        previousImports,
        ignoredHeaders: located.header.unmatchedHeaders,
      }
      if (importId !== null) {
        await db.updateImport(importId, {
            finished_at: new Date().toISOString(),
            rows_read: result.rowsRead,
            imported: result.imported,
            updated: result.updated,
            unchanged: result.unchanged,
            skipped: result.skipped,
            rejected: result.rejected,
            rejects_file: result.rejectsFile,
          })
      }
      // written before the commit: when the rejects cannot be saved, nothing is imported either
      if (result.rejectsFile) await writeRejectsWorkbook(result.rejectsFile, originalHeaders(located), spool, opts.rejects?.named)
      return result
    }
    return await withOrderStore(opts.store, {write: !opts.dryRun}, run)
  } finally {
    await located.close().catch(() => {})
    await spool.dispose()
  }
}

async function importRows(
  located: LocatedSheet,
  db: OrderStoreTx,
  importId: number | null,
  opts: ImportFileOptions,
  spool: RejectSpool,
  fileName: string,
): Promise<{rowsRead: number; imported: number; updated: number; unchanged: number; skipped: number; changes: number}> {
  const {header, sheet} = located
  const parser = createRowParser({fields: opts.fields, header, dateSystem: sheet.dateSystem, trigger: opts.cfg.trigger, fillDown: opts.cfg.fillDown})
  const writer = new LineWriter(db, {importId, dryRun: opts.dryRun, file: fileName, sheet: sheet.name, now: new Date().toISOString()})
  const seenKeys = new FirstRows()
  const keep = keptColumns(located)
  const reservedCol = (name: string) => header.reserved.get(normalizeHeader(name))
  const fileCol = reservedCol(REJECTS_COLUMNS.file)
  const sheetCol = reservedCol(REJECTS_COLUMNS.sheet)
  const rowCol = reservedCol(REJECTS_COLUMNS.row)
  let rowsRead = 0
  let skipped = 0
  let batch: ParsedRow[] = []

  const flush = async () => {
    if (batch.length === 0) return
    if (opts.itemMaster) {
      await opts.itemMaster.load(new Set(batch.filter((r) => r.values.sku).map((r) => r.values.sku as string)))
    }
    const valid: LineToWrite[] = []
    for (const row of batch) {
      checkItem(row, opts.itemMaster, header.columns)
      checkDuplicate(row, seenKeys, header.columns)
      if (row.problems.length === 0) {
        valid.push({values: row.values, rowNumber: row.rowNumber})
        continue
      }
      const text = (col: number | undefined) => (col === undefined ? '' : (row.cells[col]?.text ?? ''))
      await spool.add({
        file: text(fileCol) || fileName,
        sheet: text(sheetCol) || sheet.name,
        row: Number(text(rowCol)) || row.rowNumber,
        texts: [...keep.map((c) => row.cells[c]?.text ?? ''), ...row.cells.slice(header.headers.length).map((c) => c.text)],
        numbers: [...keep.map((c) => row.cells[c]), ...row.cells.slice(header.headers.length)].map((c) => (c && c.num !== undefined && c.date === undefined && c.error === undefined ? c.num : null)),
        problems: row.problems.map((p) => remapProblem(p, keep)),
      })
    }
    await writer.write(valid)
    batch = []
  }

  for await (const rows of located.batches) {
    for (const r of rows) {
      const parsed = parser.parse(r.number, r.cells)
      if (!parsed) continue
      rowsRead++
      if (!parser.triggered(parsed)) {
        skipped++
        continue
      }
      batch.push(parsed)
      if (batch.length >= (opts.batchSize ?? BATCH)) {
        await flush()
        opts.onProgress?.({rows: rowsRead, rejected: spool.count})
      }
    }
  }
  await flush()
  opts.onProgress?.({rows: rowsRead, rejected: spool.count})
  return {rowsRead, skipped, ...writer.counts}
}

/** SKU known to the ERP item master, unit valid for it; stores the ERP's spelling of both. */
function checkItem(row: ParsedRow, im: ItemMaster | null, columns: Map<string, number>): void {
  const sku = row.values.sku
  if (!im || !sku) return
  const item = im.get(sku)
  if (!item) {
    row.problems.push({field: 'sku', column: columns.get('sku'), message: t('orders.problem.unknownSku', {sku})})
    return
  }
  row.values.sku = item.code
  const uom = row.values.uom
  if (uom === null || uom === undefined) {
    if (item.uoms[0]) row.values.uom = item.uoms[0] // no unit given: the item's base unit
    return
  }
  const m = matchUom(item, uom)
  if (m) row.values.uom = m
  else {
    row.problems.push({
      field: 'uom',
      column: columns.get('uom'),
      message: t('orders.problem.badUom', {uom, item: item.code, units: item.uoms.join(', ') || t('orders.problem.none')}),
    })
  }
}

function checkDuplicate(row: ParsedRow, seen: FirstRows, columns: Map<string, number>): void {
  const {order_no: o, line_no: l} = row.values
  if (!o || !l) return
  const first = seen.firstOr(`${o}\u0000${l}`, row.rowNumber)
  if (first === undefined) return
  row.problems.push({field: 'line_no', column: columns.get('line_no'), message: t('orders.problem.duplicate', {order: o, line: l, row: first})})
}

/** Columns written back to the rejects workbook: all but those a previous rejects workbook added. */
function keptColumns(located: LocatedSheet): number[] {
  const reserved = new Set(located.header.reserved.values())
  const keep: number[] = []
  for (let i = 0; i < located.header.headers.length; i++) if (!reserved.has(i)) keep.push(i)
  return keep
}

function originalHeaders(located: LocatedSheet): string[] {
  return keptColumns(located).map((i) => located.header.headers[i])
}

function remapProblem(p: Problem, keep: number[]): Problem {
  if (p.column === undefined) return p
  const at = keep.indexOf(p.column)
  return {...p, column: at >= 0 ? at : undefined}
}

export async function hashFile(file: string): Promise<{sha256: string; bytes: number}> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return {sha256: hash.digest('hex'), bytes: statSync(file).size}
}

function currentUser(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}
