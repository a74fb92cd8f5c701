import {expect, it} from 'vitest'

import {RawRow, RawValueCache, type RawKind} from '../../src/lib/sources/raw-rows.js'

/** One-column rows of `values` (null: NULL), each a text-protocol row packet in one buffer. */
function rows(values: Array<string | null>, kind: RawKind = 'utf8'): {row: RawRow; each: (fn: (r: RawRow, v: string | null) => void) => void} {
  const parts: Buffer[] = []
  const at: Array<[number, number]> = []
  let off = 0
  for (const v of values) {
    const b = v === null ? Buffer.from([0xfb]) : Buffer.concat([Buffer.from(v.length < 251 ? [Buffer.byteLength(v)] : [0xfc, Buffer.byteLength(v) & 0xff, Buffer.byteLength(v) >> 8]), Buffer.from(v, 'utf8')])
    parts.push(b)
    at.push([off, off + b.length])
    off += b.length
  }
  const buf = Buffer.concat(parts)
  const row = new RawRow([kind])
  return {
    row,
    each: (fn) => {
      values.forEach((v, i) => {
        expect(row.parse(buf, at[i][0], at[i][1])).toBe(true)
        fn(row, v)
      })
    },
  }
}

it('RawValueCache: every value as made from itself, made at most twice per distinct value while the table grows to hold them, whatever the order', () => {
  // lots that differ only in the middle (the old table hashed the ends), warehouses, multi-byte, long values, NULL
  const lots = Array.from({length: 3307}, (_, i) => `L26${String(i % 12).padStart(2, '0')}${String(i % 28).padStart(2, '0')}-${String(i).padStart(3, '0')}`)
  const values: Array<string | null> = []
  for (let r = 0; r < 20; r++) for (let i = 0; i < lots.length; i++) values.push(lots[(i * 7919 + r) % lots.length])
  values.push(null, '', '电机-甲', 'ＳＫＵ', 'x'.repeat(32), 'y'.repeat(33), 'z'.repeat(300), null, '电机-甲', 'y'.repeat(33))
  const made = new Map<unknown, number>()
  const cache = new RawValueCache((v, exact) => {
    made.set(v, (made.get(v) ?? 0) + 1)
    return {v, exact}
  })
  const {each} = rows(values)
  const wrong: unknown[] = []
  each((r, v) => {
    const got = cache.get(r, 0)
    if (got.v !== v || got.exact !== (v !== null && /^[\x00-\x7f]*$/.test(v))) wrong.push(v)
  })
  expect(wrong).toEqual([])
  // a table starts small: values found again make it grow (the first pass over 3,307 lots is made again once, no more)
  for (const [v, n] of made) expect([v, n <= 2]).toEqual([v, true])
  expect(made.size).toBe(new Set(values).size)
})

it('RawValueCache: codes in runs (each found again only as the last row\'s) keep a small table; codes found again make it grow', () => {
  const runs: string[] = []
  for (let i = 0; i < 30_000; i++) for (let k = 0; k <= i % 5; k++) runs.push(`S${100000 + i}`)
  const cycle: string[] = []
  for (let r = 0; r < 4; r++) for (let i = 0; i < 5000; i++) cycle.push(`L${(i * 7919) % 5000}`)
  for (const [values, most, total] of [
    [runs, 1, 30_000],
    [cycle, 2, 10_000],
  ] as const) {
    const made = new Map<unknown, number>()
    const cache = new RawValueCache((v) => {
      made.set(v, (made.get(v) ?? 0) + 1)
      return String(v)
    })
    const {each} = rows([...values])
    each((r, v) => expect(cache.get(r, 0)).toBe(v))
    expect(Math.max(...made.values())).toBe(most)
    expect([...made.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(total)
    // the table's size: small (1,024 slots) for the runs, grown for the cycle of 5,000 lots
    const slots = (cache as unknown as {slots: number}).slots
    if (values === runs) expect(slots).toBe(1024)
    else expect(slots).toBeGreaterThanOrEqual(8192)
  }
})

it('RawValueCache: beyond the table (100,000 distinct codes, a few frequent ones between them) values stay right and the frequent ones are made again only when the table is emptied', () => {
  const values: Array<string | null> = []
  for (let i = 0; i < 100_000; i++) {
    values.push(`IT${String(i).padStart(8, '0')}`)
    if (i % 3 === 0) values.push(`WH0${i % 4}`)
  }
  const made = new Map<unknown, number>()
  const cache = new RawValueCache((v) => {
    made.set(v, (made.get(v) ?? 0) + 1)
    return String(v)
  })
  const {each} = rows(values)
  let wrong = 0
  each((r, v) => {
    if (cache.get(r, 0) !== String(v)) wrong++
  })
  expect(wrong).toBe(0)
  // 100,000 items: the table (8,192 values) is emptied ~12 times; each warehouse is made again at most once per emptying
  expect(made.get('IT00000007')).toBe(1)
  for (let w = 0; w < 4; w++) expect(made.get(`WH0${w}`)).toBeLessThanOrEqual(1 + Math.ceil(100_000 / 8_000))
})
