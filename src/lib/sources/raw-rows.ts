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
import {youngCollection} from '../heap/collect.js'

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

/**
 * Whether `buf[start, end)` is well-formed UTF-8 (Unicode Table 3-7: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no cut sequence), i.e. bytes that decode to a string without replacement characters and are that
 * string's UTF-8 again.
 */
export function isWellFormedUtf8(buf: Uint8Array, start: number, end: number): boolean {
  let k = start
  while (k < end) {
    const b = buf[k]
    if (b < 0x80) {
      k++
      continue
    }
    let n: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) n = 1
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2
      if (b === 0xe0) lo = 0xa0
      else if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3
      if (b === 0xf0) lo = 0x90
      else if (b === 0xf4) hi = 0x8f
    } else return false
    if (k + n >= end) return false
    const c = buf[k + 1]
    if (c < lo || c > hi) return false
    for (let j = 2; j <= n; j++) if ((buf[k + j] & 0xc0) !== 0x80) return false
    k += n + 1
  }
  return true
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
 * hashing (tables in key order repeat their item on consecutive rows). The table grows with the column's distinct
 * values that are found again (a few warehouses keep a small one; codes that are not found again keep one of SMALL_SLOTS)
 * and is emptied when it holds half its cap, at most TABLE_SLOTS / 2 values, so a column of up
 * to 8,192 distinct values (warehouses, units, thousands of lots) is made once per value, and one of millions (items)
 * costs a bounded table. Longer values go to a Map keyed by the bytes read as latin1 (one
 * character per byte: distinct bytes, distinct keys), emptied when it holds `max` values. NULL is computed once.
 * Memory stays bounded whatever the number of distinct values.
 *
 * `make(value, exact)`: `exact` when `value` is a string whose UTF-8 bytes are the column's bytes (ASCII text), so a
 * result equal to it can be copied straight from the row.
 */
export class RawValueCache<V> {
  private readonly map: BoundedMap<string, V>
  /** The table: `slots` slots (a power of two, 2^(32 - shift)), grown from TABLE_FIRST up to TABLE_SLOTS. */
  private slots = TABLE_FIRST
  private shift = 32 - Math.log2(TABLE_FIRST)
  private keys = Buffer.alloc(TABLE_FIRST * TABLE_KEY)
  /** Length of each slot's value; -1: empty. */
  private lens = new Int32Array(TABLE_FIRST).fill(-1)
  private values: Array<V | undefined> = Array.from({length: TABLE_FIRST})
  private held = 0
  /** Slots the table grows to before it is emptied: from SMALL_SLOTS, doubled while its values are found again, up to TABLE_SLOTS. */
  private cap = SMALL_SLOTS
  /** Values found in the table (not as the last row's) or in the ghost since the table last grew or was emptied. */
  private hits = 0
  /** Hashes of the values made lately, one per GHOST_SLOTS slot (its low bits): 0 or the last hash of that slot. */
  private readonly ghost = new Int32Array(GHOST_SLOTS)
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
    const h = hashBytes(buf, s, e)
    const mask = this.slots - 1
    let slot = h >>> this.shift
    for (;;) {
      const l = lens[slot]
      if (l < 0) break
      if (l === len) {
        const at = slot * TABLE_KEY
        let k = len
        while (k > 0 && keys[at + k - 1] === buf[s + k - 1]) k--
        if (k === 0) {
          this.last = slot
          this.hits++
          return this.values[slot] as V
        }
      }
      slot = (slot + 1) & mask
    }
    // a value made before and emptied out since (its hash still in the ghost): a larger table would have held it
    const g = h & (GHOST_SLOTS - 1)
    if (this.ghost[g] === h) this.hits++
    else this.ghost[g] = h
    const v = this.made(row, col, latin1(buf, s, e))
    if (this.held === this.slots >> 1) {
      // half full: a larger table, or (at its cap) start again (a value the next rows need is made again once). The cap
      // doubles only when values are found again, in the table or in the ghost of the values made since it was last
      // emptied (hashes only: no value kept), at least one in REUSED. A column whose values are not (item codes of a
      // table in item order, each code's rows in a row: the last-value check finds them) keeps a small table, whose
      // values die young: a large one kept them through young-generation collections until it was emptied, and V8 then
      // allocated them straight in the old space (bins plant, 2,000,000 keys/side: 54 MB of the 400,000 WMS codes'
      // slots promoted, 20 MB with the small table; the reader's old space 30 -> 17 MB).
      if (this.slots < this.cap) this.grow()
      else if (this.slots < TABLE_SLOTS && this.hits * REUSED >= this.held) {
        this.cap = this.slots * 2
        this.grow()
      } else {
        this.lens.fill(-1)
        this.values.fill(undefined)
        this.held = 0
      }
      this.hits = 0
      slot = this.free(h)
    }
    const at = slot * TABLE_KEY
    const to = this.keys
    for (let k = 0; k < len; k++) to[at + k] = buf[s + k]
    this.lens[slot] = len
    this.values[slot] = v
    this.held++
    this.last = slot
    return v
  }

  /** The first empty slot for a value of hash `h`. */
  private free(h: number): number {
    const mask = this.slots - 1
    let slot = h >>> this.shift
    while (this.lens[slot] >= 0) slot = (slot + 1) & mask
    return slot
  }

  /** Twice the slots, every value moved to its place in them. */
  private grow(): void {
    const {keys, lens, values} = this
    this.slots *= 2
    this.shift--
    this.keys = Buffer.alloc(this.slots * TABLE_KEY)
    this.lens = new Int32Array(this.slots).fill(-1)
    this.values = Array.from({length: this.slots})
    for (let old = 0; old < lens.length; old++) {
      const len = lens[old]
      if (len < 0) continue
      const from = old * TABLE_KEY
      const slot = this.free(hashBytes(keys, from, from + len))
      keys.copy(this.keys, slot * TABLE_KEY, from, from + len)
      this.lens[slot] = len
      this.values[slot] = values[old]
    }
    this.last = -1
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
 * RawValueCache's table: slots of TABLE_KEY bytes, at most half of them used (a miss probes ~2.5 slots at worst), from
 * TABLE_FIRST slots (8 KB: warehouses, units) doubled as values come up to TABLE_SLOTS (512 KB: 8,192 values).
 */
const TABLE_FIRST = 256
const TABLE_SLOTS = 1 << 14
/** The table's first cap (512 values): it grows beyond only for a column whose values are found again. */
const SMALL_SLOTS = 1 << 10
/** A table doubles its cap when at least 1 in REUSED of the values it held were found again (besides as the last row's). */
const REUSED = 16
/** The ghost: hashes of the last ~TABLE_SLOTS values made (64 KB), what a table up to TABLE_SLOTS would hold. */
const GHOST_SLOTS = TABLE_SLOTS
const TABLE_KEY = 32

/** A hash of `buf[s, e)`, two bytes a step (half the multiplications of a byte-wise FNV), mixed: its high bits pick a slot. */
function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = e - s
  let k = s
  for (; k + 1 < e; k += 2) h = Math.imul(h ^ (buf[k] | (buf[k + 1] << 8)), 0x01000193)
  if (k < e) h = Math.imul(h ^ buf[k], 0x01000193)
  return Math.imul(h ^ (h >>> 15), 0x9e3779b1)
}

/** The largest payload of one protocol packet: a payload this long continues in the next packet. */
const MAX_PAYLOAD = 0xff_ff_ff

/** A packet as mysql2 hands it to its commands (lib/packets/packet.js): the fields its parser sets. */
export interface MysqlWirePacket {
  sequenceId: number
  numPackets: number
  buffer: Buffer
  start: number
  offset: number
  end: number
}

/** mysql2's packet parser (lib/packet_parser.js), as far as RowFramer checks and replaces it. */
interface MysqlPacketParser {
  execute(chunk: Buffer): unknown
  executeStart?: unknown
  largePacketParts?: unknown[]
  _reusablePacket?: MysqlWirePacket
}

/** The parts of a mysql2 connection (lib/base/connection.js) that RowFramer uses. */
export interface MysqlWire {
  packetParser: MysqlPacketParser
  handlePacket(packet: MysqlWirePacket): void
  sequenceId: number
  _command?: unknown
  _paused?: boolean
  config?: {compress?: boolean}
}

/**
 * One young-generation collection per COLLECT_BYTES of socket chunks framed in this thread, by any query (a side, a
 * lookup table, a job's records). A chunk (64 KB, outside the JS heap) is freed only when its small JS object is
 * collected, and rows framed in place make too little garbage to fill the young generation often: the chunks piled up
 * between collections, and the threads' malloc arenas kept that high-water mark. Bins plant, 2,000,000 keys/side: the
 * ERP reader thread's external memory rose to 21-26 MB while it read the item master and units (388,000 and 654,000
 * rows, which had no collection; the stock rows had one per 131,072). With this, 6 interleaved pairs each: stock diff
 * peaked at 180-190 MB against 193-201 (200,000 keys/side: 159-161 against 162-170), same wall and CPU; a reconcile
 * job of 1,000,000 order lines (whose reads had none) at 150-154 MB against 194-202, CPU 4.2 s against 4.8 s.
 */
const COLLECT_BYTES = 2 * 1024 * 1024
let chunkBytes = 0

/**
 * The rows of one streaming query framed straight from the socket's chunks, without mysql2's packet parser and command
 * dispatch per row: installed as the connection's packet parser (mysql2 hands every chunk to `connection.packetParser`)
 * from the moment the query is sent, it gives mysql2 every packet until mysql2's Query reaches the raw row state
 * (`rows`), then parses each row packet in place (`RawRow.parse` on the chunk; a packet split across chunks is
 * assembled first, one of 16 MB or more from its parts) and hands it to `deliver`. The result's end (EOF), an error
 * packet, and anything while the connection is paused go back to mysql2 (sequence ids kept), so 'end', errors, KILL
 * and timeouts behave as before; once the query is no longer mysql2's current command (or `release` was called) the
 * connection gets its own parser back at that packet boundary, with the rest of the chunk.
 */
export class RowFramer {
  private rowState: unknown = null
  private row: RawRow | null = null
  private deliver: (row: RawRow) => void = () => {}
  private malformed: () => void = () => {}
  private rowMode = false
  private bad = false
  private releasing = false
  /** The sequence id expected after the rows read here (-1: no row read since mysql2 last saw a packet). */
  private nextSeq = -1
  /** An incomplete packet (header included) waiting for the next chunk. */
  private carry: Buffer = Buffer.alloc(0)
  private carried = 0
  /** Payloads of a packet of MAX_PAYLOAD bytes or more (sent as several packets), and the first one's sequence id. */
  private parts: Buffer[] = []
  private partsSeq = 0

  private constructor(
    private readonly conn: MysqlWire,
    private readonly query: {next?: unknown},
    private readonly orig: MysqlPacketParser,
    private readonly pk: MysqlWirePacket,
  ) {}

  /**
   * Take over `conn`'s packets for `query`, just sent: null (mysql2 keeps parsing) when the connection is not in the
   * state this relies on (compressed protocol, a partial packet pending, another command ahead of the query).
   */
  static install(conn: MysqlWire, query: {next?: unknown}): RowFramer | null {
    const orig = conn.packetParser
    const proto = orig ? (Object.getPrototypeOf(orig) as MysqlPacketParser) : undefined
    if (!orig || conn.config?.compress || typeof conn.handlePacket !== 'function' || typeof proto?.executeStart !== 'function') return null
    if (orig.execute !== proto.executeStart || orig.largePacketParts?.length !== 0 || !orig._reusablePacket || conn._command !== query) return null
    const framer = new RowFramer(conn, query, orig, orig._reusablePacket)
    conn.packetParser = framer
    return framer
  }

  /** Read rows here once mysql2's query is in `state` (its row state for this result): each into `row`, to `deliver`. */
  rows(state: unknown, row: RawRow, deliver: (row: RawRow) => void, malformed: () => void): void {
    this.rowState = state
    this.row = row
    this.deliver = deliver
    this.malformed = malformed
  }

  /** Give the connection back to mysql2 after the packet being handled (the result is not read raw). */
  release(): void {
    this.releasing = true
  }

  /** Give the connection back to mysql2 now (call only at a packet boundary: the query is over). */
  uninstall(): void {
    if (this.conn.packetParser === (this as unknown as MysqlPacketParser)) this.conn.packetParser = this.orig
  }

  execute(chunk: Buffer): void {
    if ((chunkBytes += chunk.length) >= COLLECT_BYTES) {
      chunkBytes -= COLLECT_BYTES
      youngCollection()
    }
    let at = 0
    const end = chunk.length
    if (this.carried > 0) {
      at = this.complete(chunk)
      if (at < 0) return
    }
    const conn = this.conn
    while (at < end) {
      if (end - at < 4) {
        this.stash(chunk, at, end)
        return
      }
      const len = chunk[at] | (chunk[at + 1] << 8) | (chunk[at + 2] << 16)
      const p = at + 4
      const e = p + len
      if (e > end) {
        this.stash(chunk, at, end)
        return
      }
      // the common case, inline: a whole row packet inside the chunk
      if (this.rowMode && len > 0 && len < MAX_PAYLOAD && this.parts.length === 0 && !conn._paused) {
        const b = chunk[p]
        if (b !== 0xff && (b !== 0xfe || len >= 13)) {
          this.nextSeq = chunk[at + 3] + 1
          if (!this.bad) {
            const row = this.row as RawRow
            if (row.parse(chunk, p, e)) this.deliver(row)
            else this.fail()
          }
          at = e
          continue
        }
      }
      if (!this.packet(chunk, p, e, chunk[at + 3], true)) {
        this.handBack(chunk, e)
        return
      }
      at = e
    }
  }

  /** Finish the carried packet with the start of `chunk`: where the chunk's next packet starts, or -1 (nothing more). */
  private complete(chunk: Buffer): number {
    let at = 0
    if (this.carried < 4) {
      at = Math.min(4 - this.carried, chunk.length)
      this.append(chunk, 0, at)
      if (this.carried < 4) return -1
    }
    const len = this.carry[0] | (this.carry[1] << 8) | (this.carry[2] << 16)
    const take = Math.min(4 + len - this.carried, chunk.length - at)
    this.append(chunk, at, at + take)
    at += take
    if (this.carried < 4 + len) return -1
    this.carried = 0
    if (!this.packet(this.carry, 4, 4 + len, this.carry[3], false)) {
      this.handBack(chunk, at)
      return -1
    }
    return at
  }

  private stash(chunk: Buffer, from: number, to: number): void {
    this.carried = 0
    this.append(chunk, from, to)
  }

  private append(chunk: Buffer, from: number, to: number): void {
    const need = this.carried + to - from
    if (need > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.carry.length, 4096))
      this.carry.copy(grown, 0, 0, this.carried)
      this.carry = grown
    }
    this.carried += chunk.copy(this.carry, this.carried, from, to)
  }

  /**
   * One packet's payload `buf[p, e)`: a part of a long packet is kept until its last part; a whole packet is read here
   * or handed to mysql2. `owned`: `buf` is never written again (a socket chunk), so mysql2 may keep it. False when the
   * connection went back to mysql2 (the caller hands it the rest of the chunk).
   */
  private packet(buf: Buffer, p: number, e: number, seq: number, owned: boolean): boolean {
    const len = e - p
    if (len === MAX_PAYLOAD || this.parts.length > 0) {
      if (this.parts.length === 0) this.partsSeq = seq
      this.parts.push(Buffer.from(buf.subarray(p, e)))
      if (len === MAX_PAYLOAD) return true
      const n = this.parts.length
      const body = Buffer.concat([Buffer.alloc(4), ...this.parts])
      this.parts = []
      return this.whole(body, 4, body.length, this.partsSeq, n)
    }
    if (!owned && !this.isRow(buf, p, e)) {
      // mysql2 may keep a packet's buffer (column definitions do): not the carry, which is written again
      const copy = Buffer.from(buf.subarray(p - 4, e))
      return this.whole(copy, 4, copy.length, seq, 1)
    }
    return this.whole(buf, p, e, seq, 1)
  }

  /** Whether the packet at `buf[p, e)` is a row read here (not an end, an error, or a packet for mysql2). */
  private isRow(buf: Buffer, p: number, e: number): boolean {
    if (!this.rowMode || this.conn._paused) return false
    const b = buf[p]
    return e > p && b !== 0xff && (b !== 0xfe || e - p >= 13)
  }

  private whole(buf: Buffer, p: number, e: number, seq: number, n: number): boolean {
    if (this.isRow(buf, p, e)) {
      this.nextSeq = seq + n
      if (!this.bad) {
        const row = this.row as RawRow
        if (row.parse(buf, p, e)) this.deliver(row)
        else this.fail()
      }
      return true
    }
    // to mysql2: the result's header, column definitions and end, an error, a row while paused
    const conn = this.conn
    if (this.nextSeq >= 0) {
      conn.sequenceId = this.nextSeq & 0xff
      this.nextSeq = -1
    }
    const pk = this.pk
    pk.sequenceId = seq
    pk.numPackets = n
    pk.buffer = buf
    pk.start = p - 4
    pk.offset = p
    pk.end = e
    conn.handlePacket(pk)
    this.rowMode = this.rowState !== null && this.query.next === this.rowState
    if (this.releasing || conn._command !== this.query) {
      this.uninstall()
      return false
    }
    return true
  }

  private fail(): void {
    this.bad = true
    this.malformed()
  }

  /** The connection is mysql2's again: the rest of the chunk goes to its parser. */
  private handBack(chunk: Buffer, at: number): void {
    if (at < chunk.length) this.orig.execute(chunk.subarray(at))
  }
}

/**
 * Whether an integer column's bytes are the text mysql2's number is written as (`String(n)`): digits, an optional '-',
 * no zero padding (ZEROFILL), no '+', not '-0', and short enough to stay exact in a double.
 */
export function isCanonicalIntBytes(buf: Uint8Array, start: number, end: number): boolean {
  let k = start
  if (k < end && buf[k] === 45) k++
  if (k >= end || end - k > 15) return false
  if (buf[k] === 48) return end - k === 1 && k === start
  for (; k < end; k++) if (buf[k] < 48 || buf[k] > 57) return false
  return true
}
