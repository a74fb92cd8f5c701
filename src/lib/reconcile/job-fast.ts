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
import {escapeField, unescapeField} from '../stock/spill.js'
import type {ReconcileJobConfig} from './jobs-config.js'
import {NULL_FIELD} from './job-read.js'
import type {JobMergeTotals} from './job-merge.js'
import {KEY_SEP, type JobFinding} from './job-types.js'
import {AbsSum, addScaled, readPlainDigits, ZERO_SCALED, type PlainDigits} from './scaled.js'

/** One key's spill lines: the line itself when there is one, else all of them in spill order. */
export type KeyLines = string | string[]

/** A partition's lines by key (as spilled, escaped), in first-seen order. */
export function indexLines(lines: string[]): Map<string, KeyLines> {
  const out = new Map<string, KeyLines>()
  for (const line of lines) {
    const key = line.slice(0, line.indexOf('\t'))
    const had = out.get(key)
    if (had === undefined) out.set(key, line)
    else if (typeof had === 'string') out.set(key, [had, line])
    else had.push(line)
  }
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

function same(a: string, as: number, ae: number, b: string, bs: number, be: number): boolean {
  const n = ae - as
  if (n !== be - bs) return false
  for (let k = 0; k < n; k++) if (a.charCodeAt(as + k) !== b.charCodeAt(bs + k)) return false
  return true
}

function spanIs(a: string, as: number, ae: number, s: string): boolean {
  return ae - as === s.length && a.startsWith(s, as)
}

/** Decides exact matches of one job from raw lines; keeps the matches' quantity sums until addTotals(). */
export class FastMatch {
  private readonly names: string[]
  private readonly kinds: number[]
  /** Per field: its (first) column in the spill line. */
  private readonly cols: number[]
  private readonly ncols: number
  private readonly quantity: boolean[]
  private readonly enumMaps: Array<Record<string, string[]> | null>
  /** Per enum field: the right values (as spilled) a left value (as spilled) allows; null: let the general path decide. */
  private readonly allowedCache: Array<BoundedMap<string, string[] | null> | null>
  private readonly ambiguity: boolean
  private readonly oneToOne: boolean
  private readonly bucket: number
  private readonly firstQty: number
  /** Column starts and ends ([s0, e0, s1, e1, …]) of the left line and of each right line. */
  private readonly l: Int32Array
  private r: Int32Array[] = []
  /** Per field: the left value read by the last matches() (quantities). */
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
    this.quantity = []
    this.enumMaps = []
    this.allowedCache = []
    let col = FIXED
    for (const [, f] of fields) {
      this.cols.push(col)
      col += f.type === 'decimal' ? 2 : 1
      this.kinds.push(f.type === 'decimal' ? DECIMAL : f.type === 'enum' ? ENUM : f.type === 'date' ? DATE : SAME)
      this.quantity.push(f.type === 'decimal' && f.quantity)
      this.enumMaps.push(f.type === 'enum' ? f.map : null)
      this.allowedCache.push(f.type === 'enum' ? new BoundedMap<string, string[] | null>(1024) : null)
    }
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

  /** Column bounds of a line; false when it does not have the job's columns. */
  private cut(line: string, out: Int32Array): boolean {
    let s = 0
    const last = this.ncols - 1
    for (let j = 0; j < last; j++) {
      const t = line.indexOf('\t', s)
      if (t < 0) return false
      out[2 * j] = s
      out[2 * j + 1] = t
      s = t + 1
    }
    if (line.indexOf('\t', s) >= 0) return false
    out[2 * last] = s
    out[2 * last + 1] = line.length
    return true
  }

  private rightBounds(n: number): Int32Array[] {
    while (this.r.length < n) this.r.push(new Int32Array(this.ncols * 2))
    return this.r
  }

  /**
   * Whether the key is an exact match: one left line, its right line(s), every compared field equal. On true, the
   * match's quantities are added to the sums (see addTotals).
   */
  matches(key: string, left: KeyLines, right: KeyLines): boolean {
    if (typeof left !== 'string') return false
    const single = typeof right === 'string'
    const nr = single ? 1 : right.length
    const L = this.l
    if (!this.cut(left, L)) return false
    const R = this.rightBounds(nr)
    for (let j = 0; j < nr; j++) if (!this.cut(single ? right : right[j], R[j])) return false
    // several records behind a one-to-one key are a finding (ambiguous_link): never a fast match
    if (this.ambiguity) {
      if (!spanIs(left, L[2 * RECORDS], L[2 * RECORDS + 1], '1')) return false
      if (this.oneToOne && (nr > 1 || !spanIs(right as string, R[0][2 * RECORDS], R[0][2 * RECORDS + 1], '1'))) return false
    }
    for (let i = 0; i < this.kinds.length; i++) {
      const c = 2 * this.cols[i]
      const ls = L[c]
      const le = L[c + 1]
      switch (this.kinds[i]) {
        case SAME: {
          for (let j = 0; j < nr; j++) if (!same(left, ls, le, single ? right : right[j], R[j][c], R[j][c + 1])) return false
          break
        }
        case DATE: {
          // a date that does not parse ('!raw') is a finding; equal dates (or both absent) are 0 days apart
          if (left.charCodeAt(ls) === 33) return false
          for (let j = 0; j < nr; j++) if (!same(left, ls, le, single ? right : right[j], R[j][c], R[j][c + 1])) return false
          break
        }
        case ENUM: {
          const allowed = this.allowed(i, left.slice(ls, le))
          if (allowed === null) return false
          for (let j = 0; j < nr; j++) {
            const line = single ? right : right[j]
            let ok = false
            for (const a of allowed) if (spanIs(line, R[j][c], R[j][c + 1], a)) ok = true
            if (!ok) return false
          }
          break
        }
        default: {
          // decimal: value and unit columns; the same unit (or none) on every record, so nothing is converted
          for (let j = 0; j < nr; j++) if (!same(left, L[c + 2], L[c + 3], single ? right : right[j], R[j][c + 2], R[j][c + 3])) return false
          if (!this.decimalEqual(i, left, ls, le, single ? right : null, right, nr, c)) return false
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
        const day = unescapeField(key).split(KEY_SEP)[this.bucket]
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
  private decimalEqual(i: number, left: string, ls: number, le: number, one: string | null, right: KeyLines, nr: number, c: number): boolean {
    const R = this.r
    const lnull = spanIs(left, ls, le, NULL_FIELD)
    this.lnull[i] = lnull
    if (!lnull) {
      if (!readPlainDigits(left, ls, le, parsed)) return false
      this.lv[i] = parsed.v
      this.ls[i] = parsed.s
    }
    if (one !== null && same(left, ls, le, one, R[0][c], R[0][c + 1])) return true
    // the right sum: records without a value are left out (as the general path does)
    let sum = 0
    let scale = 0
    let any = false
    for (let j = 0; j < nr; j++) {
      const line = one ?? (right as string[])[j]
      const s = R[j][c]
      const e = R[j][c + 1]
      if (spanIs(line, s, e, NULL_FIELD)) continue
      if (!readPlainDigits(line, s, e, parsed)) return false
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

  /** The right values (as spilled) that the enum's map allows for this left value (as spilled). */
  private allowed(i: number, raw: string): string[] | null {
    const cache = this.allowedCache[i]!
    const hit = cache.get(raw)
    if (hit !== undefined) return hit
    const lv = raw === NULL_FIELD ? null : unescapeField(raw)
    const allowed: unknown = lv === null ? [null] : (this.enumMaps[i]![lv] ?? [lv])
    const out = Array.isArray(allowed) ? (allowed as Array<string | null>).map((x) => (x === null ? NULL_FIELD : escapeField(x))) : null
    return cache.remember(raw, out)
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
