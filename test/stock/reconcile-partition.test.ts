import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {mergePartitions, type MergeSettings} from '../../src/lib/stock/merge.js'
import {KIND} from '../../src/lib/stock/read-sides.js'
import {escapeField as esc, partitionOf, Spill} from '../../src/lib/stock/spill.js'

const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}},
  wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}},
  tolerance: {default: {pct: '1'}},
  units: {conversions: [{from: 'KG', to: 'G', factor: '1000'}]},
  partitions: 8,
})
const settings = (trackScope: boolean): MergeSettings => ({cfg, classes: [], today: '2026-12-03', showCost: false, all: false, onlyNew: false, trackScope})

type Line = {kind: string; key: string; line: string}

/** Both sides with every case the merge-join meets: equal texts, equal values in other texts, units, one-sided keys. */
function lines(n: number): Line[] {
  const out: Line[] = []
  const erp = (item: string, lot: string, u: string, q: string) => out.push({kind: KIND.erp, key: `${esc(item)}\tW1\t${lot}`, line: `${esc(item)}\tW1\t${lot}\t${u}\t${q}`})
  const wms = (item: string, lot: string, u: string, q: string) => out.push({kind: KIND.wms, key: `${esc(item)}\tW1\t${lot}`, line: `${esc(item)}\tW1\t${lot}\t${u}\t${q}\t\t`})
  for (let i = 0; i < n; i++) {
    const item = i % 97 === 5 ? `T\tAB${i}` : `I${String(i).padStart(6, '0')}` // an escaped code now and then
    const q = `${(i * 37) % 1000}.${String(i % 10000).padStart(4, '0')}`
    erp(item, 'L1', 'PCS', q)
    switch (i % 11) {
      case 1:
        break // only in ERP
      case 2:
        wms(item, 'L1', 'PCS', `${Number.parseInt(q, 10) + 3}.0000`) // over tolerance
        break
      case 3:
        wms(item, 'L1', 'PCS', `${q}00`) // the same value written otherwise: a match off the fastest path
        break
      case 4:
        wms(item, 'L1', 'KG', '1') // another unit
        erp(item, 'L2', 'G', '1000')
        wms(item, 'L2', 'KG', '1')
        break
      case 5:
        wms(item, 'L3', 'PCS', '2') // only in WMS, next to a key only in ERP
        break
      case 6:
        wms(item, 'L1', 'PCS', `-${q}`) // sign
        break
      default:
        wms(item, 'L1', 'PCS', q)
    }
  }
  return out
}

function write(spill: Spill, all: Line[], order: (a: Line[]) => Line[]): void {
  for (const l of order(all)) spill.write(l.kind, partitionOf(l.key.split('\t')[0], spill.partitions), l.line)
  spill.flush()
}

const ascending = (a: Line[]) => [...a].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))

describe('reconcilePartition: sides in key order take the merge-join, with the answer of the Map', () => {
  it('gives the same variances in the same order, rows and totals as the Map path on the same input', async () => {
    const all = lines(3000)
    const joined = new Spill({partitions: 8})
    const mapped = new Spill({partitions: 8})
    try {
      write(joined, all, ascending)
      write(mapped, all, ascending)
      const a = await mergePartitions(joined, settings(false))
      // a --warehouse filter's bookkeeping (trackScope) keeps the Map path; it changes nothing else here
      const b = await mergePartitions(mapped, settings(true))
      expect(a.variances).toEqual(b.variances)
      expect(a.rows).toEqual(b.rows)
      expect({...a.totals, seenWarehouses: []}).toEqual({...b.totals, seenWarehouses: []})
      expect(a.totals.keys.over_tolerance).toBeGreaterThan(0)
      expect(a.totals.keys.only_in_erp).toBeGreaterThan(0)
      expect(a.totals.keys.only_in_wms).toBeGreaterThan(0)
      expect(a.totals.causes.sign).toBeGreaterThan(0)
      expect(a.rows.some((r) => r.item.includes('\t'))).toBe(true)
    } finally {
      joined.dispose()
      mapped.dispose()
    }
  })

  it('gives the same answer for the same rows read in another order (the Map path), and for repeated keys', async () => {
    const all = lines(3000)
    // one key twice on the WMS side (two bins): not strictly ascending, aggregated by the Map
    all.push({kind: KIND.wms, key: 'I000000\tW1\tL1', line: 'I000000\tW1\tL1\tPCS\t0.0001\t\t'})
    const sorted = new Spill({partitions: 8})
    const shuffled = new Spill({partitions: 8})
    try {
      write(sorted, all, ascending)
      write(shuffled, all, (a) => ascending(a).reverse())
      const a = await mergePartitions(sorted, settings(false))
      const b = await mergePartitions(shuffled, settings(false))
      const byKey = (rows: typeof a.variances) => [...rows].sort((x, y) => `${x.item}\t${x.lot}`.localeCompare(`${y.item}\t${y.lot}`))
      expect(byKey(a.variances)).toEqual(byKey(b.variances))
      // the first unit warnings are the first met: read order
      const warned = (t: typeof a.totals) => ({...t, unitWarnings: []})
      expect(warned(a.totals)).toEqual(warned(b.totals))
      expect(a.totals.unitWarningCount).toBeGreaterThan(0)
      expect(a.variances.find((r) => r.item === 'I000000')?.wms_qty).toBe('0.0001')
    } finally {
      sorted.dispose()
      shuffled.dispose()
    }
  })
})
