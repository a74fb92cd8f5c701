/**
 * The spill's arena and rounds (issue 14, memory): lines of every kind wait in one bounded arena and leave in rounds,
 * each partition's lines in order whatever the round, segment or kind; partitions read back by windows.
 */
import {describe, expect, it} from 'vitest'

import {ARENA_BYTES, LINE_ROOM, Spill} from '../../src/lib/stock/spill.js'
import {rng} from '../helpers/rng.js'

/** Lines of two kinds in random partitions, several arenas' worth, with a few long and multi-byte ones. */
function fill(spill: Spill, n: number, seed: number): Map<string, string[]> {
  const want = new Map<string, string[]>()
  const r = rng(seed)
  for (let i = 0; i < n; i++) {
    const kind = r() < 0.7 ? 'e' : 'w'
    const p = Math.floor(r() * spill.partitions)
    const roll = r()
    const line = i % 100_000 === 99_999 ? `L${i}\t${'x'.repeat(LINE_ROOM + 10)}` : roll < 0.01 ? `螺丝${i}\t😀` : `I${i}\tW${i % 7}\t\tPCS\t${i % 1000}.5`
    if (roll > 0.5) {
      // the byte API, as the raw reader writes
      const b = Buffer.from(`${line}\n`)
      const slot = spill.room(kind, p, b.length)
      slot.len += b.copy(slot.buf, slot.len)
    } else spill.write(kind, p, line)
    const k = `${kind}/${p}`
    const list = want.get(k)
    if (list === undefined) want.set(k, [line])
    else list.push(line)
  }
  return want
}

function check(spill: Spill, want: Map<string, string[]>, order: number[]): void {
  for (const p of order)
    for (const kind of ['e', 'w']) {
      expect(spill.lines(kind, p)).toEqual(want.get(`${kind}/${p}`) ?? [])
      expect(spill.text(kind, p)).toBe((want.get(`${kind}/${p}`) ?? []).map((l) => `${l}\n`).join(''))
    }
}

/** Once flushed, the spill has written every line's bytes (and its newline) exactly once: none lost, none doubled. */
function expectAllWritten(spill: Spill, want: Map<string, string[]>): void {
  spill.flush()
  let total = 0
  for (const lines of want.values()) for (const l of lines) total += Buffer.byteLength(l) + 1
  expect(spill.bytesWritten).toBe(total)
}

describe('spill arena and rounds', () => {
  it('gives every partition its lines in order across rounds, windows and kinds, read in any order', () => {
    const spill = new Spill({partitions: 300})
    try {
      const want = fill(spill, 500_000, 7)
      // several rounds were written (the arena is bounded), and no byte is lost or doubled
      expect(spill.bytesWritten).toBeGreaterThan(2 * ARENA_BYTES)
      expect(spill.readWindow).toBeGreaterThan(1)
      const all = Array.from({length: 300}, (_, p) => p)
      check(spill, want, all)
      check(spill, want, [...all].reverse())
      expectAllWritten(spill, want)
    } finally {
      spill.dispose()
    }
  })

  it('writes rounds of thousands of pieces (2,500 partitions) through the staging buffer, every line once and in order', () => {
    const spill = new Spill({partitions: 2500})
    try {
      const want = fill(spill, 400_000, 11)
      expect(spill.bytesWritten).toBeGreaterThan(ARENA_BYTES)
      const all = Array.from({length: 2500}, (_, p) => p)
      check(spill, want, all)
      expectAllWritten(spill, want)
    } finally {
      spill.dispose()
    }
  })

  it('another Spill adopting the index reads the same; a dropped partition reads empty until written again', () => {
    const a = new Spill({partitions: 97})
    const b = new Spill({partitions: 97})
    try {
      const want = fill(a, 60_000, 11)
      b.adopt(a.exportIndex(), false)
      check(b, want, Array.from({length: 97}, (_, p) => (p * 13) % 97))
      // the reader of sorted partition outputs sees the same lines
      const reader = b.reader('e', 5)
      const seen: string[] = []
      for (let l = reader.next(); l !== undefined; l = reader.next()) seen.push(l)
      expect(seen).toEqual(want.get('e/5') ?? [])
      // read a few bytes at a time (a k-way merge of thousands of readers): the same lines, multi-byte text and lines
      // longer than a chunk included
      for (const chunk of [1, 3, 7, 64, 4096]) {
        for (const p of [5, 6, 40]) {
          const small = b.reader('e', p, chunk)
          const lines: string[] = []
          for (let l = small.next(); l !== undefined; l = small.next()) lines.push(l)
          expect(lines).toEqual(want.get(`e/${p}`) ?? [])
        }
      }
      expect([...want.values()].flat().some((l) => l.includes('螺丝'))).toBe(true)

      expect(a.lines('e', 3).length).toBeGreaterThan(0)
      a.drop('e', 3)
      expect(a.lines('e', 3)).toEqual([])
      expect(a.lines('e', 4)).toEqual(want.get('e/4'))
      a.write('e', 3, 'again')
      expect(a.lines('e', 3)).toEqual(['again'])
      expect(a.lines('w', 3)).toEqual(want.get('w/3') ?? [])
    } finally {
      b.dispose()
      a.dispose()
    }
  })
})
