import {expect, it} from 'vitest'

import {codeNormalizer, looseCode} from '../../src/lib/reconcile/keys.js'
import {normalizeSchema} from '../../src/lib/stock/config.js'
import {partitionOf, partitionOfBytes} from '../../src/lib/stock/spill.js'
import {rng} from '../helpers/rng.js'

/**
 * The byte-level shortcuts of the raw stock read: a code made only of a normaliser's `asIs` bytes is returned as it
 * is by that normaliser and by looseCode, and partitionOfBytes on its bytes is partitionOf on its text.
 */

const CONFIGS = [
  {},
  {trim: false},
  {caseFold: true},
  {caseFold: 'upper'},
  {caseFold: 'lower'},
  {trim: true, caseFold: 'upper', fullWidth: true},
  {trim: false, caseFold: 'lower', fullWidth: true},
].map((c) => normalizeSchema.parse(c))

it('codes of asIs bytes are their own normal form and loose form, under every normalisation', () => {
  const r = rng(77)
  for (const cfg of CONFIGS) {
    const code = codeNormalizer(cfg)
    const asIs = code.asIs!
    expect(asIs).toBeInstanceOf(Uint8Array)
    const allowed = [...asIs.keys()].filter((b) => asIs[b] === 1)
    expect(allowed.length).toBeGreaterThan(40)
    // every allowed byte alone, next to spaces' positions, and random strings of them
    for (const b of allowed) {
      const s = String.fromCharCode(b)
      expect(code(s)).toBe(s)
      expect(looseCode(s)).toBe(s)
    }
    for (let n = 0; n < 20_000; n++) {
      let s = ''
      for (let i = Math.floor(r() * 40); i > 0; i--) s += String.fromCharCode(allowed[Math.floor(r() * allowed.length)])
      expect(code(s)).toBe(s)
      expect(looseCode(s)).toBe(s)
    }
    // what a normaliser or looseCode changes is never allowed: space, lower case, upper case under a lower fold
    for (const ch of [' ', '\t', 'a', 'z', '\u007f']) expect(asIs[ch.charCodeAt(0)], ch).toBe(0)
    if (cfg.caseFold === 'lower') expect(asIs['A'.charCodeAt(0)]).toBe(0)
    for (let b = 0x80; b < 0x100; b++) expect(asIs[b]).toBe(0)
  }
})

it('partitionOfBytes is partitionOf of the bytes as text', () => {
  const r = rng(5)
  for (let n = 0; n < 20_000; n++) {
    const len = Math.floor(r() * 50)
    const b = Buffer.alloc(len + 6)
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 128)
    for (const P of [1, 2, 7, 1024, 1280, 1536, 3840, 4096, 32768, 40000]) expect(partitionOfBytes(b, 3, 3 + len, P)).toBe(partitionOf(b.toString('latin1', 3, 3 + len), P))
  }
})
