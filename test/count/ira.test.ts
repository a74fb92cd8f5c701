import {describe, expect, it} from 'vitest'

import {wilsonInterval} from '../../src/lib/count/ira.js'

describe('IRA with a Wilson score interval', () => {
  it('matches a hand computation: 45 of 50 lines within tolerance, infinite population', () => {
    // p = 0.9, z = 1.959964, z² = 3.841459, n = 50
    // centre = (0.9 + 3.841459/100) / (1 + 3.841459/50) = 0.938415 / 1.076829 = 0.871458
    // half   = 1.959964/1.076829 · sqrt(0.9·0.1/50 + 3.841459/10000) = 1.820125 · sqrt(0.0018 + 0.000384146) = 1.820125 · 0.046735 = 0.085063
    const r = wilsonInterval(45, 50)
    expect(r.ira).toBe(0.9)
    expect(r.low).toBeCloseTo(0.786396, 5)
    expect(r.high).toBeCloseTo(0.956521, 5)
    expect(r.fpcApplied).toBe(false)
  })

  it('is asymmetric and stays inside [0, 1] at the edges (all lines right)', () => {
    // p = 1, n = 20: centre = (1 + z²/40)/(1 + z²/20) = 1.096036/1.192073 = 0.919437; half = z/1.192073·sqrt(z²/1600) = 1.644172·0.048999 = 0.080563
    const r = wilsonInterval(20, 20)
    expect(r.high).toBeCloseTo(1, 9)
    expect(r.low).toBeCloseTo(0.838875, 5)
  })

  it('applies the finite population correction when the sample is a large share of the population', () => {
    // n = 50 of N = 200: n' = 50·199/150 = 66.3333
    // centre = (0.9 + 3.841459/132.6667)/(1 + 3.841459/66.3333) = 0.928956/1.057911 = 0.878104
    // half = 1.959964/1.057911·sqrt(0.09/66.3333 + 3.841459/(4·4400.11)) = 1.852675·sqrt(0.00135678 + 0.000218258) = 1.852675·0.039686 = 0.073525
    const r = wilsonInterval(45, 50, {population: 200})
    expect(r.fpcApplied).toBe(true)
    expect(r.low).toBeCloseTo(0.804579, 4)
    expect(r.high).toBeCloseTo(0.951629, 4)
    const plain = wilsonInterval(45, 50)
    expect(r.high! - r.low!).toBeLessThan(plain.high! - plain.low!)
  })

  it('has no interval when the whole population was counted, and none when nothing was', () => {
    const all = wilsonInterval(18, 20, {population: 20})
    expect([all.ira, all.low, all.high]).toEqual([0.9, 0.9, 0.9])
    expect(wilsonInterval(0, 0).ira).toBeNull()
  })

  it('ignores the correction for a small sampling fraction (≤ 5%)', () => {
    expect(wilsonInterval(45, 50, {population: 10000}).fpcApplied).toBe(false)
  })
})
