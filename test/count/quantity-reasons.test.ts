import {afterAll, describe, expect, it} from 'vitest'

import {countedQuantityReason, parseCountedQuantity} from '../../src/lib/count/quantity-text.js'
import {currentLanguage, setLanguage, type Language} from '../../src/lib/i18n/index.js'

const before = currentLanguage()
const speak = (lang: Language) => setLanguage({lang, source: 'flag', detail: `--lang ${lang}`})
afterAll(() => speak(before))

describe('counted quantities: why a cell is not a count, in the language in force', () => {
  it.each([
    ['lots', 'notANumber', '"lots" is not a number', '"lots" 不是数字'],
    ['-3 PCS', 'negative', 'negative count "-3 PCS"', '盘点数为负数 "-3 PCS"'],
    [-2, 'negativeNumber', 'negative count -2', '盘点数为负数 -2'],
    ['12,5', 'ambiguousComma', '"12,5" is ambiguous (decimal comma?): write 12.5 or 125', '"12,5" 有歧义（逗号是小数点吗？）：请写成 12.5 或 125'],
  ])('%j: %s', (value, code, en, zh) => {
    const p = parseCountedQuantity(value)
    if (p === null || p.ok) throw new Error(`accepted: ${String(value)}`)
    expect(p.code).toBe(code)
    speak('en')
    expect(countedQuantityReason(p)).toBe(en)
    speak('zh-CN')
    expect(countedQuantityReason(p)).toBe(zh)
  })
})
