import {classify, classifyExact, classifyScaled, diffPct, type Status, type Tolerance} from '../reconcile/classify.js'
import {Rational} from '../reconcile/rational.js'
import {DATA_ERROR_CAUSES, EXPLAINED_CAUSES, suggestedAction} from '../reconcile/causes.js'
import {groupCause, looseVarianceKey, lotSwaps} from '../reconcile/cause-groups.js'
import {explainedByTransit, quantityCause} from '../reconcile/key-causes.js'
import {formatDecimal} from '../decimal/decimal.js'
import {AbsSum, addScaled, cmpScaled, ExactScaled, formatScaled, parseScaled, pctText, scaledDigits, scaledToDecimal, ZERO_SCALED, type Scaled} from '../reconcile/scaled.js'
import {Decimal} from '../decimal/decimal.js'
import type {StockConfig} from './config.js'
import {displayLot, looseCode} from '../reconcile/keys.js'
import {KIND} from './read-sides.js'
import {hashJoin, type JoinKey} from './join-hash.js'
import {textPieces, unescapeField as unesc, type Spill} from './spill.js'
import {defaultLooseKey, type SpilledRow} from './sorted-rows.js'
import type {StockVarianceRow} from './types.js'
import type {ItemUnitFacts, UnitConverter} from '../reconcile/units.js'

interface ItemInfo extends ItemUnitFacts {
  cls: string | null
  cat: string | null
  cost: Decimal | null
  name?: string | null
}

/**
 * Sums of one key on one side, per unit label (nearly always one). The warehouse and lot are read from the key when a
 * row needs them (most keys match and never do).
 */
class Agg {
  /** ERP aggregates: the same key's WMS aggregate. */
  partner?: Agg = undefined
  /** Sum in the first unit (parsed lazily). */
  q: Scaled | null = null
  /** Further unit labels of the same key. */
  more?: Map<string, Scaled> = undefined
  /** WMS only: ERP codes the unmapped item / warehouse loosely resemble. */
  looseItem?: string = undefined
  looseWh?: string = undefined

  constructor(
    /** The key as spilled (item, warehouse, lot: escaped, tab-separated). */
    readonly key: string,
    /** A WMS (or in-transit) aggregate; else an ERP one. */
    readonly wms: boolean,
    readonly item: string,
    readonly uom: string,
    /** Quantity text while the key has a single row in its first unit; null once summed. */
    public t: string | null,
    /** The key holds escaped fields. */
    private readonly escaped: boolean,
  ) {}

  get wh(): string {
    const t1 = this.key.indexOf('\t')
    const f = this.key.slice(t1 + 1, this.key.indexOf('\t', t1 + 1))
    return this.escaped ? unesc(f) : f
  }

  get lot(): string {
    const f = this.key.slice(this.key.indexOf('\t', this.key.indexOf('\t') + 1) + 1)
    return this.escaped ? unesc(f) : f
  }
}

export interface HistoryEntry {
  firstSeen: string
  runsSeen: number
}

export interface PartitionEnv {
  cfg: StockConfig
  units: UnitConverter
  extraFactors: Decimal[]
  /** Only items of these classes; empty = all. */
  classes: Set<string>
  /** The previous run's open variances of the partition being reconciled, by key (item\twarehouse\tlot). */
  history: Map<string, HistoryEntry>
  today: string
  showCost: boolean
  /** Emit every key (also matches). */
  all: boolean
  /** Record the warehouses and classes met (a filter is active: one that matches nothing is refused). */
  trackScope: boolean
  tolerance: (info: ItemInfo | undefined) => Tolerance
  /** Scaled unit factors by units and item unit facts (unitFactsKey), kept across partitions (one per thread). */
  factorCache: Map<string, Scaled | null | undefined>
}

export interface UnitWarning {
  item: string
  from: string
  to: string
}

export interface PartitionTotals {
  keys: Record<Status, number>
  causes: Record<string, number>
  sumAbsErp: Decimal
  /** Fast-path part of Σ|erp_qty| (exact). */
  sumAbsErpFast: AbsSum
  sumAbsDiff: Decimal
  /** Scaled-path part of Σ|diff| (exact). */
  sumAbsDiffFast: AbsSum
  /** Σ|value| of over-tolerance and one-sided keys, except those whose cause is an error in the data. */
  valueAtRisk: Decimal
  /** Σ|value| of the keys whose cause is uom_factor, sign or code_format: data to fix, not stock missing. */
  valueInDataErrors: Decimal
  unitWarnings: UnitWarning[]
  unitWarningCount: number
  /** Warehouses and classes of the keys reconciled (only with env.trackScope: a --warehouse/--class filter). */
  seenWarehouses: Set<string>
  seenClasses: Set<string>
  /** Warehouses with at least one key found on both sides. */
  pairedWarehouses: Set<string>
  /** Per warehouse, its keys found on one side only (ERP, WMS): warehousesLiningUpNothing's figures. */
  oneSided: Map<string, {erp: number; wms: number}>
}

export interface PartitionResult {
  /** Rows to report (variances, or every key with `all`), unsorted. */
  rows: StockVarianceRow[]
  /** Every non-matching key, for the run history. */
  variances: StockVarianceRow[]
}

export function emptyTotals(): PartitionTotals {
  return {
    keys: {match: 0, within_tolerance: 0, over_tolerance: 0, only_in_erp: 0, only_in_wms: 0},
    causes: {},
    sumAbsErp: new Decimal(0),
    sumAbsErpFast: new AbsSum(),
    sumAbsDiff: new Decimal(0),
    sumAbsDiffFast: new AbsSum(),
    valueAtRisk: new Decimal(0),
    valueInDataErrors: new Decimal(0),
    unitWarnings: [],
    unitWarningCount: 0,
    seenWarehouses: new Set(),
    seenClasses: new Set(),
    pairedWarehouses: new Set(),
    oneSided: new Map(),
  }
}

/**
 * Aggregate one side's spilled text (lines of item, warehouse, lot, unit, quantity and, for WMS lines, the loose item
 * and warehouse) into `out`: key → the key's ERP aggregate when it has one (its WMS aggregate is its `partner`), else its
 * WMS aggregate. Both sides of a partition share one Map, so each key is hashed and stored once and the WMS side finds
 * its ERP partner with the same lookup (profile at 2,000,000 keys/side: the second side's Map.get/has and the separate
 * Map.set were half of the reconcile's own time). The text is scanned in place (no array of lines); consecutive lines
 * of one item (tables read in key order) share one item string, so the item-attribute lookup hashes it once, and of one
 * unit one unit string; a partition without a backslash has no escaped field to undo. A line of the previous line's
 * key (WMS bins of one key read together) goes to the same aggregate without a lookup.
 */
function loadAggs(text: string, wms: boolean, out: Map<string, Agg>): void {
  const escaped = text.includes('\\')
  const u = escaped ? unesc : (f: string) => f
  let prevItemField: string | null = null
  let prevItem = ''
  let prevUom = ''
  let prevUomField = ''
  /** The aggregate the previous line went to, and its key (a key's bins are usually consecutive lines). */
  let last: Agg | undefined
  let lastKey = ''
  const n = text.length
  for (let start = 0; start < n; ) {
    let nl = text.indexOf('\n', start)
    if (nl < 0) nl = n
    const t1 = text.indexOf('\t', start)
    const t2 = text.indexOf('\t', t1 + 1)
    const t3 = text.indexOf('\t', t2 + 1)
    const t4 = text.indexOf('\t', t3 + 1)
    let t5 = text.indexOf('\t', t4 + 1)
    if (t5 > nl) t5 = -1
    let uom: string
    if (t4 - t3 - 1 === prevUomField.length && text.startsWith(prevUomField, t3 + 1)) uom = prevUom
    else {
      prevUomField = text.slice(t3 + 1, t4)
      uom = prevUom = u(prevUomField)
    }
    const qt = text.slice(t4 + 1, t5 < 0 ? nl : t5)
    const lineStart = start
    start = nl + 1
    let a: Agg | undefined
    if (last !== undefined && t3 - lineStart === lastKey.length && text.startsWith(lastKey, lineStart)) {
      // the previous line's key again (another bin of it): no slice, no lookup
      a = last
    } else {
      const key = text.slice(lineStart, t3)
      lastKey = key
      a = out.get(key)
      if (wms && a !== undefined && !a.wms) {
        if (a.partner === undefined) {
          last = a.partner = newAgg(text, key, t5, nl, uom, qt, true, a.item, escaped)
          continue
        }
        a = a.partner
      } else if (a === undefined) {
        if (prevItemField === null || t1 - lineStart !== prevItemField.length || !text.startsWith(prevItemField, lineStart)) {
          prevItemField = text.slice(lineStart, t1)
          prevItem = u(prevItemField)
        }
        last = newAgg(text, key, t5, nl, uom, qt, wms, prevItem, escaped)
        out.set(key, last)
        continue
      }
      last = a
    }
    if (a.uom === uom) {
      a.q = addScaled(qOf(a), parseScaled(qt))
      a.t = null
    } else {
      a.more ??= new Map()
      const m = a.more.get(uom)
      a.more.set(uom, m === undefined ? parseScaled(qt) : addScaled(m, parseScaled(qt)))
    }
  }
}

function newAgg(text: string, key: string, t5: number, nl: number, uom: string, qt: string, wms: boolean, item: string, escaped: boolean): Agg {
  const agg = new Agg(key, wms, item, uom, qt, escaped)
  if (wms && t5 >= 0 && t5 < nl - 2) {
    // WMS lines end with the loose item and warehouse (usually both empty)
    const t6 = text.indexOf('\t', t5 + 1)
    const li = text.slice(t5 + 1, t6)
    const lw = text.slice(t6 + 1, nl)
    if (li !== '') agg.looseItem = escaped ? unesc(li) : li
    if (lw !== '') agg.looseWh = escaped ? unesc(lw) : lw
  }
  return agg
}

/**
 * Compare text a[as, ae) with text b[bs, be) in code point order (the order of their UTF-8 bytes, see cmpBytes: the
 * byte join and this text join must sort keys alike): -1, 0, 1.
 */
function cmpRange(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const la = ae - as
  const lb = be - bs
  const n = la < lb ? la : lb
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(as + i)
    const y = b.charCodeAt(bs + i)
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1
  }
  return la === lb ? 0 : la < lb ? -1 : 1
}

/** A UTF-16 unit's place in code point order: surrogates (characters above U+FFFF) after U+E000..U+FFFF. */
function codePointRank(c: number): number {
  return c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800
}

/** One spilled line's field boundaries (absolute offsets in the partition text). */
class LineCursor {
  start = 0
  t1 = 0
  t3 = 0
  t4 = 0
  /** End of the quantity (the fifth tab, or the end of the line). */
  qe = 0
  t5 = -1
  nl = 0
  constructor(readonly text: string) {}

  /** Read the line at `start`; false at the end of the text. */
  at(start: number): boolean {
    const text = this.text
    if (start >= text.length) return false
    this.start = start
    let nl = text.indexOf('\n', start)
    if (nl < 0) nl = text.length
    this.nl = nl
    this.t1 = text.indexOf('\t', start)
    this.t3 = text.indexOf('\t', text.indexOf('\t', this.t1 + 1) + 1)
    this.t4 = text.indexOf('\t', this.t3 + 1)
    let t5 = text.indexOf('\t', this.t4 + 1)
    if (t5 > nl) t5 = -1
    this.t5 = t5
    this.qe = t5 < 0 ? nl : t5
    return true
  }
}

/**
 * The partition's keys when both sides are in strictly ascending key order: walk both texts once, count a key whose
 * two lines carry the same quantity text in the same unit (the item's unit, or no item unit) as a match without
 * building anything, and hand every other key to `visit` as aggregates, in the order the Map would give (ERP keys in
 * read order, then the WMS-only keys in theirs). Profile at 2,000,000 keys/side (same-shape tables): the Map's
 * hashing and the aggregates were most of the reconcile.
 */
function mergeJoin(erpText: string, wmsText: string, items: Map<string, RawItem>, totals: PartitionTotals, visit: (key: string, e: Agg | undefined, w: Agg | undefined) => void): void {
  const escaped = erpText.includes('\\') || wmsText.includes('\\')
  const u = escaped ? unesc : (f: string) => f
  const e = new LineCursor(erpText)
  const w = new LineCursor(wmsText)
  let prevItemField = ''
  let prevItem = ''
  let prevRaw: RawItem | undefined
  let itemKnown = false
  let prevUomField = ''
  let prevUom = ''
  const itemOf = (c: LineCursor): string => {
    const t = c.text
    if (!itemKnown || c.t1 - c.start !== prevItemField.length || !t.startsWith(prevItemField, c.start)) {
      prevItemField = t.slice(c.start, c.t1)
      prevItem = u(prevItemField)
      prevRaw = items.size > 0 ? items.get(prevItem) : undefined
      itemKnown = true
    }
    return prevItem
  }
  const uomOf = (c: LineCursor): string => {
    const t = c.text
    if (c.t4 - c.t3 - 1 !== prevUomField.length || !t.startsWith(prevUomField, c.t3 + 1)) {
      prevUomField = t.slice(c.t3 + 1, c.t4)
      prevUom = u(prevUomField)
    }
    return prevUom
  }
  const agg = (c: LineCursor, wms: boolean, item: string): Agg => newAgg(c.text, c.text.slice(c.start, c.t3), c.t5, c.nl, uomOf(c), c.text.slice(c.t4 + 1, c.qe), wms, item, escaped)
  const wmsOnly: Agg[] = []
  let he = e.at(0)
  let hw = w.at(0)
  while (he && hw) {
    // the key with its tab: the order of joinBytes (keyOrder)
    const c = cmpRange(erpText, e.start, e.t3 + 1, wmsText, w.start, w.t3 + 1)
    if (c < 0) {
      const ea = agg(e, false, itemOf(e))
      visit(ea.key, ea, undefined)
      he = e.at(e.nl + 1)
    } else if (c > 0) {
      wmsOnly.push(agg(w, true, itemOf(w)))
      hw = w.at(w.nl + 1)
    } else {
      const item = itemOf(e)
      const uom = uomOf(e)
      const target = prevRaw?.uom
      if (
        cmpRange(erpText, e.t3 + 1, e.qe, wmsText, w.t3 + 1, w.qe) === 0 &&
        (target === undefined || target === '' || target === uom)
      ) {
        // the fastest path of visit: the same unit and decimal text on both sides (the text from the unit to the
        // quantity's end), the item's unit or none
        totals.keys.match++
        if (e.qe - e.t4 !== 2 || erpText.charCodeAt(e.t4 + 1) !== 48) totals.sumAbsErpFast.addRange(erpText, e.t4 + 1, e.qe)
      } else {
        const ea = agg(e, false, item)
        visit(ea.key, ea, agg(w, true, item))
      }
      he = e.at(e.nl + 1)
      hw = w.at(w.nl + 1)
    }
  }
  for (; he; he = e.at(e.nl + 1)) {
    const ea = agg(e, false, itemOf(e))
    visit(ea.key, ea, undefined)
  }
  for (; hw; hw = w.at(w.nl + 1)) wmsOnly.push(agg(w, true, itemOf(w)))
  for (const wa of wmsOnly) visit(wa.key, undefined, wa)
}

/** Compare bytes a[as, ae) with b[bs, be) (UTF-8: code point order, as cmpRange on the decoded text): -1, 0, 1. */
function cmpBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as
  const lb = be - bs
  const n = la < lb ? la : lb
  for (let i = 0; i < n; i++) {
    const x = a[as + i]
    const y = b[bs + i]
    if (x !== y) return x < y ? -1 : 1
  }
  return la === lb ? 0 : la < lb ? -1 : 1
}

/**
 * The order of the keys of two spilled lines a[as…] and b[bs…] (bytes, each ending with a newline): the key with its
 * tab (item, warehouse, lot, tab) in code point order, as mergeJoin's cmpRange: -1, 0 (the same key), 1.
 */
function keyOrder(a: Uint8Array, as: number, b: Uint8Array, bs: number): number {
  let tabs = 0
  for (let i = 0; ; i++) {
    const x = a[as + i]
    const y = b[bs + i]
    if (x !== y) return x < y ? -1 : 1
    if ((x === 9 && ++tabs === 3) || x === 10) return 0
  }
}

/** Whether a line's unit is its item's unit (or the item has none): decodes the item once per item, the unit once per unit. */
class ItemUnitCheck {
  private is = -1
  private ie = -1
  private target: string | undefined = undefined
  private us = -1
  private ue = -1
  private uom = ''
  constructor(
    private readonly b: Buffer,
    private readonly items: Map<string, RawItem>,
  ) {}

  /** The line at `start`, its quantity after the tab at `t4`. */
  ok(start: number, t4: number): boolean {
    const b = this.b
    let t1 = start
    while (b[t1] !== 9) t1++
    if (this.is < 0 || cmpBytes(b, this.is, this.ie, b, start, t1) !== 0) {
      this.is = start
      this.ie = t1
      const t = this.items.get(unesc(b.toString('utf8', start, t1)))?.uom
      this.target = t === '' ? undefined : t
    }
    if (this.target === undefined) return true
    let t3 = t4 - 1
    while (b[t3] !== 9) t3--
    if (this.us < 0 || cmpBytes(b, this.us, this.ue, b, t3 + 1, t4) !== 0) {
      this.us = t3 + 1
      this.ue = t4
      this.uom = unesc(b.toString('utf8', this.us, this.ue))
    }
    return this.uom === this.target
  }
}

/** The high bit of each byte (SWAR zero-byte test), as an int32. */
const NL_HIGH = 0x80808080 | 0

/** The index (0-3) of the lowest non-zero byte of a non-zero little-endian word. */
function lowByte(w: number): number {
  return (31 - Math.clz32(w & -w)) >> 3
}

/** Line ranges (start, end) left to decode by joinBytes (module scratch, reused per partition). */
const LEFT_ERP: number[] = []
const LEFT_WMS: number[] = []
/** Σ|erp qty| of one partition's byte-matched keys, added to the totals only once the partition is known to join. */
const JOIN_ABS = new AbsSum()
let leftBuf = Buffer.alloc(0)

/** The lines at `ranges` of `b`, as one text (each line with its newline). */
function leftText(b: Buffer, ranges: number[]): string {
  if (ranges.length === 0) return ''
  let total = 0
  for (let i = 0; i < ranges.length; i += 2) total += ranges[i + 1] - ranges[i] + 1
  if (leftBuf.length < total) leftBuf = Buffer.allocUnsafe(Math.max(total, 2 * leftBuf.length))
  let at = 0
  for (let i = 0; i < ranges.length; i += 2) {
    at += b.copy(leftBuf, at, ranges[i], ranges[i + 1])
    leftBuf[at++] = 10
  }
  return leftBuf.toString('utf8', 0, at)
}

/**
 * The rest of one side once the other has run out (lines from `s` to `n`): every line is one-sided and goes to `out`
 * as [start, end]. False when a line is not strictly after the one before (`prev`): the side is not in key order.
 */
function pushRest(b: Buffer, prev: number, s: number, n: number, out: number[]): boolean {
  while (s < n) {
    if (prev >= 0 && keyOrder(b, prev, b, s) >= 0) return false
    let nl = s
    while (b[nl] !== 10) nl++
    out.push(s, nl)
    prev = s
    s = nl + 1
  }
  return true
}

/**
 * The merge-join on the partition's bytes, for sides in strictly ascending key order (tables read in key order, same
 * codes): walk both sides' bytes once and count a key whose two lines carry the same unit and quantity bytes (in the
 * item's unit, or no item unit) as a match, its |ERP quantity| read from the digits, without creating any string. The
 * other lines (keys that differ or are on one side only) come back as two small texts, ERP and WMS, still in key
 * order, for mergeJoin and visit: causes, tolerance, units, history exactly as for any key. Null, nothing counted,
 * when a side is not in strictly ascending key order (several bins per key, tables read in another order): the
 * caller takes the Map. Profile at 2,000,000 keys/side (same-shape tables): decoding both partitions to text, the
 * order check and the text join were ~90% of the reconcile. The usual key (the ERP line the start of the WMS line)
 * goes through matchRun, a word at a time. Exported for its tests.
 */
export function joinBytes(eb: Buffer, wb: Buffer, items: Map<string, RawItem>, totals: PartitionTotals): [string, string] | null {
  const en = eb.length
  const wn = wb.length
  // every spilled line ends with a newline: the scans below stop at one
  if ((en > 0 && eb[en - 1] !== 10) || (wn > 0 && wb[wn - 1] !== 10)) return null
  const unit = items.size === 0 ? null : new ItemUnitCheck(eb, items)
  LEFT_ERP.length = 0
  LEFT_WMS.length = 0
  JOIN_ABS.take()
  const j = JOIN
  j.es = 0
  j.ws = 0
  // the previous line of each side (order checks)
  j.eps = -1
  j.wps = -1
  j.matches = 0
  j.accV = 0
  j.accS = -1
  const dvE = new DataView(eb.buffer, eb.byteOffset, en)
  const dvW = new DataView(wb.buffer, wb.byteOffset, wn)
  /** The ERP line whose order against the line before was checked (each is checked once, when reached). */
  let checked = -1
  for (;;) {
    // the usual key first: the same bytes on both sides, word by word (matchRun); then one step the byte way
    matchRun(eb, wb, dvE, dvW, unit, j)
    let es = j.es
    let ws = j.ws
    if (es >= en || ws >= wn) break
    const eps = j.eps
    if (checked !== es) {
      if (eps >= 0 && keyOrder(eb, eps, eb, es) >= 0) return null
      checked = es
    }
    // one pass over the ERP line and the WMS line: the key's order, or whether the unit and quantity match too
    let i = 0
    let tabs = 0
    let t4 = -1
    let x = eb[es]
    let y = wb[ws]
    while (x === y && x !== 10) {
      if (x === 9 && ++tabs === 4) t4 = es + i
      i++
      x = eb[es + i]
      y = wb[ws + i]
    }
    if (tabs < 3 && x !== y) {
      if (x < y) {
        // only in the ERP
        let nl = es + i
        while (eb[nl] !== 10) nl++
        LEFT_ERP.push(es, nl)
        j.eps = es
        j.es = nl + 1
      } else {
        // only in the WMS: its order is checked here (a WMS key equal to an ERP key is above the previous WMS key
        // whenever the ERP side is in order)
        if (j.wps >= 0 && keyOrder(wb, j.wps, wb, ws) >= 0) return null
        let nl = ws + i
        while (wb[nl] !== 10) nl++
        LEFT_WMS.push(ws, nl)
        j.wps = ws
        j.ws = nl + 1
      }
      continue
    }
    // the same key: the same unit and quantity bytes when the ERP line ended where the WMS quantity ends
    let enl = es + i
    let wnl = ws + i
    while (wb[wnl] !== 10) wnl++
    if (x === 10 && (y === 9 || y === 10) && tabs === 4 && (unit === null || unit.ok(es, t4))) {
      j.matches++
      if (enl - t4 !== 2 || eb[t4 + 1] !== 48) JOIN_ABS.addRange(eb, t4 + 1, enl)
    } else {
      while (eb[enl] !== 10) enl++
      LEFT_ERP.push(es, enl)
      LEFT_WMS.push(ws, wnl)
    }
    j.eps = es
    j.es = es = enl + 1
    j.wps = ws
    j.ws = ws = wnl + 1
  }
  if (!pushRest(eb, j.eps, j.es, en, LEFT_ERP) || !pushRest(wb, j.wps, j.ws, wn, LEFT_WMS)) return null
  if (j.accV > 0) JOIN_ABS.add({v: BigInt(j.accV), s: j.accS})
  totals.keys.match += j.matches
  totals.sumAbsErpFast.add(JOIN_ABS.take())
  return [leftText(eb, LEFT_ERP), leftText(wb, LEFT_WMS)]
}

/** Where joinBytes is (module scratch, reused per partition): read and advanced by matchRun. */
const JOIN = {
  /** The next ERP and WMS lines. */
  es: 0,
  ws: 0,
  /** The previous ERP and WMS lines (-1: none). */
  eps: -1,
  wps: -1,
  matches: 0,
  /** Σ|qty| of the matches in one scale, as an exact integer (flushed to JOIN_ABS before it could pass 2^53). */
  accV: 0,
  accS: -1,
}

/**
 * joinBytes' hot loop, kept small (V8 compiles and keeps it optimised at once): from j.es / j.ws, count every key whose
 * ERP line is the start of its WMS line (the same key, unit and quantity bytes; the WMS line ending there or going on
 * with its loose fields), in the item's unit (or none), with a plain quantity of at most 15 digits, strictly after the
 * previous ERP key; stop at the first pair that is anything else, for joinBytes' byte step. The lines are compared
 * four bytes at a time up to the first difference or ERP newline, the quantity is read backwards from the newline,
 * and the key's order against the previous ERP line is checked four bytes at a time. Profile at 2,000,000 keys/side
 * (same-shape tables): the byte-by-byte walk was a third of the reconcile.
 */
function matchRun(eb: Buffer, wb: Buffer, dvE: DataView, dvW: DataView, unit: ItemUnitCheck | null, j: typeof JOIN): void {
  const en = eb.length
  const wn = wb.length
  let es = j.es
  let ws = j.ws
  let eps = j.eps
  let wps = j.wps
  let accV = j.accV
  let accS = j.accS
  let matches = 0
  while (es < en && ws < wn) {
    let i = 0
    const lim = (en - es < wn - ws ? en - es : wn - ws) - 4
    for (;;) {
      if (i > lim) {
        while (eb[es + i] === wb[ws + i] && eb[es + i] !== 10) i++
        break
      }
      const a = dvE.getInt32(es + i, true)
      // the first differing byte, or the first ERP newline (both lines end there: a WMS line without loose fields)
      const t = a ^ 0x0a0a0a0a
      const stop = (a ^ dvW.getInt32(ws + i, true)) | ((t - 0x01010101) & ~t & NL_HIGH)
      if (stop !== 0) {
        i += lowByte(stop)
        break
      }
      i += 4
    }
    const y = wb[ws + i]
    const enl = es + i
    if (eb[enl] !== 10 || (y !== 9 && y !== 10)) break
    // the quantity, backwards from the newline: [+-]digits[.digits]
    let q = enl - 1
    let v = 0
    let pw = 1
    let digits = 0
    let s = -1
    let c = eb[q]
    for (;;) {
      if (c >= 48 && c <= 57) {
        v += (c - 48) * pw
        pw *= 10
        digits++
      } else if (c === 46 && s < 0) s = digits
      else break
      c = eb[--q]
    }
    if (c === 45 || c === 43) c = eb[--q]
    if (c !== 9 || digits === 0 || digits > 15) break
    let t3 = q - 1
    while (eb[t3] !== 9) t3--
    // strictly after the previous ERP key: the first differing byte lies within the key (or its tab) and is larger
    if (eps >= 0) {
      const kn = t3 - es
      let k = 0
      for (;;) {
        if (k > kn - 3) {
          while (k <= kn && eb[eps + k] === eb[es + k]) k++
          break
        }
        const d = dvE.getInt32(eps + k, true) ^ dvE.getInt32(es + k, true)
        if (d !== 0) {
          k += lowByte(d)
          break
        }
        k += 4
      }
      if (k > kn || eb[eps + k] > eb[es + k]) break
    }
    if (unit !== null && !unit.ok(es, q)) break
    matches++
    if (s < 0) s = 0
    if (s !== accS || accV > 8e15) {
      if (accV > 0) JOIN_ABS.add({v: BigInt(accV), s: accS})
      accV = 0
      accS = s
    }
    accV += v
    let wnl = ws + i
    while (wb[wnl] !== 10) wnl++
    eps = es
    es = enl + 1
    wps = ws
    ws = wnl + 1
  }
  j.es = es
  j.ws = ws
  j.eps = eps
  j.wps = wps
  j.accV = accV
  j.accS = accS
  j.matches += matches
}

/** The key's quantity in its first unit (parsed on first use: most keys are compared as text and never parsed). */
function qOf(a: Agg): Scaled {
  return a.q ?? (a.q = parseScaled(a.t!))
}

/** Raw item attributes as spilled; numbers stay text until a variance needs them. */
interface RawItem {
  name?: string | null
  uom?: string
  cls: string | null
  cat: string | null
  cost: string | null
  pack: string | null
  /** The item's units table as spilled: per line, unit (escaped), tab, factor; parsed by infoOf. */
  units: string[] | null
  /** Decimal view, built on first use. */
  info?: ItemInfo
  /** What the item's unit factors depend on, as text (unitFactsKey). */
  facts?: string
}


function loadItems(spill: Spill, p: number): Map<string, RawItem> {
  const items = new Map<string, RawItem>()
  // scanned in place, a piece of whole lines at a time (no array of lines, no array of fields per line: profile at
  // 2,000,000 keys/side, bins plant, 400,000 items: Spill.lines and split were most of loading the items)
  const same = (f: string) => f
  textPieces(spill.bytes(KIND.items, p, 0), (text) => {
    const u = text.includes('\\') ? unesc : same
    const n = text.length
    for (let s = 0; s < n; ) {
      let nl = text.indexOf('\n', s)
      if (nl < 0) nl = n
      const t1 = text.indexOf('\t', s)
      const t2 = text.indexOf('\t', t1 + 1)
      const t3 = text.indexOf('\t', t2 + 1)
      const t4 = text.indexOf('\t', t3 + 1)
      const t5 = text.indexOf('\t', t4 + 1)
      let t6 = text.indexOf('\t', t5 + 1)
      if (t6 > nl) t6 = -1
      items.set(u(text.slice(s, t1)), {
        uom: t2 === t1 + 1 ? undefined : u(text.slice(t1 + 1, t2)),
        cls: t3 === t2 + 1 ? null : u(text.slice(t2 + 1, t3)),
        cat: t4 === t3 + 1 ? null : u(text.slice(t3 + 1, t4)),
        cost: t5 === t4 + 1 ? null : text.slice(t4 + 1, t5),
        pack: (t6 < 0 ? nl : t6) === t5 + 1 ? null : text.slice(t5 + 1, t6 < 0 ? nl : t6),
        name: t6 < 0 || t6 + 1 === nl ? null : u(text.slice(t6 + 1, nl)),
        units: null,
      })
      s = nl + 1
    }
  })
  // an item's units are consecutive lines (the table's key order): looked up once; kept as text until needed
  let prevField = ''
  let raw: RawItem | undefined
  textPieces(spill.bytes(KIND.units, p, 0), (text) => {
    const n = text.length
    for (let s = 0; s < n; ) {
      let nl = text.indexOf('\n', s)
      if (nl < 0) nl = n
      const t = text.indexOf('\t', s)
      if (raw === undefined || t - s !== prevField.length || !text.startsWith(prevField, s)) {
        prevField = text.slice(s, t)
        const item = unesc(prevField)
        raw = items.get(item)
        if (!raw) {
          raw = {cls: null, cat: null, cost: null, pack: null, units: null}
          items.set(item, raw)
        }
      }
      ;(raw.units ??= []).push(text.slice(t + 1, nl))
      s = nl + 1
    }
  })
  return items
}

/**
 * Everything UnitConverter.factor reads of an item (its unit, pack size and units table), as text: items with the same
 * facts convert alike, so the scaled factors are cached across items and partitions by it (PartitionEnv.factorCache).
 * Profile at 2,000,000 keys/side (bins plant): building each item's Decimal facts to convert a handful of keys was 11%
 * of the reconcile; the plant has 16 pack sizes and 29 unit factors for 400,000 items.
 */
function unitFactsKey(raw: RawItem): string {
  // the unit with its length (any character may be in a unit), the pack size (a number), the units table as spilled
  // (escaped units: no newline)
  const uom = raw.uom ?? ''
  const k = `${uom.length}:${uom}\u0002${raw.pack ?? ''}`
  return raw.units === null ? k : `${k}\u0002${raw.units.join('\n')}`
}

/** Entries of the factor cache before it starts again (distinct unit facts are few: bounded memory all the same). */
const FACTOR_CACHE_MAX = 20_000

function infoOf(raw: RawItem | undefined): ItemInfo | undefined {
  if (raw === undefined) return undefined
  if (raw.info === undefined) {
    raw.info = {
      uom: raw.uom,
      cls: raw.cls,
      name: raw.name ?? null,
      cat: raw.cat,
      cost: raw.cost === null ? null : new Decimal(raw.cost),
      packSize: raw.pack === null ? undefined : new Decimal(raw.pack),
      factors: raw.units === null ? undefined : new Map(raw.units.map((l) => [unesc(l.slice(0, l.indexOf('\t'))), new Decimal(l.slice(l.indexOf('\t') + 1))])),
    }
  }
  return raw.info
}

/**
 * hashJoin's decision for one key (one ERP line, WMS bins in one unit, plain quantities): a match, counted, when both
 * sides in the key's target unit (the item's, else the ERP line's) are equal, exactly as visit decides it; Σ|erp| gets
 * the ERP quantity in the target unit, as visit adds it. False (the general path decides) when a unit needs a factor
 * there is no rule for (visit warns) or one that does not terminate, or when the quantities differ.
 */
function settleKey(items: Map<string, RawItem>, totals: PartitionTotals, factor: (from: string, target: string, raw: RawItem | undefined) => Scaled | null | undefined): (k: JoinKey) => boolean {
  // consecutive keys of one item (and of one unit) decode it once
  let itemBuf: Buffer | null = null
  let is = 0
  let ie = 0
  let raw: RawItem | undefined
  // the last factor asked (a key's bins and the next keys of its item convert alike)
  let fRaw: RawItem | undefined | null = null
  let fFrom = ''
  let fTarget = ''
  let fVal: Scaled | null | undefined
  const factorOf = (from: string, target: string): Scaled | null | undefined => {
    if (fRaw !== raw || fFrom !== from || fTarget !== target) {
      fVal = factor(from, target, raw)
      fRaw = raw
      fFrom = from
      fTarget = target
    }
    return fVal
  }
  return (k) => {
    if (itemBuf !== k.eb || !sameRange(k.eb, is, ie, k.eb, k.es, k.et1)) {
      itemBuf = k.eb
      is = k.es
      ie = k.et1
      raw = items.size > 0 ? items.get(k.eb.toString('utf8', k.es, k.et1)) : undefined
    }
    const eu = unitText(k.eb, k.eu0, k.eu1)
    const wu = unitText(k.wb, k.wu0, k.wu1)
    const target = raw?.uom ?? eu
    const eAs = eu === target || target === '' || eu === ''
    const wAs = wu === target || target === '' || wu === ''
    if (eAs && wAs) {
      if (!sameValue(k.ev, k.esc, k.wv, k.wsc)) return false
      totals.keys.match++
      totals.sumAbsErpFast.addDigits(Math.abs(k.ev), k.esc)
      return true
    }
    let e: Scaled = {v: BigInt(k.ev), s: k.esc}
    let w: Scaled = {v: BigInt(k.wv), s: k.wsc}
    if (!eAs) {
      const f = factorOf(eu, target)
      if (f === null || f === undefined) return false
      e = {v: e.v * f.v, s: e.s + f.s}
    }
    if (!wAs) {
      const f = factorOf(wu, target)
      if (f === null || f === undefined) return false
      w = {v: w.v * f.v, s: w.s + f.s}
    }
    if (cmpScaled(e, w) !== 0) return false
    totals.keys.match++
    totals.sumAbsErpFast.add(e)
    return true
  }
}

/**
 * Texts of short byte strings (units: a few distinct values), cached by their bytes packed into a number (up to six
 * bytes and the length: exact in a double), so that a unit is decoded once per thread, with no string or Buffer made
 * per key; longer ones are decoded each time.
 */
const unitTexts = new Map<number, string>()
function unitText(b: Buffer, s: number, e: number): string {
  const n = e - s
  if (n > 6) return b.toString('utf8', s, e)
  let k = n
  for (let i = s; i < e; i++) k = k * 256 + b[i]
  let t = unitTexts.get(k)
  if (t === undefined) {
    if (unitTexts.size >= 4096) unitTexts.clear()
    t = b.toString('utf8', s, e)
    unitTexts.set(k, t)
  }
  return t
}

/** a[as, ae) and b[bs, be) hold the same bytes (short fields: a loop beats a native call). */
function sameRange(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false
  return true
}

/** a / 10^as = b / 10^bs, exactly, for integers below 9e15. */
function sameValue(a: number, as: number, b: number, bs: number): boolean {
  if (as === bs) return a === b
  if (as < bs) return sameValue(b, bs, a, as)
  // scale b up to `as` digits: exact while below 2^53, else as BigInt
  const m = b * 10 ** (as - bs)
  if (Math.abs(m) < 4e15) return a === m
  return BigInt(a) === BigInt(b) * 10n ** BigInt(as - bs)
}

/** Operands of at most this many digits: their products stay within Decimal's 80 digits, so exact answers agree. */
const EXACT_DIGITS = 38
/** Known factors as scaled numbers per item facts (per thread; items without facts share NO_INFO). */
const NO_INFO = {}
const knownScaledByEnv = new WeakMap<PartitionEnv, WeakMap<object, ExactScaled[] | null>>()

const ZERO_DECIMAL = new Decimal(0)

/** An open variance of a partition (for the group causes): its quantities as Decimal only when a group asks. */
class Open {
  private e: Decimal | undefined = undefined
  private w: Decimal | undefined = undefined
  constructor(
    readonly row: StockVarianceRow,
    private readonly eDec: () => Decimal,
    private readonly wDec: () => Decimal,
    readonly erpAgg: Agg | undefined,
    readonly wmsAgg: Agg | undefined,
  ) {}

  get erpD(): Decimal {
    return (this.e ??= this.eDec())
  }

  get wmsD(): Decimal {
    return (this.w ??= this.wDec())
  }
}

/** Places shown for quantities converted through a non-terminating factor (decisions are exact, see Rational). */
const DISPLAY_PLACES = 20

/** diff × unit cost of a reported row (when the item has a cost), for valuation even when costs are not shown. */
export const rowValue = new WeakMap<StockVarianceRow, Decimal>()

/**
 * Reconcile one hash partition: aggregate both sides per key (exact scaled integers), convert to the ERP unit, classify,
 * and explain. Matching keys with one unit on both sides never leave the BigInt fast path.
 */
export function reconcilePartition(spill: Spill, p: number, env: PartitionEnv, totals: PartitionTotals): PartitionResult {
  const items = loadItems(spill, p)
  const warn = (item: string, from: string, to: string) => {
    totals.unitWarningCount++
    if (totals.unitWarnings.length < 20) totals.unitWarnings.push({item, from, to})
  }
  /** Sum of a key in `target` units: a Scaled when no conversion is needed, else a Decimal. */
  const cache = env.factorCache
  /** Factor from → target as an exact scaled integer; null when it does not terminate; undefined when no rule. */
  const scaledFactor = (from: string, target: string, raw: RawItem | undefined): Scaled | null | undefined => {
    const key = `${from}\u0001${target}\u0001${raw === undefined ? '' : (raw.facts ??= unitFactsKey(raw))}`
    if (cache.has(key)) return cache.get(key)
    if (cache.size >= FACTOR_CACHE_MAX) cache.clear()
    const f = env.units.factor(from, target, infoOf(raw))
    let out: Scaled | null | undefined
    if (f === null) out = undefined
    else {
      const text = f.toFixed()
      out = text.length - text.indexOf('.') > 30 && text.includes('.') ? null : parseScaled(text)
    }
    cache.set(key, out)
    return out
  }
  const eb = spill.bytes(KIND.erp, p, 0)
  const wb = spill.bytes(KIND.wms, p, 1)
  const fast = !env.all && !env.trackScope && env.classes.size === 0
  // both sides in strictly ascending key order (tables read in key order, same codes): matches counted on the bytes,
  // the other lines merge-joined as text (joinBytes), no Map
  const left = fast ? joinBytes(eb, wb, items, totals) : null
  // else the byte hash join settles the keys that match (bins summed as digits), the rest goes through the Map
  const rest = fast && left === null ? hashJoin(eb, wb, settleKey(items, totals, scaledFactor)) : null
  const keys = new Map<string, Agg>()
  if (left === null) {
    // decoded in pieces of whole lines (textPieces: no partition-sized string)
    textPieces(rest === null ? eb : rest[0], (text) => loadAggs(text, false, keys))
    textPieces(rest === null ? wb : rest[1], (text) => loadAggs(text, true, keys))
  }
  const transit = new Map<string, Agg>()
  textPieces(spill.bytes(KIND.transit, p, 0), (text) => loadAggs(text, true, transit))
  for (const k of [KIND.items, KIND.units, KIND.erp, KIND.wms, KIND.transit]) spill.drop(k, p)

  /**
   * Sum of a key in `target` units: exact scaled integers whenever the conversion factors terminate (the usual case:
   * 1000, 0.001, 0.125…), else an exact rational (e.g. pieces ÷ 12 per box).
   */
  const inTarget = (a: Agg, target: string, raw: RawItem | undefined): Scaled | Rational => {
    if (a.more === undefined && (a.uom === target || target === '' || a.uom === '')) return qOf(a)
    const parts: Array<[string, Scaled]> = [[a.uom, qOf(a)], ...(a.more ?? [])]
    let sum: Scaled = {v: 0n, s: 0}
    let exact = true
    for (const [uom, q] of parts) {
      if (uom === target || uom === '' || target === '') {
        sum = addScaled(sum, q)
        continue
      }
      const f = scaledFactor(uom, target, raw)
      if (f === undefined) {
        warn(a.item, uom, target)
        sum = addScaled(sum, q)
      } else if (f === null) {
        exact = false
        break
      } else sum = addScaled(sum, {v: q.v * f.v, s: q.s + f.s})
    }
    if (exact) return sum
    // a factor that does not terminate (÷ 12, a 30-decimal factor): exact rationals, rounded only for display
    const info = infoOf(raw)
    let r = Rational.ZERO
    for (const [uom, q] of parts) {
      const x = Rational.fromScaled(q)
      const f = uom === target || uom === '' || target === '' ? null : env.units.exactFactor(uom, target, info)
      r = r.plus(f === null ? x : x.times(f))
    }
    return r
  }
  const dec = (v: Scaled | Rational): Decimal => (v instanceof Rational ? v.toDecimal(DISPLAY_PLACES) : scaledToDecimal(v))
  const fmt = (v: Scaled | Rational | null): string | null => (v === null ? null : v instanceof Rational ? formatDecimal(v.toDecimal(DISPLAY_PLACES)) : formatScaled(v))
  const rat = (v: Scaled | Rational): Rational => (v instanceof Rational ? v : Rational.fromScaled(v))

  const open: Open[] = []
  const rows: StockVarianceRow[] = []

  /** Known unit factors as exact scaled numbers per item facts (null: one is too long for the exact path). */
  let knownScaled = knownScaledByEnv.get(env)
  if (knownScaled === undefined) knownScaledByEnv.set(env, (knownScaled = new WeakMap()))
  const scaledFactors = (info: ItemInfo | undefined): ExactScaled[] | null => {
    const key = info ?? NO_INFO
    let f = knownScaled.get(key)
    if (f === undefined) {
      const list = env.units.knownFactors(info, env.extraFactors).map((d) => ExactScaled.of(parseScaled(d.toFixed())))
      f = list.some((x) => scaledDigits(x) > EXACT_DIGITS) ? null : list
      knownScaled.set(key, f)
    }
    return f
  }
  /** quantityCause on scaled integers; undefined (Decimal decides) when an operand is longer than EXACT_DIGITS. */
  const scaledCause = (e: Scaled, w: Scaled, info: ItemInfo | undefined): 'sign' | 'uom_factor' | null | undefined => {
    if (scaledDigits(e) > EXACT_DIGITS || scaledDigits(w) > EXACT_DIGITS) return undefined
    const cause = quantityCause(ExactScaled.of(e), ExactScaled.of(w), () => scaledFactors(info) ?? [])
    // a factor too long for the exact path: Decimal decides (it also rounds products beyond 80 digits)
    if (cause !== 'sign' && scaledFactors(info) === null) return undefined
    return cause
  }

  // consecutive keys of one item (most of them) look its attributes up once
  let lastItem: string | undefined
  let lastRaw: RawItem | undefined
  let lastPaired: string | undefined
  const visit = (key: string, e: Agg | undefined, w: Agg | undefined): void => {
    const any = (e ?? w)!
    if (any.item !== lastItem) {
      lastItem = any.item
      lastRaw = items.get(lastItem)
    }
    const raw = lastRaw
    if (env.classes.size > 0 && !(raw?.cls && env.classes.has(raw.cls))) return
    if (env.trackScope) {
      totals.seenWarehouses.add(any.wh)
      if (raw?.cls) totals.seenClasses.add(raw.cls)
    }
    if (e !== undefined && w !== undefined && any.wh !== lastPaired) {
      lastPaired = any.wh
      totals.pairedWarehouses.add(any.wh)
    }
    const target = raw?.uom ?? e?.uom ?? w?.uom ?? ''
    // fastest path: one row in the target unit on each side, the same decimal text
    if (e !== undefined && w !== undefined && e.t !== null && e.t === w.t && e.more === undefined && w.more === undefined && e.uom === w.uom && (e.uom === target || target === '')) {
      totals.keys.match++
      if (e.t.charCodeAt(0) !== 48 || e.t.length > 1) totals.sumAbsErpFast.addText(e.t)
      if (env.all) rows.push(makeRow(e, target, formatScaled(qOf(e)), formatScaled(qOf(e)), '0', null, 'match', raw))
      return
    }
    const eq = e ? inTarget(e, target, raw) : null
    const wq = w ? inTarget(w, target, raw) : null

    // fast path: both sides present, same unit, equal
    if (eq !== null && wq !== null && !(eq instanceof Rational) && !(wq instanceof Rational) && cmpScaled(eq, wq) === 0) {
      totals.keys.match++
      totals.sumAbsErpFast.add(eq)
      if (env.all) rows.push(makeRow(any, target, fmt(eq), fmt(wq), '0', null, 'match', raw))
      return
    }
    const info = infoOf(raw)
    // converted through a non-terminating factor: decide on exact rationals (cross-multiplied), display rounded
    const exactR = eq instanceof Rational || wq instanceof Rational
    const tol = env.tolerance(info)
    // the usual variance: classified, differenced and summed on the scaled integers (the same answers as Decimal,
    // without it: profile at 2,000,000 keys/side, same-shape tables, 8,000 variances); Decimal when too long or rational
    const sStatus = exactR ? undefined : classifyScaled(eq as Scaled | null, wq as Scaled | null, tol)
    const eS = exactR ? null : ((eq ?? ZERO_SCALED) as Scaled)
    const wS = exactR ? null : ((wq ?? ZERO_SCALED) as Scaled)
    let erpD: Decimal | null | undefined
    let wmsD: Decimal | null | undefined
    const eDec = (): Decimal => (erpD ??= eq === null ? null : dec(eq)) ?? ZERO_DECIMAL
    const wDec = (): Decimal => (wmsD ??= wq === null ? null : dec(wq)) ?? ZERO_DECIMAL
    const eR = exactR ? (eq === null ? null : rat(eq)) : null
    const wR = exactR ? (wq === null ? null : rat(wq)) : null
    let status: Status
    let diffS: Scaled | null = null
    let diff: Decimal | undefined
    if (sStatus !== undefined) {
      status = sStatus
      diffS = addScaled(wS!, {v: -eS!.v, s: eS!.s})
      totals.sumAbsErpFast.add(eS!)
      totals.sumAbsDiffFast.add(diffS)
    } else {
      status = exactR ? classifyExact(eR, wR, tol) : classify(eq === null ? null : eDec(), wq === null ? null : wDec(), tol)
      const diffR = exactR ? (wR ?? Rational.ZERO).minus(eR ?? Rational.ZERO) : null
      diff = diffR ? diffR.toDecimal(DISPLAY_PLACES) : wDec().minus(eDec())
      totals.sumAbsErp = totals.sumAbsErp.plus(eDec().abs())
      totals.sumAbsDiff = totals.sumAbsDiff.plus(diff.abs())
    }
    totals.keys[status]++
    const diffDec = (): Decimal => (diff ??= scaledToDecimal(diffS!))
    const diffZero = diffS !== null ? diffS.v === 0n : diff!.isZero()
    let diffText: string
    if (diffS !== null) diffText = diffS.v === 0n ? '0' : formatScaled(diffS)
    else if (diffZero) {
      const diffR = exactR ? (wR ?? Rational.ZERO).minus(eR ?? Rational.ZERO) : null
      diffText = diffR && !diffR.isZero() ? diffR.toDecimal(40).toExponential(6) : '0'
    } else diffText = diff!.toFixed()
    // the percentage and the causes on the scaled integers when no factor is rational (same answers, without Decimal's
    // division and products: profile at 2,000,000 keys/side, same-shape tables, 8,000 variances: they were half of visit)
    const pctT = eS === null || eq === null ? undefined : pctText(addScaled(wS!, {v: -eS.v, s: eS.s}), eS)
    const pct = pctT !== undefined ? null : diffPct(diffDec(), eq === null ? null : eDec())
    const row = makeRow(any, target, fmt(eq), fmt(wq), diffText, pctT !== undefined ? pctT : pct === null ? null : pct.toFixed(), status, info)
    if (info?.cost && !diffZero) {
      const value = diffDec().times(info.cost)
      if (env.showCost) row.value_diff = value.toFixed(2)
      rowValue.set(row, value)
    }
    if (status === 'match') {
      if (env.all) rows.push(row)
      return
    }

    // per-key causes (reconcile/key-causes.ts): in transit, sign, unit factor, on exact rationals when a factor does
    // not terminate, else on decimals
    const t = transit.get(key)
    if (t) {
      const tv = inTarget(t, target, raw)
      if (!rat(tv).isZero()) {
        row.in_transit_qty = dec(tv).toFixed()
        const explained = exactR || tv instanceof Rational ? explainedByTransit(eR ?? (eq === null ? Rational.ZERO : rat(eq)), wR ?? (wq === null ? Rational.ZERO : rat(wq)), rat(tv)) : explainedByTransit(eDec(), wDec(), dec(tv))
        if (explained) row.cause = 'in_transit'
      }
    }
    if (row.cause === null) {
      const exact = exactR ? undefined : scaledCause(eS!, wS!, info)
      row.cause =
        exact !== undefined
          ? exact
          : exactR
            ? quantityCause(eR ?? Rational.ZERO, wR ?? Rational.ZERO, () => env.units.knownFactors(info, env.extraFactors).map((f) => Rational.of(f)))
            : quantityCause(eDec(), wDec(), () => env.units.knownFactors(info, env.extraFactors))
    }
    open.push(new Open(row, eDec, wDec, e, w))
  }
  // ERP keys in read order, then the WMS-only ones (insertion order of the shared Map, or the merge-join's order)
  if (left !== null) mergeJoin(left[0], left[1], items, totals, visit)
  else
    for (const a of keys.values()) {
      if (a.wms) visit(a.key, undefined, a)
      else visit(a.key, a, a.partner)
    }

  // group causes (reconcile/cause-groups.ts): code_format (same key but for case/space/width), then lot_swap
  // (item × warehouse totals agree)
  groupCause(
    open,
    (o) => {
      const w = o.wmsAgg
      const k = looseVarianceKey((o.erpAgg ?? w)!, o.erpAgg !== undefined)
      looseKeyOf.set(o.row, k)
      // an unmapped WMS code resembling a cross-reference entry of another item: its partner may be in another partition
      if (!o.erpAgg && w?.looseItem && w.looseItem !== looseCode(w.item)) crossPartition.add(o.row)
      return k
    },
    'code_format',
  )
  lotSwaps(open)

  const variances: StockVarianceRow[] = []
  for (const o of open) {
    const r = o.row
    if (r.status === 'only_in_erp' || r.status === 'only_in_wms') {
      let n = totals.oneSided.get(r.warehouse)
      if (n === undefined) totals.oneSided.set(r.warehouse, (n = {erp: 0, wms: 0}))
      if (r.status === 'only_in_erp') n.erp++
      else n.wms++
    }
    if (r.cause) totals.causes[r.cause] = (totals.causes[r.cause] ?? 0) + 1
    r.explained = r.cause !== null && EXPLAINED_CAUSES.has(r.cause)
    r.action = suggestedAction(r)
    const value = rowValue.get(r)
    if (value !== undefined && r.status !== 'within_tolerance') {
      if (r.cause !== null && DATA_ERROR_CAUSES.has(r.cause)) totals.valueInDataErrors = totals.valueInDataErrors.plus(value.abs())
      else totals.valueAtRisk = totals.valueAtRisk.plus(value.abs())
    }
    const h = env.history.get(`${r.item}\t${r.warehouse}\t${r.lot}`)
    r.first_seen = h ? h.firstSeen : env.today
    r.runs_seen = h ? h.runsSeen + 1 : 1
    variances.push(r)
    rows.push(r)
  }
  return {rows, variances}
}

/** The loose key (item, warehouse, lot ignoring case/space/width and mapped loosely) of each open variance. */
export const looseKeyOf = new WeakMap<StockVarianceRow, string>()
/** Open WMS variances whose loose partner may live in another partition. */
export const crossPartition = new WeakSet<StockVarianceRow>()

/**
 * code_format across partitions, after every partition is reconciled: an unmapped WMS code that loosely resembles a
 * cross-reference entry is spilled with its own code (so that it always meets the same key of the ERP), hence its
 * loose partner may have been reconciled in another partition. `wanted` are the loose keys of those rows (still
 * unexplained); when there are any, the spilled rows are read once more and grouped with the still unexplained
 * variances of the same loose key; a group that nets to zero is `code_format`. Returns the rows given a cause
 * (copies read from the spill: apply them with patchRow) and moves their value from valueAtRisk to valueInDataErrors.
 */
export function crossPartitionCodeFormat(wanted: Iterable<string>, spilled: () => Iterable<SpilledRow>, totals: Pick<PartitionTotals, 'causes' | 'valueAtRisk' | 'valueInDataErrors'>): StockVarianceRow[] {
  const keys = new Set(wanted)
  if (keys.size === 0) return []
  const open: Array<{row: StockVarianceRow; erpD: Decimal; wmsD: Decimal; loose: string; value: string | null}> = []
  for (const [r, value, loose] of spilled()) {
    if (r.status === 'match' || r.cause !== null) continue
    const k = loose ?? defaultLooseKey(r)
    if (keys.has(k)) open.push({row: r, erpD: new Decimal(r.erp_qty ?? 0), wmsD: new Decimal(r.wms_qty ?? 0), loose: k, value})
  }
  groupCause(open, (o) => o.loose, 'code_format')
  const patched = open.filter((o) => o.row.cause !== null)
  for (const {row: r, value} of patched) {
    totals.causes.code_format = (totals.causes.code_format ?? 0) + 1
    r.action = suggestedAction(r)
    if (value !== null && r.status !== 'within_tolerance') {
      const v = new Decimal(value).abs()
      totals.valueAtRisk = totals.valueAtRisk.minus(v)
      totals.valueInDataErrors = totals.valueInDataErrors.plus(v)
    }
  }
  return patched.map((o) => o.row)
}

function makeRow(a: Agg, uom: string, erpQty: string | null, wmsQty: string | null, diff: string, pct: string | null, status: Status, info: {cls: string | null; cat: string | null; name?: string | null} | undefined): StockVarianceRow {
  return {
    item: a.item,
    warehouse: a.wh,
    lot: displayLot(a.lot),
    erp_qty: erpQty,
    wms_qty: wmsQty,
    diff,
    diff_pct: pct,
    uom,
    status,
    cause: null,
    first_seen: null,
    value_diff: null,
    runs_seen: null,
    class: info?.cls ?? null,
    category: info?.cat ?? null,
    in_transit_qty: null,
    explained: false,
    action: null,
    item_name: info?.name ?? null,
    warehouse_name: null,
  }
}
