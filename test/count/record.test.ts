import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createCount, getCount, getLines, type NewCountLine} from '../../src/lib/count/count-store.js'
import {parseCountedQuantity} from '../../src/lib/count/quantity-text.js'
import type {SheetEntry} from '../../src/lib/count/read-sheets.js'
import {recordEntries} from '../../src/lib/count/record.js'
import {Decimal} from '../../src/lib/decimal/decimal.js'
import {openStore, type Store} from '../../src/lib/store/store.js'
import {tempDir} from '../helpers/cli.js'

function line(lineNo: number | null, location: string, sku: string, over: Partial<NewCountLine> = {}): NewCountLine {
  return {
    lineNo,
    sampled: lineNo !== null,
    location,
    zone: 'A',
    wmsWarehouse: 'RM',
    sku,
    lot: null,
    unit: 'G',
    item: `RM-${sku.slice(1)}`,
    erpWarehouse: 'WH01',
    description: null,
    abcClass: 'A',
    erpUnit: 'KG',
    factor: new Decimal('0.001'),
    unitCost: new Decimal(5),
    wmsQty: new Decimal(1000),
    erpKeyQty: new Decimal(1),
    wmsKeyQty: new Decimal(1),
    sheet: 'Zone A',
    recountOf: null,
    ...over,
  }
}

let n = 0
const entry = (over: Partial<SheetEntry>): SheetEntry => ({where: `f.xlsx:Zone A:${++n + 1}`, lineNo: null, lineError: null, location: '', item: '', lot: '', counted: null, countedError: null, counter: 'Ana', remarks: null, ...over})

describe('counted quantities as people type them', () => {
  it.each([
    [12, '12', null],
    ['12', '12', null],
    [' 1,234.5 ', '1234.5', null],
    ['１２', '12', null],
    ['12 PCS', '12', 'PCS'],
    ['12pcs', '12', 'PCS'],
    ['0.5 kg', '0.5', 'KG'],
    ['7 箱', '7', '箱'],
    ['0', '0', null],
  ])('%j → %s %s', (input, qty, unit) => {
    const p = parseCountedQuantity(input)
    expect(p).toEqual({ok: true, qty: new Decimal(qty), unit})
  })

  it.each([['abc'], ['-3'], [-1], ['12,5'], ['1.2.3'], ['twelve']])('%j is refused', (input) => {
    const p = parseCountedQuantity(input)
    expect(p?.ok).toBe(false)
  })

  it('empty is "not counted", not zero', () => {
    expect(parseCountedQuantity('  ')).toBeNull()
    expect(parseCountedQuantity(null)).toBeNull()
  })
})

describe('recording counts: every rejection, found lines, idempotence', () => {
  let store: Store
  let id: number

  beforeAll(async () => {
    store = await openStore({client: 'sqlite', filename: 'state.db'}, tempDir('pt-count-rec-'))
    id = await createCount(
      store.knex,
      {kind: 'count', parentId: null, createdAt: '2026-11-21T08:00:00Z', snapshotAt: '2026-11-21 08:00:00', method: 'random', seed: '1', scope: {}, populationSize: 10, populationByClass: {A: 10, B: 0, C: 0}, sampleSize: 4, confidence: null, margin: null, counters: null, runId: null},
      [line(1, 'RM-A01', 'S1'), line(2, 'RM-A02', 'S2'), line(3, 'RM-A03', 'S3'), line(4, 'RM-A04', 'S4'), line(null, 'RM-A02', 'S9', {wmsQty: new Decimal(40)})],
    )
  })
  afterAll(async () => store?.close())

  it('records good rows (any order, text and units), rejects each bad one with where and why, lists what is left', async () => {
    const header = await getCount(store.knex, id)
    const r = await recordEntries(
      store.knex,
      header,
      [
        entry({where: 'f.xlsx:Zone A:5', lineNo: 2, location: 'RM-A02', item: 'RM-2', counted: '990 g'}), // reordered row, text with unit
        entry({where: 'f.xlsx:Zone A:2', lineNo: 1, location: 'RM-A01', counted: 1000}),
        entry({where: 'f.xlsx:Zone A:3', lineNo: 1, counted: '1,000'}), // the same line again, the same result: fine
        entry({where: 'f.xlsx:Zone A:9', lineNo: 99, counted: 5}), // not in the count
        entry({where: 'f.xlsx:Zone A:10', lineNo: 3, counted: 'lots'}), // not a number
        entry({where: 'f.xlsx:Zone A:11', lineNo: 4, counted: '-2'}), // negative
        entry({where: 'g.xlsx:Zone A:2', lineNo: 4, location: 'RM-B07', counted: 3}), // a row of another count
        entry({where: 'f.xlsx:Zone A:12', lineNo: 3, counted: '2 PCS'}), // wrong unit
        entry({where: 'f.xlsx:Zone A:20', location: 'RM-A02', item: 'S9', counted: 40}), // found, hidden snapshot line
        entry({where: 'f.xlsx:Zone A:21', location: 'RM-A02', item: 'RM-77', counted: 2}), // found, unknown to WMS
        entry({where: 'f.xlsx:Zone A:22', location: 'RM-Z99', item: 'RM-1', counted: 2}), // not a sampled location
        entry({where: 'f.xlsx:Zone A:23'}), // blank
      ],
      {countedAt: '2026-11-21 10:00:00'},
    )
    const reasons = Object.fromEntries(r.rejected.map((x) => [x.where, x.reason]))
    expect(reasons['f.xlsx:Zone A:9']).toMatch(/line 99 is not a line of count/)
    expect(reasons['f.xlsx:Zone A:10']).toMatch(/"lots" is not a number/)
    expect(reasons['f.xlsx:Zone A:11']).toMatch(/negative count/)
    expect(reasons['g.xlsx:Zone A:2']).toMatch(/row says location RM-B07, but line 4 .* is at RM-A04/)
    expect(reasons['f.xlsx:Zone A:12']).toMatch(/counted in PCS, but the line is counted in G \(or KG\)/)
    expect(reasons['f.xlsx:Zone A:22']).toMatch(/location RM-Z99 is not in count/)
    expect(r.rejected).toHaveLength(6)
    expect(r.recorded).toBe(4)
    expect(r.found).toBe(2)
    expect(r.uncounted.map((u) => u.line)).toEqual([3, 4])
    expect(r.status).toBe('partial')
    const lines = await getLines(store.knex, id)
    expect(lines.find((l) => l.lineNo === 2)?.countedQty?.toString()).toBe('990')
    const hidden = lines.find((l) => l.sku === 'S9')!
    expect([hidden.found, hidden.lineNo, hidden.countedQty?.toString()]).toEqual([true, 5, '40'])
    const extra = lines.find((l) => l.sku === 'RM-77')!
    expect([extra.found, extra.lineNo, extra.wmsQty.toString(), extra.location]).toEqual([true, 6, '0', 'RM-A02'])
  })

  it('converts a count written in the ERP unit to the line unit', async () => {
    const header = await getCount(store.knex, id)
    const r = await recordEntries(store.knex, header, [entry({lineNo: 3, counted: '1.25 kg'})], {countedAt: '2026-11-21 10:00:00'})
    expect(r.rejected).toEqual([])
    expect((await getLines(store.knex, id)).find((l) => l.lineNo === 3)?.countedQty?.toString()).toBe('1250')
  })

  it('rejects a line counted twice with different results, naming both rows, and records neither', async () => {
    const header = await getCount(store.knex, id)
    const r = await recordEntries(store.knex, header, [entry({where: 'a.xlsx:S:4', lineNo: 4, counted: 7}), entry({where: 'b.xlsx:S:9', lineNo: 4, counted: 8})], {countedAt: '2026-11-21 10:00:00'})
    expect(r.rejected).toHaveLength(2)
    expect(r.rejected[0].reason).toMatch(/counted twice with different results \(7 at a.xlsx:S:4, 8 at b.xlsx:S:9\)/)
    expect((await getLines(store.knex, id)).find((l) => l.lineNo === 4)?.countedQty).toBeNull()
  })

  it('re-recording the same rows changes nothing; a different value needs --replace', async () => {
    const header = await getCount(store.knex, id)
    const again = await recordEntries(store.knex, header, [entry({lineNo: 1, counted: 1000}), entry({location: 'RM-A02', item: 'RM-77', counted: 2})], {countedAt: '2026-11-21 11:00:00'})
    expect([again.recorded, again.unchanged, again.found, again.rejected.length]).toEqual([0, 2, 0, 0])
    const changed = await recordEntries(store.knex, header, [entry({lineNo: 1, counted: 1001})], {countedAt: '2026-11-21 11:00:00'})
    expect(changed.rejected[0].reason).toMatch(/already recorded as 1000 .*--replace/)
    const replaced = await recordEntries(store.knex, header, [entry({lineNo: 1, counted: 1001})], {countedAt: '2026-11-21 11:00:00', replace: true})
    expect(replaced.recorded).toBe(1)
    expect(await store.knex('count_lines').where({count_id: id}).count({n: '*'}).first()).toEqual({n: 6})
  })
})
