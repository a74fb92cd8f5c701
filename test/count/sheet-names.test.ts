import {afterEach, describe, expect, it} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {assignSheets} from '../../src/lib/count/sheets.js'

const lines = [{zone: 'PICK'}, {zone: 'RESERVE'}, {zone: null}, {zone: 'A/B:1'}] as unknown as Parameters<typeof assignSheets>[0]

describe('count sheet names', () => {
  afterEach(() => setLanguage({lang: 'en', source: 'default', detail: ''}))

  it('one sheet per zone, or one route per counter, named in the language in force (Excel-safe, ≤ 31 characters)', () => {
    setLanguage({lang: 'en', source: 'flag', detail: '--lang en'})
    expect(assignSheets(lines)).toEqual(['Zone PICK', 'Zone RESERVE', 'Zone -', 'Zone A_B_1'])
    expect(assignSheets(lines, 2)).toEqual(['Counter 1', 'Counter 1', 'Counter 2', 'Counter 2'])
    setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
    expect(assignSheets(lines)).toEqual(['区域 PICK', '区域 RESERVE', '区域 -', '区域 A_B_1'])
    expect(assignSheets(lines, 3)).toEqual(['盘点人 1', '盘点人 1', '盘点人 2', '盘点人 3'])
    expect(assignSheets([{zone: 'X'.repeat(40)}] as unknown as Parameters<typeof assignSheets>[0])[0]).toHaveLength(31)
  })
})
