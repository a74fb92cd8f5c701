/**
 * Shared by the benches: each records its figures (and targets) here, and `npm run bench` (bench/run.js) prints them
 * all in one summary block at the end. Also the size scale (BENCH_SCALE=0.1 for a quick run) and the load average.
 */
import {appendFileSync} from 'node:fs'
import os from 'node:os'

export interface Figure {
  bench: string
  label: string
  value: string
  /** The target, said as text (e.g. "≤ 2.0×"), and whether it is met; absent when the figure has no target. */
  target?: string
  ok?: boolean
}

/** Multiply a default size by BENCH_SCALE (default 1), at least `min`. */
export function scaled(n: number, min = 1000): number {
  const s = Number(process.env.BENCH_SCALE ?? 1)
  return Math.max(min, Math.round(n * (Number.isFinite(s) && s > 0 ? s : 1)))
}

export function record(f: Figure): void {
  const file = process.env.BENCH_RESULTS
  if (file) appendFileSync(file, `${JSON.stringify({...f, load: os.loadavg()[0]})}\n`)
}

export function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
