import type {Knex} from 'knex'

/** One row of the import ledger (`plantops orders imports`). */
export interface ImportLedgerEntry {
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
  rowsRead: number
  imported: number
  updated: number
  unchanged: number
  skipped: number
  rejected: number
  rejectsFile: string | null
}

/** Latest imports first; optionally only those of files whose name contains `file`. */
export async function listImports(knex: Knex, opts: {limit: number; file?: string}): Promise<ImportLedgerEntry[]> {
  let q = knex('orders_imports').orderBy('id', 'desc').limit(opts.limit)
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
