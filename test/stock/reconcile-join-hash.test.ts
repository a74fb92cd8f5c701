import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {hashJoin} from '../../src/lib/stock/join-hash.js'
import {mergePartitions, type MergeSettings} from '../../src/lib/stock/merge.js'
import {KIND} from '../../src/lib/stock/read-sides.js'
import {escapeField as esc, partitionOf, Spill} from '../../src/lib/stock/spill.js'
import {rng} from '../helpers/rng.js'

/**
 * The byte hash join (hashJoin, for sides not in key order: bins, tables read in another order) against the Map path on
 * random plants: several bins per key (other scales, other units, spread over the side), a key twice on the ERP side,
 * units converted through the item's unit (terminating, non-terminating, no rule: a warning), zero and sign, plain
 * quantities of every form and ones of 16+ digits, sums near the exact range, escaped fields.
 */
const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}},
  wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}},
  tolerance: {default: {pct: '1'}, byClass: {A: {abs: '0.5'}}},
  units: {conversions: [{from: 'KG', to: 'G', factor: '1000'}, {from: 'DOZ', to: 'PCS', factor: '12'}]},
  partitions: 3,
})
const settings = (trackScope: boolean): MergeSettings => ({cfg, classes: [], today: '2026-12-03', showCost: false, all: false, onlyNew: false, trackScope})

/** Items and their unit (G: from KG; PCS: from DOZ, to DOZ ÷ 12; BOX: no rule from anything). */
const ITEM_UNIT: Record<string, string> = {NUT: 'G', BOLT: 'PCS', CASE: 'BOX', 螺丝: 'PCS'}
const ITEMS = ['NUT', 'BOLT', 'CASE', '螺丝', 'FREE', 'ｆｒｅｅ']
const QTY = ['0', '-0', '1', '12', '0.5', '.5', '5.', '+7', '-3.25', '123456789012345', '999999999999999', '4503599627370.4961', '1234567890123456789', '0.000000000000001']

interface Line {
  kind: string
  item: string
  line: string
}

function plant(seed: number, n: number, opts: {escaped?: boolean} = {}): Line[] {
  const r = rng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]
  const erp: Line[] = []
  const wms: Line[] = []
  for (let i = 0; i < n; i++) {
    const base = pick(ITEMS)
    const item = `${base}${Math.floor(r() * 30)}${opts.escaped && r() < 0.1 ? '\\x\t' : ''}`
    const key = `${esc(item)}\tW${Math.floor(r() * 3)}\tL${Math.floor(r() * 4)}`
    const unit = ITEM_UNIT[base] ?? 'PCS'
    const other = unit === 'G' ? 'KG' : unit === 'PCS' ? 'DOZ' : 'PCS'
    const q = r() < 0.4 ? pick(QTY) : `${Math.floor(r() * 500)}.${String(Math.floor(r() * 1000)).padStart(3, '0')}`
    const e = (u: string, qt: string) => erp.push({kind: KIND.erp, item, line: `${key}\t${u}\t${qt}`})
    const w = (u: string, qt: string) => wms.push({kind: KIND.wms, item, line: `${key}\t${u}\t${qt}\t\t`})
    switch (Math.floor(r() * 14)) {
      case 0:
        e(unit, q)
        break
      case 1:
        w(unit, q)
        break
      case 2:
        // bins of other scales summing to the ERP quantity
        e(unit, '10.5')
        w(unit, '3.25')
        w(unit, '7')
        w(unit, '0.250')
        break
      case 3:
        // bins in two units
        e(unit, '13')
        w(unit, '1')
        w(other, '1')
        break
      case 4:
        // the other unit on the WMS side (KG → G: ×1000, DOZ → PCS: ×12; PCS → BOX: no rule)
        e(unit, unit === 'G' ? '1500' : unit === 'PCS' ? '24' : '2')
        w(other, unit === 'G' ? '1.5' : '2')
        break
      case 5:
        // the other unit on the ERP side (PCS → DOZ when the item counts in DOZ: ÷ 12)
        e(other, '2')
        w(unit, unit === 'G' ? '2000' : unit === 'PCS' ? '24' : '2')
        break
      case 6:
        // the ERP key twice
        e(unit, q)
        e(unit, '1')
        w(unit, q)
        break
      case 7:
        // over / within tolerance, sign
        e(unit, q)
        w(unit, q.startsWith('-') ? q.slice(1) : `-${q.replace(/^\+/, '')}`)
        break
      case 8:
        e(unit, '100')
        w(unit, '100.4')
        break
      case 9:
        // bins near the exact range of a double
        e(unit, '9000000000000000')
        w(unit, '4500000000000000')
        w(unit, '4500000000000000')
        break
      case 10:
        e(unit, '8999999999999.99')
        w(unit, '4999999999999.99')
        w(unit, '4000000000000')
        break
      default:
        e(unit, q)
        for (let b = Math.floor(r() * 3); b > 0; b--) w(unit, '0')
        w(unit, q)
    }
  }
  // bins of a key spread over the side, keys in no order
  const shuffle = <T>(a: T[]) => a.map((x) => [r(), x] as const).sort((x, y) => x[0] - y[0]).map((x) => x[1])
  return [...shuffle(erp), ...shuffle(wms)]
}

function write(spill: Spill, lines: Line[]): void {
  for (const l of lines) spill.write(l.kind, partitionOf(l.item, spill.partitions), l.line)
  for (const [item, uom] of Object.entries(ITEM_UNIT)) {
    for (let i = 0; i < 30; i++) spill.write(KIND.items, partitionOf(`${item}${i}`, spill.partitions), `${esc(`${item}${i}`)}\t${uom}\t${i % 2 ? 'A' : 'B'}\t\t\t\t`)
  }
  spill.flush()
}

async function both(lines: Line[]) {
  const joined = new Spill({partitions: 3})
  const mapped = new Spill({partitions: 3})
  try {
    write(joined, lines)
    write(mapped, lines)
    return {a: await mergePartitions(joined, settings(false)), b: await mergePartitions(mapped, settings(true))}
  } finally {
    joined.dispose()
    mapped.dispose()
  }
}

describe('hashJoin: the byte hash join gives the answer of the Map', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random bins plant, seed ${seed}: same variances, rows, totals and warnings`, async () => {
      const {a, b} = await both(plant(seed, 1500))
      expect(a.variances).toEqual(b.variances)
      expect(a.rows).toEqual(b.rows)
      expect({...a.totals, seenWarehouses: [], seenClasses: []}).toEqual({...b.totals, seenWarehouses: [], seenClasses: []})
      expect(a.totals.keys.match).toBeGreaterThan(200)
      expect(a.totals.keys.over_tolerance).toBeGreaterThan(0)
      expect(a.totals.keys.only_in_erp).toBeGreaterThan(0)
      expect(a.totals.keys.only_in_wms).toBeGreaterThan(0)
      expect(a.totals.unitWarningCount).toBeGreaterThan(0)
    })
  }

  it('a partition with escaped fields: the Map takes it, same answer', async () => {
    const {a, b} = await both(plant(8, 800, {escaped: true}))
    expect(a.variances).toEqual(b.variances)
    expect({...a.totals, seenWarehouses: [], seenClasses: []}).toEqual({...b.totals, seenWarehouses: [], seenClasses: []})
  })

  it('settles keys with their bins, leaves the rest in read order', () => {
    const erp = Buffer.from(['K3\tW\tL\tPCS\t5', 'K1\tW\tL\tPCS\t2.5', 'K2\tW\tL\tPCS\t1', 'K1\tW\tL\tPCS\t1', 'K4\tW\tL\tPCS\t7', 'K5\tW\tL\tPCS\t-1.375', ''].join('\n'))
    const wms = Buffer.from(['K2\tW\tL\tPCS\t0.5\t\t', 'K3\tW\tL\tPCS\t2.50\t\t', 'K9\tW\tL\tPCS\t1\t\t', 'K3\tW\tL\tPCS\t2.5\t\t', 'K2\tW\tL\tKG\t0.5\t\t', 'K4\tW\tL\tPCS\t7\t\t', 'K5\tW\tL\tPCS\t-1\t\t', 'K5\tW\tL\tPCS\t-.25\t\t', 'K5\tW\tL\tPCS\t-0.125\t\t', ''].join('\n'))
    const seen: string[] = []
    const left = hashJoin(erp, wms, (k) => {
      seen.push(`${k.eb.toString('utf8', k.es, k.et1)} ${k.ev}/${k.esc} ${k.wb.toString('utf8', k.wu0, k.wu1)} ${k.wv}/${k.wsc}`)
      return k.ev * 10 ** k.wsc === k.wv * 10 ** k.esc
    })
    // K3: bins 2.50 + 2.5 = 5; K1 twice on the ERP side; K2's bins in two units; K4 settled; K9 only in the WMS
    // K5: bins of growing scales (-1, -.25, -0.125) summed exactly
    expect(seen).toEqual(['K3 5/0 PCS 500/2', 'K4 7/0 PCS 7/0', 'K5 -1375/3 PCS -1375/3'])
    expect(left![0].toString()).toBe('K1\tW\tL\tPCS\t2.5\nK2\tW\tL\tPCS\t1\nK1\tW\tL\tPCS\t1\n')
    expect(left![1].toString()).toBe('K2\tW\tL\tPCS\t0.5\t\t\nK9\tW\tL\tPCS\t1\t\t\nK2\tW\tL\tKG\t0.5\t\t\n')
    expect(hashJoin(Buffer.from('A\\\\B\tW\tL\tPCS\t1\n'), wms, () => true)).toBeNull()
  })
})
