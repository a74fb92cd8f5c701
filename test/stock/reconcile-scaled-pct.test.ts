import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {diffPct} from '../../src/lib/reconcile/classify.js'
import {isSignError, isUnitFactor} from '../../src/lib/reconcile/key-causes.js'
import {ExactScaled, parseScaled, pctText} from '../../src/lib/reconcile/scaled.js'
import {rng} from '../helpers/rng.js'

/**
 * The stock reconcile's exact percentage (pctText) and causes on scaled integers (ExactScaled) against the Decimal
 * computations they replace in visit: the same text, the same answers, on random quantities of every size (or
 * undefined: the caller asks Decimal).
 */
function qty(r: () => number): string {
  const digits = (n: number) => Array.from({length: n}, () => Math.floor(r() * 10)).join('')
  const shape = Math.floor(r() * 6)
  const sign = r() < 0.3 ? '-' : ''
  if (shape === 0) return `${sign}${digits(1 + Math.floor(r() * 4))}`
  if (shape === 1) return `${sign}${digits(1 + Math.floor(r() * 6))}.${digits(1 + Math.floor(r() * 4))}`
  if (shape === 2) return `${sign}0.${digits(1 + Math.floor(r() * 12))}`
  if (shape === 3) return `${sign}${digits(20 + Math.floor(r() * 20))}.${digits(Math.floor(r() * 30))}`
  if (shape === 4) return `${sign}0.${'0'.repeat(Math.floor(r() * 30))}${digits(1 + Math.floor(r() * 40))}`
  return ['0', '1', '3', '7', '12', '0.5', '-0.00005', '100', '0.125', '2', '0.0003'][Math.floor(r() * 11)]
}

describe('exact percentage and causes on scaled integers', () => {
  it('pctText is the text of Decimal diffPct (or undefined)', () => {
    const r = rng(5)
    let exact = 0
    for (let i = 0; i < 20000; i++) {
      const e = qty(r)
      const w = r() < 0.2 ? e : qty(r)
      const diff = new Decimal(w).minus(new Decimal(e))
      const want = diffPct(diff, new Decimal(e))
      const got = pctText(parseScaled(diff.toFixed()), parseScaled(e))
      if (got === undefined) continue
      exact++
      expect([e, w, got]).toEqual([e, w, want === null ? null : want.toFixed()])
    }
    expect(exact).toBeGreaterThan(12000)
  })

  it('halves round away from zero, -0 prints 0, tiny ratios print 0', () => {
    const p = (d: string, e: string) => pctText(parseScaled(d), parseScaled(e))
    expect(p('0.000005', '1')).toBe('0.0005')
    expect(p('-0.000005', '1')).toBe('-0.0005')
    expect(p('-0.0000001', '3')).toBe('0')
    expect(p('1', '3')).toBe('33.3333')
    expect(p('-2', '-3')).toBe('-66.6667')
    expect(p('5', '0')).toBeNull()
  })

  it('sign and unit factor answers agree with Decimal', () => {
    const r = rng(9)
    const factors = ['1000', '0.001', '12', '0.125', '24', '6.5'].map((f) => new Decimal(f))
    const xf = factors.map((f) => ExactScaled.of(parseScaled(f.toFixed())))
    for (let i = 0; i < 20000; i++) {
      const e = qty(r)
      const k = Math.floor(r() * 4)
      const f = factors[Math.floor(r() * factors.length)]
      const w = k === 0 ? new Decimal(e).neg().toFixed() : k === 1 ? new Decimal(e).times(f).toFixed() : k === 2 ? new Decimal(e).div(f).toFixed() : qty(r)
      if (w.replace(/[-.]/g, '').length > 38 || e.replace(/[-.]/g, '').length > 38) continue
      const E = ExactScaled.of(parseScaled(e))
      const W = ExactScaled.of(parseScaled(w))
      expect(isSignError(E, W)).toBe(isSignError(new Decimal(e), new Decimal(w)))
      expect(isUnitFactor(E, W, xf)).toBe(isUnitFactor(new Decimal(e), new Decimal(w), factors))
    }
  })
})
