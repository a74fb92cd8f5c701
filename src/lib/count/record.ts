import type {Knex} from 'knex'

import {UsageError} from '../cli/errors.js'
import {Decimal, formatDecimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {lineKey, normLot} from './codes.js'
import {looseCode} from '../reconcile/keys.js'
import {getLines, saveCounts, type CountHeader, type CountLine, type CountStatus, type LineUpdate, type NewCountLine} from './count-store.js'
import {plantTime} from './cutoff.js'
import {countedQuantityReason, parseCountedQuantity} from './quantity-text.js'
import type {SheetEntry, SheetProblem} from './read-sheets.js'
import {displayItem, uncountedLine, type UncountedLine} from './report.js'

export interface Rejection {
  where: string
  line: number | null
  reason: string
}

export interface RecordResult {
  count: number
  status: CountStatus
  /** Lines whose count was stored by this run (new or replaced). */
  recorded: number
  /** Lines read again with the same count as already stored (re-running is harmless). */
  unchanged: number
  /** Extra lines found in sampled locations. */
  found: number
  rejected: Rejection[]
  uncounted: UncountedLine[]
  warnings: string[]
}

interface Candidate {
  entry: SheetEntry
  qty: Decimal
  /** Existing line, or null for a new found line. */
  target: CountLine | null
  /** Identity for duplicate detection. */
  id: string
  newFound?: {location: string; item: string; lot: string | null}
}

/** "now" as plant wall-clock time ('YYYY-MM-DD HH:MM:SS', local zone), the format movement times use. */
export function localNow(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/**
 * A count time before the count's snapshot is a mistake (a wrong day, or the README's old example): the cut-off
 * would silently apply nothing. Refused with both times.
 */
export function checkCountedAt(header: Pick<CountHeader, 'id' | 'snapshotAt'>, countedAt: string): void {
  const snapshot = plantTime(header.snapshotAt)
  if (plantTime(countedAt) < snapshot) {
    throw new UsageError(t('count.record.error.beforeSnapshot', {countedAt, id: header.id, snapshot}), {
      code: 'COUNTED_BEFORE_SNAPSHOT',
      hints: [t('count.record.error.beforeSnapshotHint', {snapshot})],
    })
  }
}

/**
 * A count written with a unit, in the line's unit: the line's own unit as is, its ERP unit through the line's
 * factor; any other unit is refused (the same rule for sheets and for `count enter`, which asks again at once).
 */
export function inLineUnit(qty: Decimal, unit: string, line: Pick<CountLine, 'unit' | 'erpUnit' | 'factor'>): {ok: true; qty: Decimal} | {ok: false; reason: string} {
  const u = looseCode(unit)
  if (line.unit && u === looseCode(line.unit)) return {ok: true, qty}
  if (line.erpUnit && line.factor && u === looseCode(line.erpUnit)) return {ok: true, qty: qty.div(line.factor)}
  const lineUnit = line.unit ?? '?'
  return {ok: false, reason: line.erpUnit && line.erpUnit !== line.unit ? t('count.record.reason.unitOr', {unit, lineUnit, erpUnit: line.erpUnit}) : t('count.record.reason.unit', {unit, lineUnit})}
}

function matchesItem(line: CountLine, code: string): boolean {
  const c = looseCode(code)
  return c === looseCode(line.sku) || (line.item !== null && c === looseCode(line.item))
}

/**
 * Check entries against the count and store the good ones. Rejected, each with where and why: rows whose line is
 * not in the count or whose location/item disagree with it, counts that are not numbers or are negative, a unit other
 * than the line's (or its ERP unit), a line counted twice with different results (all its rows), and a count that
 * differs from one already recorded (unless `replace`). Rows without a line number but with a location of the count,
 * an item and a count are "found" lines. Blank rows are ignored.
 */
export async function recordEntries(
  knex: Knex,
  header: CountHeader,
  entries: readonly SheetEntry[],
  opts: {countedAt: string; replace?: boolean; sheetProblems?: SheetProblem[]},
): Promise<RecordResult> {
  const lines = await getLines(knex, header.id)
  const rejected: Rejection[] = (opts.sheetProblems ?? []).map((p) => ({where: p.where, line: null, reason: p.reason}))
  const warnings: string[] = []
  const byNo = new Map<number, CountLine>()
  const byLoc = new Map<string, CountLine[]>()
  for (const l of lines) {
    if (l.lineNo !== null) byNo.set(l.lineNo, l)
    const k = looseCode(l.location)
    byLoc.set(k, [...(byLoc.get(k) ?? []), l])
  }
  const reject = (e: SheetEntry, reason: string) => rejected.push({where: e.where, line: e.lineNo, reason})

  const candidates: Candidate[] = []
  for (const e of entries) {
    if (e.lineError) {
      reject(e, e.lineError)
      continue
    }
    if (e.countedError) {
      reject(e, t('count.record.reason.countedError', {error: e.countedError}))
      continue
    }
    const parsed = parseCountedQuantity(e.counted)
    let target: CountLine | null = null
    if (e.lineNo !== null) {
      target = byNo.get(e.lineNo) ?? null
      if (!target) {
        reject(e, t('count.record.reason.notALine', {line: e.lineNo, id: header.id, size: header.sampleSize}))
        continue
      }
      if (e.location && looseCode(e.location) !== looseCode(target.location)) {
        reject(e, t('count.record.reason.otherLocation', {location: e.location, line: e.lineNo, id: header.id, lineLocation: target.location}))
        continue
      }
      if (e.item && !matchesItem(target, e.item)) {
        reject(e, t('count.record.reason.otherItem', {item: e.item, line: e.lineNo, id: header.id, lineItem: displayItem(target)}))
        continue
      }
      if (parsed === null) continue // not counted yet
    } else {
      if (parsed === null) continue // a note or a half-filled blank row
      if (!e.location || !e.item) {
        reject(e, t('count.record.reason.foundNeeds'))
        continue
      }
      const atLoc = byLoc.get(looseCode(e.location))
      if (!atLoc) {
        reject(e, t('count.record.reason.notSampled', {location: e.location, id: header.id}))
        continue
      }
      target = atLoc.find((l) => matchesItem(l, e.item) && normLot(l.lot) === normLot(e.lot)) ?? null
    }
    if (!parsed.ok) {
      reject(e, t('count.record.reason.badQuantity', {reason: countedQuantityReason(parsed)}))
      continue
    }
    let qty = parsed.qty
    const ref = target ?? byLoc.get(looseCode(e.location))?.find((l) => matchesItem(l, e.item)) ?? null
    if (parsed.unit && ref) {
      const inUnit = inLineUnit(parsed.qty, parsed.unit, ref)
      if (!inUnit.ok) {
        reject(e, inUnit.reason)
        continue
      }
      qty = inUnit.qty
    }
    const id = target ? `L${target.id}` : `N${lineKey(e.location, e.item, e.lot || null)}`
    candidates.push({entry: e, qty, target, id, newFound: target ? undefined : {location: ref?.location ?? e.location, item: e.item, lot: e.lot || null}})
  }

  // a line counted twice: the same result is one count; different results reject every row of that line
  const groups = new Map<string, Candidate[]>()
  for (const c of candidates) groups.set(c.id, [...(groups.get(c.id) ?? []), c])
  const accepted: Candidate[] = []
  for (const group of groups.values()) {
    const distinct = new Set(group.map((c) => formatDecimal(c.qty)))
    if (distinct.size > 1) {
      const all = group.map((c) => t('count.record.reason.qtyAt', {qty: formatDecimal(c.qty), where: c.entry.where})).join(t('common.listSeparator'))
      for (const c of group) reject(c.entry, t('count.record.reason.twice', {all}))
      continue
    }
    accepted.push(group[0])
  }

  const updates: LineUpdate[] = []
  const newLines: NewCountLine[] = []
  const newValues: Omit<LineUpdate, 'id'>[] = []
  let unchanged = 0
  let found = 0
  let nextNo = Math.max(0, ...lines.map((l) => l.lineNo ?? 0)) + 1
  for (const c of accepted) {
    const value = {countedQty: c.qty, countedAt: opts.countedAt, countedBy: c.entry.counter, countedFrom: c.entry.where, remarks: c.entry.remarks}
    if (c.target) {
      const line = c.target
      if (line.countedQty !== null) {
        if (line.countedQty.eq(c.qty)) {
          unchanged++
          continue
        }
        if (!opts.replace) {
          reject(c.entry, t('count.record.reason.alreadyRecorded', {line: line.lineNo, was: formatDecimal(line.countedQty), from: line.countedFrom, qty: formatDecimal(c.qty)}))
          continue
        }
      }
      if (header.kind === 'recount' && line.recountOf !== null && c.entry.counter) {
        const first = await knex('count_lines').where({id: line.recountOf}).first()
        if (first?.counted_by && looseCode(first.counted_by) === looseCode(c.entry.counter)) {
          warnings.push(t('count.record.warn.sameCounter', {where: c.entry.where, line: line.lineNo, counter: c.entry.counter}))
        }
      }
      const u: LineUpdate = {id: line.id, ...value}
      if (!line.sampled && !line.found) {
        u.foundLineNo = nextNo++
        found++
      }
      updates.push(u)
    } else {
      const nf = c.newFound as NonNullable<Candidate['newFound']>
      const like = lines.find((l) => matchesItem(l, nf.item))
      const atLoc = byLoc.get(looseCode(nf.location))?.[0]
      newLines.push({
        lineNo: nextNo++,
        sampled: false,
        found: true,
        location: atLoc?.location ?? nf.location,
        zone: atLoc?.zone ?? null,
        wmsWarehouse: atLoc?.wmsWarehouse ?? '',
        sku: like?.sku ?? nf.item,
        lot: nf.lot,
        unit: like?.unit ?? null,
        item: like?.item ?? null,
        erpWarehouse: atLoc?.erpWarehouse ?? null,
        description: like?.description ?? null,
        abcClass: like?.abcClass ?? 'C',
        erpUnit: like?.erpUnit ?? null,
        factor: like?.factor ?? null,
        unitCost: like?.unitCost ?? null,
        wmsQty: new Decimal(0),
        erpKeyQty: null,
        wmsKeyQty: null,
        sheet: null,
        recountOf: null,
      })
      newValues.push(value)
      found++
    }
  }
  const status = await saveCounts(knex, header.id, updates, newLines, newValues)
  const after = await getLines(knex, header.id)
  const uncounted = after
    .filter((l) => l.sampled && l.countedQty === null && l.lineNo !== null)
    .map(uncountedLine)
  rejected.sort((a, b) => a.where.localeCompare(b.where, 'en', {numeric: true}))
  return {count: header.id, status, recorded: updates.length + newLines.length, unchanged, found, rejected, uncounted, warnings}
}
