import {existsSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {reconcileConfigSchema} from '../../src/lib/reconcile/jobs-config.js'
import {spillPreviousFindings} from '../../src/lib/reconcile/job-history.js'
import {combineJobParts, jobFindings, reconcileJobPartitions, type JobMergeSettings} from '../../src/lib/reconcile/job-merge.js'
import {mergeSortedFindings} from '../../src/lib/reconcile/job-sorted.js'
import {JOB_KIND} from '../../src/lib/reconcile/job-read.js'
import {KEY_SEP} from '../../src/lib/reconcile/job-types.js'
import {PartitionClaim} from '../../src/lib/stock/merge.js'
import {partitionOf, Spill} from '../../src/lib/stock/spill.js'

const job = reconcileConfigSchema.parse({
  jobs: {
    om: {
      left: {source: 'erp', table: 'lines', changedAt: 'modified'},
      right: {source: 'mes', table: 'wo', changedAt: 'updated'},
      link: {keys: [{name: 'so', left: 'so', right: 'so'}, {name: 'line', left: 'line', right: 'line'}], cardinality: 'one-to-many', rightStatus: {column: 'status', exclude: ['CANCELLED']}},
      compare: {
        qty: {type: 'decimal', left: 'qty', right: 'qty', units: {left: 'u', right: 'u'}},
        due: {type: 'date', left: 'due', right: 'due', direction: 'right-later'},
        status: {type: 'enum', left: 'st', right: 'st', map: {O: ['STARTED'], C: ['CLOSED']}},
      },
      grace: {afterMinutes: 60, asOf: '2026-12-01T12:00:00'},
      partitions: 32,
    },
  },
}).jobs.om

const settings = (all = false): JobMergeSettings => ({
  job,
  units: {conversions: [{from: 'KG', to: 'G', factor: '1000'}], pack: undefined, itemUnits: undefined},
  cutoff: '2026-12-01 11:00:00',
  today: '2026-12-03',
  all,
  onlyNew: false,
})

/** The previous run: SO3·10 (differs again now) and a key this run does not have. */
function history(spill: Spill): Promise<number> {
  return spillPreviousFindings(spill, [
    {key_text: `SO3${KEY_SEP}10`, status: 'differs', cause: 'late', fields: '[]', first_seen: '2026-11-01', runs_seen: 4},
    {key_text: `GONE${KEY_SEP}1`, status: 'only_in_right', cause: null, fields: '[]', first_seen: '2026-10-01', runs_seen: 2},
  ])
}

/**
 * Spill lines as readJobSide writes them (key, changedAt, flag, records, qty + unit, due, status): matches, split work
 * orders, every kind of difference, one-sided keys, records in flight and quantities with a unit nobody converts.
 */
function plant(spill: Spill, n: number): void {
  const P = spill.partitions
  const put = (side: 'left' | 'right', so: string, changed: string, qty: string, unit: string, due: string, st: string) => {
    const key = `${so}${KEY_SEP}10`
    spill.write(JOB_KIND[side], partitionOf(key, P), `${key}\t${changed}\t0\t1\t${qty}\t${unit}\t${due}\t${st}`)
  }
  for (let i = 0; i < n; i++) {
    const so = `SO${i}`
    const q = String((i % 97) + 1)
    const old = '2026-11-20 08:00:00'
    // left C (closed) with a work order still STARTED: a status difference (cancelled_not_propagated needs enum.inactive)
    put('left', so, i % 40 === 7 ? '2026-12-01 11:30:00' : old, q, 'KG', '2026-10-01', i % 31 === 0 ? 'C' : 'O')
    if (i % 40 === 1) continue // only in ERP
    if (i % 40 === 2) put('right', so, old, String(Number(q) * 1000), 'PCS', '2026-10-01', 'STARTED') // no conversion PCS → KG
    else if (i % 40 === 3) put('right', so, '2026-11-19 08:00:00', String(Number(q) + 2), 'KG', '2026-10-04', 'STARTED') // qty and late, changed after
    else if (i % 40 === 4) {
      put('right', so, old, `${Number(q) / 2}`, 'KG', '2026-10-01', i % 31 === 0 ? 'CLOSED' : 'STARTED') // split in two halves
      put('right', so, old, `${Number(q) / 2}`, 'KG', '2026-10-02', 'STARTED')
    } else if (i % 40 === 5) put('right', so, old, String(Number(q) * 1000), 'G', '2026-10-01', 'STARTED') // converted: a match
    else put('right', so, old, q, 'KG', '2026-10-01', 'STARTED')
  }
  for (let i = 0; i < n / 100; i++) put('right', `WX${i}`, '2026-11-20 08:00:00', '1', 'KG', '2026-10-01', 'STARTED') // only in MES
  spill.flush()
}

class ListClaim extends PartitionClaim {
  private i = 0
  constructor(private readonly list: number[]) {
    super(list.length)
  }
  override next(): number {
    return this.i < this.list.length ? this.list[this.i++] : -1
  }
}

describe('a reconcile job shared by two threads gives the answer of one', () => {
  it('combines parts reconciled in any split in partition order: same findings, rows, totals, causes and warnings', async () => {
    const spill = new Spill({partitions: 32})
    try {
      plant(spill, 4000)
      await history(spill)
      const first = await reconcileJobPartitions(spill, settings(), new PartitionClaim(32), {rowsKind: 'o', gcEvery: 16})
      const one = combineJobParts(job, first.parts, [first.figures])
      plant(spill, 4000) // drop() forgot the partitions: write them again
      await history(spill)
      const evens = Array.from({length: 16}, (_, i) => 2 * i)
      const odds = Array.from({length: 16}, (_, i) => 2 * i + 1).reverse()
      // the two threads' rows go to another kind than the first run's
      const a = await reconcileJobPartitions(spill, settings(), new ListClaim(odds), {rowsKind: 'x', gcEvery: 4})
      const b = await reconcileJobPartitions(spill, settings(), new ListClaim(evens), {rowsKind: 'x', gcEvery: 4})
      const two = combineJobParts(job, [...a.parts, ...b.parts], [a.figures, b.figures])
      expect(two.totals).toEqual(one.totals)
      expect(Object.keys(two.totals.causes)).toEqual(Object.keys(one.totals.causes)) // summary order too
      expect(two.figures).toEqual(one.figures)
      const findings = [...jobFindings(spill, ['o'])]
      expect([...jobFindings(spill, ['x'])]).toEqual(findings)
      expect([...mergeSortedFindings(spill, ['x'])]).toEqual([...mergeSortedFindings(spill, ['o'])])
      // the plant is what it says: every kind of finding is there
      expect(one.totals.keys).toEqual({match: 3483, differs: 414, only_in_left: 100, only_in_right: 40, in_flight: 3})
      expect(one.figures).toMatchObject({findings: 554, reported: 557, newFindings: 553, newByStatus: {differs: 413, only_in_left: 100, only_in_right: 40}})
      expect(findings).toHaveLength(554)
      // the examples: three one-sided keys of the first partitions that have any, in partition order
      const leftOnly = findings.filter((f) => f.status === 'only_in_left')
      const ex = one.figures.examples.only_in_left
      expect(ex).toHaveLength(3)
      for (const e of ex) expect(leftOnly.map((f) => f.key)).toContainEqual(e.item)
      for (const e of ex) expect(partitionOf(e.item.join(KEY_SEP), 32)).toBe(e.partition)
      const parts = leftOnly.map((f) => partitionOf(f.key.join(KEY_SEP), 32)).sort((x, y) => x - y)
      expect(ex.map((e) => e.partition)).toEqual(parts.slice(0, 3))
      expect(one.totals.causes).toEqual({unit_factor: 100, late: 100, change_not_propagated: 100})
      expect(one.totals.unitWarnings).toBe(100)
      expect(one.totals.unitWarningExamples).toEqual(['PCS→KG'])
      expect(findings.find((f) => f.key[0] === 'SO3')).toMatchObject({first_seen: '2026-11-01', runs_seen: 5})
      // the previous run's finding whose key is gone is resolved; the one still differing is not
      expect(one.figures.resolved).toEqual({count: 1, rows: [{item: {key: ['GONE', '1'], status: 'only_in_right', cause: null, fields: [], first_seen: '2026-10-01', runs_seen: 2}, partition: expect.any(Number)}]})
    } finally {
      spill.dispose()
    }
  })

  it('runs the second thread from the built worker: the same answer, --all rows from both threads in key order', async () => {
    const built = path.resolve(import.meta.dirname, '../../dist/lib/reconcile/job-merge.js')
    if (!existsSync(built)) return // `npm test` builds first
    const dist = (await import(built)) as typeof import('../../src/lib/reconcile/job-merge.js')
    const {Spill: DistSpill, createSpillDir, removeSpillDir} = (await import(path.resolve(import.meta.dirname, '../../dist/lib/stock/spill.js'))) as typeof import('../../src/lib/stock/spill.js')
    const {mergeSortedFindings} = (await import(path.resolve(import.meta.dirname, '../../dist/lib/reconcile/job-sorted.js'))) as typeof import('../../src/lib/reconcile/job-sorted.js')
    const {compareFindings} = await import('../../src/lib/reconcile/job-types.js')
    const dirs: string[] = []
    const spill = new DistSpill({partitions: 32})
    try {
      plant(spill as unknown as Spill, 40_000)
      const one = await dist.reconcileJobSpill(spill, settings(), {parallel: false, records: 100, newDir: createSpillDir})
      expect(one.threads).toBe(1)
      const oneFindings = [...dist.jobFindings(spill, one.rowKinds)]
      const newDir = () => {
        const d = createSpillDir()
        dirs.push(d)
        return d
      }
      // the same plant in another spill (this one holds the first run's rows)
      const again = new DistSpill({partitions: 32})
      try {
        plant(again as unknown as Spill, 40_000)
        const par = await dist.reconcileJobSpill(again, settings(true), {parallel: true, records: 200_000, newDir})
        expect(par.threads).toBe(2)
        expect(par.rowKinds).toEqual(['o', 'o1'])
        expect(par.totals).toEqual(one.totals)
        expect({...par.figures, reported: 0}).toEqual({...one.figures, reported: 0})
        expect([...dist.jobFindings(again, par.rowKinds)].sort(compareFindings)).toEqual([...oneFindings].sort(compareFindings))
        const rows = [...mergeSortedFindings(again, par.rowKinds)]
        expect(rows.length).toBe(Object.values(one.totals.keys).reduce((x, y) => x + y, 0))
        expect(par.figures.reported).toBe(rows.length)
        for (let i = 1; i < rows.length; i++) expect(compareFindings(rows[i - 1], rows[i])).toBeLessThan(0)
        expect(rows.filter((r) => r.status !== 'match')).toEqual([...mergeSortedFindings(spill, one.rowKinds)])
      } finally {
        again.dispose()
      }
    } finally {
      spill.dispose()
      for (const d of dirs) removeSpillDir(d)
    }
  }, 120_000)
})
