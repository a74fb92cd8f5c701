import {describe, expect, it} from 'vitest'

import {CodeMap} from '../../src/lib/reconcile/mapping.js'
import {CompactCodeMap} from '../../src/lib/stock/compact-map.js'
import {rng} from '../helpers/rng.js'

describe('compact code map', () => {
  it('answers exactly as CodeMap: lookups, loose targets, conflicts, entries, over several chunks and rehashes', () => {
    const r = rng(7)
    const pick = (s: string) => s[Math.floor(r() * s.length)]
    const code = () => {
      let s = ''
      const n = 1 + Math.floor(r() * 9)
      for (let i = 0; i < n; i++) s += pick('AB1-2 cx９Ｓ箱')
      return s
    }
    const describe = (w: string, e: string) => `${w} → ${e}`
    const a = new CodeMap(false, describe)
    const b = new CompactCodeMap(describe)
    const probes: string[] = []
    for (let i = 0; i < 6000; i++) {
      const w = code()
      const e = r() < 0.02 ? code() : `E-${w}`
      const origin = r() < 0.1 ? `row ${i}` : undefined
      a.set(w, e, origin)
      b.set(w, e, origin)
      probes.push(w, code())
      // interleave lookups with inserts: the loose index is rebuilt after every change
      if (i % 997 === 0) for (const p of probes.slice(-20)) expect(b.looseTarget(p)).toBe(a.looseTarget(p))
    }
    expect(b.size).toBe(a.size)
    expect(b.size).toBeGreaterThan(2 * 1024)
    expect(b.entries()).toEqual(a.entries())
    for (const p of probes) {
      expect(b.get(p)).toBe(a.get(p))
      expect(b.looseTarget(p)).toBe(a.looseTarget(p))
    }
    expect(a.conflicts.length).toBeGreaterThan(0)
    expect(b.conflicts).toEqual(a.conflicts)
    expect(b.conflictLines(3)).toEqual(a.conflictLines(3))
  })
  it('finds nothing in an empty map', () => {
    const m = new CompactCodeMap()
    expect(m.get('X')).toBeUndefined()
    expect(m.looseTarget('x')).toBeUndefined()
    expect(m.size).toBe(0)
  })
})

describe('compact code map: loose targets', () => {
  it('names the first entry of a loose code in insertion order, whether or not it is its own loose code', () => {
    const m = new CompactCodeMap()
    m.set('ab c', 'E1')
    m.set('ABC', 'E2')
    m.set('XYZ', 'E3')
    m.set('x y z', 'E4')
    m.set('ｑ', 'E5')
    for (const [code, want] of [['abc', 'E1'], ['A B C', 'E1'], ['xyz', 'E3'], [' X Y Z ', 'E3'], ['Q', 'E5'], ['q', 'E5'], ['nope', undefined]] as const) {
      expect(m.looseTarget(code), code).toBe(want)
    }
    // a later entry rebuilds the loose index
    m.set('n o p e', 'E6')
    expect(m.looseTarget('nope')).toBe('E6')
  })
})
