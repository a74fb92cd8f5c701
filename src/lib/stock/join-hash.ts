/**
 * The byte hash join of a partition whose sides are not in key order (a WMS side with several bins per key, tables
 * read in another order): the ERP keys go into an open-addressing table of their bytes, every WMS line finds its ERP
 * key there and its bins are summed as exact integers, and each ERP key with one line and WMS bins in one unit, all
 * plain quantities, is handed to `settle` (which decides a match on the numbers); everything else (keys the callback
 * does not settle, keys on one side only, a key twice on the ERP side, bins in several units, long or unusual
 * quantities) comes back as the lines to reconcile the general way, each side in its read order. No string or object
 * per line. Profile at 2,000,000 keys/side (bins plant, 2.95M bins): the Map path's per-key strings, aggregates and
 * BigInt sums were ~45% of the reconcile thread (loadAggs and the GC behind it).
 */
import {readPlainDigits, type PlainDigits} from '../reconcile/scaled.js'

/** What settle gets of a key: the ERP line's item and unit, its quantity, the WMS unit and the sum of the bins. */
export interface JoinKey {
  eb: Buffer
  /** The ERP line's start (the item's start), the item's end, the unit's start and end. */
  es: number
  et1: number
  eu0: number
  eu1: number
  /** The ERP quantity as an exact integer (at most 15 digits) and its scale. */
  ev: number
  esc: number
  wb: Buffer
  /** The first bin's unit (every bin has the same unit bytes). */
  wu0: number
  wu1: number
  /** Σ of the bins as an exact integer (|v| < 9e15) and its scale. */
  wv: number
  wsc: number
}

/** Per-line arrays (ERP lines / ERP keys, WMS lines) and the hash table, reused across partitions (grown as needed). */
const A = {
  eStart: new Int32Array(4096),
  eEnd: new Int32Array(4096),
  /** The ERP line's key: the index of the key's first ERP line. */
  eKey: new Int32Array(4096),
  eT1: new Int32Array(4096),
  eT3: new Int32Array(4096),
  eT4: new Int32Array(4096),
  eV: new Float64Array(4096),
  /** The ERP quantity's scale; -1 when it is not plain. */
  eS: new Int8Array(4096),
  hashes: new Int32Array(4096),
  /** Per ERP key: its bins, their unit, their sum and scale, whether the sum is exact and in one unit. */
  wCount: new Int32Array(4096),
  wU0: new Int32Array(4096),
  wU1: new Int32Array(4096),
  wV: new Float64Array(4096),
  wS: new Int8Array(4096),
  wOk: new Uint8Array(4096),
  settled: new Uint8Array(4096),
  wStart: new Int32Array(4096),
  wEnd: new Int32Array(4096),
  /** The WMS line's ERP key (-1: none). */
  wKey: new Int32Array(4096),
  table: new Int32Array(8192),
  left: Buffer.alloc(0),
}

function capFor(have: number, n: number): number {
  let cap = have
  while (cap < n) cap *= 2
  return cap
}

function grow(ne: number, nw: number, slots: number): void {
  if (A.eStart.length < ne) {
    const c = capFor(A.eStart.length, ne)
    A.eStart = new Int32Array(c)
    A.eEnd = new Int32Array(c)
    A.eKey = new Int32Array(c)
    A.eT1 = new Int32Array(c)
    A.eT3 = new Int32Array(c)
    A.eT4 = new Int32Array(c)
    A.eV = new Float64Array(c)
    A.eS = new Int8Array(c)
    A.hashes = new Int32Array(c)
    A.wCount = new Int32Array(c)
    A.wU0 = new Int32Array(c)
    A.wU1 = new Int32Array(c)
    A.wV = new Float64Array(c)
    A.wS = new Int8Array(c)
    A.wOk = new Uint8Array(c)
    A.settled = new Uint8Array(c)
  }
  if (A.wStart.length < nw) {
    const c = capFor(A.wStart.length, nw)
    A.wStart = new Int32Array(c)
    A.wEnd = new Int32Array(c)
    A.wKey = new Int32Array(c)
  }
  if (A.table.length < slots) A.table = new Int32Array(capFor(A.table.length, slots))
}

/** FNV-1a's offset basis as an int32 (a double basis would make every step a float operation). */
const FNV_BASIS = 0x811c9dc5 | 0

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16]
/** Sums stay below this (exact in a double, with room for one more 15-digit quantity). */
const SAFE = 8e15

/** The quantity just read (readPlainDigits: exact integer v, scale s). */
const Q: PlainDigits = {v: 0, s: 0}

function sameBytes(a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false
  return true
}

/**
 * Join the partition's ERP bytes `eb` and WMS bytes `wb` on their keys; `settle` counts a key and returns true when it
 * needs nothing more (a match). Returns the lines left (ERP, WMS: each in read order, each line with its newline) for
 * the general path, or null when the partition holds an escaped field (the general path takes it all).
 */
export function hashJoin(eb: Buffer, wb: Buffer, settle: (k: JoinKey) => boolean): [Buffer, Buffer] | null {
  if (eb.includes(92) || wb.includes(92)) return null
  if ((eb.length > 0 && eb[eb.length - 1] !== 10) || (wb.length > 0 && wb[wb.length - 1] !== 10)) return null
  // at most a line per 5 bytes (four tabs and a newline)
  const maxE = ((eb.length / 5) | 0) + 1
  let slots = 16
  while (slots < maxE * 2) slots *= 2
  grow(maxE, ((wb.length / 5) | 0) + 1, slots)
  A.table.fill(0, 0, slots)
  const ne = scanErp(eb, slots - 1)
  if (ne < 0) return null
  const nw = scanWms(eb, wb, slots - 1)
  if (nw < 0) return null

  // the ERP keys with one line, plain, with bins in one unit: settled by the caller, in ERP read order
  const {eKey, wOk, wCount, eS, settled, wKey, eStart, eEnd, wStart, wEnd} = A
  const key: JoinKey = {eb, es: 0, et1: 0, eu0: 0, eu1: 0, ev: 0, esc: 0, wb, wu0: 0, wu1: 0, wv: 0, wsc: 0}
  for (let i = 0; i < ne; i++) {
    settled[i] = 0
    if (eKey[i] !== i || wOk[i] !== 1 || wCount[i] === 0 || eS[i] < 0) continue
    key.es = eStart[i]
    key.et1 = A.eT1[i]
    key.eu0 = A.eT3[i] + 1
    key.eu1 = A.eT4[i]
    key.ev = A.eV[i]
    key.esc = eS[i]
    key.wu0 = A.wU0[i]
    key.wu1 = A.wU1[i]
    key.wv = A.wV[i]
    key.wsc = A.wS[i]
    if (settle(key)) settled[i] = 1
  }

  // the lines left, in read order
  let total = 0
  for (let i = 0; i < ne; i++) if (settled[eKey[i]] === 0) total += eEnd[i] - eStart[i] + 1
  for (let j = 0; j < nw; j++) if (wKey[j] < 0 || settled[wKey[j]] === 0) total += wEnd[j] - wStart[j] + 1
  if (A.left.length < total) A.left = Buffer.allocUnsafe(Math.max(total, 2 * A.left.length))
  const left = A.left
  let at = 0
  for (let i = 0; i < ne; i++) if (settled[eKey[i]] === 0) at += eb.copy(left, at, eStart[i], eEnd[i] + 1)
  const erpLeft = left.subarray(0, at)
  for (let j = 0; j < nw; j++) if (wKey[j] < 0 || settled[wKey[j]] === 0) at += wb.copy(left, at, wStart[j], wEnd[j] + 1)
  return [erpLeft, left.subarray(erpLeft.length, at)]
}

/**
 * The ERP lines: their tabs, quantity and key hash (FNV-1a up to the third tab, one pass per line), into the table;
 * a key met twice marks its first line (not joinable here). The number of lines, or -1 for a line that is not five
 * fields.
 */
function scanErp(eb: Buffer, mask: number): number {
  const {eStart, eEnd, eKey, eT1, eT3, eT4, eV, eS, hashes, wCount, wOk, table} = A
  const en = eb.length
  let ne = 0
  for (let s = 0; s < en; ne++) {
    let h = FNV_BASIS
    let tabs = 0
    let t1 = -1
    let t3 = -1
    let t4 = -1
    let i = s
    for (;;) {
      const c = eb[i]
      if (c === 10) break
      if (c === 9) {
        tabs++
        if (tabs === 1) t1 = i
        else if (tabs === 3) t3 = i
        else if (tabs === 4) t4 = i
      }
      if (tabs < 3) h = Math.imul(h ^ c, 0x01000193)
      i++
    }
    if (tabs !== 4) return -1
    eStart[ne] = s
    eEnd[ne] = i
    eT1[ne] = t1
    eT3[ne] = t3
    eT4[ne] = t4
    const ok = readPlainDigits(eb, t4 + 1, i, Q)
    eV[ne] = ok ? Q.v : 0
    eS[ne] = ok ? Q.s : -1
    wCount[ne] = 0
    wOk[ne] = 1
    hashes[ne] = h
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = table[slot]
      if (e === 0) {
        table[slot] = ne + 1
        eKey[ne] = ne
        break
      }
      const k = e - 1
      if (hashes[k] === h && sameBytes(eb, eStart[k], eT3[k], eb, s, t3)) {
        // the key twice on the ERP side: all of its lines go the general way
        eKey[ne] = k
        wOk[k] = 0
        break
      }
    }
    s = i + 1
  }
  return ne
}

/**
 * The WMS lines: each finds its ERP key in the table, and its quantity is added to the key's bins (exact integers,
 * scales aligned; a bin in another unit, a quantity that is not plain or a sum that could leave the exact range marks
 * the key not joinable here). The number of lines, or -1 for a line of fewer than five fields.
 */
function scanWms(eb: Buffer, wb: Buffer, mask: number): number {
  const {eStart, eT3, hashes, wCount, wOk, wU0, wU1, wV, wS, wStart, wEnd, wKey, table} = A
  const wn = wb.length
  let nw = 0
  for (let s = 0; s < wn; nw++) {
    let h = FNV_BASIS
    let tabs = 0
    let t3 = -1
    let t4 = -1
    let qe = -1
    let i = s
    for (;;) {
      const c = wb[i]
      if (c === 10) break
      if (c === 9) {
        tabs++
        if (tabs === 3) t3 = i
        else if (tabs === 4) t4 = i
        else if (tabs === 5) qe = i
      }
      if (tabs < 3) h = Math.imul(h ^ c, 0x01000193)
      i++
    }
    if (tabs < 4) return -1
    if (qe < 0) qe = i
    wStart[nw] = s
    wEnd[nw] = i
    let k = -1
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = table[slot]
      if (e === 0) break
      if (hashes[e - 1] === h && sameBytes(eb, eStart[e - 1], eT3[e - 1], wb, s, t3)) {
        k = e - 1
        break
      }
    }
    wKey[nw] = k
    s = i + 1
    if (k < 0 || wOk[k] !== 1) continue
    if (!readPlainDigits(wb, t4 + 1, qe, Q)) wOk[k] = 0
    else if (wCount[k] === 0) {
      wU0[k] = t3 + 1
      wU1[k] = t4
      wV[k] = Q.v
      wS[k] = Q.s
    } else if (!sameBytes(wb, wU0[k], wU1[k], wb, t3 + 1, t4)) wOk[k] = 0
    else {
      // align the scales, exactly (scales are at most 15: a plain quantity has at most 15 digits)
      let v = Q.v
      let sum = wV[k]
      const ds = Q.s - wS[k]
      if (ds > 0) {
        sum *= POW10[ds]
        wS[k] = Q.s
      } else if (ds < 0) v *= POW10[-ds]
      sum += v
      if (Math.abs(sum) > SAFE || Math.abs(v) > SAFE) wOk[k] = 0
      else wV[k] = sum
    }
    wCount[k]++
  }
  return nw
}
