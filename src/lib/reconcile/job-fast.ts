/**
 * The fast path of a reconcile job's merge (job-merge.ts reconcileJobPartition). A partition's spilled records are
 * indexed by key as the raw spill lines (job-read.ts format), and a key whose one left record agrees exactly with its
 * right record(s) is counted as a match straight from the lines: same code and text values, decimals that sum to the
 * same value in the same unit, the same dates, right values the enum's map allows. No per-key objects, no split, no
 * BigInt per value. Everything else (one side only, several left records, any difference, even one within tolerance,
 * units, unparsed dates, values a double cannot hold exactly) goes to the general path, which decides as before: the
 * fast path only ever says "match" where the general path says so too, and adds the same exact quantity totals.
 */
import {BoundedMap} from '../cache/bounded-map.js'
import {NULL_FIELD, nullableField, nullableValue, unescapeField} from '../stock/spill.js'
import type {ReconcileJobConfig} from './jobs-config.js'
import type {JobMergeTotals} from './job-merge.js'
import {KEY_SEP, type JobFinding} from './job-types.js'
import {AbsSum, addScaled, readPlainDigits, ZERO_SCALED, type PlainDigits} from './scaled.js'

/** One key's spill lines: the line itself when there is one, else all of them in spill order. */
export type KeyLines = string | string[]

/**
 * A partition's spilled lines of one kind indexed by key where they lie (the spill's read buffer): per line its start,
 * end and key end, per distinct key (in first-seen order) its lines, found by an open-addressing table of the key
 * bytes. No string per line or key: only keys the fast path does not settle are decoded (keyText, keyLines). The
 * arrays are kept and reused from partition to partition.
 */
export class LineIndex {
  buf: Buffer = Buffer.alloc(0)
  keys = 0
  /** Per line: start, end (before the newline), key end (the first tab), the next line of the same key (-1: none). */
  lineStart = new Int32Array(1024)
  lineEnd = new Int32Array(1024)
  private lineKey = new Int32Array(1024)
  lineNext = new Int32Array(1024)
  /** Per key: its first and last line and how many lines it has. */
  keyFirst = new Int32Array(1024)
  private keyLast = new Int32Array(1024)
  keyLines = new Int32Array(1024)
  private keyHash = new Int32Array(1024)
  /** Key id + 1 per slot (0: empty); a power of two, at most half full, picked by the hash's high bits. */
  private slots = new Int32Array(2048)
  private shift = 21

  /** Index the lines of `buf` (each ending with a newline). */
  build(buf: Buffer): this {
    this.buf = buf
    this.keys = 0
    this.slots.fill(0)
    let line = 0
    for (let at = 0; at < buf.length; line++) {
      let nl = buf.indexOf(10, at)
      if (nl < 0) nl = buf.length
      if (line === this.lineStart.length) this.growLines()
      // the key: up to the first tab (or the whole line), hashed as it is scanned
      let h = 0x811c9dc5
      let k = at
      for (; k < nl && buf[k] !== 9; k++) h = Math.imul(h ^ buf[k], 0x01000193)
      h = Math.imul(h ^ (h >>> 15), 0x9e3779b1)
      this.lineStart[line] = at
      this.lineEnd[line] = nl
      this.lineKey[line] = k
      this.lineNext[line] = -1
      const id = this.find(buf, at, k, h)
      if (id < 0) this.add(line, h)
      else {
        this.lineNext[this.keyLast[id]] = line
        this.keyLast[id] = line
        this.keyLines[id]++
      }
      at = nl + 1
    }
    return this
  }

  /** The key whose bytes are `buf[s, e)` (hash `h`, as build computes it), or -1. */
  private find(buf: Uint8Array, s: number, e: number, h: number): number {
    const slots = this.slots
    const mask = slots.length - 1
    const len = e - s
    const own = this.buf
    for (let slot = h >>> this.shift; ; slot = (slot + 1) & mask) {
      const v = slots[slot]
      if (v === 0) return -1
      const id = v - 1
      if (this.keyHash[id] !== h) continue
      const first = this.keyFirst[id]
      const ks = this.lineStart[first]
      if (this.lineKey[first] - ks !== len) continue
      let k = 0
      while (k < len && own[ks + k] === buf[s + k]) k++
      if (k === len) return id
    }
  }

  /** Key `id` (of these lines) among `other`'s keys, or -1. */
  keyIn(id: number, other: LineIndex): number {
    const first = this.keyFirst[id]
    return other.find(this.buf, this.lineStart[first], this.lineKey[first], this.keyHash[id])
  }

  /** Key `id` as spilled (escaped). */
  keyText(id: number): string {
    const first = this.keyFirst[id]
    return this.buf.toString('utf8', this.lineStart[first], this.lineKey[first])
  }

  /** Key `id`'s lines as text. */
  linesOf(id: number): KeyLines {
    let line = this.keyFirst[id]
    if (this.keyLines[id] === 1) return this.buf.toString('utf8', this.lineStart[line], this.lineEnd[line])
    const out: string[] = []
    for (; line >= 0; line = this.lineNext[line]) out.push(this.buf.toString('utf8', this.lineStart[line], this.lineEnd[line]))
    return out
  }

  private add(line: number, h: number): void {
    if (this.keys === this.keyFirst.length) this.growKeys()
    if (2 * (this.keys + 1) > this.slots.length) this.rehash()
    const id = this.keys++
    this.keyFirst[id] = line
    this.keyLast[id] = line
    this.keyLines[id] = 1
    this.keyHash[id] = h
    this.place(id)
  }

  private place(id: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let slot = this.keyHash[id] >>> this.shift
    while (slots[slot] !== 0) slot = (slot + 1) & mask
    slots[slot] = id + 1
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2)
    this.shift--
    for (let id = 0; id < this.keys; id++) this.place(id)
  }

  private growLines(): void {
    const n = this.lineStart.length * 2
    this.lineStart = grown(this.lineStart, n)
    this.lineEnd = grown(this.lineEnd, n)
    this.lineKey = grown(this.lineKey, n)
    this.lineNext = grown(this.lineNext, n)
  }

  private growKeys(): void {
    const n = this.keyFirst.length * 2
    this.keyFirst = grown(this.keyFirst, n)
    this.keyLast = grown(this.keyLast, n)
    this.keyLines = grown(this.keyLines, n)
    this.keyHash = grown(this.keyHash, n)
  }
}

function grown(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(n)
  out.set(a)
  return out
}

/** The spill line's fixed columns before the compared fields: key, changedAt, optional flag, records. */
const FIXED = 4
const RECORDS = 3
const SAME = 0
const DECIMAL = 1
const ENUM = 2
const DATE = 3

/** The last readPlainDigits result (module scratch: no object per value). */
const parsed: PlainDigits = {v: 0, s: 0}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/** v at scale s as an integer at scale `to` (≥ s); NaN when that is not exact in a double. */
function rescale(v: number, s: number, to: number): number {
  if (s === to) return v
  if (to - s >= POW10.length) return Number.NaN
  const x = v * POW10[to - s]
  return Number.isSafeInteger(x) ? x : Number.NaN
}

function same(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  const n = ae - as
  if (n !== be - bs) return false
  for (let k = 0; k < n; k++) if (a[as + k] !== b[bs + k]) return false
  return true
}

function spanIs(a: Uint8Array, as: number, ae: number, s: Uint8Array): boolean {
  const n = s.length
  if (ae - as !== n) return false
  for (let k = 0; k < n; k++) if (a[as + k] !== s[k]) return false
  return true
}

const NULL_BYTES = Buffer.from(NULL_FIELD)
const ONE = Buffer.from('1')
/** Left enum values (as spilled) whose allowed right values are kept by bytes; more go through a Map by text. */
const ENUM_BYTES = 64

/** Decides exact matches of one job from the spilled bytes; keeps the matches' quantity sums until addTotals(). */
export class FastMatch {
  private readonly names: string[]
  private readonly kinds: number[]
  /** Per field: its (first) column in the spill line. */
  private readonly cols: number[]
  private readonly ncols: number
  private readonly enumMaps: Array<Record<string, string[]> | null>
  /** Per enum field: left values (as spilled) and the right values (as spilled) each allows (null: let the general path decide). */
  private readonly enumLeft: Buffer[][]
  private readonly enumAllowed: Array<Array<Buffer[] | null>>
  private readonly allowedCache: Array<BoundedMap<string, Buffer[] | null> | null>
  private readonly ambiguity: boolean
  private readonly oneToOne: boolean
  private readonly bucket: number
  private readonly firstQty: number
  /** Column starts and ends ([s0, e0, s1, e1, …]) of the left line and of each right line. */
  private readonly l: Int32Array
  private r: Int32Array[] = []
  /** Per field: the left value read by the last matchKey() (quantities). */
  private readonly lv: number[]
  private readonly ls: number[]
  private readonly lnull: boolean[]
  private readonly sums: Array<AbsSum | null>
  private readonly byDay = new Map<string, AbsSum>()

  constructor(job: ReconcileJobConfig) {
    const fields = Object.entries(job.compare)
    this.names = fields.map(([n]) => n)
    this.kinds = []
    this.cols = []
    this.enumMaps = []
    this.allowedCache = []
    let col = FIXED
    for (const [, f] of fields) {
      this.cols.push(col)
      col += f.type === 'decimal' ? 2 : 1
      this.kinds.push(f.type === 'decimal' ? DECIMAL : f.type === 'enum' ? ENUM : f.type === 'date' ? DATE : SAME)
      this.enumMaps.push(f.type === 'enum' ? f.map : null)
      this.allowedCache.push(f.type === 'enum' ? new BoundedMap<string, Buffer[] | null>(1024) : null)
    }
    this.enumLeft = fields.map(() => [])
    this.enumAllowed = fields.map(() => [])
    this.ncols = col
    this.ambiguity = !job.group
    this.oneToOne = job.link.cardinality === 'one-to-one'
    this.bucket = job.link.keys.findIndex((k) => k.bucket === 'day')
    this.firstQty = fields.findIndex(([, f]) => f.type === 'decimal' && f.quantity)
    this.l = new Int32Array(col * 2)
    this.lv = fields.map(() => 0)
    this.ls = fields.map(() => 0)
    this.lnull = fields.map(() => true)
    this.sums = fields.map(([, f]) => (f.type === 'decimal' && f.quantity ? new AbsSum() : null))
  }

  /** Column bounds of the line buf[s, e); false when it does not have the job's columns. */
  private cut(buf: Uint8Array, s: number, e: number, out: Int32Array): boolean {
    const last = this.ncols - 1
    let j = 0
    out[0] = s
    for (let k = s; k < e; k++) {
      if (buf[k] !== 9) continue
      if (j === last) return false
      out[2 * j + 1] = k
      j++
      out[2 * j] = k + 1
    }
    if (j !== last) return false
    out[2 * last + 1] = e
    return true
  }

  private rightBounds(n: number): Int32Array[] {
    while (this.r.length < n) this.r.push(new Int32Array(this.ncols * 2))
    return this.r
  }

  /**
   * Whether key `lk` of the left lines and key `rk` of the right lines are an exact match: one left line, its right
   * line(s), every compared field equal. On true, the match's quantities are added to the sums (see addTotals).
   */
  matchKey(left: LineIndex, lk: number, right: LineIndex, rk: number): boolean {
    if (left.keyLines[lk] !== 1) return false
    const lb = left.buf
    const rb = right.buf
    const nr = right.keyLines[rk]
    const L = this.l
    const line = left.keyFirst[lk]
    if (!this.cut(lb, left.lineStart[line], left.lineEnd[line], L)) return false
    const R = this.rightBounds(nr)
    for (let j = 0, rl = right.keyFirst[rk]; j < nr; j++, rl = right.lineNext[rl]) if (!this.cut(rb, right.lineStart[rl], right.lineEnd[rl], R[j])) return false
    // several records behind a one-to-one key are a finding (ambiguous_link): never a fast match
    if (this.ambiguity) {
      if (!spanIs(lb, L[2 * RECORDS], L[2 * RECORDS + 1], ONE)) return false
      if (this.oneToOne && (nr > 1 || !spanIs(rb, R[0][2 * RECORDS], R[0][2 * RECORDS + 1], ONE))) return false
    }
    for (let i = 0; i < this.kinds.length; i++) {
      const c = 2 * this.cols[i]
      const ls = L[c]
      const le = L[c + 1]
      switch (this.kinds[i]) {
        case SAME: {
          for (let j = 0; j < nr; j++) if (!same(lb, ls, le, rb, R[j][c], R[j][c + 1])) return false
          break
        }
        case DATE: {
          // a date that does not parse ('!raw') is a finding; equal dates (or both absent) are 0 days apart
          if (lb[ls] === 33) return false
          for (let j = 0; j < nr; j++) if (!same(lb, ls, le, rb, R[j][c], R[j][c + 1])) return false
          break
        }
        case ENUM: {
          const allowed = this.allowed(i, lb, ls, le)
          if (allowed === null) return false
          for (let j = 0; j < nr; j++) {
            let ok = false
            for (const a of allowed) if (spanIs(rb, R[j][c], R[j][c + 1], a)) ok = true
            if (!ok) return false
          }
          break
        }
        default: {
          // decimal: value and unit columns; the same unit (or none) on every record, so nothing is converted
          for (let j = 0; j < nr; j++) if (!same(lb, L[c + 2], L[c + 3], rb, R[j][c + 2], R[j][c + 3])) return false
          if (!this.decimalEqual(i, lb, ls, le, rb, nr, c)) return false
        }
      }
    }
    // a match: Σ|left| of each quantity (the difference is zero); with a day key, every matching day has its sums
    for (let i = 0; i < this.kinds.length; i++) {
      const sum = this.sums[i]
      if (sum === null) continue
      const v = this.lnull[i] ? 0 : Math.abs(this.lv[i])
      if (v !== 0) sum.addDigits(v, this.ls[i])
      if (this.bucket >= 0 && i === this.firstQty) {
        const day = unescapeField(left.keyText(lk)).split(KEY_SEP)[this.bucket]
        let d = this.byDay.get(day)
        if (d === undefined) {
          d = new AbsSum()
          this.byDay.set(day, d)
        }
        if (v !== 0) d.addDigits(v, this.ls[i])
      }
    }
    return true
  }

  /** Left and right decimal (sum of the right records' non-null values) equal; the left value kept in lv/ls/lnull. */
  private decimalEqual(i: number, lb: Uint8Array, ls: number, le: number, rb: Uint8Array, nr: number, c: number): boolean {
    const R = this.r
    const lnull = spanIs(lb, ls, le, NULL_BYTES)
    this.lnull[i] = lnull
    if (!lnull) {
      if (!readPlainDigits(lb, ls, le, parsed)) return false
      this.lv[i] = parsed.v
      this.ls[i] = parsed.s
    }
    if (nr === 1 && same(lb, ls, le, rb, R[0][c], R[0][c + 1])) return true
    // the right sum: records without a value are left out (as the general path does)
    let sum = 0
    let scale = 0
    let any = false
    for (let j = 0; j < nr; j++) {
      const s = R[j][c]
      const e = R[j][c + 1]
      if (spanIs(rb, s, e, NULL_BYTES)) continue
      if (!readPlainDigits(rb, s, e, parsed)) return false
      if (!any) {
        sum = parsed.v
        scale = parsed.s
        any = true
        continue
      }
      const to = Math.max(scale, parsed.s)
      sum = rescale(sum, scale, to) + rescale(parsed.v, parsed.s, to)
      scale = to
      if (!Number.isSafeInteger(sum)) return false
    }
    if (lnull || !any) return lnull && !any
    const to = Math.max(scale, this.ls[i])
    const a = rescale(this.lv[i], this.ls[i], to)
    const b = rescale(sum, scale, to)
    return !Number.isNaN(a) && a === b
  }

  /** The right values (as spilled) that the enum's map allows for this left value (buf[s, e), as spilled). */
  private allowed(i: number, buf: Uint8Array, s: number, e: number): Buffer[] | null {
    const lefts = this.enumLeft[i]
    for (let k = 0; k < lefts.length; k++) if (spanIs(buf, s, e, lefts[k])) return this.enumAllowed[i][k]
    const raw = Buffer.from(buf.subarray(s, e)).toString('utf8')
    const cache = this.allowedCache[i]!
    let out = cache.get(raw)
    if (out === undefined) {
      const lv = nullableValue(raw)
      const allowed: unknown = lv === null ? [null] : (this.enumMaps[i]![lv] ?? [lv])
      out = Array.isArray(allowed) ? (allowed as Array<string | null>).map((x) => Buffer.from(nullableField(x))) : null
      cache.remember(raw, out)
    }
    if (lefts.length < ENUM_BYTES) {
      lefts.push(Buffer.from(buf.subarray(s, e)))
      this.enumAllowed[i].push(out)
    }
    return out
  }

  /** A fast match as the report row the general path makes of a match (--all). */
  matchFinding(key: string, left: KeyLines, right: KeyLines): JobFinding {
    const records = (lines: KeyLines) => {
      let n = 0
      for (const line of typeof lines === 'string' ? [lines] : lines) n += Number(line.split('\t', RECORDS + 1)[RECORDS])
      return n
    }
    return {key: unescapeField(key).split(KEY_SEP), status: 'match', cause: null, fields: [], leftRecords: records(left), rightRecords: records(right), first_seen: null, runs_seen: null}
  }

  /** Add the matches' quantity sums to the partition's totals (their differences are all zero), and start again. */
  addTotals(totals: JobMergeTotals): void {
    for (let i = 0; i < this.sums.length; i++) {
      const sum = this.sums[i]
      if (sum === null) continue
      const t = totals.qty[this.names[i]]
      t.sumAbsLeft = addScaled(t.sumAbsLeft, sum.take())
    }
    for (const [day, sum] of this.byDay) {
      const b = totals.byBucket.get(day) ?? {sumAbsLeft: ZERO_SCALED, sumAbsDiff: ZERO_SCALED}
      b.sumAbsLeft = addScaled(b.sumAbsLeft, sum.take())
      totals.byBucket.set(day, b)
    }
    this.byDay.clear()
  }
}
