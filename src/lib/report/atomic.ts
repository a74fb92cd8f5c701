import {randomBytes} from 'node:crypto'
import {mkdirSync, renameSync, rmSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {UsageError} from '../cli/errors.js'
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

/**
 * Write a file so that readers see either the old file or the complete new one, never a half-written one:
 * `produce` writes to a temp file beside the target, which is renamed over the target only on success.
 */
export async function withAtomicFile<T>(target: string, produce: (tmpPath: string) => Promise<T>): Promise<T> {
  const abs = path.resolve(target)
  try {
    mkdirSync(path.dirname(abs), {recursive: true})
  } catch (error) {
    throw new UsageError(t('errors.report.mkdir', {dir: path.dirname(abs), code: (error as NodeJS.ErrnoException).code}), {
      hints: [t('errors.report.mkdirHint')],
    })
  }
  const tmp = tempPathFor(abs)
  track(tmp)
  try {
    const result = await produce(tmp)
    renameSync(tmp, abs)
    inFlight.delete(tmp)
    return result
  } catch (error) {
    rmSync(tmp, {force: true})
    inFlight.delete(tmp)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EROFS' || code === 'ENOSPC' || code === 'EISDIR') {
      throw new UsageError(t('errors.report.write', {path: abs, code}), {hints: [t('errors.report.writeHint')]})
    }
    throw error
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await withAtomicFile(target, (tmp) => writeFile(tmp, data))
}
