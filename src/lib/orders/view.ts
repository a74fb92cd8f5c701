import type {TextOptions} from '../report/emit.js'
import {renderTable} from '../report/table.js'
import {formatTime, zoneLabel} from '../report/time.js'
import type {OrdersImportResult} from './import-orders.js'
import type {ImportLedgerEntry, LineChange} from './ledger.js'

/** `plantops orders import`: what each file did (stdout). */
export function ordersImportText(r: OrdersImportResult, o: TextOptions): string {
  const out: string[] = []
  const rows = r.files.map((f) => ({
    file: f.file.split(/[\\/]/).pop() ?? f.file,
    sheet: `${f.sheet} (row ${f.headerRow})`,
    read: f.rowsRead,
    imported: f.imported,
    updated: f.updated,
    unchanged: f.unchanged,
    skipped: f.skipped,
    rejected: f.rejected,
  }))
  if (rows.length > 0) {
    out.push(
      renderTable(
        [
          {key: 'file', header: 'File', priority: 10, shrink: true, minWidth: 12},
          {key: 'sheet', header: 'Sheet (header)', priority: 4, shrink: true, minWidth: 10},
          {key: 'read', header: 'Rows read', kind: 'int', priority: 8},
          {key: 'imported', header: 'Imported', kind: 'int', priority: 9},
          {key: 'updated', header: 'Updated', kind: 'int', priority: 9},
          {key: 'unchanged', header: 'Unchanged', kind: 'int', priority: 6},
          {key: 'skipped', header: 'Skipped', kind: 'int', priority: 6},
          {key: 'rejected', header: 'Rejected', kind: 'int', priority: 10},
        ],
        rows,
        {color: o.color, width: o.width},
      ),
    )
  }
  for (const f of r.files) {
    if (f.rejectsFile) out.push(`${f.rejected} rejected row${f.rejected === 1 ? '' : 's'} of ${f.file}: fix ${f.rejected === 1 ? 'it' : 'them'} in ${f.rejectsFile} and import that file again.`)
    else if (f.rejected > 0) out.push(`${f.rejected} row${f.rejected === 1 ? '' : 's'} of ${f.file} would be rejected (pass --rejects FILE to see them).`)
  }
  if (r.dryRun) out.push('Dry run: nothing was written to the store.')
  return out.join('\n')
}

/** `plantops orders import`: notes and errors for stderr. */
export function ordersImportNotes(r: OrdersImportResult, o: TextOptions): string[] {
  const notes: string[] = []
  for (const f of r.files) {
    if (f.ignoredHeaders.length > 0) notes.push(`note: ${f.file}: columns not imported (no field has these headers as aliases): ${f.ignoredHeaders.join(', ')}`)
    if (f.previousImports.length > 0 && !f.dryRun) {
      const p = f.previousImports[0]
      notes.push(`note: ${f.file} (same SHA-256) was already imported on ${formatTime(p.startedAt, o.zone)} (${zoneLabel(o.zone)}) (import #${p.id})`)
    }
  }
  for (const f of r.failed) notes.push(`Error: ${f.message}`)
  return notes
}

/** `plantops orders imports`: the ledger, times in the plant's zone (labelled). */
export function importLedgerText(imports: ImportLedgerEntry[], o: TextOptions): string {
  if (imports.length === 0) return 'No order files imported yet.'
  return renderTable(
    [
      {key: 'id', header: 'ID', kind: 'int', priority: 10},
      {key: 'at', header: `Imported (${zoneLabel(o.zone)})`, priority: 9},
      {key: 'user', header: 'By', priority: 4},
      {key: 'fileName', header: 'File', priority: 10, shrink: true, minWidth: 12},
      {key: 'sha', header: 'SHA-256', priority: 2},
      {key: 'rowsRead', header: 'Read', kind: 'int', priority: 7},
      {key: 'imported', header: 'New', kind: 'int', priority: 8},
      {key: 'updated', header: 'Updated', kind: 'int', priority: 8},
      {key: 'unchanged', header: 'Unchanged', kind: 'int', priority: 5},
      {key: 'skipped', header: 'Skipped', kind: 'int', priority: 5},
      {key: 'rejected', header: 'Rejected', kind: 'int', priority: 9},
    ],
    imports.map((i) => ({...i, at: formatTime(i.startedAt, o.zone), sha: i.sha256.slice(0, 12)})),
    {color: o.color, width: o.width, columns: o.columns},
  )
}

/** `plantops orders imports --changes ID`: old → new per field. */
export function lineChangesText(importId: number, changes: LineChange[], o: TextOptions): string {
  if (changes.length === 0) return `Import ${importId} changed no line imported before.`
  return renderTable(
    [
      {key: 'orderNo', header: 'Order', priority: 10},
      {key: 'lineNo', header: 'Line', priority: 10},
      {key: 'field', header: 'Field', priority: 10},
      {key: 'oldValue', header: 'Was', priority: 9, shrink: true, minWidth: 10},
      {key: 'newValue', header: 'Now', priority: 9, shrink: true, minWidth: 10},
    ],
    changes,
    {color: o.color, width: o.width, columns: o.columns},
  )
}
