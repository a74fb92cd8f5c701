import {describe, expect, it, vi} from 'vitest'

import {reconcileConfigSchema} from '../../src/lib/reconcile/jobs-config.js'
import {FastMatch, LineIndex} from '../../src/lib/reconcile/job-fast.js'
import {emptyJobTotals, jobMergeEnv, reconcileJobPartition, type JobMergeSettings, type JobMergeTotals} from '../../src/lib/reconcile/job-merge.js'
import {JOB_KIND} from '../../src/lib/reconcile/job-read.js'
import {KEY_SEP} from '../../src/lib/reconcile/job-types.js'
import {formatScaled} from '../../src/lib/reconcile/scaled.js'
import {escapeField, partitionOf, Spill} from '../../src/lib/stock/spill.js'

/**
 * The fast path (job-fast.ts) settles exact matches from the raw spill lines; everything else goes to the general
 * path. Same records through both ways (fast path on, and off): the same findings, rows and totals, on data built to
 * sit on every edge of the fast path (decimal texts of other scales, exponents, 16+ digits, units, NULLs, unparsed
 * dates, dates within tolerance, enum maps, text that only normalises equal, several records, escaped keys, day keys).
 */

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]

const job = (extra: Record<string, unknown>) =>
  reconcileConfigSchema.parse({
    jobs: {
      j: {
        left: {source: 'a', table: 'l', changedAt: 'c'},
        right: {source: 'b', table: 'r', changedAt: 'c'},
        partitions: 4,
        ...extra,
      },
    },
  }).jobs.j

const jobs = {
  oneToMany: job({
    link: {keys: [{name: 'so', left: 'so', right: 'so'}, {name: 'line', left: 'line', right: 'line'}], cardinality: 'one-to-many'},
    compare: {
      item: {type: 'code', left: 'i', right: 'i'},
      qty: {type: 'decimal', left: 'q', right: 'q', units: {left: 'u', right: 'u'}},
      price: {type: 'decimal', left: 'p', right: 'p', quantity: false, tolerance: {abs: '0.5'}},
      due: {type: 'date', left: 'd', right: 'd', toleranceDays: 1},
      status: {type: 'enum', left: 's', right: 's', map: {O: ['STARTED', 'DONE'], C: ['CLOSED', 'DONE']}},
      note: {type: 'text', left: 'n', right: 'n'},
      raw: {type: 'text', left: 'x', right: 'x', normalize: false},
    },
    grace: {afterMinutes: 60, asOf: '2026-12-01T12:00:00'},
  }),
  oneToOne: job({
    link: {keys: [{name: 'so', left: 'so', right: 'so'}], cardinality: 'one-to-one'},
    compare: {qty: {type: 'decimal', left: 'q', right: 'q'}, due: {type: 'date', left: 'd', right: 'd', direction: 'right-later'}},
  }),
  grouped: job({
    link: {keys: [{name: 'item', left: 'i', right: 'i'}, {name: 'day', left: 'd', right: 'd', bucket: 'day'}], cardinality: 'one-to-many'},
    group: true,
    compare: {qty: {type: 'decimal', left: 'q', right: 'q'}, weight: {type: 'decimal', left: 'w', right: 'w'}},
  }),
}

const DECIMALS = ['10', '10.0', '10.000', '-3.5', '-3.50', '0', '0.00', '7', '\\N', '1e1', '12345678901234567', '+10', '.5', '0.5', '5.', '20']
const UNITS = ['\\N', '\\N', '\\N', 'KG', 'G']
const DATES = ['2026-10-01', '2026-10-01', '2026-10-02', '2026-10-04', '\\N', '!31.02.2026']
const STATUSES = ['O', 'C', 'X', '\\N', 'STARTED', 'DONE', 'CLOSED', 'RELEASED']
const TEXTS = ['Red box', 'red  box', 'Red box', '\\N', 'a\\tb']
const CHANGED = ['2026-11-20 08:00:00', '2026-12-01 11:30:00', '\\N']

function line(r: () => number, key: string, cols: string[], records = '1'): string {
  return [escapeField(key), pick(r, CHANGED), r() < 0.1 ? '1' : '0', records, ...cols].join('\t')
}

/** Records for one job: a left value set per key, and right records that copy it, vary it a little, or split it. */
function plant(spill: Spill, j: keyof typeof jobs, seed: number, n: number): void {
  const r = rng(seed)
  const P = spill.partitions
  for (let k = 0; k < n; k++) {
    let key: string
    let cols: () => string[]
    if (j === 'grouped') {
      key = `${pick(r, ['FG-1', 'FG-2', 'FG\t3'])}${KEY_SEP}2026-10-0${1 + Math.floor(r() * 3)}${k}`
      cols = () => [pick(r, DECIMALS), pick(r, UNITS.slice(0, 3)), pick(r, DECIMALS), pick(r, UNITS.slice(0, 3))]
    } else {
      key = j === 'oneToOne' ? `SO${k}` : `SO${k}${KEY_SEP}${r() < 0.05 ? 'a\\b' : '10'}`
      cols = () =>
        j === 'oneToOne'
          ? [pick(r, DECIMALS), '\\N', pick(r, DATES)]
          : [pick(r, ['FG-1', 'fg-1', 'FG-2']), pick(r, DECIMALS), pick(r, UNITS), pick(r, DECIMALS), '\\N', pick(r, DATES), pick(r, STATUSES), pick(r, TEXTS), pick(r, TEXTS)]
    }
    const left = cols()
    const records = j === 'grouped' && r() < 0.3 ? '3' : '1'
    const leftLines = r() < 0.08 ? 2 : r() < 0.05 ? 0 : 1
    for (let i = 0; i < leftLines; i++) spill.write(JOB_KIND.left, partitionOf(key, P), line(r, key, i === 0 && r() < 0.7 ? left : cols(), r() < 0.05 ? '2' : records))
    const rightLines = r() < 0.05 ? 0 : r() < 0.3 ? 2 + Math.floor(r() * 2) : 1
    for (let i = 0; i < rightLines; i++) {
      // most right records copy the left values (a match, or a split of one when several); some differ in one column
      const copy = [...left]
      if (rightLines === 1 && r() < 0.6) {
        const c = Math.floor(r() * copy.length)
        copy[c] = cols()[c]
      }
      if (rightLines > 1 && j !== 'oneToOne') {
        const q = j === 'grouped' ? 0 : 1
        copy[q] = pick(r, ['5', '5.00', '\\N', '2.5', '10'])
      }
      spill.write(JOB_KIND.right, partitionOf(key, P), line(r, key, copy, r() < 0.05 ? '2' : '1'))
    }
  }
  spill.flush()
}

// (as, not a typed literal: labels may leave the settings once details are codes, and the test needs none of them)
const settings = (j: keyof typeof jobs, all: boolean): JobMergeSettings =>
  ({
    job: jobs[j],
    labels: {left: 'L', right: 'R'},
    units: {conversions: [{from: 'KG', to: 'G', factor: '1000'}], pack: undefined, itemUnits: undefined},
    cutoff: '2026-12-01 11:00:00',
    history: new Map(),
    today: '2026-12-03',
    all,
    onlyNew: false,
  }) as JobMergeSettings

/** Totals with every exact sum as its value (the scale a sum carries is not part of the answer). */
function plainTotals(t: JobMergeTotals) {
  return {
    ...t,
    qty: Object.fromEntries(Object.entries(t.qty).map(([f, q]) => [f, [formatScaled(q.sumAbsLeft), formatScaled(q.sumAbsDiff)]])),
    byBucket: [...t.byBucket].map(([d, q]) => [d, formatScaled(q.sumAbsLeft), formatScaled(q.sumAbsDiff)]).sort(),
  }
}

function run(j: keyof typeof jobs, seed: number, all: boolean, fast: boolean) {
  const spill = new Spill({partitions: 4})
  try {
    plant(spill, j, seed, 3000)
    const {env, tolerances} = jobMergeEnv(settings(j, all))
    const totals = emptyJobTotals(jobs[j])
    const findings = []
    const rows = []
    for (let p = 0; p < 4; p++) {
      const res = reconcileJobPartition(spill, p, env, totals, tolerances, {fast})
      findings.push(...res.findings)
      rows.push(...res.rows)
    }
    return {findings, rows, totals: plainTotals(totals)}
  } finally {
    spill.dispose()
  }
}

/** FastMatch.matchKey on lines given as text: each side's lines indexed as the merge indexes a partition's bytes. */
function matches(f: FastMatch, left: string | string[], right: string | string[]): boolean {
  const index = (lines: string | string[]) => new LineIndex().build(Buffer.from([lines].flat().map((l) => `${l}\n`).join('')))
  return f.matchKey(index(left), 0, index(right), 0)
}

describe('the fast path of a reconcile job merge', () => {
  for (const j of Object.keys(jobs) as Array<keyof typeof jobs>) {
    it(`gives the general path's answer (${j}): findings, --all rows and totals`, () => {
      const spy = vi.spyOn(FastMatch.prototype, 'matchKey')
      for (const seed of [1, 2, 3]) {
        for (const all of [false, true]) {
          spy.mockClear()
          const fast = run(j, seed, all, true)
          const settled = spy.mock.results.filter((x) => x.value === true).length
          const general = run(j, seed, all, false)
          expect(fast.totals).toEqual(general.totals)
          expect(fast.findings).toEqual(general.findings)
          expect(fast.rows).toEqual(general.rows)
          // the data covers both outcomes
          expect(fast.totals.keys.match).toBeGreaterThan(100)
          expect(fast.totals.keys.differs).toBeGreaterThan(100)
          expect(settled).toBeGreaterThan(100)
          expect(settled).toBeLessThan(fast.totals.keys.match)
        }
      }
      spy.mockRestore()
    })
  }

  it('settles the common exact matches itself, and leaves anything it cannot read exactly to the general path', () => {
    const f = new FastMatch(jobs.oneToMany)
    const key = `SO1${KEY_SEP}10`
    const rec = (cols: string[]) => [key, '2026-11-20 08:00:00', '0', '1', ...cols].join('\t')
    const base = ['FG-1', '10.50', '\\N', '\\N', '\\N', '2026-10-01', 'O', 'Red box', 'x']
    const withCol = (c: number, v: string, cols = base) => cols.map((x, i) => (i === c ? v : x))
    const right = withCol(6, 'STARTED') // O on the left means STARTED or DONE on the right
    expect(matches(f, rec(base), rec(right))).toBe(true)
    expect(matches(f, rec(base), rec(base))).toBe(false) // O is not among them
    expect(matches(f, rec(base), [rec(withCol(1, '5.25', right)), rec(withCol(1, '5.2500', withCol(6, 'DONE')))])).toBe(true) // a split
    expect(matches(f, rec(base), rec(withCol(1, '10.5', right)))).toBe(true) // another scale
    expect(matches(f, rec(base), rec(withCol(1, '10.51', right)))).toBe(false)
    expect(matches(f, rec(withCol(1, '1.05e1')), rec(withCol(1, '1.05e1', right)))).toBe(false) // exponent: general path
    expect(matches(f, rec(base), rec(withCol(6, 'CLOSED')))).toBe(false)
    expect(matches(f, rec(base), rec(withCol(5, '2026-10-02', right)))).toBe(false) // within tolerance: general path decides
    expect(matches(f, rec(base), rec(withCol(7, 'red box', right)))).toBe(false) // normalises equal: general path decides
    expect(matches(f, [rec(base), rec(base)], rec(right))).toBe(false) // several left records
    expect(matches(f, rec(withCol(2, 'KG')), rec(withCol(2, 'KG', right)))).toBe(true)
    expect(matches(f, rec(withCol(2, 'KG')), rec(withCol(2, 'G', right)))).toBe(false) // units
    // the lines of a partition by key, in first-seen order, read in place
    const index = new LineIndex().build(Buffer.from(`${rec(base)}\nK2\tx\n${rec(base)}\n`))
    expect(index.keys).toBe(2)
    expect([index.keyText(0), index.linesOf(0)]).toEqual([key, [rec(base), rec(base)]])
    expect([index.keyText(1), index.linesOf(1)]).toEqual(['K2', 'K2\tx'])
    expect(index.keyIn(1, new LineIndex().build(Buffer.from('K1\ty\nK2\tz\n')))).toBe(1)
    expect(index.keyIn(0, new LineIndex().build(Buffer.from('K1\ty\nK2\tz\n')))).toBe(-1)
  })
})
