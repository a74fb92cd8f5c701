import {label} from '../i18n/index.js'

/**
 * What the terminal can do. Colour only on a TTY and never with NO_COLOR; prompts only on a TTY and never in CI or
 * with --no-input; progress only on a TTY stderr.
 */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

export function interactiveAllowed(opts: {noInput?: boolean; env?: NodeJS.ProcessEnv} = {}): boolean {
  const env = opts.env ?? process.env
  if (opts.noInput) return false
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return false
  if (env.PLANTOPS_NO_INPUT === '1') return false
  return Boolean(process.stdin.isTTY && process.stdout.isTTY)
}

export interface Progress {
  /** Set the phase (reading, merging, writing…) and counters shown: stable codes, worded here in the language in force. */
  update(phase: string, counters?: Record<string, number>): void
  stop(): void
}

/**
 * A progress word in the language in force: callers pass stable codes (phases such as `reading`, `checking replica
 * lag`; counters such as `ERP rows`, `partitions`; labels such as `stock diff`) and the catalog's section `progress`
 * words them (`checking replica lag` → progress.phase.checkingReplicaLag). A code the catalog does not know (a side's
 * label, a job name) is shown as it is.
 */
export function progressWord(kind: 'phase' | 'counter' | 'label', code: string): string {
  const id = code.trim().replace(/[\s_-]+(\w)/g, (_, c: string) => c.toUpperCase())
  if (!/^[A-Za-z]\w*$/.test(id)) return code
  const key = `progress.${kind}.${id}` // i18n-dynamic: progress.*
  const text = label(key)
  return text === key ? code : text
}

/** The progress line: `stock diff: reading · ERP rows 20,000 · WMS rows 12,000`, in the language in force. */
export function progressLine(labelText: string, phase: string, counters: Record<string, number> = {}): string {
  const parts = Object.entries(counters).map(([k, v]) => `${progressWord('counter', k)} ${v.toLocaleString('en-US')}`)
  return `${progressWord('label', labelText)}: ${progressWord('phase', phase)}${parts.length ? ` · ${parts.join(' · ')}` : ''}`
}

/** A one-line progress display on stderr, only when stderr is a TTY (and never in --json mode). */
export function createProgress(opts: {enabled: boolean; label: string}): Progress {
  if (!opts.enabled || !process.stderr.isTTY) return {update() {}, stop() {}}
  let last = 0
  let shown = false
  const render = (phase: string, counters: Record<string, number>) => {
    const line = progressLine(opts.label, phase, counters)
    process.stderr.write(`\r\u001B[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`)
    shown = true
  }
  return {
    update(phase, counters = {}) {
      const now = Date.now()
      if (now - last < 100) return
      last = now
      render(phase, counters)
    },
    stop() {
      if (shown) process.stderr.write('\r\u001B[2K')
    },
  }
}
