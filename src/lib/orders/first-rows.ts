/**
 * The first row each (order_no, line_no) key was seen on in a file, kept outside the JS heap: the keys' UTF-8 bytes
 * and rows in one growing buffer, an open-addressing table of their offsets. A Map of 300,000 strings is ~20 MB of
 * live heap, and V8 lets the heap grow to about four times what is live before a full collection: it was ~80 MB of
 * an import's peak RSS. Here it is ~10 MB of buffer, outside the collected heap.
 */
export class FirstRows {
  private bytes = Buffer.allocUnsafe(1 << 20)
  private used = 0
  /** Offset of an entry in `bytes` (layout: row u32, byte length u32, key bytes), -1 when the slot is free. */
  private slots = new Int32Array(1 << 12).fill(-1)
  private count = 0

  get size(): number {
    return this.count
  }

  /** The row `key` was first seen on; when it was not seen yet, remember it on `row` and return undefined. */
  firstOr(key: string, row: number): number | undefined {
    const need = this.used + 8 + key.length * 3
    if (need > this.bytes.length) this.growBytes(need)
    const at = this.used
    const n = this.bytes.write(key, at + 8, 'utf8')
    const mask = this.slots.length - 1
    let i = hash(this.bytes, at + 8, at + 8 + n) & mask
    for (let o = this.slots[i]; o >= 0; o = this.slots[i]) {
      if (this.bytes.readUInt32LE(o + 4) === n && this.bytes.compare(this.bytes, at + 8, at + 8 + n, o + 8, o + 8 + n) === 0) return this.bytes.readUInt32LE(o)
      i = (i + 1) & mask
    }
    this.bytes.writeUInt32LE(row, at)
    this.bytes.writeUInt32LE(n, at + 4)
    this.slots[i] = at
    this.used = at + 8 + n
    if (++this.count * 2 > this.slots.length) this.growSlots()
    return undefined
  }

  private growBytes(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2))
    this.bytes.copy(next, 0, 0, this.used)
    this.bytes = next
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1)
    const mask = slots.length - 1
    for (let at = 0; at < this.used; ) {
      const n = this.bytes.readUInt32LE(at + 4)
      let i = hash(this.bytes, at + 8, at + 8 + n) & mask
      while (slots[i] >= 0) i = (i + 1) & mask
      slots[i] = at
      at += 8 + n
    }
    this.slots = slots
  }
}

/** FNV-1a over bytes[from, to). */
function hash(bytes: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
  return h >>> 0
}
