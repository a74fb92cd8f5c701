import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {Rational} from '../../src/lib/reconcile/rational.js'
import {AbsSum, addScaled, cmpScaled, formatScaled, parseScaled} from '../../src/lib/reconcile/scaled.js'

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

describe('parseScaled: the short-text fast path and the general path agree', () => {
  it('gives the same value and the smallest scale for short and long texts', () => {
    expect(parseScaled('10.50')).toEqual({v: 105n, s: 1})
    expect(parseScaled('1234.5000')).toEqual({v: 12345n, s: 1})
    expect(parseScaled('0.0000')).toEqual({v: 0n, s: 0})
    expect(parseScaled('-0.0100')).toEqual({v: -1n, s: 2})
    expect(parseScaled('100')).toEqual({v: 100n, s: 0})
    expect(parseScaled('+7.')).toEqual({v: 7n, s: 0})
    expect(parseScaled('-.5')).toEqual({v: -5n, s: 1})
    // 15 digits (fast) and 16 digits (general), both exact
    expect(parseScaled('99999999999.9999')).toEqual({v: 999999999999999n, s: 4})
    expect(parseScaled('999999999999.9999')).toEqual({v: 9999999999999999n, s: 4})
    expect(parseScaled('9007199254740993')).toEqual({v: 9007199254740993n, s: 0})
    for (const bad of ['', '.', '-', '1.2.3', '1,5', '1e', 'NaN']) expect(() => parseScaled(bad), bad).toThrow()
  })
})

describe('AbsSum', () => {
  it('adds absolute values exactly, also past 2^53 and across scales', () => {
    const sum = new AbsSum()
    const texts = ['99999999999.9999', '-99999999999.9999', '0.1', '-0.2', '3', '0.0005', '123456789012345678.25', '1e-3']
    let exact = {v: 0n, s: 0}
    for (let i = 0; i < 3000; i++)
      for (const t of texts) {
        sum.addText(t)
        const q = parseScaled(t)
        exact = addScaled(exact, q.v < 0n ? {v: -q.v, s: q.s} : q)
      }
    sum.add(parseScaled('-2.5'))
    exact = addScaled(exact, {v: 25n, s: 1})
    expect(cmpScaled(sum.value(), exact)).toBe(0)
    expect(formatScaled(sum.value())).toBe(formatScaled(exact))
    expect(() => new AbsSum().addText('x')).toThrow()
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
