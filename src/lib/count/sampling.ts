import {ABC_CLASSES, type AbcClass} from './config.js'
import {compareWalking} from './codes.js'
import {strictestClass} from './abc.js'
import type {SeededRandom} from './random.js'

/** What sampling needs to know about a population line. */
export interface SampleUnit {
  key: string
  location: string
  sku: string
  lot: string | null
  abcClass: AbcClass
}

export type SampleMethod = 'random' | 'abc' | 'due'
export const SAMPLE_METHODS: readonly SampleMethod[] = ['random', 'abc', 'due']

/**
 * The priority of a line in a seeded sample: a 53-bit hash (cyrb53) of the line key under a 32-bit salt drawn from the
 * seed, as a number in [0, 1). Depends only on the seed and the line's identity, never on read order.
 */
export function linePriority(salt: number, key: string): number {
  let h1 = 0xdeadbeef ^ salt
  let h2 = 0x41c6ce57 ^ salt
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 9007199254740992
}

/** The salt of a sample: the first draw of the seeded generator (so each draw from one generator is a new sample). */
export function sampleSalt(rng: SeededRandom): number {
  return Math.floor(rng.next() * 4294967296) >>> 0
}

/**
 * Bottom-k sampling: keeps the k lines of smallest priority seen so far in a bounded max-heap (ties: smaller key).
 * The k smallest of independent uniform priorities are a simple random sample without replacement of k lines, and
 * any prefix of them (the n ≤ k smallest) is one of n: memory is O(k), whatever the population and its read order.
 */
export class BottomK<T extends {key: string}> {
  private readonly heap: Array<{p: number; item: T}> = []
  private readonly keys = new Set<string>()

  constructor(
    readonly k: number,
    private readonly salt: number,
  ) {}

  get size(): number {
    return this.heap.length
  }

  /** Offer a line; a key already held is ignored (the same line read twice has the same priority). */
  offer(item: T): void {
    if (this.k <= 0 || this.keys.has(item.key)) return
    const p = linePriority(this.salt, item.key)
    const h = this.heap
    if (h.length < this.k) {
      h.push({p, item})
      this.keys.add(item.key)
      this.up(h.length - 1)
      return
    }
    if (!this.before(p, item.key, h[0].p, h[0].item.key)) return
    this.keys.delete(h[0].item.key)
    h[0] = {p, item}
    this.keys.add(item.key)
    this.down(0)
  }

  /** The n (default all) lines of smallest priority, smallest first. */
  smallest(n = this.heap.length): T[] {
    return [...this.heap]
      .sort((a, b) => (this.before(a.p, a.item.key, b.p, b.item.key) ? -1 : 1))
      .slice(0, n)
      .map((e) => e.item)
  }

  private before(p: number, key: string, q: number, other: string): boolean {
    return p < q || (p === q && key < other)
  }

  private up(i: number): void {
    const h = this.heap
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(h[parent].p, h[parent].item.key, h[i].p, h[i].item.key)) break
      ;[h[parent], h[i]] = [h[i], h[parent]]
      i = parent
    }
  }

  private down(i: number): void {
    const h = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let top = i
      if (l < h.length && this.before(h[top].p, h[top].item.key, h[l].p, h[l].item.key)) top = l
      if (r < h.length && this.before(h[top].p, h[top].item.key, h[r].p, h[r].item.key)) top = r
      if (top === i) return
      ;[h[top], h[i]] = [h[i], h[top]]
      i = top
    }
  }
}

/** Simple random sample of n lines (bottom-n by seeded priority), returned in walking order. */
export function sampleRandom<T extends SampleUnit>(population: Iterable<T>, n: number, rng: SeededRandom): T[] {
  const heap = new BottomK<T>(n, sampleSalt(rng))
  for (const u of population) heap.offer(u)
  return heap.smallest().sort(compareWalking)
}

/**
 * Split n over the classes in proportion to (lines in class × weight of class), largest remainder first, never
 * more than a class has; what a small class cannot take goes to the others.
 */
export function allocateStrata(sizes: Record<AbcClass, number>, weights: Record<AbcClass, number>, n: number): Record<AbcClass, number> {
  const total = ABC_CLASSES.reduce((s, c) => s + sizes[c], 0)
  const target = Math.min(n, total)
  const alloc: Record<AbcClass, number> = {A: 0, B: 0, C: 0}
  let open = ABC_CLASSES.filter((c) => sizes[c] > 0)
  let left = target
  while (left > 0 && open.length > 0) {
    const mass = open.reduce((s, c) => s + sizes[c] * weights[c], 0)
    const share = open.map((c) => ({c, exact: (left * sizes[c] * weights[c]) / mass}))
    const room = (c: AbcClass) => sizes[c] - alloc[c]
    let given = 0
    for (const s of share) {
      const take = Math.min(Math.floor(s.exact), room(s.c))
      alloc[s.c] += take
      given += take
    }
    // largest remainders get the leftover lines, one each (ties: A before B before C)
    const rest = share.filter((s) => room(s.c) > 0).sort((x, y) => y.exact - Math.floor(y.exact) - (x.exact - Math.floor(x.exact)))
    for (const s of rest) {
      if (given >= left) break
      alloc[s.c] += 1
      given += 1
    }
    left = target - ABC_CLASSES.reduce((s, c) => s + alloc[c], 0)
    open = open.filter((c) => room(c) > 0)
  }
  return alloc
}

/**
 * Stratified sampling by ABC class, streaming: one bottom-k per class with k = the most a class can be allocated
 * (maxN), the class sizes counted as lines go by; at the end n (≤ maxN, it may depend on the population size) is
 * split by allocateStrata and each class keeps its allocation's smallest priorities.
 */
export class StratifiedSampler<T extends SampleUnit> {
  readonly sizes: Record<AbcClass, number> = {A: 0, B: 0, C: 0}
  private readonly strata: Record<AbcClass, BottomK<T>>

  constructor(
    maxN: number,
    private readonly salt: number,
  ) {
    this.strata = {A: new BottomK<T>(maxN, salt), B: new BottomK<T>(maxN, salt), C: new BottomK<T>(maxN, salt)}
  }

  add(u: T): void {
    this.sizes[u.abcClass]++
    this.strata[u.abcClass].offer(u)
  }

  take(n: number, weights: Record<AbcClass, number>): {lines: T[]; allocation: Record<AbcClass, number>} {
    const allocation = allocateStrata(this.sizes, weights, n)
    const lines: T[] = []
    for (const c of ABC_CLASSES) lines.push(...this.strata[c].smallest(allocation[c]))
    return {lines: lines.sort(compareWalking), allocation}
  }

  /** A simple random sample of n lines over all classes (n ≤ maxN): the n smallest priorities of the strata's. */
  takeUnstratified(n: number): T[] {
    const all = ABC_CLASSES.flatMap((c) => this.strata[c].smallest(n).map((item) => ({p: linePriority(this.salt, item.key), item})))
    all.sort((a, b) => a.p - b.p || (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0))
    return all
      .slice(0, n)
      .map((e) => e.item)
      .sort(compareWalking)
  }
}

/** Stratified sample by ABC class: n split by allocateStrata, a simple random sample within each class. */
export function sampleAbc<T extends SampleUnit>(
  population: Iterable<T>,
  n: number,
  weights: Record<AbcClass, number>,
  rng: SeededRandom,
): {lines: T[]; allocation: Record<AbcClass, number>} {
  const s = new StratifiedSampler<T>(n, sampleSalt(rng))
  for (const u of population) s.add(u)
  return s.take(n, weights)
}

/* ---------------- due-date cycle counting ---------------- */

export interface LocationState {
  location: string
  /** Strictest class of the lines in it. */
  abcClass: AbcClass
  /** Last count date (YYYY-MM-DD), from plantops' counts or the WMS, whichever is later; null when never counted. */
  lastCounted: string | null
}

export interface DueLocation extends LocationState {
  /** Days since the last count (for never-counted locations: days into its spread first cycle). */
  daysSince: number
  /** Days until it would exceed its frequency (negative: overdue). */
  daysLeft: number
  neverCounted: boolean
}

const DAY_MS = 86_400_000

export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date)
  if (!m) throw new RangeError(`not a date: ${date}`)
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS)
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10)
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/**
 * Locations due on `today`: a location is counted now when it would pass its class frequency before the next run
 * (daysSince + intervalDays > frequency), so with runs every intervalDays every location is counted at least once per
 * its frequency, and never sooner than frequency − intervalDays after its last count (recently counted ones are skipped).
 * Never-counted locations are spread over their first cycle (a fixed per-location offset), instead of all at once.
 * Sorted most overdue first, then walking order.
 */
export function dueLocations(
  locations: Iterable<LocationState>,
  today: string,
  frequencyDays: Record<AbcClass, number>,
  intervalDays: number,
): DueLocation[] {
  const t = dayNumber(today)
  const out: DueLocation[] = []
  for (const loc of locations) {
    const freq = frequencyDays[loc.abcClass]
    const never = loc.lastCounted === null
    const daysSince = never ? (t + (fnv1a(loc.location) % freq)) % freq : t - dayNumber(loc.lastCounted as string)
    // never counted: a window of exactly intervalDays in each cycle, so one run in every cycle meets it
    if (never ? daysSince + intervalDays >= freq : daysSince + intervalDays > freq) {
      out.push({...loc, daysSince, daysLeft: freq - daysSince, neverCounted: never})
    }
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || compareWalking({location: a.location, sku: '', lot: null}, {location: b.location, sku: '', lot: null}))
}

/** Location states from the population: the strictest class of each location's lines. */
export function locationStates(population: Iterable<SampleUnit>, lastCounted: (location: string) => string | null): LocationState[] {
  const byLoc = new Map<string, AbcClass>()
  for (const u of population) {
    const c = byLoc.get(u.location)
    byLoc.set(u.location, c ? strictestClass(c, u.abcClass) : u.abcClass)
  }
  return [...byLoc].map(([location, abcClass]) => ({location, abcClass, lastCounted: lastCounted(location)}))
}

/**
 * The due locations counted now, most overdue first: all of them, or with `maxLines`, whole locations while their
 * lines fit (a location that does not fit is left for the next run; the first is always taken).
 */
export function takeDueLocations(due: readonly DueLocation[], linesAt: (location: string) => number, maxLines?: number): {locations: DueLocation[]; lines: number; deferred: number} {
  const taken: DueLocation[] = []
  let lines = 0
  let deferred = 0
  for (const d of due) {
    const n = linesAt(d.location)
    if (maxLines !== undefined && lines > 0 && lines + n > maxLines) {
      deferred++
      continue
    }
    lines += n
    taken.push(d)
  }
  return {locations: taken, lines, deferred}
}

/** Every line of the due locations (most overdue first when capped by `max` locations' worth of lines). */
export function sampleDue<T extends SampleUnit>(
  population: readonly T[],
  due: readonly DueLocation[],
  maxLines?: number,
): {lines: T[]; locations: DueLocation[]; deferred: number} {
  const byLoc = new Map<string, T[]>()
  for (const u of population) {
    const l = byLoc.get(u.location)
    if (l) l.push(u)
    else byLoc.set(u.location, [u])
  }
  const r = takeDueLocations(due, (loc) => byLoc.get(loc)?.length ?? 0, maxLines)
  const lines = r.locations.flatMap((d) => byLoc.get(d.location) ?? [])
  return {lines: lines.sort(compareWalking), locations: r.locations, deferred: r.deferred}
}
