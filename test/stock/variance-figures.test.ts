import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import type {ResolvedVariance} from '../../src/lib/stock/history.js'
import {compareRows, type StockVarianceRow} from '../../src/lib/stock/types.js'
import {combineFigures, EXAMPLES, RESOLVED_KEPT, VarianceTally} from '../../src/lib/stock/variance-figures.js'

function row(i: number, status: StockVarianceRow['status'], o: Partial<StockVarianceRow> = {}): StockVarianceRow {
  return {item: `I${String(i).padStart(5, '0')}`, warehouse: `W${i % 3}`, lot: '', erp_qty: '1', wms_qty: '2', diff: String((i % 17) - 8), diff_pct: null, uom: '', status, cause: null, first_seen: '2026-12-01', value_diff: null, runs_seen: 1, class: null, category: null, in_transit_qty: null, explained: false, action: null, item_name: null, warehouse_name: null, ...o}
}

function gone(i: number): ResolvedVariance {
  return {item: `G${String(i).padStart(5, '0')}`, warehouse: `W${i % 4}`, lot: '', status: 'over_tolerance', cause: null, erp_qty: '1', wms_qty: '3', first_seen: '2026-11-01', runs_seen: 3}
}

const STATUSES: Array<StockVarianceRow['status']> = ['within_tolerance', 'over_tolerance', 'only_in_erp', 'only_in_wms']

/** 2,000 variances in 64 partitions (some new, some explained, some with a value) and 300 resolved ones. */
function plant() {
  const items: Array<{v: StockVarianceRow; value: Decimal | undefined; p: number}> = []
  for (let i = 0; i < 2000; i++) {
    const v = row(i, STATUSES[i % 4], {runs_seen: i % 5 === 0 ? 3 : 1, explained: i % 7 === 0})
    items.push({v, value: i % 3 === 0 ? undefined : new Decimal((i * 37) % 1000).minus(500), p: (i * 13) % 64})
  }
  // a partition's keys come together, as the reconcile gives them
  items.sort((a, b) => a.p - b.p)
  return {items, resolved: Array.from({length: 300}, (_, i) => gone((i * 7919) % 300))}
}

function tallyOf(items: ReturnType<typeof plant>['items'], resolved: ResolvedVariance[], onlyNew = false) {
  const t = new VarianceTally(10, onlyNew, true)
  for (const x of items) {
    t.variance(x.v, x.value, x.p)
    if (!onlyNew || x.v.runs_seen === 1) t.reportedRow()
  }
  for (const r of resolved) t.resolved(r)
  return t.figures()
}

describe('variance figures: counted as the variances stream past, combined across threads', () => {
  it('counts what the summary says and keeps the first examples, the top and the first resolved in their orders', () => {
    const {items, resolved} = plant()
    const f = tallyOf(items, resolved)
    expect(f.variances).toBe(2000)
    expect(f.reported).toBe(2000)
    expect(f.newVariances).toBe(items.filter((x) => x.v.runs_seen === 1).length)
    expect(f.newByStatus.only_in_wms).toBe(items.filter((x) => x.v.runs_seen === 1 && x.v.status === 'only_in_wms').length)
    const failing = (status: StockVarianceRow['status']) => items.filter((x) => x.v.status === status && !x.v.explained).length
    expect(f.failing).toEqual({over_tolerance: failing('over_tolerance'), only_in_erp: failing('only_in_erp'), only_in_wms: failing('only_in_wms'), explained: items.filter((x) => x.v.explained && x.v.status !== 'within_tolerance').length})
    // examples: the first of each side in partition order
    expect(f.examples.only_in_erp.map((e) => e.item)).toEqual(items.filter((x) => x.v.status === 'only_in_erp').slice(0, EXAMPLES).map((x) => x.v))
    // top: by |value| (none last), then |diff|, then report order
    const none = new Decimal(-1)
    const want = items
      .filter((x) => x.v.status !== 'within_tolerance')
      .sort((a, b) => (b.value?.abs() ?? none).cmp(a.value?.abs() ?? none) || new Decimal(b.v.diff).abs().cmp(new Decimal(a.v.diff).abs()) || compareRows(a.v, b.v))
      .slice(0, 10)
    expect(f.top.map((e) => e.row)).toEqual(want.map((x) => x.v))
    expect(f.top.map((e) => e.value)).toEqual(want.map((x) => x.value?.abs().toFixed() ?? null))
    expect(f.resolved.count).toBe(300)
    expect(f.resolved.rows).toEqual([...resolved].sort(compareRows).slice(0, RESOLVED_KEPT))
  })

  it('--only new fails on the new variances only', () => {
    const {items} = plant()
    const f = tallyOf(items, [], true)
    expect(f.failing.over_tolerance).toBe(items.filter((x) => x.v.status === 'over_tolerance' && !x.v.explained && x.v.runs_seen === 1).length)
    expect(f.reported).toBe(f.newVariances)
  })

  it('the figures of any split of the partitions, in any order, combine into those of one thread', () => {
    const {items, resolved} = plant()
    const one = tallyOf(items, resolved)
    for (const split of [2, 3, 7]) {
      // thread k takes the partitions p % split === k, the last thread in reverse partition order
      const parts = Array.from({length: split}, (_, k) => {
        const mine = items.filter((x) => x.p % split === k)
        if (k === split - 1) mine.sort((a, b) => b.p - a.p)
        return tallyOf(
          mine,
          resolved.filter((_, i) => i % split === k),
        )
      })
      expect(combineFigures(parts, 10)).toEqual(one)
    }
  })
})
