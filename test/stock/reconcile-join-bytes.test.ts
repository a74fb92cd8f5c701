import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {mergePartitions, type MergeSettings} from '../../src/lib/stock/merge.js'
import {KIND} from '../../src/lib/stock/read-sides.js'
import {emptyTotals, joinBytes} from '../../src/lib/stock/reconcile-partition.js'
import {escapeField as esc, partitionOf, Spill} from '../../src/lib/stock/spill.js'
import {rng} from '../helpers/rng.js'

/**
 * The byte merge-join (joinBytes) against the Map path on random records covering its edges: equal quantities written
 * otherwise (10.50 / 10.5), other units (with and without an item unit, convertible or not), empty lots, escaped
 * fields, non-ASCII codes (also above U+FFFF and in U+E000..U+FFFF: code point order), within / over tolerance, keys
 * on one side only, sides out of order.
 */
const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}},
  wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}},
  tolerance: {default: {pct: '1'}},
  units: {conversions: [{from: 'KG', to: 'G', factor: '1000'}]},
  partitions: 4,
})
const settings = (trackScope: boolean): MergeSettings => ({cfg, classes: [], today: '2026-12-03', showCost: false, all: false, onlyNew: false, trackScope})

interface Rec {
  kind: string
  /** Escaped key (item, warehouse, lot). */
  key: string
  item: string
  line: string
}

const ITEMS = ['A1', 'a1', 'B\tTAB', 'C\\BS', 'ÉCROU', '螺丝-M6', 'Ａ１', '😀X', 'ﬀ', 'Z9', 'NL\nX']
const LOTS = ['', 'L1', 'L\\2', 'ロット', '😀']
/** Quantities of unusual forms (all plain decimal text a reader writes). */
const ODD_QTY = ['+5', '5.', '.5', '-.5', '-0', '0', '00012.3400', '1234567890123456', '123456789012345', '99999999999999.9', '-999999999999999', '0.000000000000001', '1.00000000000000000001', '-12345678901234567890.5']

/** Items with attributes: their unit (G: convertible from KG; BOX: no rule to PCS). */
const ITEM_UNIT: Record<string, string> = {'ÉCROU': 'G', Z9: 'BOX', 'Ａ１': 'PCS'}

/**
 * Random records; `suffix` ends every WMS line (its loose item and warehouse: empty, none at all as a reader without a
 * cross-reference writes them, or a warehouse code), `odd` adds quantities of other forms (+5, 5., .5, -0, 16+ digits,
 * long codes that cross the join's four-byte words).
 */
function records(seed: number, n: number, suffix = '\t\t', odd = false): Rec[] {
  const r = rng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]
  const out: Rec[] = []
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const item = `${pick(ITEMS)}${Math.floor(r() * 40)}${odd && r() < 0.2 ? 'X'.repeat(Math.floor(r() * 9)) : ''}`
    const key = `${esc(item)}\tW${Math.floor(r() * 3)}\t${esc(pick(LOTS))}`
    if (seen.has(key)) continue
    seen.add(key)
    const unit = ITEM_UNIT[item.replace(/\d+$/, '')] ?? 'PCS'
    const whole = Math.floor(r() * 2000) - 200
    const frac = String(Math.floor(r() * 100)).padStart(2, '0')
    const q = odd && r() < 0.3 ? pick(ODD_QTY) : `${whole}.${frac}`
    const erp = (u: string, qt: string) => out.push({kind: KIND.erp, key, item, line: `${key}\t${u}\t${qt}`})
    const wms = (u: string, qt: string) => out.push({kind: KIND.wms, key, item, line: `${key}\t${u}\t${qt}${suffix}`})
    switch (Math.floor(r() * 12)) {
      case 0:
        erp(unit, q) // only in the ERP
        break
      case 1:
        wms(unit, q) // only in the WMS
        break
      case 2:
        erp(unit, q)
        wms(unit, `${q}0`) // the same value, another text
        break
      case 3:
        erp(unit, `${whole}.${frac[0]}0`)
        wms(unit, `${whole}.${frac[0]}`) // 10.50 / 10.5
        break
      case 4:
        erp(unit, q)
        wms(unit, `${whole}.${frac}1`) // within tolerance (or over, near zero)
        break
      case 5:
        erp(unit, q)
        wms(unit, `${whole + 7}.${frac}`) // over tolerance
        break
      case 6:
        erp('KG', '1.5')
        wms('G', '1500') // other units, convertible
        break
      case 7:
        erp('KG', '2')
        wms('PCS', '2') // the same text in another unit
        break
      case 8:
        erp(unit === 'PCS' ? 'KG' : 'PCS', q)
        wms(unit === 'PCS' ? 'KG' : 'PCS', q) // the same text and unit, not the item's unit
        break
      case 9:
        erp(unit, '0')
        wms(unit, '0.000') // zero
        break
      case 10:
        erp(unit, q)
        wms(unit, q.startsWith('-') ? q.slice(1) : `-${q.replace(/^\+/, '')}`) // sign
        break
      default:
        erp(unit, q)
        wms(unit, q) // the same bytes: a match on the bytes
    }
  }
  return out
}

/** Keys with their tab in UTF-8 byte order: the order joinBytes (and a table read in key order) expects. */
const byKey = (a: Rec[]) => [...a].sort((x, y) => Buffer.compare(Buffer.from(`${x.key}\t`), Buffer.from(`${y.key}\t`)))

function write(spill: Spill, recs: Rec[]): void {
  for (const rec of recs) spill.write(rec.kind, partitionOf(rec.item, spill.partitions), rec.line)
  for (const [item, uom] of Object.entries(ITEM_UNIT)) {
    for (let i = 0; i < 40; i++) spill.write(KIND.items, partitionOf(`${item}${i}`, spill.partitions), `${esc(`${item}${i}`)}\t${uom}\tA\t\t\t\t`)
  }
  spill.flush()
}

/** The same run on the byte join (sorted) and on the Map (trackScope keeps it off the join). */
async function both(recs: Rec[]) {
  const joined = new Spill({partitions: 4})
  const mapped = new Spill({partitions: 4})
  try {
    write(joined, recs)
    write(mapped, recs)
    return {a: await mergePartitions(joined, settings(false)), b: await mergePartitions(mapped, settings(true))}
  } finally {
    joined.dispose()
    mapped.dispose()
  }
}

describe('joinBytes: the byte merge-join gives the answer of the Map', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`random records, seed ${seed}: same variances, rows and totals`, async () => {
      const recs = byKey(records(seed, 1500))
      const {a, b} = await both(recs)
      expect(a.variances).toEqual(b.variances)
      expect(a.rows).toEqual(b.rows)
      expect({...a.totals, seenWarehouses: [], seenClasses: []}).toEqual({...b.totals, seenWarehouses: [], seenClasses: []})
      // every edge was met
      expect(a.totals.keys.match).toBeGreaterThan(100)
      expect(a.totals.keys.within_tolerance).toBeGreaterThan(0)
      expect(a.totals.keys.over_tolerance).toBeGreaterThan(0)
      expect(a.totals.keys.only_in_erp).toBeGreaterThan(0)
      expect(a.totals.keys.only_in_wms).toBeGreaterThan(0)
      expect(a.totals.unitWarningCount).toBeGreaterThan(0)
      expect(a.rows.some((r) => r.item.includes('\t') && r.lot === '')).toBe(true)
    })
  }

  for (const [suffix, name] of [
    ['', 'no loose fields (ERP and WMS lines alike)'],
    ['\t\tW9', 'a loose warehouse'],
    ['\t\t', 'empty loose fields'],
  ]) {
    for (const seed of [21, 22, 23]) {
      it(`WMS lines with ${name}, odd quantities and long codes, seed ${seed}: the answer of the Map`, async () => {
        const recs = byKey(records(seed, 2500, suffix, true))
        const {a, b} = await both(recs)
        expect(a.variances).toEqual(b.variances)
        expect(a.rows).toEqual(b.rows)
        expect({...a.totals, seenWarehouses: [], seenClasses: []}).toEqual({...b.totals, seenWarehouses: [], seenClasses: []})
        expect(a.totals.keys.match).toBeGreaterThan(200)
        expect(a.totals.keys.only_in_erp).toBeGreaterThan(0)
        expect(a.totals.keys.only_in_wms).toBeGreaterThan(0)
      })
    }
  }

  it('counts runs of identical lines (no loose fields) on the words, and stops at a key out of order inside one', () => {
    const recs = byKey(records(31, 1200, '', true))
    const side = (kind: string, list: Rec[]) => Buffer.from(list.filter((x) => x.kind === kind).map((x) => `${x.line}\n`).join(''))
    const erpLines = recs.filter((x) => x.kind === KIND.erp)
    const wmsByKey = new Map(recs.filter((x) => x.kind === KIND.wms).map((x) => [x.key, x.line]))
    const same = erpLines.filter((x) => wmsByKey.get(x.key) === x.line)
    const totals = emptyTotals()
    expect(joinBytes(side(KIND.erp, recs), side(KIND.wms, recs), new Map(), totals)).not.toBeNull()
    expect(totals.keys.match).toBe(same.length)
    // Σ|erp qty| of the matches, exactly (BigInt over the texts)
    const scaled = (t: string): [bigint, number] => {
      const u = t.replace(/^[+-]/, '')
      const [w, f = ''] = u.split('.')
      return [BigInt(`${w || '0'}${f}`), f.length]
    }
    let want = 0n
    let ws = 0
    for (const x of same) {
      const [v, sc] = scaled(x.line.split('\t').at(-1)!)
      if (sc > ws) {
        want *= 10n ** BigInt(sc - ws)
        ws = sc
      }
      want += v * 10n ** BigInt(ws - sc)
    }
    const got = totals.sumAbsErpFast.value()
    expect(got.v * 10n ** BigInt(Math.max(ws - got.s, 0))).toBe(want * 10n ** BigInt(Math.max(got.s - ws, 0)))
    // identical sides with one key twice: refused (not strictly ascending), nothing counted
    const both2 = erpLines.flatMap((x, i) => (i === 300 ? [x, x] : [x]))
    const t2 = emptyTotals()
    expect(joinBytes(side(KIND.erp, both2), side(KIND.erp, both2), new Map(), t2)).toBeNull()
    expect(t2.keys.match).toBe(0)
    // two keys swapped: refused
    const swapped = [...erpLines]
    ;[swapped[500], swapped[501]] = [swapped[501], swapped[500]]
    expect(joinBytes(side(KIND.erp, swapped), side(KIND.erp, swapped), new Map(), emptyTotals())).toBeNull()
    // identical, in order: every line a match
    const t3 = emptyTotals()
    expect(joinBytes(side(KIND.erp, erpLines), side(KIND.erp, erpLines), new Map(), t3)).toEqual(['', ''])
    expect(t3.keys.match).toBe(erpLines.length)
  })

  it('joins sorted sides on the bytes (matches counted, the rest left as text) and refuses unsorted ones', () => {
    const recs = byKey(records(7, 800))
    const side = (kind: string, list: Rec[]) => Buffer.from(list.filter((x) => x.kind === kind).map((x) => `${x.line}\n`).join(''))
    const totals = emptyTotals()
    const left = joinBytes(side(KIND.erp, recs), side(KIND.wms, recs), new Map(), totals)
    expect(left).not.toBeNull()
    const [erpLeft, wmsLeft] = left!
    const erpLines = recs.filter((x) => x.kind === KIND.erp)
    const wmsLines = recs.filter((x) => x.kind === KIND.wms)
    const wmsByKey = new Map(wmsLines.map((x) => [x.key, x.line]))
    // a match on the bytes: the same key, unit and quantity text (no item units here)
    const same = erpLines.filter((x) => wmsByKey.get(x.key)?.startsWith(`${x.line}\t`))
    expect(totals.keys.match).toBe(same.length)
    expect(totals.keys.match).toBeGreaterThan(50)
    expect(erpLeft.split('\n').length - 1).toBe(erpLines.length - same.length)
    expect(wmsLeft.split('\n').length - 1).toBe(wmsLines.length - same.length)
    // Σ|erp qty| of the matches, exactly
    const abs = same.reduce((s, x) => s + Math.round(Math.abs(Number(x.line.split('\t').at(-1))) * 100), 0)
    expect(totals.sumAbsErpFast.value()).toEqual({v: BigInt(abs), s: 2})

    // a side out of order (or a key twice): nothing counted
    const shuffled = [...erpLines].reverse()
    const t2 = emptyTotals()
    expect(joinBytes(side(KIND.erp, shuffled), side(KIND.wms, recs), new Map(), t2)).toBeNull()
    expect(joinBytes(side(KIND.erp, recs), Buffer.concat([side(KIND.wms, recs), side(KIND.wms, recs.slice(-5))]), new Map(), t2)).toBeNull()
    // an ERP key twice in a row (two ERP rows of a key on both sides), in the middle of the side
    const twice = erpLines.flatMap((x, i) => (i === Math.floor(erpLines.length / 2) ? [x, x] : [x]))
    expect(joinBytes(side(KIND.erp, twice), side(KIND.wms, recs), new Map(), t2)).toBeNull()
    expect(t2.keys.match).toBe(0)
    expect(t2.sumAbsErpFast.value().v).toBe(0n)
  })

  it('gives the answer of the Map for unsorted sides, for repeated keys (bins) and for one side sorted only', async () => {
    const recs = records(11, 1500)
    const r = rng(99)
    const shuffled = [...recs].sort(() => r() - 0.5)
    const {a, b} = await both(shuffled)
    const order = (rows: typeof a.variances) => [...rows].sort((x, y) => `${x.item}\t${x.warehouse}\t${x.lot}`.localeCompare(`${y.item}\t${y.warehouse}\t${y.lot}`))
    expect(order(a.variances)).toEqual(order(b.variances))
    expect({...a.totals, seenWarehouses: [], seenClasses: []}).toEqual({...b.totals, seenWarehouses: [], seenClasses: []})
    // ERP sorted, WMS with a second bin of some keys
    const sorted = byKey(records(12, 1500))
    const bins = sorted.filter((x, i) => x.kind === KIND.wms && i % 17 === 0).map((x) => ({...x, line: x.line.replace(/\t([^\t]*)\t\t$/, '\t0.01\t\t')}))
    const withBins = byKey([...sorted, ...bins])
    const c = await both(withBins)
    expect(c.a.variances).toEqual(c.b.variances)
    expect({...c.a.totals, seenWarehouses: [], seenClasses: []}).toEqual({...c.b.totals, seenWarehouses: [], seenClasses: []})
  })
})
