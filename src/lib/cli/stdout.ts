import type {Writable} from 'node:stream'

/**
 * A closed pipe is not a failure: `plantops count report 1 --format csv | head -1` closes stdout early on purpose.
 * When the reader goes away (EPIPE), the rest of stdout is dropped and the command finishes as it would have
 * (its own exit code, its run recorded with its own result), instead of dying with "write EPIPE" as a defect.
 */
let closed = false
let installed = false

export function installStdoutPipeGuard(stream: NodeJS.WriteStream = process.stdout): void {
  if (installed) return
  installed = true
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      markClosed(stream)
      return
    }
    throw error
  })
}

function markClosed(stream: NodeJS.WriteStream): void {
  if (closed) return
  closed = true
  // the reader is gone: drop what is left, and release anyone waiting for 'drain'
  stream.write = ((_chunk: unknown, enc?: unknown, cb?: unknown) => {
    const done = typeof enc === 'function' ? enc : cb
    if (typeof done === 'function') process.nextTick(done as () => void)
    return true
  }) as typeof stream.write
  stream.emit('drain')
}

/** True once stdout's reader has gone away. */
export function stdoutClosed(): boolean {
  return closed
}

/**
 * Wait until `out` can take more: 'drain', or (for stdout) the reader closing the pipe, which ends the wait
 * instead of rejecting.
 */
export function drained(out: Writable): Promise<void> {
  if (out === process.stdout && closed) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain)
      out.off('error', onError)
    }
    const onDrain = () => {
      cleanup()
      resolve()
    }
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup()
      if (out === process.stdout && (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED')) resolve()
      else reject(error)
    }
    out.on('drain', onDrain)
    out.on('error', onError)
  })
}
