import {randomInt} from 'node:crypto'

import {t} from '../i18n/index.js'

/**
 * The seeded generator behind every sample: the same seed gives the same sample on every machine and Node version
 * (mulberry32 over 32-bit integer arithmetic). Never Math.random. A count without --seed gets a fresh seed from the
 * OS, which is recorded with the count and printed, so any sample can be drawn again.
 */
export class SeededRandom {
  private state: number

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in 0..4294967295, got ${seed}`)
    this.state = seed >>> 0
  }

  /** Float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n)
  }

  /**
   * k distinct elements chosen uniformly (partial Fisher-Yates on a copy). The result keeps no order meaning;
   * callers sort it (walking order).
   */
  pick<T>(items: readonly T[], k: number): T[] {
    const a = items.slice()
    const m = Math.min(k, a.length)
    for (let i = 0; i < m; i++) {
      const j = i + this.below(a.length - i)
      const t = a[i]
      a[i] = a[j]
      a[j] = t
    }
    return a.slice(0, m)
  }
}

export function newSeed(): number {
  return randomInt(0, 2 ** 31)
}

export function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text.trim()) || Number(text) > 0xffffffff) {
    throw new RangeError(t('errors.count.seed', {value: text}))
  }
  return Number(text)
}
