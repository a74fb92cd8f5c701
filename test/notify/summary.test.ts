import {describe, expect, it} from 'vitest'

import {byteLength, cutUtf8, fitLines, renderSummary} from '../../src/lib/notify/summary.js'
import {bigSummary} from './fixtures.js'

describe('cutting a message to a vendor limit', () => {
  it('cutUtf8 never splits a multi-byte character or a surrogate pair', () => {
    const s = '库存😀差异'
    for (let n = 0; n <= byteLength(s); n++) {
      const c = cutUtf8(s, n)
      expect(byteLength(c)).toBeLessThanOrEqual(n)
      expect(s.startsWith(c)).toBe(true)
      expect(c).not.toMatch(/[\uD800-\uDBFF]$/)
    }
  })

  it('fitLines keeps whole lines and says how many were left out', () => {
    const items = Array.from({length: 50}, (_, i) => `- 物料 ${i} 差异`)
    const {text, dropped} = fitLines({head: ['### 标题'], items, tail: ['', '**Report**: out.xlsx']}, 300)
    expect(byteLength(text)).toBeLessThanOrEqual(300)
    const kept = text.split('\n').filter((l) => l.startsWith('- 物料'))
    expect(kept.length + dropped).toBe(50)
    expect(text).toContain(`… and ${dropped} more`)
    expect(text.endsWith('**Report**: out.xlsx')).toBe(true)
    for (const l of kept) expect(items).toContain(l)
  })

  it('renders every fact a person acts on', () => {
    const {text, title} = renderSummary(bigSummary(3), {maxBytes: 20_000})
    expect(title).toBe('plantops · Stock diff (ERP vs WMS) · 示范工厂 Demo Plant')
    for (const part of ['示范工厂 Demo Plant', '2026-12-02 21:00 UTC', 'erp 3 s', 'keys 20000', 'Value at risk', '123456.78', '12 new', 'Top 3 variances by value', '… and 50 more', 'variances-2026-12-02.xlsx', 'run 7']) {
      expect(text).toContain(part)
    }
  })

  it('value at risk only where cost shows', () => {
    expect(renderSummary(bigSummary(3, {valueAtRisk: null}), {maxBytes: 20_000}).text).not.toContain('Value at risk')
  })

  it('every budget from tiny to large gives a valid cut', () => {
    const s = bigSummary(60)
    for (const max of [40, 100, 500, 1000, 2048, 4096, 8000]) {
      const {text} = renderSummary(s, {maxBytes: max})
      expect(byteLength(text)).toBeLessThanOrEqual(max)
      expect(text).not.toContain('\uFFFD')
    }
  })
})
