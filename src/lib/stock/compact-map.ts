import {CodeMap} from '../reconcile/mapping.js'
import {isAlreadyLoose, looseCode} from '../reconcile/keys.js'

/** Entries per packed chunk: the codes of a chunk are joined into one string once the chunk is full. */
const CHUNK_BITS = 10
const CHUNK = 1 << CHUNK_BITS

/** FNV-1a over UTF-16 code units (the same hash family as the spill's partitionOf), as a signed 32-bit integer. */
function hashOf(s: string): number {
  return hashRange(s, 0, s.length)
}

/** hashOf(s.slice(from, to)) without the slice. */
function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}

/**
 * Packed strings: entry i's text lives in one joined string per CHUNK entries (the open chunk as separate strings),
 * found through the chunk's start offsets (16-bit while the chunk is shorter than 64 K characters). An entry's length
 * is where the next one of its chunk starts (the last: the chunk's end). Offsets are sized per chunk, so nothing
 * grows by doubling: at 2,000,000 keys/side (400,000 codes) the WMS reader held 4 MB of offset arrays before, 1.6 MB now.
 */
class PackedTexts {
  private readonly done: string[] = []
  private readonly offs: Array<Uint16Array | Int32Array> = []
  private open: string[] = []

  get count(): number {
    return this.done.length * CHUNK + this.open.length
  }

  push(s: string): void {
    this.open.push(s)
    if (this.open.length === CHUNK) {
      const {open} = this
      let len = 0
      for (let k = 0; k < CHUNK; k++) len += open[k].length
      const off = len < 0x10000 ? new Uint16Array(CHUNK) : new Int32Array(CHUNK)
      for (let k = 0, at = 0; k < CHUNK; k++) {
        off[k] = at
        at += open[k].length
      }
      this.done.push(open.join(''))
      this.offs.push(off)
      this.open = []
    }
  }

  /** Where entry i of a joined chunk starts and ends. */
  private start(i: number): number {
    return this.offs[i >> CHUNK_BITS][i & (CHUNK - 1)]
  }

  private end(i: number): number {
    const k = i & (CHUNK - 1)
    return k === CHUNK - 1 ? this.done[i >> CHUNK_BITS].length : this.offs[i >> CHUNK_BITS][k + 1]
  }

  at(i: number): string {
    const c = i >> CHUNK_BITS
    if (c < this.done.length) return this.done[c].slice(this.start(i), this.end(i))
    return this.open[i & (CHUNK - 1)]
  }

  equals(i: number, s: string): boolean {
    const c = i >> CHUNK_BITS
    if (c < this.done.length) {
      const from = this.start(i)
      return this.end(i) - from === s.length && this.done[c].startsWith(s, from)
    }
    return this.open[i & (CHUNK - 1)] === s
  }

  /** hashOf(at(i)), without making the string. */
  hash(i: number): number {
    const c = i >> CHUNK_BITS
    if (c < this.done.length) return hashRange(this.done[c], this.start(i), this.end(i))
    return hashOf(this.open[i & (CHUNK - 1)])
  }

  /** Whether entry i is its own loose code for certain (looseCode's fast path), without making the string. */
  alreadyLoose(i: number): boolean {
    const c = i >> CHUNK_BITS
    if (c < this.done.length) return isAlreadyLoose(this.done[c], this.start(i), this.end(i))
    const s = this.open[i & (CHUNK - 1)]
    return isAlreadyLoose(s, 0, s.length)
  }
}

/** The smallest power of two, at least 16, of at least twice `n` slots (an open-addressing table at most half full). */
function tableSize(n: number): number {
  let cap = 16
  while (cap < n * 2) cap *= 2
  return cap
}

/**
 * A WMS → ERP code map for item cross-references of millions of codes, with the same answers as CodeMap (exact
 * codes, conflicts, the loose index for code_format) in a fraction of its memory: the codes are packed into a few
 * long strings and found through an open-addressing table of entry numbers (keys compared in place, hashes
 * recomputed from the packed text when the table grows), instead of one Map entry (and, once a code is unmapped, a
 * second loose Map) per code. The loose index holds only the entries that are not their own loose code (a
 * cross-reference of normalised codes has few or none); the others are found by looking their loose code up
 * exactly. Measured at 5,000,000 keys/side the WMS thread held ~899,000 entries.
 * Lookups return a new string each time: callers cache per distinct raw code (read-sides.ts RawCache).
 */
export class CompactCodeMap extends CodeMap {
  private readonly keys = new PackedTexts()
  private readonly values = new PackedTexts()
  /** Entry index + 1 per slot (0 = empty). */
  private table = new Int32Array(2048)
  /** The entries that are not their own loose code (first per loose code), by the hash of their loose code. */
  private looseTable: Int32Array | undefined
  private looseHashes: Int32Array | undefined
  /** The entry of each loose index position. */
  private looseEntries: Int32Array | undefined
  /** Where a mapped code came from, when it says more than `describeEntry` (as CodeMap keeps it). */
  private readonly origins = new Map<string, string>()

  constructor(private readonly describeEntry: (wms: string, erp: string) => string = (w, e) => `${w} → ${e}`) {
    super(false, describeEntry)
  }

  override get size(): number {
    return this.keys.count
  }

  private find(code: string, h: number): number {
    const mask = this.table.length - 1
    const {table, keys} = this
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = table[s]
      if (e === 0) return -1 - s
      if (keys.equals(e - 1, code)) return e - 1
    }
  }

  override set(wmsCode: string, erpCode: string, origin?: string): void {
    const h = hashOf(wmsCode)
    const at = this.find(wmsCode, h)
    if (at >= 0) {
      const had = this.values.at(at)
      if (had !== erpCode) {
        const here = origin ?? this.describeEntry(wmsCode, erpCode)
        const c = this.conflicts.find((x) => x.wms === wmsCode)
        if (c) c.rows.push(here)
        else this.conflicts.push({wms: wmsCode, rows: [this.origins.get(wmsCode) ?? this.describeEntry(wmsCode, had), here]})
      }
      return
    }
    if (origin !== undefined && origin !== this.describeEntry(wmsCode, erpCode)) this.origins.set(wmsCode, origin)
    const i = this.keys.count
    this.keys.push(wmsCode)
    this.values.push(erpCode)
    this.table[-1 - at] = i + 1
    if ((i + 1) * 2 > this.table.length) this.rehash()
    this.looseTable = undefined
    this.looseHashes = undefined
    this.looseEntries = undefined
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2)
    const mask = table.length - 1
    for (let i = 0; i < this.keys.count; i++) {
      let s = this.keys.hash(i) & mask
      while (table[s] !== 0) s = (s + 1) & mask
      table[s] = i + 1
    }
    this.table = table
  }

  override get(code: string): string | undefined {
    const at = this.find(code, hashOf(code))
    return at >= 0 ? this.values.at(at) : undefined
  }

  override entries(): Array<[string, string]> {
    const out: Array<[string, string]> = []
    for (let i = 0; i < this.keys.count; i++) out.push([this.keys.at(i), this.values.at(i)])
    return out
  }

  /**
   * As CodeMap.looseTarget: the first entry (in insertion order) whose loose code is the code's loose code. That is the
   * earlier of the entry whose code is that loose code and is its own loose code (an exact look-up) and the first
   * entry of that loose code that is not its own (the loose index).
   */
  override looseTarget(code: string): string | undefined {
    const lc = looseCode(code)
    const exact = this.find(lc, hashOf(lc))
    let first = exact >= 0 && looseCode(lc) === lc ? exact : -1
    if (this.looseTable === undefined) this.buildLoose()
    const table = this.looseTable!
    const hashes = this.looseHashes!
    const entries = this.looseEntries!
    const mask = table.length - 1
    const h = hashOf(lc)
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const j = table[s] - 1
      if (j < 0) break
      if (hashes[j] === h && looseCode(this.keys.at(entries[j])) === lc) {
        if (first < 0 || entries[j] < first) first = entries[j]
        break
      }
    }
    return first >= 0 ? this.values.at(first) : undefined
  }

  private buildLoose(): void {
    const n = this.keys.count
    // the entries that are not their own loose code (in insertion order), and their loose codes' hashes
    const others: number[] = []
    for (let i = 0; i < n; i++) {
      if (this.keys.alreadyLoose(i)) continue
      const k = this.keys.at(i)
      if (looseCode(k) !== k) others.push(i)
    }
    const m = others.length
    const entries = Int32Array.from(others)
    const hashes = new Int32Array(m)
    const table = new Int32Array(tableSize(m))
    const mask = table.length - 1
    for (let j = 0; j < m; j++) {
      const lc = looseCode(this.keys.at(entries[j]))
      const h = hashOf(lc)
      hashes[j] = h
      let s = h & mask
      let seen = false
      for (; table[s] !== 0; s = (s + 1) & mask) {
        const x = table[s] - 1
        if (hashes[x] === h && looseCode(this.keys.at(entries[x])) === lc) {
          seen = true
          break
        }
      }
      if (!seen) table[s] = j + 1
    }
    this.looseTable = table
    this.looseHashes = hashes
    this.looseEntries = entries
  }
}

/** A CompactCodeMap describing its entries with `describe` (the factory itemMapFromSource takes). */
export function compactMap(describe: (wms: string, erp: string) => string): CodeMap {
  return new CompactCodeMap(describe)
}
