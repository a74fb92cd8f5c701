import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {classify, toleranceRule} from '../../src/lib/reconcile/classify.js'

const d = (v: string) => new Decimal(v)

describe('classify: one tolerance rule', () => {
  const rule = toleranceRule({default: {abs: '1'}, byClass: {A: {pct: '1'}, C: {abs: '50'}}, byCategory: {bulk: {pct: '5'}}})
  it('category wins over class, class over the default', () => {
    expect(rule({cls: 'A', cat: 'bulk'}).pct?.toString()).toBe('5')
    expect(rule({cls: 'A', cat: 'other'}).pct?.toString()).toBe('1')
    expect(rule({cls: 'B', cat: null}).abs?.toString()).toBe('1')
    expect(rule(undefined).abs?.toString()).toBe('1')
  })
  it('builds each limit once', () => {
    expect(rule({cls: 'C', cat: null})).toBe(rule({cls: 'C', cat: null}))
  })
  it('abs OR pct of the ERP quantity; one-sided zero keys match', () => {
    expect(classify(d('100'), d('101'), rule({cls: 'A', cat: null}))).toBe('within_tolerance')
    expect(classify(d('100'), d('101.5'), rule({cls: 'A', cat: null}))).toBe('over_tolerance')
    expect(classify(d('100'), d('140'), rule({cls: 'C', cat: null}))).toBe('within_tolerance')
    expect(classify(d('0'), null, rule(undefined))).toBe('match')
    expect(classify(null, d('2'), rule(undefined))).toBe('only_in_wms')
    expect(classify(d('2'), d('2.000'), rule(undefined))).toBe('match')
  })
})
