import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {classifyExact} from '../../src/lib/reconcile/classify.js'
import {Rational} from '../../src/lib/reconcile/rational.js'
import {UnitConverter} from '../../src/lib/reconcile/units.js'
import {stockConfigSchema} from '../../src/lib/stock/config.js'

describe('units', () => {
  const conv = new UnitConverter(stockConfigSchema.shape.units.parse({conversions: [{from: 'KG', to: 'G', factor: 1000}], pack: {uom: '箱', unit: 'PCS'}}))
  it('converts by global table both ways, by pack size, and by per-item factors', () => {
    expect(conv.factor('G', 'KG', undefined)!.toFixed()).toBe('0.001')
    expect(conv.factor('KG', 'G', undefined)!.toFixed()).toBe('1000')
    expect(conv.factor('PCS', '箱', {packSize: new Decimal(12)})!.times(36).toFixed()).toBe('3')
    expect(conv.factor('MM', 'M', {uom: 'M', factors: new Map([['MM', new Decimal('0.001')]])})!.toFixed()).toBe('0.001')
    expect(conv.factor('L', 'KG', undefined)).toBeNull()
  })
  it('per-item factors win over the global table; known factors are the evidence for a uom_factor cause', () => {
    const item = {uom: 'KG', factors: new Map([['G', new Decimal('0.002')]])}
    expect(conv.factor('G', 'KG', item)!.toFixed()).toBe('0.002')
    expect(conv.knownFactors(item, [new Decimal(6)]).map((f) => f.toFixed()).sort()).toEqual(['0.002', '1000', '6'])
  })
})

describe('unit conversion compares exactly (issue 15 item 10)', () => {
  it('classifies on rationals: 0.083333333333 vs 1/12 has the right sign; a 30-decimal factor is not a match when it is not', () => {
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
