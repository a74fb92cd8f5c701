import type {Knex} from 'knex'

import {BoundedMap} from '../cache/bounded-map.js'
import {t} from '../i18n/index.js'
import {eachRawRow, eachRow, type Reader, type RawRowSink} from '../sources/source.js'
import {isCanonicalIntBytes, isWellFormedUtf8, RawValueCache, type RawKind, type RawRow} from '../sources/raw-rows.js'
import {checkedItemMap, itemMapAdder, itemMapFromSource, itemMapRead, quotedEntry, type CodeMap} from '../reconcile/mapping.js'
import {compactMap} from './compact-map.js'
import type {StockConfig} from './config.js'
import {codeNormalizer, codeText, looseCode, lotNormalizer, type KeyNormalizer} from '../reconcile/keys.js'
import {isPlainQuantity, isPlainQuantityBytes, optionalNumberReader, quantityReader} from '../reconcile/quantity.js'
import {planSideRead} from '../reconcile/side-read.js'
import {escapeField as esc, LINE_ROOM, partitionOf, partitionOfBytes, type Spill, type SpillLane, type SpillSlot} from './spill.js'

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
  /** false: read MySQL stock rows as arrays of values, not raw bytes (tests compare the two paths). */
  rawRows?: boolean
  /** The WMS warehouse codes (normalised) the WMS stock read met, filters applied: set by readWmsStock. */
  wmsWarehouses?: Set<string>
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
    /** The value for a raw value, uncached (the raw-bytes caches call it on their own misses). */
    readonly make: (raw: unknown) => V,
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

/** An ERP item code's spill field and partition (stock, item master and item units alike: the same key meets). */
function erpItemSlot(code: KeyNormalizer, P: number): (v: unknown) => ItemSlot {
  return (v) => {
    const item = code(v)
    return {field: esc(item), partition: partitionOf(looseCode(item), P)}
  }
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
    columns: {i: side.columns.item, w: side.columns.warehouse, l: ctx.noLots ? undefined : side.columns.lot, u: side.columns.uom, q: side.columns.qty},
    filters: side.filters,
  }, ['q'])
  const {code, lot} = ctx.erpNorm
  const {spill, warehouses} = ctx
  const P = spill.partitions
  const whFilter = warehouses.size > 0
  const items = new RawCache<ItemSlot>(erpItemSlot(code, P))
  const whs = new RawCache<WhSlot>((v) => {
    const wh = code(v)
    return {field: esc(wh), skip: whFilter && !warehouses.has(wh)}
  })
  const fields = fieldCaches(lot)
  const nullLot = esc(lot(null))
  const qty = quantityReader({source: side.source, table: side.table, column: side.columns.qty, nullQty: ctx.cfg.nullQty})
  let n = 0
  // columns in SELECT order: i, w, l, u, q (the order of the spill line)
  const row = (r: unknown[]) => {
    if ((++n & 16383) === 0) ctx.onRows?.('erp', n)
    const wh = whs.get(r[1])
    if (wh.skip) return
    const item = items.get(r[0])
    const q = isPlainQuantity(r[4]) ? r[4] : qty(r[4], keyText(r[0], r[1], r[2]))
    const l = r[2] === null ? nullLot : fields.lot.get(r[2])
    spill.write(KIND.erp, item.partition, `${item.field}\t${wh.field}\t${l}\t${fields.uom.get(r[3])}\t${q}`)
  }
  if (ctx.rawRows === false) await eachRow<unknown[]>(reader, read.sql, read.bindings, row, AS_ARRAYS)
  else {
    // MySQL/MariaDB: the same rows from the packet bytes (rawFields: the same fields, cached per distinct bytes)
    const rawItems = new RawItemCodes(code, P, items.make)
    const rawWhs = new RawValueCache<RawWhSlot>((v, exact) => {
      const s = whs.make(v)
      return {b: fieldBytes(s.field, v, exact), loose: EMPTY, skip: s.skip}
    })
    const rawFields = rawFieldCaches(fields)
    // codes, lots and units that are their own spill field, seen from their bytes (no cache look-up)
    const whAsIs = whFilter ? null : asIsField(code)
    const lotAsIs = asIsField(lot)
    let quantity: RawPlain = rawPlainNumber(null, 4)
    const line = new RawLine(spill, KIND.erp)
    const sink: RawRowSink = {
      start: (kinds) => {
        quantity = rawPlainNumber(kinds, 4)
        return true
      },
      row,
      raw: (r) => {
        if ((++n & 16383) === 0) ctx.onRows?.('erp', n)
        let wh: Buffer | null = null
        if (!asIsColumn(r, 1, whAsIs)) {
          const slot = rawWhs.get(r, 1)
          if (slot.skip) return
          wh = slot.b
        }
        const item = rawItems.get(r, 0)
        const q = quantity(r) ? null : qty(r.value(4), keyText(r.value(0), r.value(1), r.value(2)))
        const l = asIsColumn(r, 2, lotAsIs) ? null : rawFields.lot.get(r, 2).b
        const u = asIsColumn(r, 3, UOM_AS_IS) ? null : rawFields.uom.get(r, 3).b
        line.write(r, item.partition, item.b, wh, l, u, q, null, null)
      },
    }
    await eachRawRow(reader, read.sql, read.bindings, sink, AS_ARRAYS)
  }
  ctx.onRows?.('erp', n)
  return n
}

const EMPTY = Buffer.alloc(0)

/** A cached field's spill bytes: null when they are the raw column's own bytes (ASCII text kept as read). */
interface RawField {
  b: Buffer | null
}

interface RawItemSlot extends RawField {
  loose: Buffer
  partition: number
}

interface RawWhSlot extends RawField {
  loose: Buffer
  skip: boolean
}

/** The spill bytes of a field computed from `value`: null (copy the row's bytes) when they are the same text. */
function fieldBytes(field: string, value: unknown, exact: boolean): Buffer | null {
  return exact && field === value ? null : utf8(field)
}

/** A field's UTF-8 bytes (one shared empty buffer for '': most codes have no loose look-alike). */
function utf8(field: string): Buffer {
  return field === '' ? EMPTY : Buffer.from(field, 'utf8')
}

/** A side's lot and unit fields by raw bytes, computed through its string caches (same normalising, same escaping). */
function rawFieldCaches(fields: {lot: RawCache<string>; uom: RawCache<string>}): {lot: RawValueCache<RawField>; uom: RawValueCache<RawField>} {
  return {
    lot: new RawValueCache<RawField>((v, exact) => ({b: fieldBytes(fields.lot.make(v), v, exact)})),
    uom: new RawValueCache<RawField>((v, exact) => ({b: fieldBytes(fields.uom.make(v), v, exact)})),
  }
}

/** Whether a raw row's number column can be copied as it is: true when mysql2 would have given that same plain text. */
type RawPlain = (r: RawRow) => boolean

function rawPlainNumber(kinds: readonly RawKind[] | null, col: number): RawPlain {
  const kind = kinds?.[col]
  // text columns (DECIMAL, VARCHAR…): the old path keeps a plain decimal string as it is
  if (kind === 'utf8' || kind === 'ascii' || kind === 'latin1') return (r) => r.start[col] >= 0 && isPlainQuantityBytes(r.buf, r.start[col], r.end[col])
  // integer columns arrive as numbers, written as String(n): the same text unless zero-padded (ZEROFILL), '+' or '-0'
  if (kind === 'int') return (r) => r.start[col] >= 0 && isCanonicalIntBytes(r.buf, r.start[col], r.end[col])
  return () => false
}

/**
 * Stock lines assembled as bytes straight into the spill's partition slot: `item\twh\tlot\tuom\tqty` (ERP), plus
 * `\tlooseItem\tlooseWh` (WMS), the same bytes `Spill.write` would encode from the text line. The row's columns are
 * in that order (i, w, l, u, q); a field is either its cached bytes or (null) the raw column's own bytes; the
 * quantity is the raw column's bytes unless given as text. When every field is the row's own and each column follows
 * the previous one after a one-byte length (none NULL, none of 251 bytes or more), the line is the row's bytes from the
 * first column to the last with those length bytes as tabs: copied in one run.
 */
class RawLine {
  /** The kind's lane in the spill, from the first line (a side without rows creates no file). */
  private lane: SpillLane | null = null
  /** Views of the last row buffer (a socket chunk) and the last slot buffer (the spill's arena), for word copies. */
  private src: Buffer = EMPTY
  private srcView: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0)
  private out: Buffer = EMPTY
  private outView: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0)

  constructor(
    private readonly spill: Spill,
    private readonly kind: string,
  ) {}

  write(r: RawRow, partition: number, item: Buffer | null, wh: Buffer | null, lot: Buffer | null, uom: Buffer | null, qty: string | null, looseItem: Buffer | null, looseWh: Buffer | null): void {
    const {start, end} = r
    const loose = looseItem === null ? 1 : looseItem.length + (looseWh as Buffer).length + 3
    if (item === null && wh === null && lot === null && uom === null && qty === null) {
      const s = start[0]
      const e = end[4]
      if (s >= 0 && start[1] === end[0] + 1 && start[2] === end[1] + 1 && start[3] === end[2] + 1 && start[4] === end[3] + 1 && e - s + loose <= LINE_ROOM) {
        const slot = this.spill.roomIn((this.lane ??= this.spill.lane(this.kind)), partition, e - s + loose)
        const out = slot.buf
        const at = slot.len
        const src = r.buf
        // four bytes at a time (the byte loop was ~60% of this method: profile at 2,000,000 rows/side)
        if (src !== this.src) {
          this.src = src
          this.srcView = new DataView(src.buffer, src.byteOffset, src.length)
        }
        if (out !== this.out) {
          this.out = out
          this.outView = new DataView(out.buffer, out.byteOffset, out.length)
        }
        const sv = this.srcView
        const ov = this.outView
        let o = at
        let k = s
        for (; k + 4 <= e; k += 4, o += 4) ov.setInt32(o, sv.getInt32(k, true), true)
        for (; k < e; k++) out[o++] = src[k]
        const shift = at - s - 1
        out[start[1] + shift] = 9
        out[start[2] + shift] = 9
        out[start[3] + shift] = 9
        out[start[4] + shift] = 9
        slot.len = looseItem === null ? o : this.loose(out, o, looseItem, looseWh as Buffer)
        out[slot.len++] = 10
        return
      }
    }
    const max =
      (item === null ? end[0] - start[0] : item.length) +
      (wh === null ? end[1] - start[1] : wh.length) +
      (lot === null ? end[2] - start[2] : lot.length) +
      (uom === null ? end[3] - start[3] : uom.length) +
      (qty === null ? end[4] - start[4] : qty.length) +
      4 +
      loose
    if (max > LINE_ROOM) {
      this.long(r, partition, item, wh, lot, uom, qty, looseItem, looseWh, max)
      return
    }
    const slot = this.spill.roomIn((this.lane ??= this.spill.lane(this.kind)), partition, max)
    slot.len = this.fill(slot, r, item, wh, lot, uom, qty, looseItem, looseWh)
  }

  private fill(slot: SpillSlot, r: RawRow, item: Buffer | null, wh: Buffer | null, lot: Buffer | null, uom: Buffer | null, qty: string | null, looseItem: Buffer | null, looseWh: Buffer | null): number {
    const out = slot.buf
    let at = put(out, slot.len, item, r, 0)
    out[at++] = 9
    at = put(out, at, wh, r, 1)
    out[at++] = 9
    at = put(out, at, lot, r, 2)
    out[at++] = 9
    at = put(out, at, uom, r, 3)
    out[at++] = 9
    if (qty === null) at = put(out, at, null, r, 4)
    else at += out.write(qty, at, 'latin1')
    if (looseItem !== null) at = this.loose(out, at, looseItem, looseWh as Buffer)
    out[at++] = 10
    return at
  }

  /** `\tlooseItem\tlooseWh` at `at`; returns the new end. */
  private loose(out: Buffer, at: number, looseItem: Buffer, looseWh: Buffer): number {
    out[at++] = 9
    for (let k = 0; k < looseItem.length; k++) out[at++] = looseItem[k]
    out[at++] = 9
    for (let k = 0; k < looseWh.length; k++) out[at++] = looseWh[k]
    return at
  }

  /** A line longer than a slot (codes of kilobytes): assembled apart and written as text. */
  private long(r: RawRow, partition: number, item: Buffer | null, wh: Buffer | null, lot: Buffer | null, uom: Buffer | null, qty: string | null, looseItem: Buffer | null, looseWh: Buffer | null, max: number): void {
    const slot: SpillSlot = {buf: Buffer.allocUnsafe(max), len: 0}
    const len = this.fill(slot, r, item, wh, lot, uom, qty, looseItem, looseWh)
    this.spill.write(this.kind, partition, slot.buf.toString('utf8', 0, len - 1))
  }
}

/** Copy `field` (or, when null, the row's column `col`) into `out` at `at`; returns the new end. */
function put(out: Buffer, at: number, field: Buffer | null, r: RawRow, col: number): number {
  let src: Uint8Array
  let s: number
  let e: number
  if (field === null) {
    src = r.buf
    s = r.start[col]
    e = r.end[col]
    if (s < 0) return at
  } else {
    src = field
    s = 0
    e = field.length
  }
  if (e - s > 24) {
    out.set(src.subarray(s, e), at)
    return at + e - s
  }
  for (let k = s; k < e; k++) out[at++] = src[k]
  return at
}

/** Stream the WMS stock rows (bins) into the spill: codes normalised and mapped to ERP codes. Returns rows read. */
export async function readWmsStock(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const side = ctx.cfg.wms
  const read = await planSideRead(reader, knex, {
    table: side.table,
    query: side.query,
    columns: {i: side.columns.item, w: side.columns.warehouse, l: ctx.noLots ? undefined : side.columns.lot, u: side.columns.uom, q: side.columns.qty},
    filters: side.filters,
  }, ['q'])
  const qty = quantityReader({source: side.source, table: side.table, column: side.columns.qty, nullQty: ctx.cfg.nullQty})
  let n = 0
  const slots = wmsSlots(ctx, (ctx.wmsWarehouses ??= new Set()))
  const emit = wmsEmitter(ctx, KIND.wms, slots)
  // columns in SELECT order: i, w, l, u, q (the order of the spill line)
  const row = (r: unknown[]) => {
    if ((++n & 16383) === 0) ctx.onRows?.('wms', n)
    const q = r[4]
    emit(r[0], r[1], r[2], isPlainQuantity(q) ? q : qty(q, keyText(r[0], r[1], r[2])), r[3])
  }
  if (ctx.rawRows === false) await eachRow<unknown[]>(reader, read.sql, read.bindings, row, AS_ARRAYS)
  else {
    // MySQL/MariaDB: the same rows from the packet bytes, through the same per-code slots
    // through an identity map (no cross-reference) a code that is its own normal form is its own ERP code, no loose one
    const rawItems = new RawItemCodes(ctx.itemMap.identity === true ? ctx.wmsNorm.code : null, ctx.spill.partitions, slots.items.make)
    const rawWhs = new RawValueCache<RawWhSlot>((v, exact) => {
      const s = slots.whs.make(v)
      return {b: fieldBytes(s.field, v, exact), loose: utf8(s.loose), skip: s.skip}
    })
    const rawFields = rawFieldCaches(slots.fields)
    const lotAsIs = asIsField(ctx.wmsNorm.lot)
    let quantity: RawPlain = rawPlainNumber(null, 4)
    const line = new RawLine(ctx.spill, KIND.wms)
    const sink: RawRowSink = {
      start: (kinds) => {
        quantity = rawPlainNumber(kinds, 4)
        return true
      },
      row,
      raw: (r) => {
        if ((++n & 16383) === 0) ctx.onRows?.('wms', n)
        // the quantity is checked before the warehouse filter, as on the value path
        const q = quantity(r) ? null : qty(r.value(4), keyText(r.value(0), r.value(1), r.value(2)))
        const wh = rawWhs.get(r, 1)
        if (wh.skip) return
        const item = rawItems.get(r, 0)
        const l = asIsColumn(r, 2, lotAsIs) ? null : rawFields.lot.get(r, 2).b
        const u = asIsColumn(r, 3, UOM_AS_IS) ? null : rawFields.uom.get(r, 3).b
        line.write(r, item.partition, item.b, wh.b, l, u, q, item.loose, wh.loose)
      },
    }
    await eachRawRow(reader, read.sql, read.bindings, sink, AS_ARRAYS)
  }
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
function wmsEmitter(ctx: ReadContext, kind: string, slots = wmsSlots(ctx)): (i: unknown, w: unknown, l: unknown, q: string, u: unknown) => void {
  const {spill} = ctx
  const {whs, items, fields, nullLot} = slots
  return (i, w, l, q, u) => {
    const wh = whs.get(w)
    if (wh.skip) return
    const item = items.get(i)
    const lf = l === null ? nullLot : fields.lot.get(l)
    spill.write(kind, item.partition, `${item.field}\t${wh.field}\t${lf}\t${fields.uom.get(u)}\t${q}\t${item.loose}\t${wh.loose}`)
  }
}

/** A side's per-distinct-code caches for WMS-coded rows (normalised, mapped, escaped). */
interface WmsSlots {
  whs: RawCache<WmsWhSlot>
  items: RawCache<WmsItemSlot>
  fields: {lot: RawCache<string>; uom: RawCache<string>}
  nullLot: string
}

/** `seen`: collects the WMS warehouse codes met (normalised), once per distinct raw code. */
function wmsSlots(ctx: ReadContext, seen?: Set<string>): WmsSlots {
  const {code, lot} = ctx.wmsNorm
  const {spill, itemMap, whMap, warehouses} = ctx
  const P = spill.partitions
  const whFilter = warehouses.size > 0
  const whs = new RawCache<WmsWhSlot>((w) => {
    const whW = code(w)
    seen?.add(whW)
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
  return {whs, items, fields: fieldCaches(lot), nullLot: esc(lot(null))}
}

/**
 * The item cross-reference on the WMS source (its table or SELECT) into a CompactCodeMap, inside the caller's snapshot.
 * MySQL/MariaDB rows come from the packet bytes (no row array or batch of rows per read, which the value read left in
 * the reader's old space: at 2,000,000 keys/side, 400,000 codes, that heap grew to twice what it used); a code whose
 * bytes the side's normaliser keeps as they are is taken as its text without normalising. Same entries, same
 * conflicts, same descriptions as the value read (itemMapFromSource), which other sources and `rawRows: false` use.
 */
export async function readItemMap(im: Extract<NonNullable<StockConfig['itemMap']>, {source: string}>, reader: Reader, knex: Knex, ctx: ReadContext): Promise<CodeMap> {
  const normWms = ctx.wmsNorm.code
  const normErp = ctx.erpNorm.code
  if (ctx.rawRows === false) return itemMapFromSource(im, reader, knex, normWms, normErp, compactMap)
  const read = itemMapRead(im, knex)
  const map = compactMap(quotedEntry)
  const add = itemMapAdder(map, normWms, normErp)
  const wAsIs = asIsCode(normWms)
  const eAsIs = asIsCode(normErp)
  const sink: RawRowSink = {
    start: () => true,
    row: (r) => add(r[0], r[1]),
    raw: (r) => {
      // codes that are their own normal form (and non-empty): the value read would keep them as they are, no description
      if (asIsColumn(r, 0, wAsIs) && asIsColumn(r, 1, eAsIs) && r.end[0] > r.start[0] && r.end[1] > r.start[1]) map.set(asciiText(r, 0), asciiText(r, 1))
      else add(r.value(0), r.value(1))
    },
  }
  await eachRawRow(reader, read.sql, read.bindings, sink, AS_ARRAYS)
  return checkedItemMap(im, map)
}

/** A text column of printable ASCII as its string (whatever the column's kind: the same text as mysql2's value, or a binary value's codeText). */
function asciiText(r: RawRow, col: number): string {
  return r.buf.toString('latin1', r.start[col], r.end[col])
}

/** The bytes of codes a normaliser returns as they are (its `asIs` table), or null when it does not say. */
function asIsCode(norm: KeyNormalizer): Uint8Array | null {
  return norm.asIs ?? null
}

/** Item master rows into the spill (partitioned like the ERP stock). */
export async function readItems(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const it = ctx.cfg.items
  if (!it) return 0
  const c = it.columns
  const read = await planSideRead(reader, knex, {table: it.table, query: it.query, columns: {i: c.item, u: c.uom, c: c.class, g: c.category, k: c.unitCost, p: c.packSize, d: c.description}}, ['k', 'p'])
  const code = ctx.erpNorm.code
  const {spill} = ctx
  const P = spill.partitions
  const cost = optionalNumberReader({source: it.source, table: it.table, column: c.unitCost ?? ''})
  const pack = optionalNumberReader({source: it.source, table: it.table, column: c.packSize ?? ''})
  const itemKey = (v: unknown) => () => `item ${JSON.stringify(codeText(v))}`
  // columns in SELECT order: i, u, c, g, k, p, d
  const row = (r: unknown[]) => {
    const item = code(r[0])
    const key = itemKey(r[0])
    spill.write(KIND.items, partitionOf(looseCode(item), P), `${esc(item)}\t${esc(uomText(r[1]))}\t${esc(uomText(r[2]))}\t${esc(uomText(r[3]))}\t${cost(r[4], key)}\t${pack(r[5], key)}\t${esc(codeText(r[6]))}`)
  }
  if (ctx.rawRows === false) return eachRow<unknown[]>(reader, read.sql, read.bindings, row, AS_ARRAYS)
  // MySQL/MariaDB: the same lines from the packet bytes (codes as they are copied, the rest through per-value caches)
  const items = new RawItemCodes(code, P, erpItemSlot(code, P))
  const uom = rawTextCache()
  const cls = rawTextCache()
  const category = rawTextCache()
  let costAsIs: RawPlain = rawPlainNumber(null, 4)
  let packAsIs: RawPlain = rawPlainNumber(null, 5)
  // item, unit, class, category, unit cost, pack size, description
  const line = new RawFieldsLine(spill, KIND.items, [0, 1, 2, 3, 4, 5, 6])
  const f = line.fields
  const sink: RawRowSink = {
    start: (kinds) => {
      costAsIs = rawPlainNumber(kinds, 4)
      packAsIs = rawPlainNumber(kinds, 5)
      return true
    },
    row,
    raw: (r) => {
      const item = items.get(r, 0)
      f[0] = item.b
      f[1] = uom.get(r, 1).b
      f[2] = cls.get(r, 2).b
      f[3] = category.get(r, 3).b
      // NULL and '' are '' (a NULL column copies as nothing)
      f[4] = r.start[4] < 0 || costAsIs(r) ? null : ascii(cost(r.value(4), itemKey(r.value(0))))
      f[5] = r.start[5] < 0 || packAsIs(r) ? null : ascii(pack(r.value(5), itemKey(r.value(0))))
      f[6] = asTextField(r, 6) ? null : utf8(esc(codeText(r.value(6))))
      line.write(r, item.partition)
    },
  }
  return eachRawRow(reader, read.sql, read.bindings, sink, AS_ARRAYS)
}

/** Per-item unit factors into the spill. */
export async function readItemUnits(reader: Reader, knex: Knex, ctx: ReadContext): Promise<number> {
  const iu = ctx.cfg.units.itemUnits
  if (!iu) return 0
  const read = await planSideRead(reader, knex, {table: iu.table, query: iu.query, columns: {i: iu.columns.item, u: iu.columns.uom, f: iu.columns.factor}}, ['f'])
  const code = ctx.erpNorm.code
  const {spill} = ctx
  const P = spill.partitions
  const factor = quantityReader({source: iu.source, table: iu.table, column: iu.columns.factor, nullQty: 'error'})
  const unitKey = (i: unknown, u: unknown) => () => `item ${JSON.stringify(codeText(i))} · unit ${JSON.stringify(codeText(u))}`
  // columns in SELECT order: i, u, f
  const row = (r: unknown[]) => {
    const item = code(r[0])
    spill.write(KIND.units, partitionOf(looseCode(item), P), `${esc(item)}\t${esc(uomText(r[1]))}\t${factor(r[2], unitKey(r[0], r[1]))}`)
  }
  if (ctx.rawRows === false) return eachRow<unknown[]>(reader, read.sql, read.bindings, row, AS_ARRAYS)
  // MySQL/MariaDB: the same lines from the packet bytes
  const items = new RawItemCodes(code, P, erpItemSlot(code, P))
  const uom = rawTextCache()
  let factorAsIs: RawPlain = rawPlainNumber(null, 2)
  const line = new RawFieldsLine(spill, KIND.units, [0, 1, 2])
  const f = line.fields
  const sink: RawRowSink = {
    start: (kinds) => {
      factorAsIs = rawPlainNumber(kinds, 2)
      return true
    },
    row,
    raw: (r) => {
      const item = items.get(r, 0)
      f[0] = item.b
      f[1] = uom.get(r, 1).b
      // NULL is an error here (nullQty 'error'): through the reader, which says so
      f[2] = factorAsIs(r) ? null : ascii(factor(r.value(2), unitKey(r.value(0), r.value(1))))
      line.write(r, item.partition)
    },
  }
  return eachRawRow(reader, read.sql, read.bindings, sink, AS_ARRAYS)
}

/** A raw text column's spill field as `uomText` makes it (trimmed, escaped), cached per distinct bytes. */
function rawTextCache(): RawValueCache<RawField> {
  return new RawValueCache<RawField>((v, exact) => ({b: fieldBytes(esc(uomText(v)), v, exact)}))
}

/** A number's canonical text as spill bytes. */
function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1')
}

/**
 * Whether column `col` can be copied as it is as the spill field `esc(codeText(value))` (a description): text whose
 * bytes are the UTF-8 of mysql2's string (ASCII, or well-formed UTF-8 in a UTF-8 column) with nothing to escape.
 * NULL is '' either way. Per row, no string: a description is rarely repeated.
 */
function asTextField(r: RawRow, col: number): boolean {
  const s = r.start[col]
  if (s < 0) return true
  const kind = r.kinds[col]
  if (kind !== 'utf8' && kind !== 'ascii' && kind !== 'latin1' && kind !== 'binary') return false
  const {buf} = r
  const e = r.end[col]
  let high = false
  for (let k = s; k < e; k++) {
    const b = buf[k]
    if (b === 9 || b === 10 || b === 13 || b === 92) return false
    if (b > 0x7f) high = true
  }
  // only a UTF-8 column's string is its bytes decoded as UTF-8 (a binary one is decoded dropping a leading BOM)
  return !high || (kind === 'utf8' && isWellFormedUtf8(buf, s, e))
}

/**
 * Item codes of raw rows → their spill field and partition. A code whose bytes the side's normaliser and looseCode
 * return as they are (`KeyNormalizer.asIs`) and the spill need not escape is its own field: its partition is hashed
 * from its bytes, with no string and no cache entry (an item master shows each code once, stock tables a few times
 * in a row). Any other code goes through a per-distinct-value cache of `make`.
 */
class RawItemCodes {
  private readonly asIs: Uint8Array | null
  private readonly cache: RawValueCache<RawItemSlot>
  /** The slot handed out for codes taken as they are (refilled per row: valid during the row). */
  private readonly plain: RawItemSlot = {b: null, loose: EMPTY, partition: 0}

  /** `norm`: the normaliser whose codes are taken as they are (null: none, every code through `make`). */
  constructor(
    norm: KeyNormalizer | null,
    private readonly partitions: number,
    make: (value: unknown) => {field: string; loose?: string; partition: number},
  ) {
    this.asIs = norm === null ? null : asIsField(norm)
    this.cache = new RawValueCache<RawItemSlot>((v, exact) => {
      const s = make(v)
      return {b: fieldBytes(s.field, v, exact), loose: s.loose === undefined ? EMPTY : utf8(s.loose), partition: s.partition}
    })
  }

  get(r: RawRow, col: number): RawItemSlot {
    if (asIsColumn(r, col, this.asIs)) {
      this.plain.partition = partitionOfBytes(r.buf, r.start[col], r.end[col], this.partitions)
      return this.plain
    }
    return this.cache.get(r, col)
  }
}

/**
 * The bytes of codes a side's normaliser and looseCode keep as they are and the spill does not escape (no
 * backslash), or null when the normaliser does not say (then every code goes through the caches).
 */
function asIsField(norm: KeyNormalizer): Uint8Array | null {
  if (norm.asIs === undefined) return null
  const table = Uint8Array.from(norm.asIs)
  table[92] = 0
  return table
}

/** The bytes of units `esc(uomText(v))` keeps as they are: printable ASCII, no space (nothing to trim), no backslash. */
const UOM_AS_IS = (() => {
  const table = new Uint8Array(256)
  for (let b = 0x21; b <= 0x7e; b++) table[b] = b === 92 ? 0 : 1
  return table
})()

/**
 * Whether raw column `col` is text made only of `table`'s bytes (not NULL, not a number: mysql2's string of it is its
 * bytes), so that its spill field is its own bytes. False when `table` is null.
 */
function asIsColumn(r: RawRow, col: number, table: Uint8Array | null): boolean {
  if (table === null) return false
  const s = r.start[col]
  if (s < 0 || r.kinds[col] === 'int') return false
  const {buf} = r
  for (let k = s, e = r.end[col]; k < e; k++) if (table[buf[k]] === 0) return false
  return true
}

/**
 * A spill line of fields taken from a raw row: field i is `fields[i]`, or when that is null the row's column
 * `cols[i]` as it is (nothing for NULL); tab-separated and newline-ended, assembled straight in the partition's slot.
 * The caller sets `fields` for each row, then calls `write`.
 */
class RawFieldsLine {
  readonly fields: Array<Buffer | null>
  /** The kind's lane in the spill, from the first line (a read without rows creates no file). */
  private lane: SpillLane | null = null

  constructor(
    private readonly spill: Spill,
    private readonly kind: string,
    private readonly cols: readonly number[],
  ) {
    this.fields = cols.map(() => null)
  }

  write(r: RawRow, partition: number): void {
    const {fields, cols} = this
    const {start, end} = r
    const n = cols.length
    let max = n
    for (let i = 0; i < n; i++) {
      const f = fields[i]
      max += f === null ? end[cols[i]] - start[cols[i]] : f.length
    }
    if (max > LINE_ROOM) {
      // a line longer than a slot (texts of kilobytes): assembled apart and written as text
      const slot: SpillSlot = {buf: Buffer.allocUnsafe(max), len: 0}
      this.fill(slot, r)
      this.spill.write(this.kind, partition, slot.buf.toString('utf8', 0, slot.len - 1))
      return
    }
    this.fill(this.spill.roomIn((this.lane ??= this.spill.lane(this.kind)), partition, max), r)
  }

  private fill(slot: SpillSlot, r: RawRow): void {
    const {fields, cols} = this
    const out = slot.buf
    let at = slot.len
    for (let i = 0; i < cols.length; i++) {
      if (i > 0) out[at++] = 9
      at = put(out, at, fields[i], r, cols[i])
    }
    out[at++] = 10
    slot.len = at
  }
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
