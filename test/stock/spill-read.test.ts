import {describe, expect, it} from 'vitest'

import {Spill, textPieces} from '../../src/lib/stock/spill.js'

describe('spill read side', () => {
  it('textPieces hands whole lines in pieces below the large-object size, multi-byte characters intact', () => {
    const lines = Array.from({length: 6000}, (_, i) => `螺丝${i}\tW\t😀${'x'.repeat(i % 23)}\tPCS\t${i}.5`)
    const buf = Buffer.from(lines.map((l) => `${l}\n`).join(''))
    const pieces: string[] = []
    textPieces(buf, (t) => pieces.push(t))
    expect(pieces.length).toBeGreaterThan(3)
    for (const p of pieces) {
      expect(p.endsWith('\n')).toBe(true)
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(32_768)
    }
    expect(pieces.join('')).toBe(buf.toString('utf8'))
  })

  it('bytes() reads two kinds of a partition into two buffers, both valid at once; lines() agrees', () => {
    const spill = new Spill({partitions: 2})
    try {
      for (let i = 0; i < 3000; i++) {
        spill.write('a', 1, `a${i}\tÄ`)
        spill.write('b', 1, `b${i}`)
      }
      spill.flush()
      const a = spill.bytes('a', 1, 0)
      const b = spill.bytes('b', 1, 1)
      expect(a.toString('utf8').split('\n').slice(0, 2)).toEqual(['a0\tÄ', 'a1\tÄ'])
      expect(b.toString('utf8').split('\n')[2999]).toBe('b2999')
      expect(spill.lines('a', 1)).toHaveLength(3000)
      expect(spill.bytes('none', 0, 1)).toHaveLength(0)
    } finally {
      spill.dispose()
    }
  })
})
