import {spawn} from 'node:child_process'

export type SvgResult = {ok: true; svg: string} | {ok: false; reason: 'not-installed' | 'failed'; message: string}

/** The Graphviz `dot` binary: $PLANTOPS_DOT, else `dot` on PATH. */
export function dotBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLANTOPS_DOT || 'dot'
}

/** Render DOT to SVG with Graphviz (`dot -Tsvg`), fed on stdin. Never throws: says why it could not. */
export function dotToSvg(dot: string, opts: {binary?: string; timeoutMs?: number} = {}): Promise<SvgResult> {
  const bin = opts.binary ?? dotBinary()
  return new Promise((resolve) => {
    let child
    try {
      child = spawn(bin, ['-Tsvg'], {stdio: ['pipe', 'pipe', 'pipe']})
    } catch (error) {
      resolve({ok: false, reason: 'not-installed', message: (error as Error).message})
      return
    }
    // our own timer (spawn's `timeout` option keeps the process alive when the binary is missing)
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    timer.unref()
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve(error.code === 'ENOENT' ? {ok: false, reason: 'not-installed', message: `${bin} not found`} : {ok: false, reason: 'failed', message: error.message})
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve({ok: true, svg: Buffer.concat(out).toString('utf8')})
      else resolve({ok: false, reason: 'failed', message: `${bin} exited with ${code}: ${Buffer.concat(err).toString('utf8').trim().slice(0, 500)}`})
    })
    child.stdin.on('error', () => {}) // EPIPE when dot is missing or dies early; reported by 'error'/'close'
    child.stdin.end(dot)
  })
}
