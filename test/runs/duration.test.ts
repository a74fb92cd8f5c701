import {afterAll, describe, expect, it} from 'vitest'

import {currentLanguage, setLanguage, type Language} from '../../src/lib/i18n/index.js'
import {formatMinutes} from '../../src/lib/runs/duration.js'

const before = currentLanguage()
const speak = (lang: Language) => setLanguage({lang, source: 'flag', detail: `--lang ${lang}`})
afterAll(() => speak(before))

describe('formatMinutes: durations in the language in force (lock errors, runs list, overrun)', () => {
  it.each([
    [185.9, '3h 05m', '3小时05分'],
    [60, '1h 00m', '1小时00分'],
    [12.5, '12m', '12分钟'],
    [0.5, '30s', '30秒'],
    [0, '0s', '0秒'],
  ])('%d minutes: %s / %s', (minutes, en, zh) => {
    speak('en')
    expect(formatMinutes(minutes)).toBe(en)
    speak('zh-CN')
    expect(formatMinutes(minutes)).toBe(zh)
  })
})
