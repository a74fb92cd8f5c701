import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {decimalReader} from '../reconcile/quantity.js'
import {buildSideRead} from '../reconcile/side-read.js'
import type {Source} from '../sources/source.js'
import {lineKey} from './codes.js'
import type {CountConfig} from './config.js'
import type {CountLine} from './count-store.js'

/** A WMS movement as the cut-off needs it. */
export interface Movement {
  at: string
  type: string
  location: string
  sku: string
  lot: string | null
  qty: Decimal
  erpPosted: boolean | null
}

export interface LineCutoff {
  /** Net change of the bin between snapshot and count (WMS unit). */
  wms: Decimal
  /** The part of it the ERP has also booked (ERP unit). */
  erp: Decimal
  movements: number
}

export interface CutoffResult {
  byLine: Map<number, LineCutoff>
  applied: number
  /** Movements of types with no configured direction, left out. */
  ignoredTypes: Record<string, number>
}

/** 'YYYY-MM-DD HH:MM:SS' from a datetime string, so times compare as text. */
export function plantTime(v: string): string {
  return v.replace('T', ' ').replace(/\.\d+$/, '').replace(/Z$/, '').slice(0, 19)
}

/**
 * Stock moved between the snapshot and a line's count: a movement at a counted bin with snapshotAt < at ≤ countedAt
 * changes what the systems should hold when the counter looked, so it is added to the expected quantities instead of
 * showing up as a variance. ERP expectations move too when the movement is posted in the ERP (or when no posted
 * column is configured).
 */
export function applyMovements(
  lines: readonly CountLine[],
  movements: Iterable<Movement>,
  snapshotAt: string,
  direction: Record<string, 1 | -1 | 'signed'>,
): CutoffResult {
  const byKey = new Map<string, CountLine[]>()
  for (const l of lines) {
    if (l.countedQty === null || l.countedAt === null) continue
    const k = lineKey(l.location, l.sku, l.lot)
    const list = byKey.get(k)
    if (list) list.push(l)
    else byKey.set(k, [l])
  }
  const byLine = new Map<number, LineCutoff>()
  const ignoredTypes: Record<string, number> = {}
  const from = plantTime(snapshotAt)
  let applied = 0
  for (const m of movements) {
    const at = plantTime(m.at)
    if (at <= from) continue
    const targets = byKey.get(lineKey(m.location, m.sku, m.lot))
    if (!targets) continue
    const dir = direction[m.type.trim().toUpperCase()] ?? direction[m.type]
    if (dir === undefined) {
      ignoredTypes[m.type] = (ignoredTypes[m.type] ?? 0) + 1
      continue
    }
    const delta = dir === 'signed' ? m.qty : m.qty.abs().times(dir)
    for (const l of targets) {
      if (at > plantTime(l.countedAt as string)) continue
      const c = byLine.get(l.id) ?? {wms: new Decimal(0), erp: new Decimal(0), movements: 0}
      c.wms = c.wms.plus(delta)
      if (m.erpPosted !== false && l.factor) c.erp = c.erp.plus(delta.times(l.factor))
      c.movements++
      byLine.set(l.id, c)
      applied++
    }
  }
  return {byLine, applied, ignoredTypes}
}

/** Read the movements at the counted locations since the snapshot and apply them (chunks of 200 locations). */
export async function readCutoffs(src: Source, cfg: NonNullable<CountConfig['wms']['movements']>, snapshotAt: string, lines: readonly CountLine[]): Promise<CutoffResult> {
  const counted = lines.filter((l) => l.countedAt !== null)
  if (counted.length === 0) return {byLine: new Map(), applied: 0, ignoredTypes: {}}
  const until = counted.map((l) => plantTime(l.countedAt as string)).sort().at(-1) as string
  const locations = [...new Set(counted.map((l) => l.location))]
  const c = cfg.columns
  const movements: Movement[] = []
  const qtyOf = decimalReader({source: src.name, table: cfg.table, column: c.qty, nullQty: 'zero'})
  for (let i = 0; i < locations.length; i += 200) {
    const chunk = locations.slice(i, i + 200)
    const {sql, bindings} = buildSideRead(src.builder(), {
      table: cfg.table,
      columns: {at: c.at, type: c.type, location: c.location, sku: c.item, lot: c.lot, qty: c.qty, posted: c.erpPosted},
      refine: (q) => q.where(c.at, '>', plantTime(snapshotAt)).andWhere(c.at, '<=', until).whereIn(c.location, chunk),
    })
    for await (const r of src.stream<Record<string, unknown>>(sql, bindings)) {
      movements.push({
        at: String(r.at),
        type: String(r.type ?? ''),
        location: String(r.location ?? ''),
        sku: String(r.sku ?? ''),
        lot: r.lot === null || r.lot === undefined ? null : String(r.lot),
        qty: qtyOf(r.qty, () => t('count.reasons.movementKey', {at: String(r.at), location: JSON.stringify(String(r.location ?? '')), item: JSON.stringify(String(r.sku ?? ''))})),
        erpPosted: c.erpPosted ? Number(r.posted) === 1 : null,
      })
    }
  }
  return applyMovements(lines, movements, snapshotAt, cfg.direction)
}
