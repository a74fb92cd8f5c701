import {describe, expect, it} from 'vitest'

import {SeededRandom} from '../../src/lib/count/random.js'
import {addDays, allocateStrata, dayNumber, dueLocations, sampleAbc, sampleDue, sampleRandom, type LocationState, type SampleUnit} from '../../src/lib/count/sampling.js'
import {classifyByUsageValue} from '../../src/lib/count/abc.js'
import {Decimal} from '../../src/lib/decimal/decimal.js'

function population(n: number, classOf: (i: number) => 'A' | 'B' | 'C' = (i) => (i % 10 === 0 ? 'A' : i % 10 < 4 ? 'B' : 'C')): SampleUnit[] {
  return Array.from({length: n}, (_, i) => ({key: `K${i}`, location: `L${String(Math.floor(i / 2)).padStart(4, '0')}`, sku: `S${i % 7}`, lot: null, abcClass: classOf(i)}))
}

describe('seeded sampling', () => {
  const pop = population(1000)

  it('the same seed gives the same sample, whatever order the rows came in', () => {
    const a = sampleRandom(pop, 50, new SeededRandom(12345)).map((u) => u.key)
    const b = sampleRandom([...pop].reverse(), 50, new SeededRandom(12345)).map((u) => u.key)
    expect(a).toHaveLength(50)
    expect(new Set(a).size).toBe(50)
    expect(b).toEqual(a)
  })

  it('a different seed gives a different sample', () => {
    const a = sampleRandom(pop, 50, new SeededRandom(1)).map((u) => u.key)
    const b = sampleRandom(pop, 50, new SeededRandom(2)).map((u) => u.key)
    const overlap = a.filter((k) => b.includes(k)).length
    expect(overlap).toBeLessThan(20) // expected 2.5 of 50 by chance
  })

  it('the generator is the fixed mulberry32 sequence (stable across machines and versions)', () => {
    const r = new SeededRandom(42)
    expect([r.next(), r.next(), r.next()].map((x) => x.toFixed(10))).toEqual(['0.6011037519', '0.4482905590', '0.8524657935'])
  })

  it('is uniform enough: every line has the same chance (chi-square over 2000 draws of 10 from 20)', () => {
    const small = population(20)
    const hits = new Map<string, number>()
    const rng = new SeededRandom(7)
    for (let i = 0; i < 2000; i++) for (const u of sampleRandom(small, 10, rng)) hits.set(u.key, (hits.get(u.key) ?? 0) + 1)
    const expected = 1000
    const chi = [...hits.values()].reduce((s, h) => s + (h - expected) ** 2 / expected, 0)
    expect(hits.size).toBe(20)
    expect(chi).toBeLessThan(43.8) // χ²(19) at 0.999
  })

  it('returns lines in walking order (natural order of location codes)', () => {
    const units: SampleUnit[] = ['A-10', 'A-2', 'A-1', 'B-1'].map((location, i) => ({key: `${i}`, location, sku: 'S', lot: null, abcClass: 'C'}))
    expect(sampleRandom(units, 4, new SeededRandom(3)).map((u) => u.location)).toEqual(['A-1', 'A-2', 'A-10', 'B-1'])
  })
})

describe('stratified (abc) sampling', () => {
  it('allocates in proportion to lines × weight, largest remainder first', () => {
    // mass A 100·4 = 400, B 300·2 = 600, C 600·1 = 600 → 1600; n = 80: A 20, B 30, C 30
    expect(allocateStrata({A: 100, B: 300, C: 600}, {A: 4, B: 2, C: 1}, 80)).toEqual({A: 20, B: 30, C: 30})
    // n = 81: exact 20.25 / 30.375 / 30.375 → remainders give the extra line to B (ties: B before C)
    expect(allocateStrata({A: 100, B: 300, C: 600}, {A: 4, B: 2, C: 1}, 81)).toEqual({A: 20, B: 31, C: 30})
  })

  it('never takes more than a class has and gives the rest to the others', () => {
    expect(allocateStrata({A: 5, B: 300, C: 600}, {A: 100, B: 2, C: 1}, 100)).toEqual({A: 5, B: 48, C: 47})
    expect(allocateStrata({A: 2, B: 3, C: 4}, {A: 4, B: 2, C: 1}, 50)).toEqual({A: 2, B: 3, C: 4})
  })

  it('samples each class as allocated, A weighted up against its share of lines', () => {
    const pop = population(1000) // A 100, B 300, C 600
    const {lines, allocation} = sampleAbc(pop, 80, {A: 4, B: 2, C: 1}, new SeededRandom(99))
    const got = {A: 0, B: 0, C: 0}
    for (const l of lines) got[l.abcClass]++
    expect(got).toEqual(allocation)
    expect(got).toEqual({A: 20, B: 30, C: 30})
    expect(got.A / 80).toBeGreaterThan(100 / 1000) // A over-represented on purpose
    expect(new Set(lines.map((l) => l.key)).size).toBe(80)
  })
})

describe('ABC classes from annual usage value (Pareto)', () => {
  it('A until 80% of value, B until 95%, C after', () => {
    const items = [
      {item: 'X1', value: new Decimal(500)},
      {item: 'X2', value: new Decimal(300)},
      {item: 'X3', value: new Decimal(100)},
      {item: 'X4', value: new Decimal(60)},
      {item: 'X5', value: new Decimal(40)},
      {item: 'X6', value: new Decimal(0)},
    ]
    const c = classifyByUsageValue(items, {A: 0.8, B: 0.95})
    // cumulative before: X1 0, X2 500 (<800) → A; X3 800 → B; X4 900 (<950) → B; X5 960 → C
    expect(Object.fromEntries(c)).toEqual({X1: 'A', X2: 'A', X3: 'B', X4: 'B', X5: 'C'})
    expect(c.has('X6')).toBe(false) // no value: the configured fallback class
  })
})

describe('due-date cycle counting', () => {
  const freq = {A: 30, B: 90, C: 365}

  it('counts every location at least once per its class frequency and never much sooner, over two simulated years', () => {
    const locs: LocationState[] = Array.from({length: 120}, (_, i) => ({location: `L${String(i).padStart(3, '0')}`, abcClass: i < 20 ? 'A' : i < 50 ? 'B' : 'C', lastCounted: null}))
    const history = new Map<string, string[]>()
    const interval = 7
    let today = '2026-01-05'
    const perRun: number[] = []
    for (let week = 0; week < 104; week++) {
      const due = dueLocations(locs, today, freq, interval)
      perRun.push(due.length)
      for (const d of due) {
        const l = locs.find((x) => x.location === d.location)!
        l.lastCounted = today
        history.set(l.location, [...(history.get(l.location) ?? []), today])
      }
      today = addDays(today, interval)
    }
    const end = dayNumber(today)
    for (const l of locs) {
      const dates = (history.get(l.location) ?? []).map(dayNumber)
      const f = freq[l.abcClass]
      expect(dates.length, `${l.location} counted`).toBeGreaterThan(0)
      // first count within the first cycle, then gaps ≤ frequency and > frequency − interval (recently counted are skipped)
      expect(dates[0] - dayNumber('2026-01-05')).toBeLessThan(f)
      for (let i = 1; i < dates.length; i++) {
        const gap = dates[i] - dates[i - 1]
        expect(gap).toBeLessThanOrEqual(f)
        expect(gap).toBeGreaterThan(f - interval)
      }
      expect(end - dates.at(-1)!).toBeLessThanOrEqual(f + interval)
    }
    // steady state: 20·7/30 + 30·7/90 + 70·7/365 ≈ 8.3 locations a week; the first cycle is spread, not one batch of 120
    const steady = perRun.slice(53)
    const mean = steady.reduce((s, n) => s + n, 0) / steady.length
    expect(mean).toBeGreaterThan(6.5)
    expect(mean).toBeLessThan(10.5)
    expect(Math.max(...perRun)).toBeLessThan(40)
  })

  it('skips a location counted recently and takes the most overdue first', () => {
    const due = dueLocations(
      [
        {location: 'A1', abcClass: 'A', lastCounted: '2026-03-01'},
        {location: 'A2', abcClass: 'A', lastCounted: '2026-02-01'},
        {location: 'A3', abcClass: 'A', lastCounted: '2026-03-20'},
      ],
      '2026-03-25',
      freq,
      7,
    )
    expect(due.map((d) => d.location)).toEqual(['A2', 'A1'])
    expect(due[0].daysLeft).toBe(30 - 52)
  })

  it('takes every line of a due location, capped by --size in whole locations', () => {
    const pop = population(10) // locations L0000..L0004, two lines each
    const due = [0, 1, 2].map((i) => ({location: `L000${i}`, abcClass: 'C' as const, lastCounted: null, daysSince: 0, daysLeft: 0, neverCounted: true}))
    expect(sampleDue(pop, due).lines).toHaveLength(6)
    const capped = sampleDue(pop, due, 5)
    expect(capped.lines).toHaveLength(4)
    expect(capped.deferred).toBe(1)
  })
})
