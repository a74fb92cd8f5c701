import {closeSync, mkdtempSync, openSync, readdirSync, readSync, readvSync, rmSync, statSync, writeSync} from 'node:fs'
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
 * one file per kind, and each partition is later read back alone. Lines not yet written wait in one arena per Spill
 * (every kind, every partition): each (kind, partition) fills a segment cut from it, and a segment that is full gets a
 * new one. The arena starts small and doubles up to ARENA_BYTES; when it is full, a round is written: per kind, every
 * partition's segments in partition order, one run of the file (the round's index says where each partition's bytes
 * start in it). Memory stays bounded whatever the table sizes and partition count (it was a 4 KB slot per partition
 * and kind: 24 MB in the ERP reader at 2,048 partitions), a handful of file descriptors suffice, and since consecutive
 * partitions are neighbours in every round, a window of them is read back with one read per round (bytes()): the
 * merge claims partitions by windows (readWindow). Removed by `dispose()`.
 */
export class Spill {
  readonly dir: string
  readonly partitions: number
  private readonly kinds = new Map<string, KindFile>()
  bytesWritten = 0
  /** Lines not yet written, of every kind (segments of the kinds' slots), `used` bytes of it handed out. */
  private arena: Buffer = Buffer.alloc(0)
  private used = 0
  /** Bytes of a new segment (a line longer gets its own length). */
  private segment = MIN_SEGMENT
  /** Where a round is assembled for writing (STAGE_BYTES). */
  private stage: Buffer | null = null
  private window = 0

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
      k = newKindFile(fd, file, 0, [], this.partitions)
      this.kinds.set(kind, k)
    }
    return k
  }

  /** Append one line (without the newline) to the kind's partition. */
  write(kind: string, partition: number, line: string): void {
    const k = this.kinds.get(kind) ?? this.kind(kind)
    // worst case 3 bytes per UTF-16 unit
    const max = line.length * 3 + 1
    if (max > LINE_ROOM) {
      this.writeLong(k, partition, Buffer.from(`${line}\n`, 'utf8'))
      return
    }
    const b = this.roomIn(k, partition, max)
    b.len += b.buf.write(line, b.len, 'utf8')
    b.buf[b.len++] = 10
  }

  /**
   * Byte-level append: the partition's slot with room for at least `max` more bytes. The caller writes one whole line,
   * newline included, at `slot.buf[slot.len]` and advances `slot.len` by what it wrote, before any other call on this
   * Spill. Lines are the same text lines `write` appends, as UTF-8 bytes; `max` must be at most LINE_ROOM (longer
   * lines: `write`).
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
    const b = (lane as KindFile).slots[partition]
    if (b !== null && b.len + max <= b.end) return b
    return this.newSegment(lane as KindFile, partition, max)
  }

  /** The partition's slot on a new segment of the arena (its filled segment kept for the round). */
  private newSegment(k: KindFile, partition: number, max: number): Slot {
    const old = k.slots[partition]
    if (old !== null && old.len > old.start) {
      ;(k.segs[partition] ??= []).push(old.start, old.len)
      old.start = old.len
    }
    const size = Math.max(this.segment, max)
    // grows the arena, or writes the round (every slot then starts anew)
    if (this.used + size > this.arena.length) this.makeRoom(size)
    let b = k.slots[partition]
    if (b === null) b = k.slots[partition] = {buf: this.arena, len: 0, start: 0, end: 0}
    b.buf = this.arena
    b.start = b.len = this.used
    b.end = this.used += size
    k.pending = true
    return b
  }

  /** Room for `size` more bytes in the arena: a larger arena while below ARENA_BYTES, else a round written. */
  private makeRoom(size: number): void {
    const have = this.arena.length
    if (have < ARENA_BYTES) {
      let grown = Math.max(have * 2, MIN_ARENA)
      while (grown < this.used + size) grown *= 2
      const next = Buffer.allocUnsafe(Math.min(ARENA_BYTES, grown))
      if (this.used + size <= next.length) {
        this.arena.copy(next, 0, 0, this.used)
        this.arena = next
        for (const k of this.kinds.values()) for (const b of k.slots) if (b !== null) b.buf = next
        // segments of ~1/4 of a partition's share of the arena: a round wastes ~1/8 of it on unfilled segment ends
        this.segment = Math.min(MAX_SEGMENT, Math.max(MIN_SEGMENT, (next.length / this.partitions / 4) & ~63))
        return
      }
    }
    this.writeRound()
  }

  /** Write every buffered line: one round per kind with lines waiting. */
  private writeRound(): void {
    if (this.used === 0) return
    const arena = this.arena
    const P = this.partitions
    for (const k of this.kinds.values()) {
      if (!k.pending) continue
      k.pending = false
      // a window read before holds none of this round
      if (k.window !== null) k.window.to = 0
      const starts = new Int32Array(P + 1)
      const base = k.size
      let at = 0
      for (let p = 0; p < P; p++) {
        starts[p] = at
        const segs = k.segs[p]
        if (segs !== null && segs.length > 0) {
          for (let i = 0; i < segs.length; i += 2) at = this.put(k, base, at, arena, segs[i], segs[i + 1])
          segs.length = 0
        }
        const b = k.slots[p]
        if (b !== null) {
          if (b.len > b.start) at = this.put(k, base, at, arena, b.start, b.len)
          b.start = b.len = b.end = 0
        }
      }
      starts[P] = at
      this.flushStage(k, base + at)
      k.rounds.push({at: base, starts})
      k.size = base + at
      this.bytesWritten += at
    }
    this.used = 0
  }

  /** Round assembly: arena[s, e) goes to the round at `at` (file offset base + at) through the stage. */
  private staged = 0
  private put(k: KindFile, base: number, at: number, arena: Buffer, s: number, e: number): number {
    const stage = (this.stage ??= Buffer.allocUnsafe(STAGE_BYTES))
    const n = e - s
    if (this.staged + n > STAGE_BYTES) this.flushStage(k, base + at)
    arena.copy(stage, this.staged, s, e)
    this.staged += n
    return at + n
  }

  /** Write the staged bytes, which end at file offset `end`. */
  private flushStage(k: KindFile, end: number): void {
    if (this.staged === 0) return
    const n = this.staged
    this.staged = 0
    this.writeAt(k, this.stage!.subarray(0, n), end - n)
  }

  /** A line longer than LINE_ROOM: the lines before it are written, then it alone as a round. */
  private writeLong(k: KindFile, partition: number, data: Buffer): void {
    this.writeRound()
    const starts = new Int32Array(this.partitions + 1)
    for (let p = partition + 1; p <= this.partitions; p++) starts[p] = data.length
    this.writeAt(k, data, k.size)
    k.rounds.push({at: k.size, starts})
    k.size += data.length
    this.bytesWritten += data.length
  }

  /** Write all buffered lines (of every kind: `kind` is accepted for the callers that name one). */
  flush(_kind?: string): void {
    this.writeRound()
  }

  /** The text of one kind's partition (its blocks, in order). */
  text(kind: string, partition: number): string {
    return this.bytes(kind, partition).toString('utf8')
  }

  /**
   * Partitions read back at once (a window, aligned to multiples of it): ~WINDOW_BYTES of every kind together, from 1
   * to MAX_WINDOW partitions. Threads that claim partitions by windows of this size read each window once.
   */
  get readWindow(): number {
    if (this.window === 0) {
      this.writeRound()
      let total = 0
      for (const k of this.kinds.values()) total += k.size
      this.window = Math.max(1, Math.min(MAX_WINDOW, Math.floor((WINDOW_BYTES * this.partitions) / Math.max(1, total))))
    }
    return this.window
  }

  /**
   * The bytes of one kind's partition (its pieces, in order), valid until this kind's next partition outside the
   * window is read: the kind's whole window of partitions (readWindow) is read at once, one read per round (profile at
   * 2,000,000 keys/side: one read per 4 KB block was ~36,000 reads, 0.2-0.28 s). The read buffer is reused (a fresh
   * Buffer per read is memory outside the JS heap, freed only once a full collection finds its handle dead: 512 of them
   * piled up ~70 MB of RSS). `_buffer` is kept for the callers that name one (every kind has its own buffer).
   */
  bytes(kind: string, partition: number, _buffer: 0 | 1 = 0): Buffer {
    const k = this.kinds.get(kind)
    if (!k) return EMPTY
    if (k.pending) this.writeRound()
    let w = k.window
    if (w === null || partition < w.from || partition >= w.to) w = this.readWindowOf(k, partition)
    const i = partition - w.from
    if (w.gone[i] === 1) return EMPTY
    return w.buf.subarray(w.at[i], w.at[i + 1])
  }

  /** Read the kind's window holding `partition`: per round, the window's run of the file scattered to its partitions. */
  private readWindowOf(k: KindFile, partition: number): Window {
    const size = this.readWindow
    const from = partition - (partition % size)
    const to = Math.min(this.partitions, from + size)
    const n = to - from
    const w = k.window ?? (k.window = {from: 0, to: 0, buf: EMPTY, at: new Int32Array(MAX_WINDOW + 1), fill: new Int32Array(MAX_WINDOW), gone: new Uint8Array(MAX_WINDOW)})
    const {at, fill, gone} = w
    at[0] = 0
    for (let q = from; q < to; q++) {
      let len = 0
      for (let r = k.since === null ? 0 : k.since[q]; r < k.rounds.length; r++) len += k.rounds[r].starts[q + 1] - k.rounds[r].starts[q]
      at[q - from + 1] = at[q - from] + len
      fill[q - from] = 0
      gone[q - from] = 0
    }
    const total = at[n]
    if (w.buf.length < total) w.buf = Buffer.allocUnsafe(Math.max(total, Math.ceil(w.buf.length * 1.5)))
    const buf = w.buf
    w.from = from
    w.to = to
    const iov: Buffer[] = []
    for (let r = 0; r < k.rounds.length; r++) {
      const {at: base, starts} = k.rounds[r]
      if (starts[to] === starts[from]) continue
      iov.length = 0
      let whole = true
      for (let q = from; q < to; q++) {
        const len = starts[q + 1] - starts[q]
        if (len === 0) continue
        if (k.since !== null && k.since[q] > r) {
          whole = false
          continue
        }
        const d = at[q - from] + fill[q - from]
        fill[q - from] += len
        iov.push(buf.subarray(d, d + len))
      }
      if (whole) readFully(k.fd, iov, base + starts[from])
      else {
        // a partition dropped since (and written again): its older pieces are skipped, the others read one by one
        let j = 0
        for (let q = from; q < to; q++) {
          const len = starts[q + 1] - starts[q]
          if (len > 0 && (k.since === null || k.since[q] <= r)) readFully(k.fd, [iov[j++]], base + starts[q])
        }
      }
    }
    return w
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

  /** Sequential line reader over one kind's partition (for merging sorted partition outputs), `chunk` bytes at a time. */
  reader(kind: string, partition: number, chunk?: number): LineReader {
    const k = this.kinds.get(kind)
    if (!k) return new LineReader(-1, [])
    if (k.pending) this.writeRound()
    const blocks: Block[] = []
    for (let r = k.since === null ? 0 : k.since[partition]; r < k.rounds.length; r++) {
      const {at, starts} = k.rounds[r]
      if (starts[partition + 1] > starts[partition]) blocks.push({offset: at + starts[partition], len: starts[partition + 1] - starts[partition]})
    }
    return new LineReader(k.fd, blocks, chunk)
  }

  /** Forget a partition once reconciled: its lines not yet written are discarded, those written no longer read. */
  drop(kind: string, partition: number): void {
    const k = this.kinds.get(kind)
    if (!k) return
    const b = k.slots[partition]
    if (b !== null) b.start = b.len = b.end = 0
    const segs = k.segs[partition]
    if (segs !== null) segs.length = 0
    ;(k.since ??= new Int32Array(this.partitions))[partition] = k.rounds.length
    const w = k.window
    if (w !== null && partition >= w.from && partition < w.to) w.gone[partition - w.from] = 1
  }

  /** The index of everything written (or of `only` these kinds): another thread's Spill can adopt the files. */
  exportIndex(only?: string[]): SpillIndex {
    this.writeRound()
    const kinds: SpillIndex['kinds'] = []
    for (const [kind, k] of this.kinds) if (only === undefined || only.includes(kind)) kinds.push({kind, file: k.file, size: k.size, rounds: k.rounds, since: k.since})
    return {dir: this.dir, kinds}
  }

  /**
   * Read the kinds another Spill (another thread) wrote, as if written here. With `own`, their directory is removed
   * on dispose (the writer handed them over); without, they are only read.
   */
  adopt(index: SpillIndex, own = true): void {
    for (const {kind, file, size, rounds, since} of index.kinds) {
      if (this.kinds.has(kind)) throw new Error(`spill kind ${kind} written twice`)
      const k = newKindFile(openSync(file, 'r+'), file, size, rounds, this.partitions)
      k.since = since
      this.kinds.set(kind, k)
    }
    this.window = 0
    if (own) this.adopted.push(index.dir)
  }

  private readonly adopted: string[] = []

  /** Close the files without removing them (after handing the index to another thread). */
  release(): void {
    this.writeRound()
    for (const k of this.kinds.values()) closeSync(k.fd)
    this.kinds.clear()
  }

  dispose(): void {
    for (const k of this.kinds.values()) closeSync(k.fd)
    this.kinds.clear()
    for (const d of this.adopted) removeSpillDir(d)
    removeSpillDir(this.dir)
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

const EMPTY = Buffer.alloc(0)

/** Read the file from `position` into the buffers in order, to their ends (readv, continued after a short read). */
function readFully(fd: number, iov: Buffer[], position: number): void {
  let i = 0
  while (i < iov.length) {
    const batch = i === 0 && iov.length <= IOV_MAX ? iov : iov.slice(i, i + IOV_MAX)
    let want = 0
    for (const b of batch) want += b.length
    const got = readvSync(fd, batch, position)
    if (got === want) {
      i += batch.length
      position += got
      continue
    }
    if (got <= 0) throw new Error(`spill file shorter than its index (${want} bytes wanted at ${position})`)
    // a short read: finish the buffer it stopped in, then go on with the next ones
    let left = got
    let j = 0
    while (left >= batch[j].length) left -= batch[j++].length
    position += got
    const rest = batch[j].subarray(left)
    let done = 0
    while (done < rest.length) {
      const n = readSync(fd, rest, done, rest.length - done, position + done)
      if (n <= 0) throw new Error(`spill file shorter than its index (${rest.length - done} bytes wanted at ${position + done})`)
      done += n
    }
    position += rest.length
    i += j + 1
  }
}

export interface SpillIndex {
  dir: string
  kinds: Array<{kind: string; file: string; size: number; rounds: Round[]; since: Int32Array | null}>
}

/** One round of a kind's file: at file offset `at`, partition p's bytes are [starts[p], starts[p + 1]) of it. */
interface Round {
  at: number
  starts: Int32Array
}

interface Slot {
  buf: Buffer
  len: number
  /** The segment: [start, end) of the arena. */
  start: number
  end: number
}

/** A partition's buffer of lines not yet written, as `Spill.room` hands it out. */
export type SpillSlot = Pick<Slot, 'buf' | 'len'>

/** One kind's file of a Spill, as `Spill.lane` hands it out (opaque: only for `Spill.roomIn`). */
export interface SpillLane {
  readonly file: string
}

interface Block {
  offset: number
  len: number
}

/** A window of one kind read back: partition from + i is buf[at[i], at[i + 1]). */
interface Window {
  from: number
  to: number
  buf: Buffer
  at: Int32Array
  fill: Int32Array
  /** Partitions dropped since the window was read. */
  gone: Uint8Array
}

interface KindFile {
  fd: number
  file: string
  /** Bytes in the file. */
  size: number
  rounds: Round[]
  /** Per partition, the first round still read (drop()); null: none dropped. */
  since: Int32Array | null
  /** Lines of this kind wait in the arena. */
  pending: boolean
  slots: Array<Slot | null>
  /** Per partition, filled segments of the arena [start, end, …] waiting for the round. */
  segs: Array<number[] | null>
  window: Window | null
}

function newKindFile(fd: number, file: string, size: number, rounds: Round[], partitions: number): KindFile {
  return {fd, file, size, rounds, since: null, pending: false, slots: new Array<Slot | null>(partitions).fill(null), segs: new Array<number[] | null>(partitions).fill(null), window: null}
}

/** The longest line `Spill.room` takes, in bytes (newline included). */
export const LINE_ROOM = 4096
/** The arena of lines not yet written: it starts at MIN_ARENA and doubles up to ARENA_BYTES. */
const MIN_ARENA = 64 * 1024
export const ARENA_BYTES = 4 * 1024 * 1024
const MIN_SEGMENT = 128
const MAX_SEGMENT = 4096
const STAGE_BYTES = 256 * 1024
/** Bytes (every kind together) read back at once by bytes(): a window of partitions. */
const WINDOW_BYTES = 2 * 1024 * 1024
const MAX_WINDOW = 64
/** Buffers per readv (Linux IOV_MAX). */
const IOV_MAX = 1024

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

/** A null field in a spill line: `\N` (an escaped field never is: escapeField turns a backslash into two). */
export const NULL_FIELD = '\\N'

/** A value that may be null as a spill field (NULL_FIELD, else escaped). */
export function nullableField(v: string | null): string {
  return v === null ? NULL_FIELD : escapeField(v)
}

/** nullableField's value back. */
export function nullableValue(f: string): string | null {
  return f === NULL_FIELD ? null : unescapeField(f)
}

export function unescapeField(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(/\\([tnr\\])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'))
}

/**
 * Sequential line reader over a partition's blocks, at most `chunk` bytes of them in memory at a time (a block is a
 * partition's part of one write round: all of its rows when they were written at once). A k-way merge holds one
 * reader per partition and kind: at 4,096 readers whole blocks held every row in memory (sortedLineChunk).
 */
export class LineReader {
  private blockIndex = 0
  /** Bytes of the current block already read. */
  private blockAt = 0
  /** The bytes read and not yet returned (lines are decoded one at a time, when asked for). */
  private buf: Buffer = Buffer.alloc(0)
  private at = 0

  constructor(
    private readonly fd: number,
    private readonly blocks: Block[],
    private readonly chunk = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * The next line, decoded now: the lines of a chunk wait as bytes, not as strings (in a k-way merge a line waits
   * while thousands of other readers' lines go first: as strings they outlived the young generation and piled up as
   * garbage in the old one, +120 MB on the main thread while 147,000 rows were reported).
   */
  next(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf(10, this.at)
      if (nl >= 0) {
        const line = this.buf.toString('utf8', this.at, nl)
        this.at = nl + 1
        return line
      }
      if (this.blockIndex >= this.blocks.length) {
        if (this.at < this.buf.length) {
          const last = this.buf.toString('utf8', this.at)
          this.at = this.buf.length
          return last
        }
        return undefined
      }
      const bl = this.blocks[this.blockIndex]
      const len = Math.min(this.chunk, bl.len - this.blockAt)
      const rest = this.buf.length - this.at
      const next = Buffer.allocUnsafe(rest + len)
      this.buf.copy(next, 0, this.at)
      let got = 0
      while (got < len) got += readSync(this.fd, next, rest + got, len - got, bl.offset + this.blockAt + got)
      this.blockAt += len
      if (this.blockAt >= bl.len) {
        this.blockIndex++
        this.blockAt = 0
      }
      this.buf = next
      this.at = 0
    }
  }

  close(): void {}
}
