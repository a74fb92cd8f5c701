import {describe, expect, it} from 'vitest'

import {normalQuantile, sampleSize, zForConfidence} from '../../src/lib/count/sample-size.js'

/**
 * Krejcie, R.V. & Morgan, D.W. (1970), "Determining sample size for research activities", Educational and
 * Psychological Measurement 30, 607-610, Table 1 (95% confidence, ±5%, P = 0.5, χ² = 3.841), every entry.
 * The printed table gives 384 for N = 100,000; the formula it states gives 382.6 → 383 (a known misprint), so the
 * formula's value is asserted there.
 */
const KM_TABLE: Array<[number, number]> = [
  [10, 10], [15, 14], [20, 19], [25, 24], [30, 28], [35, 32], [40, 36], [45, 40], [50, 44], [55, 48], [60, 52], [65, 56],
  [70, 59], [75, 63], [80, 66], [85, 70], [90, 73], [95, 76], [100, 80], [110, 86], [120, 92], [130, 97], [140, 103],
  [150, 108], [160, 113], [170, 118], [180, 123], [190, 127], [200, 132], [210, 136], [220, 140], [230, 144], [240, 148],
  [250, 152], [260, 155], [270, 159], [280, 162], [290, 165], [300, 169], [320, 175], [340, 181], [360, 186], [380, 191],
  [400, 196], [420, 201], [440, 205], [460, 210], [480, 214], [500, 217], [550, 226], [600, 234], [650, 242], [700, 248],
  [750, 254], [800, 260], [850, 265], [900, 269], [950, 274], [1000, 278], [1100, 285], [1200, 291], [1300, 297],
  [1400, 302], [1500, 306], [1600, 310], [1700, 313], [1800, 317], [1900, 320], [2000, 322], [2200, 327], [2400, 331],
  [2600, 335], [2800, 338], [3000, 341], [3500, 346], [4000, 351], [4500, 354], [5000, 357], [6000, 361], [7000, 364],
  [8000, 367], [9000, 368], [10000, 370], [15000, 375], [20000, 377], [30000, 379], [40000, 380], [50000, 381],
  [75000, 382], [100000, 383], [1000000, 384],
]

describe('sample size (Cochran with finite population correction)', () => {
  it.each(KM_TABLE)('N = %i gives the Krejcie & Morgan size %i', (population, expected) => {
    expect(sampleSize({population, confidence: 95, margin: 5}).size).toBe(expected)
  })

  it('uses χ² = 3.841 at 95% and n0 = 384.1 for an infinite population', () => {
    const r = sampleSize({population: 1000, confidence: 95, margin: 5})
    expect(r.chiSquare).toBe(3.841)
    expect(r.n0).toBeCloseTo(384.1, 10)
    expect(r.z).toBeCloseTo(1.959964, 6)
  })

  it('computes other confidence levels and margins from the normal quantile', () => {
    expect(zForConfidence(99)).toBeCloseTo(2.575829, 6)
    expect(zForConfidence(90)).toBeCloseTo(1.644854, 6)
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6)
    // 99%, ±3%: χ² = 6.635, n0 = 6.635·0.25/0.0009 = 1843.06; N = 5000: 1843.06/(1 + 1842.06/5000) = 1346.8 → 1347
    expect(sampleSize({population: 5000, confidence: 99, margin: 3}).size).toBe(1347)
    expect(sampleSize({population: 5000, confidence: 99, margin: 3}).chiSquare).toBe(6.635)
  })

  it('never exceeds the population and handles tiny populations', () => {
    expect(sampleSize({population: 0, confidence: 95, margin: 5}).size).toBe(0)
    expect(sampleSize({population: 1, confidence: 95, margin: 5}).size).toBe(1)
    expect(sampleSize({population: 3, confidence: 95, margin: 5}).size).toBe(3)
  })

  it('rejects nonsense', () => {
    expect(() => sampleSize({population: -1, confidence: 95, margin: 5})).toThrow(RangeError)
    expect(() => sampleSize({population: 10, confidence: 100, margin: 5})).toThrow(RangeError)
    expect(() => sampleSize({population: 10, confidence: 95, margin: 0})).toThrow(RangeError)
  })
})
