import {afterEach, describe, expect, it, vi} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'

/** The interactive column mapping of `orders import` (issue 12): its questions in the language in force. */

const asked: Array<{message: string; choices?: Array<{name: string; value: string}>}> = []

vi.mock('@inquirer/prompts', () => ({
  select: async (q: {message: string; choices: Array<{name: string; value: string}>}) => {
    asked.push(q)
    return q.choices[0].value
  },
  confirm: async (q: {message: string}) => {
    asked.push(q)
    return true
  },
}))

const {confirmSave, promptColumnMapping} = await import('../../src/lib/orders/mapping-prompt.js')

function lang(l: 'en' | 'zh-CN'): void {
  setLanguage(decideLanguage({flag: l}))
}

afterEach(() => {
  lang('en')
  asked.length = 0
  vi.restoreAllMocks()
})

const candidate = {sheet: 'Orders', match: {rowNumber: 3, unmatchedHeaders: ['Menge', 'Artikel']}} as unknown as Parameters<typeof promptColumnMapping>[1]
const missing = [{name: 'qty'}, {name: 'sku'}] as unknown as Parameters<typeof promptColumnMapping>[2]

async function session(): Promise<{stderr: string; answers: Record<string, string> | null; saved: boolean}> {
  const writes: string[] = []
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk))
    return true
  })
  const answers = await promptColumnMapping('po.xlsx', candidate, missing)
  const saved = await confirmSave('/plant/plantops.yaml')
  vi.restoreAllMocks()
  return {stderr: writes.join(''), answers, saved}
}

describe('orders column-mapping prompt', () => {
  it('asks in Chinese under zh-CN (the field by its Chinese name), in English under en; the answers are the same', async () => {
    lang('zh-CN')
    const zh = await session()
    const zhAsked = asked.splice(0)
    lang('en')
    const en = await session()
    const enAsked = asked.splice(0)

    expect(zh.stderr).toBe('po.xlsx，工作表 "Orders"，表头第 3 行：有些必需列的表头 plantops 不认识。\n')
    expect(zhAsked.map((q) => q.message)).toEqual(['哪一列是 "数量"？', '哪一列是 "物料编码"？', '把这些列名作为别名保存到 /plant/plantops.yaml 吗？'])
    expect(zhAsked[0].choices?.at(-1)?.name).toBe('（都不是：停止）')

    expect(en.stderr).toBe('po.xlsx, sheet "Orders", header row 3: some required columns have headers plantops does not know.\n')
    expect(enAsked.map((q) => q.message)).toEqual(['Which column is "qty"?', 'Which column is "sku"?', 'Save these column names as aliases in /plant/plantops.yaml?'])
    expect(enAsked[0].choices?.at(-1)?.name).toBe('(none of these: stop)')

    expect(zh.answers).toEqual({qty: 'Menge', sku: 'Artikel'})
    expect(en.answers).toEqual(zh.answers)
    expect(zh.saved && en.saved).toBe(true)
  })
})
