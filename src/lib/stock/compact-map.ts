import {CodeMap} from '../reconcile/mapping.js'
import {looseCode} from '../reconcile/keys.js'

/** Entries per packed chunk: the codes of a chunk are joined into one string once the chunk is full. */
const CHUNK_BITS = 10
const CHUNK = 1 << CHUNK_BITS

/** FNV-1a over UTF-16 code units (the same hash family as the spill's partitionOf), as a signed 32-bit integer. */
function hashOf(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}

/**
 * Packed strings: entry i's text lives in one joined string per CHUNK entries (the open chunk as separate strings). An
 * entry's length is where the next one of its chunk starts (the last: the chunk's end), so only offsets are kept (at
 * 5,000,000 keys/side, ~900,000 codes: 7 MB less in the WMS reader than offsets and lengths).
 */
class PackedTexts {
  private readonly done: string[] = []
  private open: string[] = []
  private off = new Int32Array(1024)
  /** Characters in the open chunk. */
  private openEnd = 0

  get count(): number {
    return this.done.length * CHUNK + this.open.length
  }

  push(s: string): void {
    const i = this.count
    if (i >= this.off.length) this.off = grow(this.off)
    // offset within the chunk: the previous entry's end (0 for the first of a chunk)
    if ((i & (CHUNK - 1)) === 0) this.openEnd = 0
    this.off[i] = this.openEnd
    this.openEnd += s.length
    this.open.push(s)
    if (this.open.length === CHUNK) {
      this.done.push(this.open.join(''))
      this.open = []
    }
  }

  /** Where entry i of a joined chunk ends. */
  private end(i: number): number {
    return (i & (CHUNK - 1)) === CHUNK - 1 ? this.done[i >> CHUNK_BITS].length : this.off[i + 1]
  }

  at(i: number): string {
    const c = i >> CHUNK_BITS
    if (c < this.done.length) return this.done[c].slice(this.off[i], this.end(i))
    return this.open[i & (CHUNK - 1)]
  }

  equals(i: number, s: string): boolean {
    const c = i >> CHUNK_BITS
    if (c < this.done.length) return this.end(i) - this.off[i] === s.length && this.done[c].startsWith(s, this.off[i])
    return this.open[i & (CHUNK - 1)] === s
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}

/**
 * A WMS → ERP code map for item cross-references of millions of codes, with the same answers as CodeMap (exact
 * codes, conflicts, the loose index for code_format) in a fraction of its memory: the codes are packed into a few
 * long strings and found through an open-addressing table of 32-bit hashes, instead of one Map entry (and, once a
 * code is unmapped, a second loose Map) per code. Measured at 5,000,000 keys/side the WMS thread held ~899,000 entries.
 * Lookups return a new string each time: callers cache per distinct raw code (read-sides.ts RawCache).
 */
export class CompactCodeMap extends CodeMap {
  private readonly keys = new PackedTexts()
  private readonly values = new PackedTexts()
  private hashes = new Int32Array(1024)
  /** Entry index + 1 per slot (0 = empty). */
  private table = new Int32Array(2048)
  private looseTable: Int32Array | undefined
  private looseHashes: Int32Array | undefined
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
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.table[s]
      if (e === 0) return -1 - s
      if (this.hashes[e - 1] === h && this.keys.equals(e - 1, code)) return e - 1
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
    if (i >= this.hashes.length) this.hashes = grow(this.hashes)
    this.hashes[i] = h
    this.table[-1 - at] = i + 1
    if ((i + 1) * 2 > this.table.length) this.rehash()
    this.looseTable = undefined
    this.looseHashes = undefined
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2)
    const mask = table.length - 1
    for (let i = 0; i < this.keys.count; i++) {
      let s = this.hashes[i] & mask
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

  /** As CodeMap.looseTarget: the first entry (in insertion order) whose loose code is the code's loose code. */
  override looseTarget(code: string): string | undefined {
    const lc = looseCode(code)
    if (this.looseTable === undefined) this.buildLoose()
    const table = this.looseTable!
    const mask = table.length - 1
    const h = hashOf(lc)
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = table[s]
      if (e === 0) return undefined
      if (this.looseHashes![e - 1] === h && looseCode(this.keys.at(e - 1)) === lc) return this.values.at(e - 1)
    }
  }

  private buildLoose(): void {
    const n = this.keys.count
    let cap = 2048
    while (cap < n * 2) cap *= 2
    const table = new Int32Array(cap)
    const hashes = new Int32Array(Math.max(1, n))
    const mask = cap - 1
    for (let i = 0; i < n; i++) {
      const lc = looseCode(this.keys.at(i))
      const h = hashOf(lc)
      hashes[i] = h
      let s = h & mask
      let seen = false
      for (; table[s] !== 0; s = (s + 1) & mask) {
        const j = table[s] - 1
        if (hashes[j] === h && looseCode(this.keys.at(j)) === lc) {
          seen = true
          break
        }
      }
      if (!seen) table[s] = i + 1
    }
    this.looseTable = table
    this.looseHashes = hashes
  }
}

/** A CompactCodeMap describing its entries with `describe` (the factory itemMapFromSource takes). */
export function compactMap(describe: (wms: string, erp: string) => string): CodeMap {
  return new CompactCodeMap(describe)
}
