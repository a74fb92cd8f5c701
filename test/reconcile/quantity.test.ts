import {describe, expect, it} from 'vitest'

import {parseQuantity, quantityReader, quantityReason} from '../../src/lib/reconcile/quantity.js'
import {formatScaled, parseScaled} from '../../src/lib/reconcile/scaled.js'

describe('quantity: only plain decimal text is a quantity', () => {
  it('accepts plain decimals and bounded exponents, canonically', () => {
    const ok = (v: unknown) => {
      const p = parseQuantity(v)
      if (!p.ok) throw new Error(quantityReason(p))
      return p.text
    }
    expect(ok('12.5000')).toBe('12.5000')
    expect(ok('-0.5')).toBe('-0.5')
    expect(ok('.25')).toBe('.25')
    expect(ok(' 7 ')).toBe('7')
    expect(ok('1e3')).toBe('1000')
    expect(ok('1.25E-3')).toBe('0.00125')
    expect(ok('-0.0012e2')).toBe('-0.12')
    expect(ok('120e-1')).toBe('12')
    expect(ok('0e5')).toBe('0')
    expect(ok(1234567.875)).toBe('1234567.875')
    expect(ok(1e-7)).toBe('0.0000001')
    expect(ok(12n)).toBe('12')
    expect(formatScaled(parseScaled('1.5e2'))).toBe('150')
  })

  it.each(['1e50000000', '1e401', '0x10', '0b101', '0o17', 'NaN', 'Infinity', '-Infinity', 'n/a', '', '1,200', '12\t5', '5\nEVIL\tW\tL\tKG\t999', '1_000', '+', '.', 'e5', '١٢'])(
    'refuses %j without expanding it',
    (v) => {
      // a guard against a blow-up, not a speed check: expanding '1e50000000' into 50,000,000 digits takes minutes
      // or runs out of memory, refusing it takes microseconds; the bound is loose enough for a loaded CI machine
      const t0 = performance.now()
      expect(parseQuantity(v).ok).toBe(false)
      expect(() => parseScaled(v)).toThrow()
      expect(performance.now() - t0).toBeLessThan(5_000)
    },
  )

  it('refuses non-finite numbers', () => {
    expect(parseQuantity(Number.NaN).ok).toBe(false)
    expect(parseQuantity(Number.POSITIVE_INFINITY).ok).toBe(false)
  })

  it('names source, table, column, key and value; NULL per nullQty', () => {
    const zero = quantityReader({source: 'erp', table: 'stock', column: 'qty', nullQty: 'zero'})
    expect(zero(null, () => 'item "A1"')).toBe('0')
    expect(() => zero('n/a', () => 'item "A1" · warehouse "W1"')).toThrow(/source "erp": table stock, column qty: the value "n\/a" of item "A1" · warehouse "W1" is not a plain decimal number/)
    const strict = quantityReader({source: 'wms', query: 'SELECT', column: 'q', nullQty: 'error'})
    expect(() => strict(null, () => 'item "B"')).toThrow(/its query, column q: the value NULL of item "B" is NULL/)
  })
})
