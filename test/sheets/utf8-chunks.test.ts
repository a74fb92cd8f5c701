import path from 'node:path'

import ExcelJS from 'exceljs'
import {beforeAll, describe, expect, it} from 'vitest'

import {incompleteUtf8Tail} from '../../src/lib/sheets/exceljs-patch.js'
import {openSheets} from '../../src/lib/sheets/read.js'
import {tempDir} from '../helpers/cli.js'
import {CORPUS_DIR} from '../helpers/corpus.js'

const TEXT = ['浙江省台州市椒江区开发大道八十八号东莞瑞丰精密制造有限公司', '东莞瑞丰精密制造有限公司潍坊启明电气有限公司台州利民电气有限公司', '箱', '已付款', '𠀀扩展区汉字']

describe('Chinese text in large workbooks (exceljs chunk-boundary bug)', () => {
  let file: string
  let sharedFile: string

  beforeAll(async () => {
    const dir = tempDir('plantops-utf8-')
    file = path.join(dir, 'inline.xlsx')
    sharedFile = path.join(dir, 'shared.xlsx')
    for (const [target, useSharedStrings] of [[file, false], [sharedFile, true]] as const) {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({filename: target, useSharedStrings})
      const ws = wb.addWorksheet('订单')
      for (let i = 0; i < 4000; i++) ws.addRow([`${TEXT[i % TEXT.length]}${i}`, TEXT[(i + 1) % TEXT.length], i]).commit()
      ws.commit()
      await wb.commit()
    }
  })

  it('finds the incomplete tail of a UTF-8 buffer', () => {
    const b = Buffer.from('a箱', 'utf8') // 61 e7 ae b1
    expect(incompleteUtf8Tail(b)).toBe(0)
    expect(incompleteUtf8Tail(b.subarray(0, 3))).toBe(2)
    expect(incompleteUtf8Tail(b.subarray(0, 2))).toBe(1)
    expect(incompleteUtf8Tail(Buffer.from('𠀀', 'utf8').subarray(0, 3))).toBe(3)
    expect(incompleteUtf8Tail(Buffer.from('abc'))).toBe(0)
  })

  for (const kind of ['inline strings', 'shared strings']) {
    it(`reads every character of 4,000 Chinese rows intact (${kind})`, async () => {
      let rows = 0
      let broken = 0
      for await (const sheet of openSheets(kind === 'inline strings' ? file : sharedFile)) {
        expect(sheet.name).toBe('订单')
        for await (const r of sheet.rows) {
          const i = rows++
          if (r.cells[0].text !== `${TEXT[i % TEXT.length]}${i}` || r.cells[1].text !== TEXT[(i + 1) % TEXT.length]) broken++
          if (r.cells.some((c) => c.text.includes('\uFFFD'))) broken++
        }
      }
      expect(rows).toBe(4000)
      expect(broken).toBe(0)
    })
  }
})

describe('the 1904 date system flag', () => {
  it('is read from workbook.xml whether written "1" or "true"', async () => {
    const {workbookUses1904} = await import('../../src/lib/sheets/exceljs-patch.js')
    expect(workbookUses1904('<workbook><workbookPr date1904="1" defaultThemeVersion="166925"/></workbook>')).toBe(true)
    expect(workbookUses1904('<x:workbook><x:workbookPr date1904="true"/></x:workbook>')).toBe(true)
    expect(workbookUses1904('<workbookPr backupFile="false" showObjects="all" date1904="false"/>')).toBe(false)
    expect(workbookUses1904('<workbookPr defaultThemeVersion="1"/>')).toBe(false)
    expect(workbookUses1904('<workbook/>')).toBe(false)
  })

  it('real files: Excel 1904 → 1904; LibreOffice date1904="false" → 1900', async () => {
    const systems: Record<string, number> = {}
    for (const f of ['1904_1904.xlsx', '1904_1900.xlsx', 'LONumbers.xlsx']) {
      for await (const s of openSheets(path.join(CORPUS_DIR, f))) {
        systems[f] = s.dateSystem
        for await (const _ of s.rows);
      }
    }
    expect(systems).toEqual({'1904_1904.xlsx': 1904, '1904_1900.xlsx': 1900, 'LONumbers.xlsx': 1900})
  })
})
