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

/** Canonical order of a population before drawing (plain code-unit order of the line keys: fast, and read order never matters). */
function canonical<T extends SampleUnit>(units: readonly T[]): T[] {
  return [...units].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** Simple random sample of n lines, returned in walking order. */
export function sampleRandom<T extends SampleUnit>(population: readonly T[], n: number, rng: SeededRandom): T[] {
  return rng.pick(canonical(population), n).sort(compareWalking)
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

/** Stratified sample by ABC class: n split by allocateStrata, a simple random sample within each class. */
export function sampleAbc<T extends SampleUnit>(
  population: readonly T[],
  n: number,
  weights: Record<AbcClass, number>,
  rng: SeededRandom,
): {lines: T[]; allocation: Record<AbcClass, number>} {
  const strata: Record<AbcClass, T[]> = {A: [], B: [], C: []}
  for (const u of population) strata[u.abcClass].push(u)
  const allocation = allocateStrata({A: strata.A.length, B: strata.B.length, C: strata.C.length}, weights, n)
  const lines: T[] = []
  for (const c of ABC_CLASSES) lines.push(...rng.pick(canonical(strata[c]), allocation[c]))
  return {lines: lines.sort(compareWalking), allocation}
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
  const lines: T[] = []
  const taken: DueLocation[] = []
  let deferred = 0
  for (const d of due) {
    const ls = byLoc.get(d.location) ?? []
    if (maxLines !== undefined && lines.length > 0 && lines.length + ls.length > maxLines) {
      deferred++
      continue
    }
    lines.push(...ls)
    taken.push(d)
  }
  return {lines: lines.sort(compareWalking), locations: taken, deferred}
}
