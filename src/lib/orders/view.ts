import {t} from '../i18n/index.js'
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
    sheet: t('orders.view.sheetRow', {sheet: f.sheet, row: f.headerRow}),
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
          {key: 'file', header: t('orders.view.file'), priority: 10, shrink: true, minWidth: 12},
          {key: 'sheet', header: t('orders.view.sheet'), priority: 4, shrink: true, minWidth: 10},
          {key: 'read', header: t('orders.view.rowsRead'), kind: 'int', priority: 8},
          {key: 'imported', header: t('orders.view.imported'), kind: 'int', priority: 9},
          {key: 'updated', header: t('orders.view.updated'), kind: 'int', priority: 9},
          {key: 'unchanged', header: t('orders.view.unchanged'), kind: 'int', priority: 6},
          {key: 'skipped', header: t('orders.view.skipped'), kind: 'int', priority: 6},
          {key: 'rejected', header: t('orders.view.rejected'), kind: 'int', priority: 10},
        ],
        rows,
        {color: o.color, width: o.width},
      ),
    )
  }
  for (const f of r.files) {
    if (f.rejectsFile) out.push(t('orders.view.rejectsWritten', {count: f.rejected, file: f.file, rejects: f.rejectsFile}))
    else if (f.rejected > 0) out.push(t('orders.view.wouldReject', {count: f.rejected, file: f.file}))
  }
  if (r.dryRun) out.push(t('orders.view.dryRun'))
  return out.join('\n')
}

/** `plantops orders import`: notes and errors for stderr. */
export function ordersImportNotes(r: OrdersImportResult, o: TextOptions): string[] {
  const notes: string[] = []
  for (const f of r.files) {
    if (f.ignoredHeaders.length > 0) notes.push(t('orders.view.ignored', {file: f.file, headers: f.ignoredHeaders.join(', ')}))
    if (f.previousImports.length > 0 && !f.dryRun) {
      const p = f.previousImports[0]
      notes.push(t('orders.view.alreadyImported', {file: f.file, at: formatTime(p.startedAt, o.zone), zone: zoneLabel(o.zone), id: p.id}))
    }
  }
  for (const f of r.failed) notes.push(t('cli.error', {message: f.message}))
  return notes
}

/** `plantops orders imports`: the ledger, times in the plant's zone (labelled). */
export function importLedgerText(imports: ImportLedgerEntry[], o: TextOptions): string {
  if (imports.length === 0) return t('orders.ledger.none')
  return renderTable(
    [
      {key: 'id', header: 'ID', kind: 'int', priority: 10},
      {key: 'at', header: t('orders.ledger.at', {zone: zoneLabel(o.zone)}), priority: 9},
      {key: 'user', header: t('orders.ledger.by'), priority: 4},
      {key: 'fileName', header: t('orders.view.file'), priority: 10, shrink: true, minWidth: 12},
      {key: 'sha', header: 'SHA-256', priority: 2},
      {key: 'rowsRead', header: t('orders.ledger.read'), kind: 'int', priority: 7},
      {key: 'imported', header: t('orders.ledger.new'), kind: 'int', priority: 8},
      {key: 'updated', header: t('orders.view.updated'), kind: 'int', priority: 8},
      {key: 'unchanged', header: t('orders.view.unchanged'), kind: 'int', priority: 5},
      {key: 'skipped', header: t('orders.view.skipped'), kind: 'int', priority: 5},
      {key: 'rejected', header: t('orders.view.rejected'), kind: 'int', priority: 9},
    ],
    imports.map((i) => ({...i, at: formatTime(i.startedAt, o.zone), sha: i.sha256.slice(0, 12)})),
    {color: o.color, width: o.width, columns: o.columns},
  )
}

/** `plantops orders imports --changes ID`: old → new per field. */
export function lineChangesText(importId: number, changes: LineChange[], o: TextOptions): string {
  if (changes.length === 0) return t('orders.changes.none', {id: importId})
  return renderTable(
    [
      {key: 'orderNo', header: t('orders.changes.order'), priority: 10},
      {key: 'lineNo', header: t('orders.changes.line'), priority: 10},
      {key: 'field', header: t('orders.changes.field'), priority: 10},
      {key: 'oldValue', header: t('orders.changes.was'), priority: 9, shrink: true, minWidth: 10},
      {key: 'newValue', header: t('orders.changes.now'), priority: 9, shrink: true, minWidth: 10},
    ],
    changes,
    {color: o.color, width: o.width, columns: o.columns},
  )
}
