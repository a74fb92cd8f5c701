import {existsSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {combineParts, mergePartitions, PartitionClaim, reconcilePartitions, reportRows, varianceRows, type MergeSettings} from '../../src/lib/stock/merge.js'
import {KIND, RawCache} from '../../src/lib/stock/read-sides.js'
import {partitionOf, Spill} from '../../src/lib/stock/spill.js'

const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q'}},
  wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q'}},
  tolerance: {default: {pct: '1'}},
  partitions: 64,
})
const settings = (all = false): MergeSettings => ({cfg, classes: [], today: '2026-12-03', showCost: false, all, onlyNew: false})

/** A plant with every kind of variance: quantities, one-sided keys, signs, lot swaps, code formats across partitions. */
function plant(spill: Spill, n: number): void {
  const P = spill.partitions
  const erp = (item: string, lot: string, q: string) => spill.write(KIND.erp, partitionOf(item, P), `${item}\tW1\t${lot}\t\t${q}`)
  const wms = (item: string, lot: string, q: string, looseItem = '') => spill.write(KIND.wms, partitionOf(item.toUpperCase(), P), `${item}\tW1\t${lot}\t\t${q}\t${looseItem}\t`)
  for (let i = 0; i < n; i++) {
    const item = `I${i}`
    const q = String((i % 97) + 1)
    erp(item, 'L1', q)
    if (i % 50 === 1) continue // only in ERP
    if (i % 50 === 2) wms(item, 'L1', `-${q}`) // sign
    else if (i % 50 === 3) {
      wms(item, 'L1', '0') // lot swap with L2
      wms(item, 'L2', q)
    } else if (i % 50 === 4) wms(item, 'L1', String(Number(q) + 0.5)) // within or over tolerance
    else wms(item, 'L1', q)
  }
  for (let i = 0; i < n / 100; i++) {
    wms(`N${i}`, 'L1', '3') // only in WMS
    erp(`CF${i}`, 'L1', '7')
    wms(`cf${i}`, 'L1', '7', `CF${i}`) // code_format: the WMS code differs by case only, partner maybe elsewhere
  }
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

describe('the reconcile shared by two threads gives the answer of one (issue 14)', () => {
  it('combines parts reconciled in any split in partition order: same rows, variances, causes and totals', async () => {
    const spill = new Spill({partitions: 64})
    try {
      plant(spill, 5000)
      const one = await mergePartitions(spill, settings())
      plant(spill, 5000) // drop() forgot the partitions: write them again
      const evens = Array.from({length: 32}, (_, i) => 2 * i)
      const odds = Array.from({length: 32}, (_, i) => 2 * i + 1).reverse()
      // the two threads' rows go to another kind than the first run's
      const a = await reconcilePartitions(spill, settings(), new ListClaim(odds), {rowsKind: 'x'})
      const b = await reconcilePartitions(spill, settings(), new ListClaim(evens), {rowsKind: 'x'})
      const two = combineParts([a, b], spill, ['x'])
      expect(two.totals).toEqual(one.totals)
      expect([...varianceRows(spill, ['x'], two)]).toEqual(one.variances)
      expect([...reportRows(spill, ['x'], two, false, new Map())]).toEqual(one.rows)
      expect(two.figures).toEqual(one.figures)
      expect(one.figures.variances).toBe(one.variances.length)
      expect([...two.patched]).toEqual([...one.patched])
      expect(one.totals.causes).toMatchObject({sign: 100, lot_swap: 200, code_format: 100})
      expect(one.totals.keys.only_in_erp).toBe(150) // 100 missing + 50 ERP halves of a code_format pair
    } finally {
      spill.dispose()
    }
  })

  it('runs the second thread from the built worker: the same answer, --all rows from both threads in order', async () => {
    const built = path.resolve(import.meta.dirname, '../../dist/lib/stock/merge.js')
    if (!existsSync(built)) return // `npm test` builds first
    const dist = (await import(built)) as typeof import('../../src/lib/stock/merge.js')
    const {Spill: DistSpill, createSpillDir, removeSpillDir} = (await import(path.resolve(import.meta.dirname, '../../dist/lib/stock/spill.js'))) as typeof import('../../src/lib/stock/spill.js')
    const {mergeSortedRows} = (await import(path.resolve(import.meta.dirname, '../../dist/lib/stock/sorted-rows.js'))) as typeof import('../../src/lib/stock/sorted-rows.js')
    const dirs: string[] = []
    const spill = new DistSpill({partitions: 64})
    try {
      plant(spill as unknown as Spill, 60_000)
      const one = await dist.mergePartitions(spill, settings())
      plant(spill as unknown as Spill, 60_000)
      const newDir = () => {
        const d = createSpillDir()
        dirs.push(d)
        return d
      }
      const par = await dist.reconcileSpill(spill, settings(true), {parallel: true, rows: 200_000, newDir})
      expect(par.threads).toBe(2)
      expect(par.share.totals).toEqual(one.totals)
      expect([...dist.varianceRows(spill, par.rowKinds, par.share)]).toEqual(one.variances)
      // with --all the report holds every key; the rest of the figures are the same
      expect({...par.share.figures, reported: 0}).toEqual({...one.figures, reported: 0})
      expect(par.share.figures.reported).toBe(one.totals.keys.match + one.variances.length)
      const rows = [...mergeSortedRows(spill, par.rowKinds)].map(([r]) => r)
      expect(rows.length).toBe(one.totals.keys.match + one.variances.length)
      const keys = rows.map((r) => `${r.warehouse}\t${r.item}\t${r.lot}`)
      expect(new Set(keys).size).toBe(rows.length)
    } finally {
      spill.dispose()
      for (const d of dirs) removeSpillDir(d)
    }
  }, 120_000)
})

describe('RawCache: per distinct raw code', () => {
  it('computes once per distinct string, recomputes non-strings, and stays bounded', () => {
    let made = 0
    const c = new RawCache((v) => {
      made++
      return String(v).toUpperCase()
    }, 4)
    expect(['a', 'a', 'b', 'a', 'b'].map((v) => c.get(v))).toEqual(['A', 'A', 'B', 'A', 'B'])
    expect(made).toBe(2)
    expect(c.get(Buffer.from('x'))).toBe('X')
    expect(c.get(12)).toBe('12')
    expect(made).toBe(4)
    for (const v of ['c', 'd', 'e', 'f', 'g']) c.get(v)
    expect(c.get('g')).toBe('G')
    expect(made).toBe(9)
  })
})
