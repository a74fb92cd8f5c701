import {CANONICAL_FIELDS} from './config.js'
import type {OrderStoreTx} from './order-store.js'
import type {LineValues} from './parse-row.js'

/** A valid line ready to be written, with where it came from. */
export interface LineToWrite {
  values: LineValues
  rowNumber: number
}

export interface WriteCounts {
  imported: number
  updated: number
  unchanged: number
  changes: number
}

const KEY_FIELDS = new Set(['order_no', 'line_no'])
const VALUE_COLUMNS = CANONICAL_FIELDS.filter((f) => !KEY_FIELDS.has(f))
const CANONICAL = new Set<string>(CANONICAL_FIELDS)
const COMPARED_COLUMNS = [...VALUE_COLUMNS, 'extra']

/**
 * Upserts order lines by (order_no, line_no) into `orders_lines`, batch by batch: new lines are inserted, changed
 * lines updated with one `orders_changes` row per changed field, identical lines left alone (so a re-import writes
 * nothing). Only the fields the file has a column for are compared and written. With `dryRun` nothing is written
 * but the counts are the same.
 */
export class LineWriter {
  readonly counts: WriteCounts = {imported: 0, updated: 0, unchanged: 0, changes: 0}

  constructor(
    private readonly db: OrderStoreTx,
    private readonly opts: {importId: number | null; dryRun: boolean; file: string; sheet: string; now: string},
  ) {}

  async write(lines: LineToWrite[]): Promise<void> {
    if (lines.length === 0) return
    const orderNos = [...new Set(lines.map((l) => l.values.order_no as string))]
    const existing = new Map<string, (typeof stored)[number]>()
    const stored = await this.db.findLines(orderNos, COMPARED_COLUMNS)
    for (const r of stored) existing.set(keyOf(r.order_no, r.line_no), r)
    const inserts: Record<string, unknown>[] = []
    const changes: Record<string, unknown>[] = []
    for (const line of lines) {
      const v = line.values
      const old = existing.get(keyOf(v.order_no as string, v.line_no as string))
      let extraNew: Record<string, string | null> | undefined
      for (const k in v) {
        if (!CANONICAL.has(k)) (extraNew ??= {})[k] = v[k]
      }
      if (!old) {
        const row: Record<string, unknown> = {order_no: v.order_no, line_no: v.line_no}
        for (const c of VALUE_COLUMNS) row[c] = v[c] ?? null
        row.extra = extraNew ? JSON.stringify(extraNew) : null
        row.source_file = this.opts.file
        row.source_sheet = this.opts.sheet
        row.source_row = line.rowNumber
        row.first_import_id = this.opts.importId ?? 0
        row.last_import_id = this.opts.importId ?? 0
        row.created_at = this.opts.now
        row.updated_at = this.opts.now
        inserts.push(row)
        this.counts.imported++
        continue
      }
      const patch: Record<string, unknown> = {}
      const changed: Array<{field: string; old: string | null; new: string | null}> = []
      for (const c of VALUE_COLUMNS) {
        if (!(c in v)) continue // the file has no column for it: keep what is stored
        const before = (old[c] as string | null) ?? null
        const after = v[c] ?? null
        if (before !== after) {
          patch[c] = after
          changed.push({field: c, old: before, new: after})
        }
      }
      const extraOld = old.extra ? (JSON.parse(old.extra) as Record<string, string | null>) : {}
      let extraChanged = false
      for (const [k, after] of Object.entries(extraNew ?? {})) {
        const before = extraOld[k] ?? null
        if (before !== after) {
          changed.push({field: k, old: before, new: after})
          extraOld[k] = after
          extraChanged = true
        }
      }
      if (extraChanged) patch.extra = JSON.stringify(extraOld)
      if (changed.length === 0) {
        this.counts.unchanged++
        continue
      }
      this.counts.updated++
      this.counts.changes += changed.length
      for (const ch of changed) {
        changes.push({
          import_id: this.opts.importId ?? 0,
          order_no: old.order_no,
          line_no: old.line_no,
          field: ch.field,
          old_value: ch.old,
          new_value: ch.new,
          changed_at: this.opts.now,
        })
      }
      if (!this.opts.dryRun) await this.db.updateLine(old.id, {...patch, ...this.provenance(line)})
    }
    if (this.opts.dryRun) return
    if (inserts.length > 0) await this.db.insertLines(inserts)
    if (changes.length > 0) await this.db.insertChanges(changes)
  }

  private provenance(line: LineToWrite): Record<string, unknown> {
    return {
      source_file: this.opts.file,
      source_sheet: this.opts.sheet,
      source_row: line.rowNumber,
      last_import_id: this.opts.importId ?? 0,
      updated_at: this.opts.now,
    }
  }
}

function keyOf(orderNo: string, lineNo: string): string {
  return `${orderNo}\u0000${lineNo}`
}
