import type {Knex} from 'knex'

import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import {Decimal, formatDecimal, toDecimal} from '../decimal/decimal.js'
import type {AbcClass} from './config.js'
import type {StockLineFacts} from './population.js'
import type {SampleMethod} from './sampling.js'

/** Counts and their lines in plantops' store (tables from migrations/0004_count.ts). */

export type CountStatus = 'open' | 'partial' | 'recorded'

export interface CountScope {
  warehouse?: string
  zone?: string
  class?: AbcClass
}

export interface CountHeader {
  id: number
  kind: 'count' | 'recount'
  parentId: number | null
  status: CountStatus
  createdAt: string
  snapshotAt: string
  method: SampleMethod | 'recount'
  seed: string
  scope: CountScope
  populationSize: number
  populationByClass: Record<AbcClass, number>
  sampleSize: number
  confidence: number | null
  margin: number | null
  counters: number | null
  runId: number | null
  sheetsPath: string | null
  recordedAt: string | null
}

/** A stored count line: the sampled stock line (see population.ts) plus what the count adds to it. */
export interface CountLine extends StockLineFacts {
  id: number
  countId: number
  lineNo: number | null
  sampled: boolean
  found: boolean
  sheet: string | null
  countedQty: Decimal | null
  countedAt: string | null
  countedBy: string | null
  countedFrom: string | null
  remarks: string | null
  recountOf: number | null
}

export type NewCountLine = Omit<CountLine, 'id' | 'countId' | 'countedQty' | 'countedAt' | 'countedBy' | 'countedFrom' | 'remarks' | 'found'> & {found?: boolean}

type Row = Record<string, any>

const dec = (v: unknown): Decimal | null => (v === null || v === undefined ? null : toDecimal(v))
const decText = (d: Decimal | null | undefined): string | null => (d === null || d === undefined ? null : formatDecimal(d))

function headerFromRow(r: Row): CountHeader {
  return {
    id: Number(r.id),
    kind: r.kind,
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    status: r.status,
    createdAt: r.created_at,
    snapshotAt: r.snapshot_at,
    method: r.method,
    seed: r.seed,
    scope: JSON.parse(r.scope),
    populationSize: Number(r.population_size),
    populationByClass: JSON.parse(r.population_by_class),
    sampleSize: Number(r.sample_size),
    confidence: r.confidence === null ? null : Number(r.confidence),
    margin: r.margin === null ? null : Number(r.margin),
    counters: r.counters === null ? null : Number(r.counters),
    runId: r.run_id === null ? null : Number(r.run_id),
    sheetsPath: r.sheets_path,
    recordedAt: r.recorded_at,
  }
}

function lineFromRow(r: Row): CountLine {
  return {
    id: Number(r.id),
    countId: Number(r.count_id),
    lineNo: r.line_no === null ? null : Number(r.line_no),
    sampled: Boolean(Number(r.sampled)),
    found: Boolean(Number(r.found)),
    location: r.location,
    zone: r.zone,
    wmsWarehouse: r.wms_warehouse,
    sku: r.sku,
    lot: r.lot,
    unit: r.unit,
    item: r.item,
    erpWarehouse: r.erp_warehouse,
    description: r.description,
    abcClass: r.abc_class,
    erpUnit: r.erp_unit,
    factor: dec(r.factor),
    unitCost: dec(r.unit_cost),
    wmsQty: dec(r.wms_qty) ?? new Decimal(0),
    erpKeyQty: dec(r.erp_key_qty),
    wmsKeyQty: dec(r.wms_key_qty),
    sheet: r.sheet,
    countedQty: dec(r.counted_qty),
    countedAt: r.counted_at,
    countedBy: r.counted_by,
    countedFrom: r.counted_from,
    remarks: r.remarks,
    recountOf: r.recount_of === null ? null : Number(r.recount_of),
  }
}

function lineToRow(countId: number, l: NewCountLine): Row {
  return {
    count_id: countId,
    line_no: l.lineNo,
    sampled: l.sampled,
    found: l.found ?? false,
    location: l.location,
    zone: l.zone,
    wms_warehouse: l.wmsWarehouse,
    sku: l.sku,
    lot: l.lot,
    unit: l.unit,
    item: l.item,
    erp_warehouse: l.erpWarehouse,
    description: l.description,
    abc_class: l.abcClass,
    erp_unit: l.erpUnit,
    factor: decText(l.factor),
    unit_cost: decText(l.unitCost),
    wms_qty: formatDecimal(l.wmsQty),
    erp_key_qty: decText(l.erpKeyQty),
    wms_key_qty: decText(l.wmsKeyQty),
    sheet: l.sheet,
    recount_of: l.recountOf,
  }
}

export async function createCount(
  knex: Knex,
  header: Omit<CountHeader, 'id' | 'status' | 'recordedAt' | 'sheetsPath'>,
  lines: NewCountLine[],
): Promise<number> {
  return knex.transaction(async (trx) => {
    const [inserted] = await trx('count_counts').insert(
      {
        kind: header.kind,
        parent_id: header.parentId,
        status: 'open',
        created_at: header.createdAt,
        snapshot_at: header.snapshotAt,
        method: header.method,
        seed: header.seed,
        scope: JSON.stringify(header.scope),
        population_size: header.populationSize,
        population_by_class: JSON.stringify(header.populationByClass),
        sample_size: header.sampleSize,
        confidence: header.confidence,
        margin: header.margin,
        counters: header.counters,
        run_id: header.runId,
      },
      ['id'],
    )
    const id = typeof inserted === 'object' ? Number((inserted as {id: number}).id) : Number(inserted)
    const rows = lines.map((l) => lineToRow(id, l))
    for (let i = 0; i < rows.length; i += 40) await trx('count_lines').insert(rows.slice(i, i + 40))
    return id
  })
}

export async function setSheetsPath(knex: Knex, id: number, sheetsPath: string): Promise<void> {
  await knex('count_counts').where({id}).update({sheets_path: sheetsPath})
}

/** A count by id; a clear usage error when there is none. */
export async function getCount(knex: Knex, id: number): Promise<CountHeader> {
  const r = await knex('count_counts').where({id}).first()
  if (!r) {
    const last = await knex('count_counts').max({m: 'id'}).first()
    throw new UsageError(t('errors.count.notFound', {id}), {
      code: 'COUNT_NOT_FOUND',
      hints: [last?.m ? t('errors.count.latestHint', {id: last.m}) : t('errors.count.noneHint')],
    })
  }
  return headerFromRow(r)
}

export async function listCounts(knex: Knex, limit = 20): Promise<CountHeader[]> {
  return (await knex('count_counts').orderBy('id', 'desc').limit(limit)).map(headerFromRow)
}

export async function getLines(knex: Knex, countId: number): Promise<CountLine[]> {
  return (await knex('count_lines').where({count_id: countId}).orderBy([{column: 'line_no'}, {column: 'id'}])).map(lineFromRow)
}

export interface LineUpdate {
  id: number
  countedQty: Decimal
  countedAt: string
  countedBy: string | null
  countedFrom: string
  remarks: string | null
  /** Turn a hidden line into a found one with this line number. */
  foundLineNo?: number
}

/** Record counts (one transaction), then set the count's status from what is still uncounted. */
export async function saveCounts(knex: Knex, countId: number, updates: LineUpdate[], newLines: NewCountLine[] = [], newLineValues: Omit<LineUpdate, 'id'>[] = []): Promise<CountStatus> {
  return knex.transaction(async (trx) => {
    for (const u of updates) {
      const patch: Row = {
        counted_qty: formatDecimal(u.countedQty),
        counted_at: u.countedAt,
        counted_by: u.countedBy,
        counted_from: u.countedFrom,
        remarks: u.remarks,
      }
      if (u.foundLineNo !== undefined) Object.assign(patch, {found: true, line_no: u.foundLineNo})
      await trx('count_lines').where({id: u.id, count_id: countId}).update(patch)
    }
    for (let i = 0; i < newLines.length; i++) {
      const v = newLineValues[i]
      await trx('count_lines').insert({
        ...lineToRow(countId, newLines[i]),
        counted_qty: formatDecimal(v.countedQty),
        counted_at: v.countedAt,
        counted_by: v.countedBy,
        counted_from: v.countedFrom,
        remarks: v.remarks,
      })
    }
    const pending = await trx('count_lines').where({count_id: countId, sampled: true}).whereNull('counted_qty').count({n: '*'}).first()
    const anyCounted = await trx('count_lines').where({count_id: countId}).whereNotNull('counted_qty').count({n: '*'}).first()
    const status: CountStatus = Number(pending?.n ?? 0) === 0 ? 'recorded' : Number(anyCounted?.n ?? 0) > 0 ? 'partial' : 'open'
    await trx('count_counts')
      .where({id: countId})
      .update({status, recorded_at: status === 'recorded' ? new Date().toISOString() : null})
    return status
  })
}

/** Latest date (YYYY-MM-DD) each location was counted in any plantops count. */
export async function lastCountedByLocation(knex: Knex): Promise<Map<string, string>> {
  const rows = await knex('count_lines').whereNotNull('counted_qty').groupBy('location').select('location').max({at: 'counted_at'})
  return new Map(rows.map((r: Row) => [String(r.location), String(r.at).slice(0, 10)]))
}

/** The recount already opened for a count, if any. */
export async function recountOf(knex: Knex, countId: number): Promise<number | null> {
  const r = await knex('count_counts').where({parent_id: countId, kind: 'recount'}).orderBy('id', 'desc').first()
  return r ? Number(r.id) : null
}

/** A count in `count list`: its header facts and progress, nothing about quantities. */
export type CountSummary = Pick<CountHeader, 'id' | 'kind' | 'parentId' | 'status' | 'createdAt' | 'snapshotAt' | 'seed' | 'populationSize' | 'sampleSize' | 'sheetsPath'> & {
  method: string
  /** Sampled lines counted so far. */
  counted: number
  found: number
}

/** Counts newest first with their progress; nothing about quantities. */
export async function countSummaries(knex: Knex, limit = 20): Promise<CountSummary[]> {
  const headers = await listCounts(knex, limit)
  if (headers.length === 0) return []
  const progress = await knex('count_lines')
    .whereIn('count_id', headers.map((h) => h.id))
    .whereNotNull('counted_qty')
    .groupBy('count_id', 'found')
    .select('count_id', 'found')
    .count({n: '*'})
  const of = (id: number, found: boolean) => Number(progress.find((p: Row) => Number(p.count_id) === id && Boolean(Number(p.found)) === found)?.n ?? 0)
  return headers.map((h) => ({
    id: h.id,
    kind: h.kind,
    parentId: h.parentId,
    status: h.status,
    createdAt: h.createdAt,
    snapshotAt: h.snapshotAt,
    method: h.method,
    seed: h.seed,
    populationSize: h.populationSize,
    sampleSize: h.sampleSize,
    counted: of(h.id, false),
    found: of(h.id, true),
    sheetsPath: h.sheetsPath,
  }))
}
