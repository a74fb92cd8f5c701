import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {explainedByTransit, isSignError, isUnitFactor, quantityCause} from '../../src/lib/reconcile/key-causes.js'
import {Rational} from '../../src/lib/reconcile/rational.js'

const d = (v: string) => new Decimal(v)
const r = (v: string) => Rational.of(v)

describe('key causes: what one key\'s own quantities show', () => {
  it('in transit: ERP − WMS is exactly the quantity moving (a missing side is zero)', () => {
    expect(explainedByTransit(d('50'), d('42'), d('8'))).toBe(true)
    expect(explainedByTransit(d('50'), d('42'), d('8.0001'))).toBe(false)
    expect(explainedByTransit(d('0'), d('-5'), d('5'))).toBe(true)
    // rationals: 1/3 box in transit
    expect(explainedByTransit(Rational.ONE, r('2').div(r('3'))!, Rational.ONE.div(r('3'))!)).toBe(true)
  })
  it('sign: one side is the other negated, never for zero', () => {
    expect(isSignError(d('12.5'), d('-12.5'))).toBe(true)
    expect(isSignError(d('0'), d('0'))).toBe(false)
    expect(isSignError(d('12.5'), d('12.5'))).toBe(false)
  })
  it('unit factor: either way round, only when both sides are non-zero', () => {
    expect(isUnitFactor(d('4'), d('4000'), [d('1000')])).toBe(true)
    expect(isUnitFactor(d('36'), d('3'), [d('12')])).toBe(true)
    expect(isUnitFactor(d('36'), d('4'), [d('12')])).toBe(false)
    expect(isUnitFactor(d('0'), d('0'), [d('12')])).toBe(false)
    expect(isUnitFactor(r('1').div(r('3'))!, r('4'), [r('12')])).toBe(true)
  })
  it('sign is decided before the unit factor, and factors are only looked up when needed', () => {
    let asked = 0
    const factors = () => {
      asked++
      return [d('-1')]
    }
    expect(quantityCause(d('5'), d('-5'), factors)).toBe('sign')
    expect(asked).toBe(0)
    expect(quantityCause(d('5'), d('60'), () => [d('12')])).toBe('uom_factor')
    expect(quantityCause(d('5'), d('61'), () => [d('12')])).toBe(null)
  })
})
