import type {Knex} from 'knex'

import {BoundedMap} from '../cache/bounded-map.js'
import {t} from '../i18n/index.js'
import {eachRow, type Reader} from '../sources/source.js'
import type {CodeMap} from '../reconcile/mapping.js'
import type {StockConfig} from './config.js'
import {codeNormalizer, codeText, looseCode, lotNormalizer, type KeyNormalizer} from '../reconcile/keys.js'
import {isPlainQuantity, optionalNumberReader, quantityReader} from '../reconcile/quantity.js'
import {planSideRead} from '../reconcile/side-read.js'
import {escapeField as esc, partitionOf, type Spill} from './spill.js'

/** Spill kinds: ERP stock, WMS stock, item attributes, per-item units, movements in transit. */
export const KIND = {erp: 'e', wms: 'w', items: 'i', units: 'u', transit: 't'} as const

export interface SideNormalizers {
  code: KeyNormalizer
  lot: KeyNormalizer
}

export function sideNormalizers(n: StockConfig['erp']['normalize']): SideNormalizers {
  return {code: codeNormalizer(n), lot: lotNormalizer(n)}
}

export interface ReadContext {
  cfg: StockConfig
  spill: Spill
  erpNorm: SideNormalizers
  wmsNorm: SideNormalizers
  itemMap: CodeMap
  whMap: CodeMap
  /** Only these ERP warehouses (after mapping); empty = all. */
  warehouses: Set<string>
  /** Compare at item × warehouse (lots netted away). */
  noLots: boolean
  onRows?: (side: 'erp' | 'wms', rows: number) => void
}

/** A row's key for error messages (raw values, as the source holds them). */
function keyText(item: unknown, wh: unknown, lot?: unknown): () => string {
  return () =>
    t('common.key.balance', {item: JSON.stringify(codeText(item)), warehouse: JSON.stringify(codeText(wh)), lot: lot === undefined || lot === null ? '' : t('common.key.lot', {lot: JSON.stringify(codeText(lot))})})
}

/** Rows per batch read from a side (one await per batch; about two batches in memory at a time). */
const BATCH = 4096
const AS_ARRAYS = {batchSize: BATCH, rowsAsArray: true} as const

function uomText(v: unknown): string {
  if (v === null || v === undefined) return ''
  return codeText(v).trim()
}

/**
 * A bounded per-distinct-value cache: the raw text a source returns for a code → what a row needs of it (normalised,
 * mapped, escaped, its partition), computed once per distinct code instead of once per row. Warehouses, units and lots
 * repeat on almost every row; item codes repeat on every lot and bin, and tables stored in key order return them on
 * consecutive rows (the last value is checked first, without hashing). Only strings are cached (a Buffer or a number
 * is computed each time); the cache is emptied when it holds `max` values, so memory stays bounded whatever the
 * number of distinct codes.
 */
export class RawCache<V> {
  private readonly map: BoundedMap<string, V>
  private lastRaw: string | undefined
  private lastValue: V | undefined

  constructor(
    private readonly make: (raw: unknown) => V,
    max = 1 << 12,
  ) {
    this.map = new BoundedMap(max)
  }

  get(raw: unknown): V {
    if (raw === this.lastRaw) return this.lastValue as V
    if (typeof raw !== 'string') return this.make(raw)
    const v = this.map.get(raw) ?? this.map.remember(raw, this.make(raw))
    this.lastRaw = raw
    this.lastValue = v
    return v
  }
}

/** An ERP-coded item: its spill field and its partition (by the loose code: the same key always meets its other side). */
interface ItemSlot {
  field: string
  partition: number
}

/** An ERP-coded warehouse: its spill field, and whether the --warehouse filter drops it. */
interface WhSlot {
  field: string
  skip: boolean
}

/** Escaped spill fields of a side's lots and units, cached per distinct raw value. */
function fieldCaches(lot: (v: unknown) => string): {lot: RawCache<string>; uom: RawCache<string>} {
  return {lot: new RawCache((v) => esc(lot(v))), uom: new RawCache((v) => esc(uomText(v)))}
}

/** Stream the ERP stock rows into the spill, partitioned by the loose item code. Returns rows read. */
export async function readErpStock(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const side = ctx.cfg.erp
  const read = await planSideRead(reader, knex, {
    table: side.table,
    query: side.query,
    columns: {i: side.columns.item, w: side.columns.warehouse, l: ctx.noLots ? undefined : side.columns.lot, q: side.columns.qty, u: side.columns.uom},
    filters: side.filters,
  }, ['q'])
  const {code, lot} = ctx.erpNorm
  const {spill, warehouses} = ctx
  const P = spill.partitions
  const whFilter = warehouses.size > 0
  const items = new RawCache<ItemSlot>((v) => {
    const item = code(v)
    return {field: esc(item), partition: partitionOf(looseCode(item), P)}
  })
  const whs = new RawCache<WhSlot>((v) => {
    const wh = code(v)
    return {field: esc(wh), skip: whFilter && !warehouses.has(wh)}
  })
  const fields = fieldCaches(lot)
  const nullLot = esc(lot(null))
  const qty = quantityReader({source: side.source, table: side.table, column: side.columns.qty, nullQty: ctx.cfg.nullQty})
  let n = 0
  // columns in SELECT order: i, w, l, q, u
  await eachRow<unknown[]>(reader, read.sql, read.bindings, (r) => {
    if ((++n & 16383) === 0) ctx.onRows?.('erp', n)
    const wh = whs.get(r[1])
    if (wh.skip) return
    const item = items.get(r[0])
    const q = isPlainQuantity(r[3]) ? r[3] : qty(r[3], keyText(r[0], r[1], r[2]))
    const l = r[2] === null ? nullLot : fields.lot.get(r[2])
    spill.write(KIND.erp, item.partition, `${item.field}\t${wh.field}\t${l}\t${fields.uom.get(r[4])}\t${q}`)
  }, AS_ARRAYS)
  ctx.onRows?.('erp', n)
  return n
}

/** Stream the WMS stock rows (bins) into the spill: codes normalised and mapped to ERP codes. Returns rows read. */
export async function readWmsStock(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const side = ctx.cfg.wms
  const read = await planSideRead(reader, knex, {
    table: side.table,
    query: side.query,
    columns: {i: side.columns.item, w: side.columns.warehouse, l: ctx.noLots ? undefined : side.columns.lot, q: side.columns.qty, u: side.columns.uom},
    filters: side.filters,
  }, ['q'])
  const qty = quantityReader({source: side.source, table: side.table, column: side.columns.qty, nullQty: ctx.cfg.nullQty})
  let n = 0
  const emit = wmsEmitter(ctx, KIND.wms)
  // columns in SELECT order: i, w, l, q, u
  await eachRow<unknown[]>(reader, read.sql, read.bindings, (r) => {
    if ((++n & 16383) === 0) ctx.onRows?.('wms', n)
    const q = r[3]
    emit(r[0], r[1], r[2], isPlainQuantity(q) ? q : qty(q, keyText(r[0], r[1], r[2])), r[4])
  }, AS_ARRAYS)
  ctx.onRows?.('wms', n)
  return n
}

/** A WMS-coded item mapped to its ERP code: the item and loose-item spill fields and the partition. */
interface WmsItemSlot {
  field: string
  loose: string
  partition: number
}

/** A WMS-coded warehouse mapped to its ERP code: spill fields, and whether the --warehouse filter drops it. */
interface WmsWhSlot {
  field: string
  loose: string
  skip: boolean
}

/**
 * Write one WMS-coded row: item and warehouse mapped to ERP codes. An unmapped code is kept as the WMS wrote it, and
 * the ERP code it loosely resembles (case/space/width) is carried along so a `code_format` cause can be found.
 * Normalising and mapping happen once per distinct raw code (RawCache), not once per row.
 */
function wmsEmitter(ctx: ReadContext, kind: string): (i: unknown, w: unknown, l: unknown, q: string, u: unknown) => void {
  const {code, lot} = ctx.wmsNorm
  const {spill, itemMap, whMap, warehouses} = ctx
  const P = spill.partitions
  const whFilter = warehouses.size > 0
  const whs = new RawCache<WmsWhSlot>((w) => {
    const whW = code(w)
    let wh = whMap.get(whW)
    let looseWh = ''
    if (wh === undefined) {
      wh = whW
      looseWh = whMap.looseTarget(whW) ?? looseCode(whW)
    }
    return {field: esc(wh), loose: esc(looseWh), skip: whFilter && !warehouses.has(wh) && !warehouses.has(looseWh)}
  })
  const items = new RawCache<WmsItemSlot>((i) => {
    const sku = code(i)
    let item = itemMap.get(sku)
    let looseItem = ''
    if (item === undefined) {
      item = sku
      looseItem = looseCode(itemMap.looseTarget(sku) ?? sku)
    }
    // partitioned by the key's own code, like the ERP rows: the same key always meets its other side. (An unmapped
    // code that loosely resembles a cross-reference entry may land apart from that ERP item: code_format is then
    // found across partitions after the merge.)
    return {field: esc(item), loose: esc(looseItem), partition: partitionOf(looseCode(item), P)}
  })
  const fields = fieldCaches(lot)
  const nullLot = esc(lot(null))
  return (i, w, l, q, u) => {
    const wh = whs.get(w)
    if (wh.skip) return
    const item = items.get(i)
    const lf = l === null ? nullLot : fields.lot.get(l)
    spill.write(kind, item.partition, `${item.field}\t${wh.field}\t${lf}\t${fields.uom.get(u)}\t${q}\t${item.loose}\t${wh.loose}`)
  }
}

/** Item master rows into the spill (partitioned like the ERP stock). */
export async function readItems(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const it = ctx.cfg.items
  if (!it) return 0
  const c = it.columns
  const read = await planSideRead(reader, knex, {table: it.table, query: it.query, columns: {i: c.item, u: c.uom, c: c.class, g: c.category, k: c.unitCost, p: c.packSize, d: c.description}}, ['k', 'p'])
  const code = ctx.erpNorm.code
  const cost = optionalNumberReader({source: it.source, table: it.table, column: c.unitCost ?? ''})
  const pack = optionalNumberReader({source: it.source, table: it.table, column: c.packSize ?? ''})
  // columns in SELECT order: i, u, c, g, k, p, d
  return eachRow<unknown[]>(reader, read.sql, read.bindings, (r) => {
    const item = code(r[0])
    const itemKey = () => `item ${JSON.stringify(codeText(r[0]))}`
    ctx.spill.write(
      KIND.items,
      partitionOf(looseCode(item), ctx.spill.partitions),
      `${esc(item)}\t${esc(uomText(r[1]))}\t${esc(uomText(r[2]))}\t${esc(uomText(r[3]))}\t${cost(r[4], itemKey)}\t${pack(r[5], itemKey)}\t${esc(codeText(r[6]))}`,
    )
  }, AS_ARRAYS)
}

/** Per-item unit factors into the spill. */
export async function readItemUnits(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const iu = ctx.cfg.units.itemUnits
  if (!iu) return 0
  const read = await planSideRead(reader, knex, {table: iu.table, query: iu.query, columns: {i: iu.columns.item, u: iu.columns.uom, f: iu.columns.factor}}, ['f'])
  const code = ctx.erpNorm.code
  const factor = quantityReader({source: iu.source, table: iu.table, column: iu.columns.factor, nullQty: 'error'})
  let n = 0
  // columns in SELECT order: i, u, f
  for await (const batch of reader.streamBatches<unknown[]>(read.sql, read.bindings, AS_ARRAYS)) {
    n += batch.length
    for (let b = 0; b < batch.length; b++) {
      const r = batch[b]
      const item = code(r[0])
      ctx.spill.write(KIND.units, partitionOf(looseCode(item), ctx.spill.partitions), `${esc(item)}\t${esc(uomText(r[1]))}\t${factor(r[2], () => `item ${JSON.stringify(codeText(r[0]))} · unit ${JSON.stringify(codeText(r[1]))}`)}`)
    }
  }
  return n
}

/** "now" → the local wall-clock time; else the configured plant time. Returned as 'YYYY-MM-DD HH:MM:SS'. */
export function resolveAsOf(asOf: string, now = new Date()): string {
  if (asOf === 'now') {
    const p = (n: number) => String(n).padStart(2, '0')
    return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`
  }
  return asOf.replace('T', ' ')
}

/** 'YYYY-MM-DD HH:MM:SS' minus hours, as plain wall-clock arithmetic. */
export function minusHours(dt: string, hours: number): string {
  const ms = Date.parse(`${dt.replace(' ', 'T')}Z`) - Math.round(hours * 3_600_000)
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/**
 * Movements in flight within (asOf - windowHours, asOf]: signed quantities (out = +, in = -) into the spill,
 * keyed like the stock rows.
 */
export async function readTransit(reader: Reader, knex: Knex, ctx: ReadContext): Promise<{rows: number; from: string; to: string}> {
  const t = ctx.cfg.inTransit
  if (!t) return {rows: 0, from: '', to: ''}
  const to = resolveAsOf(t.asOf)
  const from = minusHours(to, t.windowHours)
  const read = await planSideRead(reader, knex, {
    table: t.table,
    query: t.query,
    columns: {i: t.columns.item, w: t.columns.warehouse, l: ctx.noLots ? undefined : t.columns.lot, q: t.columns.qty, u: t.columns.uom, y: t.columns.type},
    filters: t.filters,
    where: [
      [t.columns.movedAt, '>', from],
      [t.columns.movedAt, '<=', to],
    ],
  }, ['q'])
  const types = t.types
  const hasTypes = t.columns.type !== undefined && Object.keys(types).length > 0
  const emitWms = wmsEmitter(ctx, KIND.transit)
  const {code, lot} = ctx.erpNorm
  const qty = quantityReader({source: t.source, table: t.table, column: t.columns.qty, nullQty: ctx.cfg.nullQty})
  let n = 0
  // columns in SELECT order: i, w, l, q, u, y
  for await (const batch of reader.streamBatches<unknown[]>(read.sql, read.bindings, AS_ARRAYS)) {
    for (let b = 0; b < batch.length; b++) {
      const r = batch[b]
      let dir: 'out' | 'in' = 'out'
      if (hasTypes) {
        const d = types[uomText(r[5])]
        if (d === undefined) continue
        dir = d
      }
      n++
      let q = qty(r[3], keyText(r[0], r[1], r[2]))
      if (dir === 'in') q = q.startsWith('-') ? q.slice(1) : `-${q}`
      if (t.side === 'wms') emitWms(r[0], r[1], r[2], q, r[4])
      else {
        const item = code(r[0])
        const wh = code(r[1])
        if (ctx.warehouses.size > 0 && !ctx.warehouses.has(wh)) continue
        ctx.spill.write(KIND.transit, partitionOf(looseCode(item), ctx.spill.partitions), `${esc(item)}\t${esc(wh)}\t${esc(lot(r[2]))}\t${esc(uomText(r[4]))}\t${q}\t\t`)
      }
    }
  }
  return {rows: n, from, to}
}
