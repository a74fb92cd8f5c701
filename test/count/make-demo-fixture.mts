/**
 * Regenerates fixtures/count/demo-count-1-filled.xlsx: the count sheets of the README's demo count, filled in as two
 * counters would (most lines right, two lines off, one written as text with its unit, one item found that was not on
 * the sheet). Run after the README steps up to `count sample`:
 *
 *   npx tsx test/count/make-demo-fixture.mts DEMO_DIR
 *
 * The counted quantities come from the count's private snapshot in DEMO_DIR/.plantops/state.db (this is test tooling:
 * it plays the counters, who see the real shelves).
 */
import path from 'node:path'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {fillSheets} from './fill-sheets.js'

const dir = path.resolve(process.argv[2] ?? 'demo-plant')
const {default: Database} = await import('better-sqlite3')
const db = new Database(path.join(dir, '.plantops', 'state.db'), {readonly: true})
const lines = db.prepare('SELECT line_no, location, sku, item, wms_qty, unit FROM count_lines WHERE count_id = 1 AND sampled = 1').all() as Array<{line_no: number; location: string; sku: string; item: string; wms_qty: string; unit: string}>
const byNo = new Map(lines.map((l) => [l.line_no, l]))
const counter = (sheet: string) => (sheet === 'Counter 1' ? '张伟' : '李娜')
const five = byNo.get(5)!
const six = byNo.get(6)!
// decimal arithmetic, then the nearest double (5.78 − 2 = 3.78, not 3.7800000000000002)
const exact = (qty: string, delta: number) => Number(new Decimal(qty).plus(delta).toString())
const target = path.resolve('fixtures/count/demo-count-1-filled.xlsx')
await fillSheets(path.join(dir, 'count-sheets.xlsx'), target, {
  count: (r) => {
    const l = byNo.get(r.line)!
    const q = Number(l.wms_qty)
    // the lines are those of the seed-7 sample (bottom-k by seeded priority): 10 holds 5.78 L (class B, ±1%), 3 holds 408832 G (class C, ±5%)
    if (r.line === 10) return {counted: exact(l.wms_qty, -2), counter: counter(r.sheet)} // two short: over tolerance
    if (r.line === 3) return {counted: exact(l.wms_qty, 1), counter: counter(r.sheet)} // one more on the shelf: within tolerance
    if (r.line === 11) return {counted: `${l.wms_qty} ${l.unit}`, counter: counter(r.sheet)} // typed with its unit
    return {counted: q, counter: counter(r.sheet)}
  },
  found: [{sheet: 'Counter 1', location: five.location, item: six.item, counted: 4}],
})
console.log(`wrote ${target}`)
