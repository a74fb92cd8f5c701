/**
 * Deterministic pseudo-random numbers for the demo plant. Never Math.random: the same seed must give the same plant
 * on every machine. mulberry32 is a small 32-bit generator with a full 2^32 period, plenty for demo data.
 */

/** mulberry32: returns a function giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Mix several integers into one 32-bit seed (murmur3 finaliser style), for independent sub-streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const p of parts) {
    let k = Math.imul(p >>> 0, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export class Rng {
  private readonly nextFloat: () => number

  constructor(seed: number) {
    this.nextFloat = mulberry32(seed)
  }

  /** A generator for a sub-stream (e.g. one item), independent of how much this one has been used. */
  static derive(...parts: number[]): Rng {
    return new Rng(mixSeed(...parts))
  }

  /** Float in [0, 1). */
  next(): number {
    return this.nextFloat()
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`Rng.int: max ${max} < min ${min}`)
    return min + Math.floor(this.nextFloat() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.nextFloat() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list')
    return items[Math.floor(this.nextFloat() * items.length)]
  }

  /** Pick by weight: `[[value, weight], ...]`. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    let total = 0
    for (const [, w] of choices) total += w
    let r = this.nextFloat() * total
    for (const [v, w] of choices) {
      r -= w
      if (r < 0) return v
    }
    return choices[choices.length - 1][0]
  }

  /**
   * Log-uniform integer in [lo, hi] (lo >= 1): as many values per decade, which gives the heavy-tailed
   * usage/cost spread a real item master has. Only used to pick magnitudes; quantities are integers from here on.
   */
  logInt(lo: number, hi: number): number {
    const v = Math.round(lo * (hi / lo) ** this.nextFloat())
    return Math.min(hi, Math.max(lo, v))
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.nextFloat() * (i + 1))
      const t = out[i]
      out[i] = out[j]
      out[j] = t
    }
    return out
  }
}
