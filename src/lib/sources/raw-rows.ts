/**
 * Rows of a MySQL/MariaDB text-protocol result as byte ranges of mysql2's packet buffer: no JS string, array or number
 * per row. A reader of millions of rows that only copies most values through (a stock side into its spill) looks at
 * the bytes, decodes a value only when it has to (a code it has not seen, a quantity that is not plain digits), and
 * gets that value exactly as mysql2 would have returned it (`RawRow.value`), so both paths give the same answer.
 *
 * Only results whose every column mysql2 turns into a string, a small integer, a Buffer or NULL can be read raw
 * (`rawColumnKinds`); a result with a FLOAT/DOUBLE, JSON, geometry… column is read the ordinary way.
 */

import {BoundedMap} from '../cache/bounded-map.js'

/** One column of a result, as mysql2 describes it (protocol type, character set, mysql2's encoding name). */
export interface RawColumn {
  name: string
  columnType: number
  characterSet: number
  encoding?: string
  /** MariaDB extended metadata (e.g. 'json'). */
  extendedFormat?: string
}

/**
 * How a column's bytes become the value mysql2 gives: text in UTF-8 ('utf8'), text of ASCII digits and signs
 * ('ascii': DECIMAL, dates as strings; 'latin1': BIGINT as a string), a JS number ('int': TINYINT…INT, YEAR), a Buffer
 * ('binary'), or always NULL ('null': `SELECT NULL`).
 */
export type RawKind = 'utf8' | 'ascii' | 'latin1' | 'int' | 'binary' | 'null'

const T = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  VARCHAR: 0x0f,
  BIT: 0x10,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
} as const

const BINARY_CHARSET = 63

/**
 * The kind of each column as mysql2 reads it with plantops' connection settings (supportBigNumbers,
 * bigNumberStrings, decimalNumbers off, dateStrings, no typeCast), or null when some column is not one of them.
 */
export function rawColumnKinds(columns: readonly RawColumn[]): RawKind[] | null {
  const kinds: RawKind[] = []
  for (const c of columns) {
    if (c.extendedFormat === 'json') return null
    switch (c.columnType) {
      case T.TINY:
      case T.SHORT:
      case T.LONG:
      case T.INT24:
      case T.YEAR:
        kinds.push('int')
        break
      case T.NULL:
        kinds.push('null')
        break
      case T.LONGLONG:
        kinds.push('latin1')
        break
      case T.DECIMAL:
      case T.NEWDECIMAL:
      case T.DATE:
      case T.DATETIME:
      case T.TIMESTAMP:
      case T.TIME:
        kinds.push('ascii')
        break
      case T.VARCHAR:
      case T.BIT:
      case T.ENUM:
      case T.SET:
      case T.TINY_BLOB:
      case T.MEDIUM_BLOB:
      case T.LONG_BLOB:
      case T.BLOB:
      case T.VAR_STRING:
      case T.STRING:
        if (c.characterSet === BINARY_CHARSET) kinds.push('binary')
        else if (c.encoding === 'utf8') kinds.push('utf8')
        else return null
        break
      default:
        return null
    }
  }
  return kinds
}

/**
 * The current row: column `i` is `buf[start[i], end[i])`, or NULL when `start[i]` is -1. One object per read, refilled
 * for every row: valid only during the call it is handed to.
 */
export class RawRow {
  buf: Buffer = Buffer.alloc(0)
  readonly start: Int32Array
  readonly end: Int32Array

  constructor(readonly kinds: readonly RawKind[]) {
    this.start = new Int32Array(kinds.length)
    this.end = new Int32Array(kinds.length)
  }

  /**
   * Read one text-protocol row packet (`buf[offset, packetEnd)`): each column a length-coded string, 0xFB for NULL.
   * False when the packet does not hold exactly the row's columns (a protocol error).
   */
  parse(buf: Buffer, offset: number, packetEnd: number): boolean {
    this.buf = buf
    const {start, end} = this
    const n = start.length
    let at = offset
    for (let i = 0; i < n; i++) {
      if (at >= packetEnd) return false
      const b = buf[at++]
      let len: number
      if (b < 0xfb) len = b
      else if (b === 0xfb) {
        start[i] = -1
        end[i] = -1
        continue
      } else if (b === 0xfc) {
        len = buf[at] | (buf[at + 1] << 8)
        at += 2
      } else if (b === 0xfd) {
        len = buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16)
        at += 3
      } else if (b === 0xfe) {
        // 8-byte length: a value of 16 MB or more (the packet was reassembled by mysql2)
        len = buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000
        at += 8
      } else return false
      start[i] = at
      at += len
      end[i] = at
    }
    return at === packetEnd
  }

  isNull(i: number): boolean {
    return this.start[i] < 0
  }

  /** Column `i` as mysql2 would have returned it (string, number, Buffer or null). */
  value(i: number): unknown {
    const s = this.start[i]
    if (s < 0) return null
    const e = this.end[i]
    switch (this.kinds[i]) {
      case 'utf8':
        return this.buf.toString('utf8', s, e)
      case 'ascii':
        return this.buf.toString('ascii', s, e)
      case 'latin1':
        return this.buf.toString('latin1', s, e)
      case 'int':
        return parseIntText(this.buf, s, e)
      case 'binary':
        return Buffer.from(this.buf.subarray(s, e))
      default:
        return null
    }
  }

  /** Whether column `i` holds only bytes below 0x80 (its latin1 and UTF-8 readings are the same string). */
  isAscii(i: number): boolean {
    const {buf} = this
    for (let k = this.start[i], e = this.end[i]; k < e; k++) if (buf[k] > 0x7f) return false
    return true
  }
}

/** mysql2's reading of a small integer's text (parseIntNoBigCheck): digits accumulated, '-' and '+' honoured. */
function parseIntText(buf: Buffer, start: number, end: number): number {
  if (end === start) return 0
  let at = start
  let sign = 1
  if (buf[at] === 45) {
    at++
    sign = -1
  }
  if (buf[at] === 43) at++
  let result = 0
  while (at < end) result = result * 10 + (buf[at++] - 48)
  return result * sign
}

type Latin1Slice = (this: Buffer, start: number, end: number) => string
const latin1Slice = (Buffer.prototype as unknown as {latin1Slice?: Latin1Slice}).latin1Slice

/** buf[start, end) as latin1 text: Node's own slice method when there is one (toString adds its argument checks). */
const latin1: (buf: Buffer, start: number, end: number) => string = latin1Slice ? (buf, start, end) => latin1Slice.call(buf, start, end) : (buf, start, end) => buf.toString('latin1', start, end)

/**
 * A bounded per-distinct-value cache keyed by a raw column's bytes: what a row needs of a value (normalised, mapped,
 * its spill bytes) is computed once per distinct value by `make`, from the value exactly as mysql2 would have returned
 * it. Values of up to TABLE_KEY bytes live in an open-addressing table of TABLE_SLOTS slots keyed by their bytes (a
 * hash of every byte picks the first slot, linear probing, all bytes compared), so a value seen before is found without
 * making a string and a value seen once costs no Map entry; the value of the last row is checked first, without
 * hashing (tables in key order repeat their item on consecutive rows). The table is emptied when it holds TABLE_MAX
 * values, so a column of up to TABLE_MAX distinct values (warehouses, units, thousands of lots) is made once per value,
 * and one of millions (items) costs a bounded table. Longer values go to a Map keyed by the bytes read as latin1 (one
 * character per byte: distinct bytes, distinct keys), emptied when it holds `max` values. NULL is computed once.
 * Memory stays bounded whatever the number of distinct values.
 *
 * `make(value, exact)`: `exact` when `value` is a string whose UTF-8 bytes are the column's bytes (ASCII text), so a
 * result equal to it can be copied straight from the row.
 */
export class RawValueCache<V> {
  private readonly map: BoundedMap<string, V>
  private readonly keys = Buffer.alloc(TABLE_SLOTS * TABLE_KEY)
  /** Length of each slot's value; -1: empty. */
  private readonly lens = new Int32Array(TABLE_SLOTS).fill(-1)
  private readonly values: Array<V | undefined> = Array.from({length: TABLE_SLOTS})
  private held = 0
  private nullValue: V | undefined
  /** The slot of the last value looked up (-1: none). */
  private last = -1

  constructor(
    private readonly make: (value: unknown, exact: boolean) => V,
    max = 1 << 12,
  ) {
    this.map = new BoundedMap(max)
  }

  get(row: RawRow, col: number): V {
    const s = row.start[col]
    if (s < 0) return (this.nullValue ??= this.make(null, false))
    const e = row.end[col]
    const len = e - s
    if (len > TABLE_KEY) return this.lookup(row, col, s, e)
    const buf = row.buf
    const {keys, lens} = this
    // the last row's value first, compared from the end (where codes differ most): a different one fails at once
    const last = this.last
    if (last >= 0 && lens[last] === len) {
      const at = last * TABLE_KEY
      let k = len
      while (k > 0 && keys[at + k - 1] === buf[s + k - 1]) k--
      if (k === 0) return this.values[last] as V
    }
    // a hash of every byte (lots such as L260909-003 differ in the middle), then linear probing
    let h = len
    for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], 0x01000193)
    const first = Math.imul(h ^ (h >>> 15), 0x9e3779b1) >>> TABLE_SHIFT
    let slot = first
    for (;;) {
      const l = lens[slot]
      if (l < 0) break
      if (l === len) {
        const at = slot * TABLE_KEY
        let k = len
        while (k > 0 && keys[at + k - 1] === buf[s + k - 1]) k--
        if (k === 0) {
          this.last = slot
          return this.values[slot] as V
        }
      }
      slot = (slot + 1) & (TABLE_SLOTS - 1)
    }
    const v = this.made(row, col, latin1(buf, s, e))
    if (this.held === TABLE_MAX) {
      // full: start again (a value the next rows need is made again once)
      lens.fill(-1)
      this.values.fill(undefined)
      this.held = 0
      slot = first
    }
    const at = slot * TABLE_KEY
    for (let k = 0; k < len; k++) keys[at + k] = buf[s + k]
    lens[slot] = len
    this.values[slot] = v
    this.held++
    this.last = slot
    return v
  }

  private lookup(row: RawRow, col: number, s: number, e: number): V {
    const key = latin1(row.buf, s, e)
    return this.map.get(key) ?? this.map.remember(key, this.made(row, col, key))
  }

  /** `make` on the column's value; `key` is its bytes as latin1 text, which is the value itself for ASCII text. */
  private made(row: RawRow, col: number, key: string): V {
    const kind = row.kinds[col]
    const exact = (kind === 'utf8' || kind === 'ascii' || kind === 'latin1') && row.isAscii(col)
    return this.make(exact ? key : row.value(col), exact)
  }
}

/**
 * RawValueCache's table: TABLE_SLOTS slots (2^(32 - TABLE_SHIFT)) of TABLE_KEY bytes (512 KB per column), at most
 * half of them used (a miss probes ~2.5 slots at worst).
 */
const TABLE_SHIFT = 18
const TABLE_SLOTS = 1 << (32 - TABLE_SHIFT)
const TABLE_MAX = TABLE_SLOTS >> 1
const TABLE_KEY = 32
