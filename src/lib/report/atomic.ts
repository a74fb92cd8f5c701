import {randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {createWriteStream, lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, type WriteStream} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {isPlantopsError, UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'

/** Temp files being written right now: removed if the process exits (e.g. SIGTERM) before they are renamed. */
const inFlight = new Set<string>()
let exitHookInstalled = false

function track(tmp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const f of inFlight) rmSync(f, {force: true})
    })
  }
  inFlight.add(tmp)
}

/** A temp path beside `target` (same directory, so the final rename is atomic). */
export function tempPathFor(target: string): string {
  const dir = path.dirname(path.resolve(target))
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
}

export interface AtomicOptions {
  /**
   * The flag that named the file (`--output`, `--rejects`): named in the error, so the operator knows what to change.
   * None for files plantops picks itself (plantops.yaml).
   */
  flag?: string
}

/** Errors of the output file itself (opening, writing, closing it), as opposed to errors of what is being written. */
const outputErrors = new WeakSet<object>()

/** Mark `error` as a failure of the output file (the operator's to fix: exit 2, not a defect). */
export function outputError(error: unknown): unknown {
  if (error && typeof error === 'object') outputErrors.add(error)
  return error
}

/**
 * Write a file so that readers see either the old file or the complete new one, never a half-written one:
 * `produce` writes to a temp file beside the target, which is renamed over the target only on success.
 *
 * Only a regular file is replaced that way. A symlink is followed, and the same rules apply to where it points (the
 * file it points to is replaced, the link stays a link). A target that exists and is not a regular file (a FIFO,
 * /dev/stdout, /dev/null, a terminal) is written straight into: renaming over it would replace the device with a
 * regular file (an earlier test turned /dev/full into one that way). A directory fails on opening (EISDIR).
 *
 * Any failure of the file itself (a missing, read-only or immutable directory, /proc, a full disk) is an error of
 * the flag that named it (exit 2) with the system's reason, e.g. "cannot write /proc/x.csv (--output): ENOENT: no
 * such file or directory".
 */
export async function withAtomicFile<T>(target: string, produce: (tmpPath: string) => Promise<T>, opts: AtomicOptions = {}): Promise<T> {
  const abs = path.resolve(target)
  const {dest, direct} = resolveTarget(abs, opts.flag)
  if (direct) {
    try {
      return await produce(dest)
    } catch (error) {
      throw asWriteError(error, dest, [dest], opts.flag)
    }
  }
  try {
    mkdirSync(path.dirname(dest), {recursive: true})
  } catch (error) {
    const dir = path.dirname(dest)
    const reason = reasonOf(error)
    throw opts.flag
      ? new UsageError(t('errors.report.mkdirOutput', {dir, flag: opts.flag, reason}), {hints: [t('errors.report.mkdirOutputHint', {flag: opts.flag})]})
      : new UsageError(t('errors.report.mkdir', {dir, code: reason}), {hints: [t('errors.report.mkdirHint')]})
  }
  const tmp = tempPathFor(dest)
  track(tmp)
  try {
    const result = await produce(tmp)
    try {
      renameSync(tmp, dest)
    } catch (error) {
      throw outputError(error)
    }
    inFlight.delete(tmp)
    return result
  } catch (error) {
    rmSync(tmp, {force: true})
    inFlight.delete(tmp)
    throw asWriteError(error, dest, [tmp, dest], opts.flag)
  }
}

/**
 * Where the bytes go: a symlink is followed (also one that points nowhere yet: the file it names is created, as a
 * shell's `>` does); `direct` when the target exists and is not a regular file.
 */
function resolveTarget(abs: string, flag: string | undefined): {dest: string; direct: boolean} {
  try {
    const st = statSync(abs)
    if (!st.isFile()) return {dest: abs, direct: true}
    // realpath, not readlink: /proc/self/fd/1 reads as "pipe:[…]" but resolves to the file when it is one
    return {dest: lstatSync(abs).isSymbolicLink() ? realpathSync.native(abs) : abs, direct: false}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw asWriteError(outputError(error), abs, [], flag)
  }
  // missing, or a dangling symlink: follow its links by hand (40 hops, the kernel's own limit, before ELOOP)
  let dest = abs
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(dest).isSymbolicLink()) break
      dest = path.resolve(path.dirname(dest), readlinkSync(dest))
    } catch {
      break
    }
  }
  return {dest, direct: false}
}

/** The system's reason without the syscall and the (temp) path: "EPERM: operation not permitted". */
function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  if (typeof e?.code === 'string' && typeof e.message === 'string' && e.syscall) return e.message.replace(new RegExp(`, ${e.syscall}\\b.*$`, 's'), '')
  return error instanceof Error ? error.message : String(error)
}

/**
 * A failure of the output file as the usage error naming the path and the flag; any other error (a source failing
 * while its rows are written, a defect) as it is. Besides the marked errors, a file system error naming one of the
 * files written counts (a `produce` of a caller that writes with fs itself), and so do the codes that always concern
 * the file written.
 */
function asWriteError(error: unknown, dest: string, files: string[], flag: string | undefined): unknown {
  if (isPlantopsError(error)) return error
  const e = error as NodeJS.ErrnoException
  const mine =
    outputErrors.has(e as object) ||
    (typeof e?.code === 'string' && ((e.path !== undefined && files.includes(e.path)) || ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EFBIG', 'EISDIR'].includes(e.code)))
  if (!mine) return error
  const reason = reasonOf(error)
  return flag
    ? new UsageError(t('errors.report.writeOutput', {path: dest, flag, reason}), {hints: [t('errors.report.writeOutputHint', {flag})], cause: error})
    : new UsageError(t('errors.report.write', {path: dest, code: reason}), {hints: [t('errors.report.writeHint')], cause: error})
}

/**
 * Write into `file` through a stream that settles, whatever happens to the file: it is opened first (a file that
 * cannot be opened rejects here, instead of an 'error' event nobody listens to, which killed the process with a
 * stack trace, or left exceljs's writer waiting forever inside the orders import's store transaction); any later
 * error of the stream (ENOSPC, a FIFO's reader gone) rejects what `write` is waiting on; the file is closed before
 * this returns (a close can fail too: NFS reports a full quota there).
 */
export async function withOutputStream<T>(file: string, write: (out: WriteStream) => Promise<T>): Promise<T> {
  const out = createWriteStream(file)
  const failed = new Promise<never>((_, reject) => out.on('error', reject))
  failed.catch(() => {}) // awaited in the races below; never an unhandled rejection on its own
  try {
    await Promise.race([once(out, 'open'), failed])
    const result = await Promise.race([write(out), failed])
    if (!out.writableEnded) out.end()
    if (!out.closed) await Promise.race([once(out, 'close'), failed])
    return result
  } catch (error) {
    out.destroy()
    // whatever surfaced first, a stream that failed is the reason (a drain wait may reject with the same error)
    throw out.errored ? outputError(out.errored) : error
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, opts: AtomicOptions = {}): Promise<void> {
  await withAtomicFile(
    target,
    async (file) => {
      try {
        await writeFile(file, data)
      } catch (error) {
        throw outputError(error)
      }
    },
    opts,
  )
}
