import {expect, it} from 'vitest'

import {isWellFormedUtf8} from '../../src/lib/sources/raw-rows.js'
import {rng} from '../helpers/rng.js'

/** The oracle: bytes are well-formed UTF-8 when decoding them (as mysql2 does) and encoding the text gives them back. */
function roundTrips(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b)
}

it('isWellFormedUtf8 agrees with a decode/encode round trip on the edge cases of Table 3-7', () => {
  const cases: number[][] = [
    [],
    [0x41],
    [0x7f],
    [0x80],
    [0xc1, 0xbf], // overlong
    [0xc2, 0x80],
    [0xdf, 0xbf],
    [0xe0, 0x9f, 0x80], // overlong
    [0xe0, 0xa0, 0x80],
    [0xed, 0x9f, 0xbf],
    [0xed, 0xa0, 0x80], // surrogate
    [0xef, 0xbb, 0xbf], // BOM: kept by mysql2's decoding
    [0xef, 0xbf, 0xbd], // U+FFFD itself
    [0xef, 0xbf, 0xbf],
    [0xf0, 0x8f, 0xbf, 0xbf], // overlong
    [0xf0, 0x90, 0x80, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xf5, 0x80, 0x80, 0x80],
    [0xe7, 0x94], // cut
    [0xe7, 0x94, 0xb5, 0xe6],
    [0xe7, 0x94, 0x41],
    [0xff],
  ]
  for (const c of cases) expect(isWellFormedUtf8(Buffer.from(c), 0, c.length), JSON.stringify(c)).toBe(roundTrips(Buffer.from(c)))
  // only the range given is checked
  const b = Buffer.from([0xe7, 0x94, 0xb5, 0xff, 0x41])
  expect(isWellFormedUtf8(b, 0, 3)).toBe(true)
  expect(isWellFormedUtf8(b, 0, 2)).toBe(false)
  expect(isWellFormedUtf8(b, 4, 5)).toBe(true)
  expect(isWellFormedUtf8(b, 3, 5)).toBe(false)
})

it('isWellFormedUtf8 agrees with the round trip on 200,000 random byte strings leaning on lead and continuation bytes', () => {
  const r = rng(1414)
  const pool = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe7, 0xed, 0xee, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xff]
  let valid = 0
  for (let n = 0; n < 200_000; n++) {
    const len = 1 + Math.floor(r() * 7)
    const b = Buffer.alloc(len)
    for (let i = 0; i < len; i++) b[i] = r() < 0.6 ? pool[Math.floor(r() * pool.length)] : Math.floor(r() * 256)
    const ok = roundTrips(b)
    if (ok) valid++
    if (isWellFormedUtf8(b, 0, len) !== ok) expect.fail(`${b.toString('hex')}: expected ${ok}`)
  }
  expect(valid).toBeGreaterThan(10_000)
})
