import type {Knex} from 'knex'

/** What an import did with the rows of a file (one file's result, one ledger row). */
export interface ImportCounts {
  /** Non-blank data rows below the header. */
  rowsRead: number
  imported: number
  updated: number
  unchanged: number
  /** Rows the trigger did not let in (e.g. status not paid). */
  skipped: number
  rejected: number
  rejectsFile: string | null
}

/** One row of the import ledger (`plantops orders imports`). */
export interface ImportLedgerEntry extends ImportCounts {
  id: number
  runId: number | null
  fileName: string
  filePath: string
  sha256: string
  fileBytes: number
  sheet: string | null
  headerRow: number | null
  startedAt: string
  finishedAt: string | null
  user: string
  host: string
}

/** Latest imports first; optionally only those of files whose name contains `file`. */
export async function listImports(knex: Knex, opts: {limit: number; file?: string; id?: number}): Promise<ImportLedgerEntry[]> {
  let q = knex('orders_imports').orderBy('id', 'desc').limit(opts.limit)
  if (opts.id !== undefined) q = q.where('id', opts.id)
  if (opts.file) q = q.where('file_name', 'like', `%${opts.file.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  const rows = (await q) as Array<Record<string, unknown>>
  const num = (v: unknown) => Number(v ?? 0)
  return rows.map((r) => ({
    id: num(r.id),
    runId: r.run_id === null ? null : num(r.run_id),
    fileName: String(r.file_name),
    filePath: String(r.file_path),
    sha256: String(r.sha256),
    fileBytes: num(r.file_bytes),
    sheet: (r.sheet as string | null) ?? null,
    headerRow: r.header_row === null ? null : num(r.header_row),
    startedAt: String(r.started_at),
    finishedAt: (r.finished_at as string | null) ?? null,
    user: String(r.user),
    host: String(r.host),
    rowsRead: num(r.rows_read),
    imported: num(r.imported),
    updated: num(r.updated),
    unchanged: num(r.unchanged),
    skipped: num(r.skipped),
    rejected: num(r.rejected),
    rejectsFile: (r.rejects_file as string | null) ?? null,
  }))
}

/** One recorded change of a stored line (a later import changed a field). */
export interface LineChange {
  importId: number
  orderNo: string
  lineNo: string
  field: string
  oldValue: string | null
  newValue: string | null
  changedAt: string
}

/** The field changes an import made to lines imported before (oldest first). */
export async function listChanges(knex: Knex, importId: number): Promise<LineChange[]> {
  const rows = (await knex('orders_changes').where('import_id', importId).orderBy('id')) as Array<Record<string, unknown>>
  return rows.map((r) => ({
    importId: Number(r.import_id),
    orderNo: String(r.order_no),
    lineNo: String(r.line_no),
    field: String(r.field),
    oldValue: (r.old_value as string | null) ?? null,
    newValue: (r.new_value as string | null) ?? null,
    changedAt: String(r.changed_at),
  }))
}
