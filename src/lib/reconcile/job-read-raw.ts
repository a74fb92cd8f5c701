/**
 * A reconcile job side read raw (MySQL/MariaDB, sources/raw-rows.ts): each row's spill line is assembled as bytes from
 * the packet, the same bytes job-read.ts's value path writes (`readJobSide` with `rawRows: false`). A column's bytes
 * are copied as they are where the value path's text is provably those bytes: ASCII codes that normalising leaves as
 * they are (nothing to trim, fold or escape, no code map), canonical integers, plain decimal text, canonical DATETIME
 * and DATE text. Few-valued columns (status, units, enums, other dates, mapped codes) are worked out once per distinct bytes
 * (RawValueCache) by the value path's own functions; anything else is read as mysql2 would have returned it
 * (RawRow.value) and goes through those functions too. The partition is the value path's (FNV-1a of the key text's
 * UTF-16 code units), hashed from the bytes when they are the text.
 */
import {isCanonicalIntBytes, RawValueCache, type RawKind, type RawRow} from '../sources/raw-rows.js'
import {LINE_ROOM, type Spill, type SpillLane} from '../stock/spill.js'
import {isPlainQuantityBytes} from './quantity.js'

/** How a row's column becomes (part of) its spill line. */
export const enum RawCol {
  /** A code: normalised (and mapped); copied when its bytes are their own normal form. */
  Code,
  /** Text as read, escaped: copied when ASCII with nothing to escape. */
  Text,
  /** A decimal: copied when plain decimal text (or a canonical integer). */
  Decimal,
  /** A timestamp: copied when canonical 'YYYY-MM-DD HH:MM:SS'. */
  Timestamp,
  /** Worked out once per distinct bytes (status, unit, date, enum, a bucketed day, a mapped code). */
  Cached,
}

/** A value worked out by the value path's functions: its text and its spill bytes. */
export interface RawPiece {
  /** The text as the value path has it before escaping (key parts: what the partition hash reads). */
  text: string
  /** Its spill bytes (escaped, UTF-8). */
  bytes: Buffer
}

export function rawPiece(text: string, spilled: string): RawPiece {
  return {text, bytes: Buffer.from(spilled, 'utf8')}
}

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

/**
 * One line under construction in a scratch buffer, with the FNV-1a hash of what is hashed into it (stock/spill.ts
 * partitionOf: UTF-16 code units, which are the bytes for ASCII text), then moved into the partition's spill slot.
 */
export class RawLineBuffer {
  buf = Buffer.allocUnsafe(1024)
  len = 0
  hash = FNV_OFFSET
  private lane: SpillLane | null = null

  constructor(
    private readonly spill: Spill,
    private readonly kind: string,
  ) {}

  reset(): void {
    this.len = 0
    this.hash = FNV_OFFSET
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.len + n, 2 * this.buf.length))
    this.buf.copy(grown, 0, 0, this.len)
    this.buf = grown
  }

  byte(b: number): void {
    this.room(1)
    this.buf[this.len++] = b
  }

  /** The row's column bytes; `hashed`: they are key text (ASCII), hashed as they are. */
  column(r: RawRow, col: number, hashed: boolean): void {
    const s = r.start[col]
    const e = r.end[col]
    this.room(e - s)
    const {buf} = this
    const src = r.buf
    let at = this.len
    if (hashed) {
      let h = this.hash
      for (let k = s; k < e; k++) {
        const b = src[k]
        buf[at++] = b
        h = Math.imul(h ^ b, FNV_PRIME)
      }
      this.hash = h
    } else for (let k = s; k < e; k++) buf[at++] = src[k]
    this.len = at
  }

  bytes(b: Buffer): void {
    const n = b.length
    this.room(n)
    const {buf} = this
    let at = this.len
    for (let k = 0; k < n; k++) buf[at++] = b[k]
    this.len = at
  }

  /** Text as UTF-8 (a value worked out for this row only). */
  text(s: string): void {
    this.room(3 * s.length)
    this.len += this.buf.write(s, this.len, 'utf8')
  }

  /** Hash key text (a piece's unescaped text, the key separator). */
  hashText(s: string): void {
    let h = this.hash
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
    this.hash = h
  }

  hashUnit(c: number): void {
    this.hash = Math.imul(this.hash ^ c, FNV_PRIME)
  }

  /** The hash's partition (partitionOf's). */
  partition(partitions: number): number {
    return (this.hash >>> 0) % partitions
  }

  /** End the line and append it to the partition. */
  write(partition: number): void {
    this.byte(10)
    const n = this.len
    if (n > LINE_ROOM) {
      this.spill.write(this.kind, partition, this.buf.toString('utf8', 0, n - 1))
      return
    }
    const slot = this.spill.roomIn((this.lane ??= this.spill.lane(this.kind)), partition, n)
    // a loop: Buffer#copy's argument checks cost more than a line of ~100 bytes
    const {buf} = this
    const out = slot.buf
    let at = slot.len
    for (let k = 0; k < n; k++) out[at++] = buf[k]
    slot.len = at
  }
}

/** Whether raw text bytes are ASCII with nothing a spill field escapes (tab, newline, carriage return, backslash). */
export function isPlainAsciiBytes(buf: Buffer, s: number, e: number): boolean {
  for (let k = s; k < e; k++) {
    const b = buf[k]
    if (b > 0x7f || b === 9 || b === 10 || b === 13 || b === 92) return false
  }
  return true
}

/**
 * Whether a code's bytes are their own normal form and spill field: ASCII, nothing to escape, nothing to trim at the
 * ends (with `trim`), no letter the fold changes. (Full-width folding touches only non-ASCII text.)
 */
export function isNormalCodeBytes(buf: Buffer, s: number, e: number, trim: boolean, fold: 'upper' | 'lower' | null): boolean {
  if (trim && e > s && (buf[s] <= 32 || buf[e - 1] <= 32)) return false
  const lo = fold === 'upper' ? 97 : fold === 'lower' ? 65 : 256
  const hi = lo + 25
  for (let k = s; k < e; k++) {
    const b = buf[k]
    if (b > 0x7f || b === 9 || b === 10 || b === 13 || b === 92 || (b >= lo && b <= hi)) return false
  }
  return true
}

const D = (b: number) => b >= 48 && b <= 57

/**
 * Whether bytes are a DATETIME as MySQL sends it that job-values.ts timestampText returns unchanged: 'YYYY-MM-DD
 * HH:MM:SS' with a month, day (of that month), hour, minute and second in range.
 */
export function isCanonicalTimestampBytes(buf: Buffer, s: number, e: number): boolean {
  if (e - s !== 19 || buf[s + 10] !== 32 || buf[s + 13] !== 58 || buf[s + 16] !== 58) return false
  if (!D(buf[s + 11]) || !D(buf[s + 12]) || !D(buf[s + 14]) || !D(buf[s + 15]) || !D(buf[s + 17]) || !D(buf[s + 18])) return false
  const h = (buf[s + 11] - 48) * 10 + buf[s + 12] - 48
  return h <= 23 && buf[s + 14] <= 53 && buf[s + 17] <= 53 && isDateAt(buf, s)
}

/** Whether bytes are a DATE as MySQL sends it that job-values.ts dateValue returns unchanged: 'YYYY-MM-DD', a real day. */
export function isCanonicalDateBytes(buf: Buffer, s: number, e: number): boolean {
  return e - s === 10 && isDateAt(buf, s)
}

/** 'YYYY-MM-DD' at buf[s]: digits, a month 01-12 and a day that month has. */
function isDateAt(buf: Buffer, s: number): boolean {
  if (buf[s + 4] !== 45 || buf[s + 7] !== 45) return false
  if (!D(buf[s]) || !D(buf[s + 1]) || !D(buf[s + 2]) || !D(buf[s + 3]) || !D(buf[s + 5]) || !D(buf[s + 6]) || !D(buf[s + 8]) || !D(buf[s + 9])) return false
  const mo = (buf[s + 5] - 48) * 10 + buf[s + 6] - 48
  const d = (buf[s + 8] - 48) * 10 + buf[s + 9] - 48
  if (mo < 1 || mo > 12 || d < 1) return false
  if (d <= 28) return true
  const y = (buf[s] - 48) * 1000 + (buf[s + 1] - 48) * 100 + (buf[s + 2] - 48) * 10 + buf[s + 3] - 48
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  return d <= MONTH_DAYS[mo - 1] + (leap ? 1 : 0)
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isText = (k: RawKind) => k === 'utf8' || k === 'ascii' || k === 'latin1'

/** Whether a decimal column's bytes are the text the value path spills (plain decimal text, a canonical integer). */
export function isCopiedDecimal(kind: RawKind, buf: Buffer, s: number, e: number): boolean {
  return isText(kind) ? isPlainQuantityBytes(buf, s, e) : kind === 'int' && isCanonicalIntBytes(buf, s, e)
}

/** Whether a code column's non-NULL bytes are its normal form (text kinds: isNormalCodeBytes; integers: canonical). */
export function isCopiedCode(kind: RawKind, buf: Buffer, s: number, e: number, trim: boolean, fold: 'upper' | 'lower' | null): boolean {
  return isText(kind) ? isNormalCodeBytes(buf, s, e, trim, fold) : kind === 'int' && isCanonicalIntBytes(buf, s, e)
}

/** Whether a changedAt column's non-NULL bytes are the timestamp text the value path spills. */
export function isCopiedTimestamp(kind: RawKind, buf: Buffer, s: number, e: number): boolean {
  return isText(kind) && isCanonicalTimestampBytes(buf, s, e)
}

/** Whether a date column's non-NULL bytes are the date text the value path spills. */
export function isCopiedDate(kind: RawKind, buf: Buffer, s: number, e: number): boolean {
  return isText(kind) && isCanonicalDateBytes(buf, s, e)
}

/** Whether a text column's non-NULL bytes are its spill field (ASCII with nothing to escape; integers: canonical). */
export function isCopiedText(kind: RawKind, buf: Buffer, s: number, e: number): boolean {
  return isText(kind) ? isPlainAsciiBytes(buf, s, e) : kind === 'int' && isCanonicalIntBytes(buf, s, e)
}

/** A per-distinct-bytes cache of pieces worked out from the value (as mysql2 gives it) by `make`. */
export function pieceCache(make: (value: unknown) => RawPiece): RawValueCache<RawPiece> {
  return new RawValueCache<RawPiece>((v) => make(v))
}
