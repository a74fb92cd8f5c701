import {closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {PlantopsError} from '../cli/errors.js'
import {ExitCode} from '../cli/exit-codes.js'
import {t} from '../i18n/index.js'

const PREFIX = 'plantops-stock-'

/** Spill directories of this process not yet removed: removed on any exit (error, SIGTERM/SIGINT → process.exit). */
const liveDirs = new Set<string>()
let exitHook = false

/**
 * Create a spill directory `plantops-stock-<pid>-XXXXXX` under `tempDir`, removed when this process exits however it
 * exits (except SIGKILL: `sweepDeadSpills` removes those at the next start).
 */
export function createSpillDir(tempDir?: string): string {
  const base = tempDir ?? os.tmpdir()
  let dir: string
  try {
    dir = mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`))
  } catch (error) {
    throw tempDirError(base, error)
  }
  trackSpillDir(dir)
  return dir
}

/** Remember a directory (e.g. one a reader thread writes) for removal on exit. */
export function trackSpillDir(dir: string): void {
  if (!exitHook) {
    exitHook = true
    process.on('exit', () => {
      for (const d of liveDirs) rmSync(d, {recursive: true, force: true})
    })
  }
  liveDirs.add(dir)
}

export function removeSpillDir(dir: string): void {
  rmSync(dir, {recursive: true, force: true})
  liveDirs.delete(dir)
}

/**
 * Remove the spill directories of runs that died (SIGKILL, power loss): `plantops-stock-<pid>-…` whose process is
 * gone, and directories of the older unnamed form untouched for a day. Returns the directories removed.
 */
export function sweepDeadSpills(tempDir?: string, now = Date.now()): string[] {
  const base = tempDir ?? os.tmpdir()
  let names: string[]
  try {
    names = readdirSync(base)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue
    const dir = path.join(base, name)
    const m = /^plantops-stock-(\d+)-/.exec(name)
    let dead: boolean
    if (m) dead = Number(m[1]) !== process.pid && !processAlive(Number(m[1]))
    else {
      try {
        dead = now - statSync(dir).mtimeMs > 24 * 3_600_000
      } catch {
        dead = false
      }
    }
    if (!dead) continue
    try {
      rmSync(dir, {recursive: true, force: true})
      removed.push(dir)
    } catch {
      // not ours to remove (permissions): leave it
    }
  }
  return removed
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A full (or unwritable) temporary directory, said as such: not blamed on a source. */
export function tempDirError(dir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new PlantopsError(t('errors.stock.tempDirFull', {dir}), {
      code: 'TEMP_DIR_FULL',
      exitCode: ExitCode.SOURCE,
      hints: [t('errors.stock.tempDirFullHint')],
    })
  }
  if (code === 'EACCES' || code === 'EROFS' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EPERM') {
    return new PlantopsError(t('errors.stock.tempDirUnusable', {dir, code}), {
      code: 'TEMP_DIR_UNUSABLE',
      exitCode: ExitCode.USAGE,
      hints: [t('errors.stock.tempDirUnusableHint')],
    })
  }
  return error as Error
}

/**
 * Hash-partitioned spill: rows of several kinds (ERP stock, WMS stock, item attributes…) are appended as text lines to
 * one file per kind, in blocks of at most SLOT_BYTES that each belong to one partition (an in-memory index lists
 * each partition's blocks). Memory stays bounded whatever the table sizes, a handful of file descriptors suffice for
 * any number of partitions, and each partition is later read back alone. Removed by `dispose()`.
 */
export class Spill {
  readonly dir: string
  readonly partitions: number
  private readonly kinds = new Map<string, KindFile>()
  /** Read buffers reused by bytes(): two, so that both sides of a partition can be read in place at once. */
  private readonly readBufs: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)]
  bytesWritten = 0

  constructor(opts: {partitions: number; tempDir?: string; dir?: string}) {
    this.partitions = opts.partitions
    this.dir = opts.dir ?? createSpillDir(opts.tempDir)
  }

  private kind(kind: string): KindFile {
    let k = this.kinds.get(kind)
    if (!k) {
      const file = path.join(this.dir, kind)
      let fd: number
      try {
        fd = openSync(file, 'w+')
      } catch (error) {
        throw tempDirError(path.dirname(this.dir), error)
      }
      k = {
        fd,
        file,
        size: 0,
        stage: null,
        staged: 0,
        // slots are allocated on first use: small inputs never touch most partitions
        slots: Array.from({length: this.partitions}, () => null),
        blocks: Array.from({length: this.partitions}, () => []),
      }
      this.kinds.set(kind, k)
    }
    return k
  }

  /** Append one line (without the newline) to the kind's partition. */
  write(kind: string, partition: number, line: string): void {
    const k = this.kinds.get(kind) ?? this.kind(kind)
    const b = k.slots[partition] ?? this.newSlot(k, partition)
    // worst case 3 bytes per UTF-16 unit
    if (b.len + line.length * 3 + 1 > SLOT_BYTES) {
      this.flushSlot(k, partition)
      if (line.length * 3 + 1 > SLOT_BYTES) {
        this.append(k, partition, Buffer.from(`${line}\n`, 'utf8'))
        return
      }
    }
    b.len += b.buf.write(line, b.len, 'utf8')
    b.buf[b.len++] = 10
  }

  /**
   * Byte-level append: the partition's slot with room for at least `max` more bytes (its earlier lines flushed when it
   * has not). The caller writes one whole line, newline included, at `slot.buf[slot.len]` and advances `slot.len` by
   * what it wrote, before any other call on this Spill. Lines are the same text lines `write` appends, as UTF-8 bytes;
   * `max` must be at most LINE_ROOM (longer lines: `write`).
   */
  room(kind: string, partition: number, max: number): SpillSlot {
    return this.roomIn(this.kinds.get(kind) ?? this.kind(kind), partition, max)
  }

  /** A kind's file, for `roomIn` (room() without looking the kind up per line). Valid until release() or dispose(). */
  lane(kind: string): SpillLane {
    return this.kinds.get(kind) ?? this.kind(kind)
  }

  /** `room` in a kind's lane. */
  roomIn(lane: SpillLane, partition: number, max: number): SpillSlot {
    const k = lane as KindFile
    const b = k.slots[partition]
    if (b === null) return this.newSlot(k, partition)
    if (b.len + max > SLOT_BYTES) this.flushSlot(k, partition)
    return b
  }

  /** A partition's first slot (cut from the slab), installed in the kind. */
  private newSlot(k: KindFile, partition: number): Slot {
    const b = {buf: this.slotBuffer(), len: 0}
    k.slots[partition] = b
    return b
  }

  private slab: Buffer | null = null
  private slabUsed = 0

  /**
   * A slot's buffer, cut from a slab of 64 (one 4 KB allocation per partition was 2% of a reader thread: each is its
   * own ArrayBuffer).
   */
  private slotBuffer(): Buffer {
    if (this.slab === null || this.slabUsed === SLAB_SLOTS) {
      this.slab = Buffer.allocUnsafe(SLOT_BYTES * SLAB_SLOTS)
      this.slabUsed = 0
    }
    const at = SLOT_BYTES * this.slabUsed++
    return this.slab.subarray(at, at + SLOT_BYTES)
  }

  /** Write all buffered lines of one kind (or all kinds). */
  flush(kind?: string): void {
    for (const [name, k] of this.kinds) {
      if (kind !== undefined && name !== kind) continue
      for (let p = 0; p < this.partitions; p++) this.flushSlot(k, p)
      this.flushStage(k)
    }
  }

  /** The text of one kind's partition (its blocks, in order). */
  text(kind: string, partition: number): string {
    return this.bytes(kind, partition).toString('utf8')
  }

  /**
   * The bytes of one kind's partition (its blocks, in order), in a read buffer this Spill reuses: valid until the next
   * call. A fresh Buffer per partition is memory outside the JS heap that is only freed once a full collection finds its
   * handle dead; 512 of them (~300 KB each at 1,000,000 records) piled up ~70 MB of RSS between collections.
   * `buffer` (0 or 1) picks one of two read buffers: bytes(a, p, 0) stays valid while bytes(b, p, 1) is read.
   */
  bytes(kind: string, partition: number, buffer: 0 | 1 = 0): Buffer {
    const k = this.kinds.get(kind)
    if (!k) return Buffer.alloc(0)
    this.flushSlot(k, partition)
    this.flushStage(k)
    const blocks = k.blocks[partition]
    let total = 0
    for (const bl of blocks) total += bl.len
    const have = this.readBufs[buffer]
    const buf = have.length < total ? (this.readBufs[buffer] = Buffer.allocUnsafe(Math.max(total, 2 * have.length))) : have
    const out = buf.subarray(0, total)
    let at = 0
    for (const bl of blocks) {
      let got = 0
      while (got < bl.len) got += readSync(k.fd, out, at + got, bl.len - got, bl.offset + got)
      at += bl.len
    }
    return out
  }

  /**
   * The lines of one kind's partition. Decoded in pieces of about LINES_CHUNK bytes cut at line ends: one string of a
   * whole partition (~300 KB at 1,000,000 records in 256 partitions) lands in V8's large-object space, whose
   * allocation and release cost ~20× a small string's per byte (bench: 3.3 s against 0.15 s to decode 150 MB).
   */
  lines(kind: string, partition: number): string[] {
    const out: string[] = []
    textPieces(this.bytes(kind, partition), (text) => {
      const parts = text.split('\n')
      // every line ends with a newline: the piece's last part is empty
      const n = text.charCodeAt(text.length - 1) === 10 ? parts.length - 1 : parts.length
      for (let i = 0; i < n; i++) out.push(parts[i])
    })
    return out
  }

  /** Sequential line reader over one kind's partition (for merging sorted partition outputs). */
  reader(kind: string, partition: number): LineReader {
    const k = this.kinds.get(kind)
    if (k) {
      this.flushSlot(k, partition)
      this.flushStage(k)
    }
    return new LineReader(k ? k.fd : -1, k ? k.blocks[partition] : [])
  }

  /** Forget a partition once reconciled (its slot buffers are released). */
  drop(kind: string, partition: number): void {
    const k = this.kinds.get(kind)
    if (!k) return
    k.slots[partition] = null
    k.blocks[partition] = []
  }

  /** The block index of everything written (or of `only` these kinds): another thread's Spill can adopt the files. */
  exportIndex(only?: string[]): SpillIndex {
    this.flush()
    const kinds: SpillIndex['kinds'] = []
    for (const [kind, k] of this.kinds) if (only === undefined || only.includes(kind)) kinds.push({kind, file: k.file, size: k.size, blocks: k.blocks})
    return {dir: this.dir, kinds}
  }

  /**
   * Read the kinds another Spill (another thread) wrote, as if written here. With `own`, their directory is removed
   * on dispose (the writer handed them over); without, they are only read.
   */
  adopt(index: SpillIndex, own = true): void {
    for (const {kind, file, size, blocks} of index.kinds) {
      if (this.kinds.has(kind)) throw new Error(`spill kind ${kind} written twice`)
      this.kinds.set(kind, {fd: openSync(file, 'r+'), file, size, stage: null, staged: 0, slots: Array.from({length: this.partitions}, () => null), blocks})
    }
    if (own) this.adopted.push(index.dir)
  }

  private readonly adopted: string[] = []

  /** Close the files without removing them (after handing the index to another thread). */
  release(): void {
    for (const k of this.kinds.values()) {
      this.flushStage(k)
      closeSync(k.fd)
    }
    this.kinds.clear()
  }

  dispose(): void {
    for (const k of this.kinds.values()) closeSync(k.fd)
    this.kinds.clear()
    for (const d of this.adopted) removeSpillDir(d)
    removeSpillDir(this.dir)
  }

  private flushSlot(k: KindFile, partition: number): void {
    const b = k.slots[partition]
    if (b === null || b.len === 0) return
    this.append(k, partition, b.buf.subarray(0, b.len))
    b.len = 0
  }

  /**
   * A partition's block goes to the file through the kind's staging buffer: blocks of many partitions leave in one
   * write of STAGE_BYTES (profile at 2,000,000 rows/side: one write per 4 KB block was 6-8% of a reader thread, plus
   * its system time). Offsets are the blocks' places in the file, staged or not; reads flush the stage first.
   */
  private append(k: KindFile, partition: number, data: Buffer): void {
    if (data.length > STAGE_BYTES) {
      this.flushStage(k)
      this.writeAt(k, data, k.size)
    } else {
      if (k.staged + data.length > STAGE_BYTES) this.flushStage(k)
      k.stage ??= Buffer.allocUnsafe(STAGE_BYTES)
      k.staged += data.copy(k.stage, k.staged)
    }
    k.blocks[partition].push({offset: k.size, len: data.length})
    k.size += data.length
    this.bytesWritten += data.length
  }

  private flushStage(k: KindFile): void {
    if (k.staged === 0) return
    const n = k.staged
    k.staged = 0
    this.writeAt(k, k.stage!.subarray(0, n), k.size - n)
  }

  private writeAt(k: KindFile, data: Buffer, at: number): void {
    let off = 0
    try {
      while (off < data.length) off += writeSync(k.fd, data, off, data.length - off, at + off)
    } catch (error) {
      throw tempDirError(path.dirname(this.dir), error)
    }
  }
}

export interface SpillIndex {
  dir: string
  kinds: Array<{kind: string; file: string; size: number; blocks: Block[][]}>
}

interface Slot {
  buf: Buffer
  len: number
}

/** A partition's buffer of lines not yet written, as `Spill.room` hands it out. */
export type SpillSlot = Slot

/** One kind's file of a Spill, as `Spill.lane` hands it out (opaque: only for `Spill.roomIn`). */
export interface SpillLane {
  readonly file: string
}

interface Block {
  offset: number
  len: number
}

interface KindFile {
  fd: number
  file: string
  /** Bytes in the file, staged ones included. */
  size: number
  /** Blocks not yet written (the last `staged` bytes of `size`). */
  stage: Buffer | null
  staged: number
  slots: Array<Slot | null>
  blocks: Block[][]
}

const SLOT_BYTES = 4096

/** The longest line `Spill.room` takes, in bytes (newline included). */
export const LINE_ROOM = SLOT_BYTES
const STAGE_BYTES = 256 * 1024
const SLAB_SLOTS = 64

/** Bytes decoded at a time by Spill.lines(): well below V8's large-object threshold (128 KB), even as UTF-16. */
const LINES_CHUNK = 32_768

/**
 * Decode spilled bytes in pieces of about LINES_CHUNK bytes cut after a newline (whole lines, each piece ending with
 * its newline), handed to `each` in order: one string of a whole partition lands in V8's large-object space, whose
 * allocation and release cost ~20x a small string's per byte (see Spill.lines()).
 */
export function textPieces(buf: Buffer, each: (text: string) => void): void {
  for (let start = 0; start < buf.length; ) {
    let end = buf.length
    if (end - start > LINES_CHUNK) {
      const nl = buf.lastIndexOf(10, start + LINES_CHUNK - 1)
      end = nl >= start ? nl + 1 : buf.indexOf(10, start + LINES_CHUNK) + 1 || buf.length
    }
    each(buf.toString('utf8', start, end))
    start = end
  }
}

/** FNV-1a over UTF-16 code units: a fast, stable partition hash. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % partitions
}

/**
 * `partitionOf` of the text of ASCII bytes `buf[start, end)` (one UTF-16 code unit per byte), without making it; the
 * remainder in integers (a power of two masked, else in two 16-bit halves) instead of a float modulo of the unsigned hash.
 */
export function partitionOfBytes(buf: Uint8Array, start: number, end: number, partitions: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) {
    h ^= buf[i]
    h = Math.imul(h, 0x01000193)
  }
  if ((partitions & (partitions - 1)) === 0) return h & (partitions - 1)
  if (partitions <= 0x8000) return (((h >>> 16) % partitions) * 0x10000 + (h & 0xffff)) % partitions
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

/** Sequential line reader over a partition's blocks, one block in memory at a time. */
export class LineReader {
  private blockIndex = 0
  private restBytes: Buffer = Buffer.alloc(0)
  private pending: string[] = []

  constructor(
    private readonly fd: number,
    private readonly blocks: Block[],
  ) {}

  next(): string | undefined {
    while (this.pending.length === 0) {
      if (this.blockIndex >= this.blocks.length) {
        if (this.restBytes.length > 0) {
          const last = this.restBytes.toString('utf8')
          this.restBytes = Buffer.alloc(0)
          return last
        }
        return undefined
      }
      const bl = this.blocks[this.blockIndex++]
      const chunk = Buffer.allocUnsafe(bl.len)
      let got = 0
      while (got < bl.len) got += readSync(this.fd, chunk, got, bl.len - got, bl.offset + got)
      // UTF-8 safe split: cut at the last newline byte
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

  close(): void {}
}
