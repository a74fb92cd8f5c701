import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {Rational} from '../../src/lib/reconcile/rational.js'
import {addScaled, cmpScaled, formatScaled, parseScaled} from '../../src/lib/reconcile/scaled.js'

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

describe('exact rationals', () => {
  it('keeps 1/12 exact: twelve twelfths are one, and a twelfth is not 0.083333333333', () => {
    const twelfth = Rational.ONE.div(Rational.of('12'))!
    let sum = Rational.ZERO
    for (let i = 0; i < 12; i++) sum = sum.plus(twelfth)
    expect(sum.cmp(Rational.ONE)).toBe(0)
    expect(twelfth.cmp(Rational.of('0.083333333333'))).toBe(1)
    expect(twelfth.toDecimal(6).toFixed()).toBe('0.083333')
    expect(Rational.of(new Decimal('2.5')).times(Rational.of('4')).cmp(Rational.of('10'))).toBe(0)
    expect(Rational.ONE.div(Rational.ZERO)).toBeNull()
  })
})
