import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {classify, diffPct} from '../../src/lib/reconcile/classify.js'
import {addScaled, cmpScaled, formatScaled, parseScaled} from '../../src/lib/reconcile/scaled.js'
import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {codeNormalizer, looseCode, lotNormalizer, NULL_LOT} from '../../src/lib/stock/normalize.js'
import {stockReferences} from '../../src/lib/stock/references.js'
import {escapeField, partitionOf, Spill, unescapeField} from '../../src/lib/stock/spill.js'
import {UnitConverter} from '../../src/lib/stock/units.js'

describe('scaled exact decimals', () => {
  it('0.1 + 0.2 = 0.3 and big DECIMAL(28,10) values add exactly', () => {
    expect(formatScaled(addScaled(parseScaled('0.1'), parseScaled('0.2')))).toBe('0.3')
    const big = addScaled(parseScaled('123456789012345678.0000000001'), parseScaled('0.0000000001'))
    expect(formatScaled(big)).toBe('123456789012345678.0000000002')
    expect(cmpScaled(parseScaled('9007199254740993'), parseScaled('9007199254740992.9999999999'))).toBe(1)
    expect(cmpScaled(parseScaled('1.5000'), parseScaled('1.5'))).toBe(0)
  })
  it('parses signs, bare fractions and exponents; refuses garbage', () => {
    expect(formatScaled(parseScaled('-0.5000'))).toBe('-0.5')
    expect(formatScaled(parseScaled('.25'))).toBe('0.25')
    expect(formatScaled(parseScaled('1e-7'))).toBe('0.0000001')
    expect(formatScaled(parseScaled('-12'))).toBe('-12')
    expect(() => parseScaled('12abc')).toThrow()
  })
})

describe('classify and tolerance', () => {
  const d = (s: string) => new Decimal(s)
  it('gives the five statuses', () => {
    expect(classify(d('5'), d('5'), {})).toBe('match')
    expect(classify(d('100'), d('97'), {pct: d('5')})).toBe('within_tolerance')
    expect(classify(d('100'), d('94'), {pct: d('5')})).toBe('over_tolerance')
    expect(classify(d('50'), d('52'), {abs: d('2')})).toBe('within_tolerance')
    expect(classify(d('1'), null, {abs: d('2')})).toBe('only_in_erp')
    expect(classify(null, d('1'), {})).toBe('only_in_wms')
    expect(classify(d('0'), null, {})).toBe('match')
    expect(diffPct(d('-3'), d('100'))!.toFixed()).toBe('-3')
    expect(diffPct(d('1'), d('0'))).toBeNull()
  })
})

describe('key normalisation', () => {
  it('trims, folds case, maps full-width to half-width, treats NULL lot as empty (or not)', () => {
    expect(codeNormalizer({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true})('  ab-1\u3000')).toBe('ab-1')
    expect(codeNormalizer({trim: true, caseFold: 'upper', fullWidth: false, nullLotIsEmpty: true})(' ab-1 ')).toBe('AB-1')
    expect(codeNormalizer({trim: false, caseFold: 'lower', fullWidth: false, nullLotIsEmpty: true})('AB ')).toBe('ab ')
    expect(codeNormalizer({trim: true, caseFold: false, fullWidth: true, nullLotIsEmpty: true})('ＲＭ－１００２３')).toBe('RM-10023')
    expect(lotNormalizer({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true})(null)).toBe('')
    expect(lotNormalizer({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: false})(null)).toBe(NULL_LOT)
    expect(looseCode(' ｓ10023 ')).toBe('S10023')
    expect(looseCode('S 100 23')).toBe('S10023')
  })
})

describe('units', () => {
  const conv = new UnitConverter(stockConfigSchema.shape.units.parse({conversions: [{from: 'KG', to: 'G', factor: 1000}], pack: {uom: '箱', unit: 'PCS'}}))
  it('converts by global table both ways, by pack size, and by per-item factors', () => {
    expect(conv.factor('G', 'KG', undefined)!.toFixed()).toBe('0.001')
    expect(conv.factor('KG', 'G', undefined)!.toFixed()).toBe('1000')
    expect(conv.factor('PCS', '箱', {packSize: new Decimal(12)})!.times(36).toFixed()).toBe('3')
    expect(conv.factor('MM', 'M', {uom: 'M', factors: new Map([['MM', new Decimal('0.001')]])})!.toFixed()).toBe('0.001')
    expect(conv.factor('L', 'KG', undefined)).toBeNull()
  })
})

describe('spill files', () => {
  it('escapes fields, partitions stably, reads lines back, merges line readers over chunk edges', () => {
    expect(unescapeField(escapeField('a\tb\\c\nd'))).toBe('a\tb\\c\nd')
    expect(partitionOf('RM-10023', 64)).toBe(partitionOf('RM-10023', 64))
    const spill = new Spill({partitions: 4})
    try {
      const long = 'x'.repeat(70_000)
      spill.write('k', 1, 'first')
      spill.write('k', 1, long)
      spill.write('k', 1, '电机-甲')
      expect(spill.lines('k', 1)).toEqual(['first', long, '电机-甲'])
      expect(spill.lines('k', 2)).toEqual([])
      spill.write('r', 0, '甲'.repeat(40_000))
      spill.write('r', 0, 'end')
      const reader = spill.reader('r', 0)
      expect(reader.next()).toBe('甲'.repeat(40_000))
      expect(reader.next()).toBe('end')
      expect(reader.next()).toBeUndefined()
      reader.close()
    } finally {
      spill.dispose()
    }
  })
})

describe('stock config and references', () => {
  const base = {
    erp: {source: 'erp', table: 'stock_balance', columns: {item: 'item_code', warehouse: 'warehouse_code', lot: 'lot_no', qty: 'qty', uom: 'uom'}},
    wms: {source: 'wms', query: 'SELECT * FROM bin_stock', columns: {item: 'sku', warehouse: 'wh_code', qty: 'qty'}, filters: {status: ['AVAILABLE']}},
    inTransit: {source: 'wms', table: 'movements', columns: {item: 'sku', warehouse: 'wh_code', qty: 'qty', movedAt: 'moved_at'}},
  }
  it('fills defaults and refuses table + query together', () => {
    const cfg = stockConfigSchema.parse(base)
    expect(cfg.grain).toBe('item-warehouse-lot')
    expect(cfg.erp.normalize).toEqual({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true})
    expect(cfg.safety.minRowsRatio).toBe(0.5)
    const bad = stockConfigSchema.safeParse({...base, erp: {...base.erp, query: 'SELECT 1'}})
    expect(bad.success).toBe(false)
    expect(stockConfigSchema.safeParse({...base, tolerance: {default: {pct: 'x'}}}).success).toBe(false)
  })
  it('names every table and column the section reads', () => {
    const refs = stockReferences(stockConfigSchema.parse(base))
    expect(refs.map((r) => `${r.source}:${r.table ?? 'query'}:${r.configPath}`)).toEqual([
      'erp:stock_balance:stock.erp.table',
      'wms:query:stock.wms.query',
      'wms:movements:stock.inTransit.table',
    ])
    expect(refs[0].columns.map((c) => c.column)).toEqual(['item_code', 'warehouse_code', 'lot_no', 'qty', 'uom'])
    expect(refs[1].columns.find((c) => c.column === 'status')).toMatchObject({configPath: 'stock.wms.filters.status', keyed: true})
    expect(refs[2].columns.find((c) => c.column === 'moved_at')).toMatchObject({expected: 'date', keyed: true})
  })
})

describe('unit conversion compares exactly (issue 15 item 10)', () => {
  it('classifies on rationals: 0.083333333333 vs 1/12 has the right sign; a 30-decimal factor is not a match when it is not', async () => {
    const {classifyExact} = await import('../../src/lib/reconcile/classify.js')
    const {Rational} = await import('../../src/lib/reconcile/rational.js')
    const conv = new UnitConverter({conversions: [{from: 'BOX', to: 'PCS', factor: '12'}, {from: 'X', to: 'Y', factor: '1.000000000000000000000000000001'}]} as any)
    const perBox = conv.exactFactor('PCS', 'BOX', undefined)!
    const wms = Rational.of('1').times(perBox) // 1 PCS in BOX = 1/12
    const erp = Rational.of('0.083333333333')
    const d = wms.minus(erp)
    expect(d.cmp(Rational.ZERO)).toBe(1)
    expect(d.toDecimal(20).toFixed()).toBe('0.00000000000033333333')
    expect(classifyExact(erp, wms, {})).toBe('over_tolerance')
    const f = conv.exactFactor('X', 'Y', undefined)!
    expect(classifyExact(Rational.of('3'), Rational.of('3').times(f), {})).toBe('over_tolerance')
    expect(classifyExact(Rational.of('3').times(f), Rational.of('3').times(f), {})).toBe('match')
    expect(classifyExact(Rational.of('12'), Rational.of('12.5'), {pct: new Decimal('5')})).toBe('within_tolerance')
  })
})

describe('the read plan (who reads what, in which snapshot)', () => {
  it('puts each lookup in the snapshot of the side on its source, else alone', async () => {
    const {planReads} = await import('../../src/lib/stock/stock-diff.js')
    const base = {
      erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', qty: 'q'}},
      wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', qty: 'q'}},
    }
    const transit = (source: string, side: 'erp' | 'wms') => ({source, table: 'm', side, columns: {item: 'i', warehouse: 'w', qty: 'q', movedAt: 't'}})
    const plan = (extra: Record<string, unknown>) => planReads(stockConfigSchema.parse({...base, ...extra}))
    expect(plan({})).toEqual({items: null, units: null, transit: null, itemMap: null})
    expect(plan({items: {source: 'erp', table: 'it', columns: {item: 'i'}}, inTransit: transit('wms', 'wms'), itemMap: {source: 'wms', table: 'x', columns: {wms: 'a', erp: 'b'}}})).toEqual({items: 'erp', units: null, transit: 'wms', itemMap: 'wms'})
    expect(plan({items: {source: 'mes', table: 'it', columns: {item: 'i'}}, inTransit: transit('erp', 'wms'), itemMap: {file: 'x.csv'}})).toEqual({items: 'alone', units: null, transit: 'alone', itemMap: 'file'})
    expect(plan({inTransit: transit('erp', 'erp'), itemMap: {source: 'mes', table: 'x', columns: {wms: 'a', erp: 'b'}}})).toMatchObject({transit: 'erp', itemMap: 'alone'})
  })
})
