import {describe, expect, it} from 'vitest'

import {codeNormalizer, codeText, displayLot, looseCode, lotNormalizer, NULL_LOT} from '../../src/lib/reconcile/keys.js'

describe('key normalisation', () => {
  it('trims, folds case, maps full-width to half-width, treats NULL lot as empty (or not)', () => {
    expect(codeNormalizer({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true})('  ab-1\u3000')).toBe('ab-1')
    expect(codeNormalizer({trim: true, caseFold: 'upper', fullWidth: false, nullLotIsEmpty: true})(' ab-1 ')).toBe('AB-1')
    expect(codeNormalizer({trim: false, caseFold: 'lower', fullWidth: false, nullLotIsEmpty: true})('AB ')).toBe('ab ')
    expect(codeNormalizer({trim: true, caseFold: false, fullWidth: true, nullLotIsEmpty: true})('ＲＭ－１００２３')).toBe('RM-10023')
    expect(lotNormalizer({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true})(null)).toBe('')
    expect(lotNormalizer({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: false})(null)).toBe(NULL_LOT)
    expect(displayLot(NULL_LOT)).toBe('')
  })
  it('the loose code ignores case, every space and width (the code_format evidence, and the count key)', () => {
    expect(looseCode(' ｓ10023 ')).toBe('S10023')
    expect(looseCode('S 100 23')).toBe('S10023')
    expect(looseCode('rm-10023')).toBe('RM-10023')
    expect(looseCode('RM-10023')).toBe('RM-10023')
    expect(looseCode(null)).toBe('')
    expect(looseCode(12)).toBe('12')
  })
  it('reads binary codes as text when they are UTF-8, else as hex (two byte strings stay two codes)', () => {
    expect(codeText(Buffer.from('电机-甲'))).toBe('电机-甲')
    expect(codeText(Buffer.from([0x42, 0xff]))).toBe('0x42FF')
    expect(codeText(Buffer.from([0x42, 0xfe]))).not.toBe(codeText(Buffer.from([0x42, 0xff])))
  })
})
