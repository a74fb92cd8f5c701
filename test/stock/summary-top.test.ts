import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {topVariances} from '../../src/lib/stock/summary.js'
import {compareRows, type StockVarianceRow} from '../../src/lib/stock/types.js'

/** The order topVariances keeps, as the full sort it replaced wrote it. */
function sorted(variances: StockVarianceRow[], value: Map<StockVarianceRow, Decimal>, n: number): StockVarianceRow[] {
  return [...variances]
    .filter((r) => r.status !== 'within_tolerance')
    .sort((x, y) => {
      const vx = value.get(x) ?? new Decimal(-1)
      const vy = value.get(y) ?? new Decimal(-1)
      const c = vy.cmp(vx)
      return c !== 0 ? c : new Decimal(y.diff).abs().cmp(new Decimal(x.diff).abs()) || compareRows(x, y)
    })
    .slice(0, n)
}

function row(i: number, diff: string, status: StockVarianceRow['status']): StockVarianceRow {
  return {item: `I${i % 37}`, warehouse: `W${i % 3}`, lot: `L${i}`, erp_qty: '1', wms_qty: '1', diff, diff_pct: null, uom: '', status, cause: null, first_seen: null, value_diff: null, runs_seen: 1, class: null, category: null, in_transit_qty: null, explained: false, action: null, item_name: null, warehouse_name: null} as StockVarianceRow
}

describe('topVariances', () => {
  it('keeps the first n of the full order (value, then |diff|, then report order), ties and missing values included', () => {
    let seed = 7
    const rnd = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % m
    }
    const statuses: Array<StockVarianceRow['status']> = ['over_tolerance', 'within_tolerance', 'only_in_erp', 'only_in_wms']
    for (let round = 0; round < 20; round++) {
      const rows = Array.from({length: 300}, (_, i) => row(i, `${rnd(2) === 0 ? '-' : ''}${rnd(20)}.${rnd(10)}`, statuses[rnd(4)]))
      const value = new Map<StockVarianceRow, Decimal>()
      if (round % 2 === 1) for (const r of rows) if (rnd(3) > 0) value.set(r, new Decimal(rnd(15)))
      for (const n of [0, 1, 5, 10, 299, 400]) expect(topVariances(rows, value, n)).toEqual(sorted(rows, value, n))
    }
  })
})
