/** classifyScaled (issue 14, merge CPU): the same status as Decimal's classify for any quantities and tolerance. */
import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {classify, classifyScaled, type Tolerance} from '../../src/lib/reconcile/classify.js'
import {formatScaled, parseScaled, type Scaled} from '../../src/lib/reconcile/scaled.js'
import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {mergePartitions} from '../../src/lib/stock/merge.js'
import {KIND} from '../../src/lib/stock/read-sides.js'
import {partitionOf, Spill} from '../../src/lib/stock/spill.js'
import {rng} from '../helpers/rng.js'

function quantity(r: () => number): string {
  const digits = Math.floor(r() * 9) + 1
  let s = String(Math.floor(r() * 10 ** digits))
  const places = Math.floor(r() * 5)
  if (places > 0) s = `${s}.${String(Math.floor(r() * 10 ** places)).padStart(places, '0')}`
  return r() < 0.2 ? `-${s}` : s
}

describe('classifyScaled', () => {
  it('agrees with classify on random quantities, near-equal pairs, limits at the edge and one-sided keys', () => {
    const r = rng(14)
    const tols: Tolerance[] = [{}, {abs: new Decimal('0.5')}, {pct: new Decimal('1')}, {abs: new Decimal('2'), pct: new Decimal('0.125')}, {pct: new Decimal('12.5')}]
    let seen = 0
    for (let i = 0; i < 20_000; i++) {
      const e = quantity(r)
      const roll = r()
      // near the limits: e ± (0.5, 1% of e, 12.5% of e…), exactly on them too
      const w = roll < 0.3 ? quantity(r) : roll < 0.6 ? new Decimal(e).times(new Decimal(1).plus(new Decimal([0.01, 0.125, 0.00125, -0.01][i % 4]))).toFixed() : new Decimal(e).plus(['0.5', '-0.5', '2', '0.0001', '0'][i % 5]).toFixed()
      const tol = tols[i % tols.length]
      const es: Scaled | null = roll > 0.97 ? null : parseScaled(e)
      const ws: Scaled | null = roll > 0.94 && roll <= 0.97 ? null : parseScaled(w)
      const want = classify(es === null ? null : new Decimal(formatScaled(es)), ws === null ? null : new Decimal(formatScaled(ws)), tol)
      expect(classifyScaled(es, ws, tol), `${e} ${w} ${JSON.stringify(tol)}`).toBe(want)
      if (want === 'within_tolerance') seen++
    }
    expect(seen).toBeGreaterThan(1000)
  })

  it('leaves operands longer than 38 digits to Decimal', () => {
    expect(classifyScaled(parseScaled('1'.repeat(40)), parseScaled('2'), {})).toBeUndefined()
    expect(classifyScaled(parseScaled('1'), parseScaled('2'), {pct: new Decimal(`0.${'1'.repeat(40)}`)})).toBeUndefined()
    expect(classifyScaled(null, parseScaled('0'), {})).toBe('match')
  })
})

describe('variances on the scaled path', () => {
  it('sum |ERP| and |diff| exactly, with the statuses and diff texts of Decimal', async () => {
    const cfg = stockConfigSchema.parse({
      erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q'}},
      wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q'}},
      tolerance: {default: {pct: '1', abs: '0.25'}},
    })
    const spill = new Spill({partitions: 16})
    const r = rng(3)
    let absErp = new Decimal(0)
    let absDiff = new Decimal(0)
    const diffs = new Map<string, string>()
    try {
      for (let i = 0; i < 3000; i++) {
        const item = `I${i}`
        const e = quantity(r)
        const w = i % 3 === 0 ? e : i % 3 === 1 ? new Decimal(e).plus(quantity(r)).toFixed() : new Decimal(e).times('1.005').toFixed()
        spill.write(KIND.erp, partitionOf(item, 16), `${item}\tW1\t\t\t${e}`)
        if (i % 50 !== 7) spill.write(KIND.wms, partitionOf(item, 16), `${item}\tW1\t\t\t${w}\t\t`)
        const d = new Decimal(i % 50 === 7 ? '0' : w).minus(e)
        absErp = absErp.plus(new Decimal(e).abs())
        absDiff = absDiff.plus(d.abs())
        if (!d.isZero()) diffs.set(item, d.toFixed())
      }
      spill.flush()
      const share = await mergePartitions(spill, {cfg, classes: [], today: '2026-12-03', showCost: false, all: false, onlyNew: false})
      expect(share.totals.sumAbsErp).toBe(absErp.toFixed())
      expect(share.totals.sumAbsDiff).toBe(absDiff.toFixed())
      expect(share.totals.keys.within_tolerance).toBeGreaterThan(100)
      for (const v of share.variances) expect(v.diff).toBe(diffs.get(v.item))
      expect(share.variances.length).toBe(diffs.size)
    } finally {
      spill.dispose()
    }
  })
})
