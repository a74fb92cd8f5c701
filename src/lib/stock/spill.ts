import {closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Hash-partitioned spill files: rows of several kinds (ERP stock, WMS stock, item attributes…) are appended as
 * text lines to `<kind>.<partition>` files in a private temp directory, with a small buffer per file. Memory stays
 * bounded whatever the table sizes; each partition is later reconciled alone. Removed by `dispose()`.
 */
export class Spill {
  readonly dir: string
  readonly partitions: number
  /**
   * Pending bytes per `<kind>.<partition>` file. Lines are encoded into a small Buffer at once, so no row string lives
   * longer than the row itself: they die young, the GC stays cheap and the heap stays flat.
   */
  private readonly buffers = new Map<string, Slot>()
  private readonly fds = new Map<string, number>()
  private readonly kinds = new Map<string, Slot[]>()
  bytesWritten = 0

  constructor(opts: {partitions: number; tempDir?: string}) {
    this.partitions = opts.partitions
    this.dir = mkdtempSync(path.join(opts.tempDir ?? os.tmpdir(), 'plantops-stock-'))
  }

  private slots(kind: string): Slot[] {
    let k = this.kinds.get(kind)
    if (!k) {
      k = Array.from({length: this.partitions}, () => ({buf: Buffer.allocUnsafe(SLOT_BYTES), len: 0}))
      this.kinds.set(kind, k)
      k.forEach((b, p) => this.buffers.set(`${kind}.${p}`, b))
    }
    return k
  }

  /** Append one line (without the newline) to the kind's partition file. */
  write(kind: string, partition: number, line: string): void {
    const b = (this.kinds.get(kind) ?? this.slots(kind))[partition]
    // worst case 3 bytes per UTF-16 unit
    if (b.len + line.length * 3 + 1 > SLOT_BYTES) {
      this.flushOne(`${kind}.${partition}`, b)
      if (line.length * 3 + 1 > SLOT_BYTES) {
        this.writeRaw(`${kind}.${partition}`, Buffer.from(`${line}\n`, 'utf8'))
        return
      }
    }
    b.len += b.buf.write(line, b.len, 'utf8')
    b.buf[b.len++] = 10
  }

  /** Write all buffered lines of one kind (or all kinds). */
  flush(kind?: string): void {
    for (const [name, b] of this.buffers) {
      if (kind === undefined || name.startsWith(`${kind}.`)) this.flushOne(name, b)
    }
  }

  /** Path of a kind's partition file after flushing and closing it (it may not exist when nothing was written). */
  finish(kind: string, partition: number): string {
    const name = `${kind}.${partition}`
    const b = this.buffers.get(name)
    if (b) this.flushOne(name, b)
    const fd = this.fds.get(name)
    if (fd !== undefined) {
      closeSync(fd)
      this.fds.delete(name)
    }
    return path.join(this.dir, name)
  }

  /** The lines of one kind's partition (flushed first). */
  lines(kind: string, partition: number): string[] {
    const file = this.finish(kind, partition)
    if (!existsSync(file)) return []
    const text = readFileSync(file, 'utf8')
    if (text.length === 0) return []
    const out = text.split('\n')
    out.pop() // trailing newline
    return out
  }

  /** Remove a partition file once reconciled (keeps the disk footprint down). */
  drop(kind: string, partition: number): void {
    rmSync(path.join(this.dir, `${kind}.${partition}`), {force: true})
  }

  dispose(): void {
    for (const fd of this.fds.values()) closeSync(fd)
    this.fds.clear()
    this.buffers.clear()
    this.kinds.clear()
    rmSync(this.dir, {recursive: true, force: true})
  }

  private flushOne(name: string, b: Slot): void {
    if (b.len === 0) return
    this.writeRaw(name, b.buf.subarray(0, b.len))
    b.len = 0
  }

  /** Open, append, close: hundreds of partition files never hold hundreds of descriptors. */
  private writeRaw(name: string, data: Buffer): void {
    const fd = openSync(path.join(this.dir, name), 'a')
    try {
      let off = 0
      while (off < data.length) off += writeSync(fd, data, off, data.length - off)
    } finally {
      closeSync(fd)
    }
    this.bytesWritten += data.length
  }
}

interface Slot {
  buf: Buffer
  len: number
}

const SLOT_BYTES = 8192

/** FNV-1a over UTF-16 code units: a fast, stable partition hash. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % partitions
}

/** Fields in spill lines are tab-separated; codes holding tabs, newlines or backslashes are escaped. */
const NEEDS_ESCAPE = /[\t\n\r\\]/
export function escapeField(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s
  return s.replace(/[\t\n\r\\]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\'))
}

export function unescapeField(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(/\\([tnr\\])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'))
}

/** Sequential line reader over a file with a fixed buffer (for merging sorted partition outputs). */
export class LineReader {
  private readonly fd: number
  private readonly buf = Buffer.alloc(1 << 16)
  private restBytes: Buffer = Buffer.alloc(0)
  private pending: string[] = []
  private eof = false

  constructor(file: string) {
    this.fd = openSync(file, 'r')
  }

  next(): string | undefined {
    while (this.pending.length === 0) {
      if (this.eof) {
        if (this.restBytes.length > 0) {
          const last = this.restBytes.toString('utf8')
          this.restBytes = Buffer.alloc(0)
          return last
        }
        return undefined
      }
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null)
      if (n === 0) {
        this.eof = true
        continue
      }
      // UTF-8 safe split: cut at the last newline byte
      const chunk = this.buf.subarray(0, n)
      const lastNl = chunk.lastIndexOf(10)
      if (lastNl < 0) {
        this.restBytes = Buffer.concat([this.restBytes, chunk])
        continue
      }
      const text = Buffer.concat([this.restBytes, chunk.subarray(0, lastNl)]).toString('utf8')
      this.restBytes = Buffer.from(chunk.subarray(lastNl + 1))
      this.pending = text.split('\n').reverse()
    }
    return this.pending.pop()
  }

  close(): void {
    closeSync(this.fd)
  }
}
