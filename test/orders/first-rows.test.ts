import {describe, expect, it} from 'vitest'

import {FirstRows} from '../../src/lib/orders/first-rows.js'

describe('FirstRows (first row of each order line key, off the JS heap)', () => {
  it('answers as a Map would over 200,000 keys with repeats, growth, Unicode and prefix keys', () => {
    const seen = new FirstRows()
    const ref = new Map<string, number>()
    const key = (i: number) => [`SO-${i % 70_001}\u00001`, `订单-${i % 997}\u0000${i % 13}`, `SO-${i % 70_001}\u000010`, `${'Ｘ'.repeat(i % 40)}\u0000`][i % 4]
    for (let i = 0; i < 200_000; i++) {
      const k = key(i)
      const row = i + 2
      const want = ref.get(k)
      if (want === undefined) ref.set(k, row)
      expect(seen.firstOr(k, row)).toBe(want)
    }
    expect(seen.size).toBe(ref.size)
    expect(ref.size).toBeGreaterThan(100_000)
    for (const [k, row] of ref) expect(seen.firstOr(k, 0)).toBe(row)
  })
})
