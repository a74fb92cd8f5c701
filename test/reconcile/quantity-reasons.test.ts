import {afterAll, describe, expect, it} from 'vitest'

import {currentLanguage, setLanguage, type Language} from '../../src/lib/i18n/index.js'
import {parseQuantity, quantityReader, quantityReason} from '../../src/lib/reconcile/quantity.js'

const before = currentLanguage()
const speak = (lang: Language) => setLanguage({lang, source: 'flag', detail: `--lang ${lang}`})
afterAll(() => speak(before))

function refused(value: unknown) {
  const p = parseQuantity(value)
  if (p.ok) throw new Error(`accepted: ${String(value)}`)
  return p
}

describe('quantity-parse reasons: a code when parsing, words only where shown', () => {
  it.each([
    ['n/a', 'notPlain', 'not a plain decimal number', '不是普通的十进制数'],
    ['1e999', 'exponent', 'a number with an exponent beyond ±400', '指数超出 ±400'],
    [Number.NaN, 'notFinite', 'not a finite number', '不是有限数值'],
    [true, 'notNumberType', 'a boolean, not a number', '是 boolean 类型，不是数字'],
  ])('%s: %s', (value, code, en, zh) => {
    const p = refused(value)
    expect(p.code).toBe(code)
    speak('en')
    expect(quantityReason(p)).toBe(en)
    speak('zh-CN')
    expect(quantityReason(p)).toBe(zh)
    expect(quantityReason(p, 'en')).toBe(en)
  })

  it('the constant refusals are shared objects (nothing allocated per refused row)', () => {
    expect(refused('x')).toBe(refused('y'))
    expect(refused('1e500')).toBe(refused('1e-500'))
  })

  it('the source error a bad stock quantity raises follows the language', () => {
    const read = quantityReader({source: 'wms', table: 'bins', column: 'qty', nullQty: 'error'})
    speak('zh-CN')
    expect(() => read('n/a', () => 'A1')).toThrow(/不是普通的十进制数/)
    speak('en')
    expect(() => read('n/a', () => 'A1')).toThrow(/the value "n\/a" of A1 is not a plain decimal number/)
  })
})
