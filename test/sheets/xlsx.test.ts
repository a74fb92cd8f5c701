import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import JSZip from 'jszip'

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/cli/errors.js'
import {setLanguage} from '../../src/lib/i18n/index.js'
import {openSheets, type SheetRows} from '../../src/lib/sheets/read.js'
import {tempDir} from '../helpers/cli.js'
import {buildXlsx, row} from './xlsx-builder.js'

async function readAll(file: string): Promise<Array<{name: string; hidden: boolean; dateSystem: number; pageHeader?: string; rows: string[][]; cells: SheetRows extends never ? never : unknown[][]}>> {
  const out = []
  for await (const s of openSheets(file)) {
    const rows: string[][] = []
    const cells: unknown[][] = []
    for await (const r of s.rows) {
      rows.push(r.cells.map((c) => c.text))
      cells.push(r.cells)
    }
    out.push({name: s.name, hidden: s.hidden, dateSystem: s.dateSystem, pageHeader: s.trailer.pageHeader, rows, cells})
  }
  return out
}

describe('xlsx reader: rich text', () => {
  const dir = tempDir('plantops-sheets-')

  it('reads every run of an inline rich-text cell', async () => {
    const file = path.join(dir, 'inline-rich.xlsx')
    const rich = '<c t="inlineStr"><is><r><t>无锡</t></r><r><rPr><b/></rPr><t xml:space="preserve">精密 铸造</t></r></is></c>'
    await buildXlsx(file, [{name: '订单', rows: row(1, ['客户', '数量']) + row(2, [rich, '<c><v>3</v></c>'])}])
    const [s] = await readAll(file)
    expect(s.rows[1]).toEqual(['无锡精密 铸造', '3'])
  })

  it('reads every run of a shared rich-text string, without phonetic guides', async () => {
    for (const producer of ['excel', 'openpyxl'] as const) {
      const file = path.join(dir, `shared-rich-${producer}.xlsx`)
      await buildXlsx(file, [{name: 'S', rows: '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'}], {
        producer,
        shared: ['<r><t>无锡</t></r><r><rPr><sz val="11"/></rPr><t xml:space="preserve">精密 铸造</t></r>', '<t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh>', '<t>plain &amp; simple</t>'],
      })
      const [s] = await readAll(file)
      expect(s.rows[0], producer).toEqual(['无锡精密 铸造', '漢字', 'plain & simple'])
    }
  })
})

describe('xlsx reader: sheet names as every producer writes them', () => {
  const dir = tempDir('plantops-sheets-')

  it('openpyxl (absolute relationship targets, worksheets before the workbook part) keeps its sheet names and states', async () => {
    const file = path.join(dir, 'openpyxl.xlsx')
    await buildXlsx(
      file,
      [
        {name: '订单', rows: row(1, ['a'])},
        {name: 'rejects', rows: row(1, ['b'])},
        {name: 'lookup', rows: row(1, ['c']), state: 'hidden'},
      ],
      {producer: 'openpyxl', shared: ['<t>x</t>']},
    )
    const sheets = await readAll(file)
    expect(sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['订单', false],
      ['rejects', false],
      ['lookup', true],
    ])
  })
})

describe('xlsx reader: parts found by name, whatever their order or file names', () => {
  const dir = tempDir('plantops-sheets-')

  /** A built workbook reworked: its parts as JSZip holds them, written back in `order` (the rest after). */
  async function rework(file: string, edit: (zip: JSZip) => Promise<void>, order: string[] = []): Promise<void> {
    const zip = await JSZip.loadAsync(readFileSync(file))
    await edit(zip)
    const out = new JSZip()
    const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir)
    for (const n of [...order.filter((o) => names.includes(o)), ...names.filter((n) => !order.includes(n))]) out.file(n, await zip.file(n)!.async('nodebuffer'))
    writeFileSync(file, await out.generateAsync({type: 'nodebuffer', compression: 'DEFLATE'}))
  }

  it('workbook part stored last, sheets before the shared strings, a worksheet not named sheetN.xml, a chart sheet', async () => {
    const file = path.join(dir, 'order.xlsx')
    await buildXlsx(file, [{name: '说明', rows: row(1, ['notes'])}, {name: 'Orders 11月', rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'}], {shared: ['<t>订单编号</t>']})
    await rework(
      file,
      async (zip) => {
        const data = await zip.file('xl/worksheets/sheet2.xml')!.async('string')
        zip.remove('xl/worksheets/sheet2.xml')
        zip.file('xl/worksheets/orders.xml', data)
        zip.file('xl/chartsheets/sheet1.xml', '<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
        const rels = (await zip.file('xl/_rels/workbook.xml.rels')!.async('string'))
          .replace('worksheets/sheet2.xml', 'worksheets/orders.xml')
          .replace('</Relationships>', '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>')
        zip.file('xl/_rels/workbook.xml.rels', rels)
        const wb = (await zip.file('xl/workbook.xml')!.async('string')).replace('</sheets>', '<sheet name="图表" sheetId="9" r:id="rId9"/></sheets>')
        zip.file('xl/workbook.xml', wb)
      },
      ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml', 'xl/worksheets/orders.xml', 'xl/sharedStrings.xml', 'xl/styles.xml', 'xl/chartsheets/sheet1.xml', 'xl/workbook.xml'],
    )
    const sheets = await readAll(file)
    expect(sheets.map((s) => [s.name, s.rows])).toEqual([
      ['说明', [['notes']]],
      ['Orders 11月', [['订单编号']]],
    ])
  })

  it('a sheet the workbook lists but the file lacks is a damaged workbook (exit 2), not a missing sheet', async () => {
    const file = path.join(dir, 'lacking.xlsx')
    await buildXlsx(file, [{name: 'A', rows: row(1, ['a'])}, {name: 'B', rows: row(1, ['b'])}])
    await rework(file, async (zip) => {
      zip.remove('xl/worksheets/sheet2.xml')
    })
    const err = await readAll(file).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect(err).toMatchObject({code: 'INPUT_UNREADABLE', message: expect.stringContaining('sheet "B" is listed but its part xl/worksheets/sheet2.xml is not in the file')})
    setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
    try {
      await expect(readAll(file)).rejects.toMatchObject({message: expect.stringContaining('工作簿列出了工作表“B”，但文件中没有它的部件 xl/worksheets/sheet2.xml')})
    } finally {
      setLanguage({lang: 'en', source: 'default', detail: ''})
    }
  })

  it('a workbook without its relationships part refuses its sheets as missing; one of chart sheets only holds no worksheet', async () => {
    const noRels = path.join(dir, 'no-rels.xlsx')
    await buildXlsx(noRels, [{name: 'A', rows: row(1, ['a'])}])
    await rework(noRels, async (zip) => {
      zip.remove('xl/_rels/workbook.xml.rels')
    })
    await expect(readAll(noRels)).rejects.toMatchObject({code: 'INPUT_UNREADABLE', message: expect.stringContaining('sheet "A" is listed but its part (rId1) is not in the file')})

    const charts = path.join(dir, 'charts-only.xlsx')
    await buildXlsx(charts, [{name: 'Chart1', rows: ''}])
    await rework(charts, async (zip) => {
      const rels = (await zip.file('xl/_rels/workbook.xml.rels')!.async('string')).replace('relationships/worksheet" Target="worksheets/sheet1.xml"', 'relationships/chartsheet" Target="chartsheets/sheet1.xml"')
      zip.file('xl/_rels/workbook.xml.rels', rels)
      zip.file('xl/chartsheets/sheet1.xml', '<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    })
    await expect(readAll(charts)).rejects.toMatchObject({code: 'INPUT_UNREADABLE', message: expect.stringContaining('holds no worksheet plantops can read')})
  })

  it('a zip that is not a workbook (no workbook part) is refused with the file named', async () => {
    const file = path.join(dir, 'not-a-workbook.xlsx')
    const zip = new JSZip()
    zip.file('readme.txt', 'hello')
    writeFileSync(file, await zip.generateAsync({type: 'nodebuffer'}))
    await expect(readAll(file)).rejects.toMatchObject({code: 'INPUT_UNREADABLE', message: expect.stringMatching(/not-a-workbook\.xlsx.*xl\/workbook\.xml/s)})
  })
  it('a truncated workbook is refused in the language in force, without the zip reader\'s English', async () => {
    const whole = path.join(dir, 'whole.xlsx')
    await buildXlsx(whole, [{name: 'S', rows: row(1, ['<c t="inlineStr"><is><t>a</t></is></c>'])}])
    const cut = path.join(dir, 'cut.xlsx')
    writeFileSync(cut, readFileSync(whole).subarray(0, 300))
    await expect(readAll(cut)).rejects.toMatchObject({code: 'INPUT_UNREADABLE', message: expect.stringMatching(/cut\.xlsx.*not a whole zip archive/)})
    setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
    try {
      const e = await readAll(cut).catch((error: Error) => error)
      expect((e as Error).message).toMatch(/不是完整的 zip 压缩包/)
      expect((e as Error).message).not.toMatch(/central directory|truncated/)
    } finally {
      setLanguage({lang: 'en', source: 'default', detail: ''})
    }
  })
})

describe('xlsx reader: cell kinds', () => {
  const dir = tempDir('plantops-sheets-')

  it('formulas by their cached result (exact as Excel shows it), errors, booleans, dates in the 1904 system, page header', async () => {
    const file = path.join(dir, 'kinds.xlsx')
    const cells = [
      '<c><f>12*0.1</f><v>1.2000000000000002</v></c>',
      '<c t="e"><f>VLOOKUP(1,A:B,2,0)</f><v>#N/A</v></c>',
      '<c><f>A1*2</f></c>',
      '<c t="e"><v>#REF!</v></c>',
      '<c t="b"><v>1</v></c>',
      '<c s="1"><v>44885</v></c>',
      '<c t="str"><f>"SO-"&amp;1</f><v>SO-1</v></c>',
    ]
    await buildXlsx(file, [{name: 'K', rows: row(1, cells), pageHeader: 'plantops count 7 · 2026-11-21'}], {date1904: true})
    const [s] = await readAll(file)
    expect(s.dateSystem).toBe(1904)
    expect(s.pageHeader).toBe('plantops count 7 · 2026-11-21')
    const c = s.cells[0] as Array<{text: string; error?: string; date?: string; num?: number}>
    expect(c[0]).toEqual({text: '1.2', num: 1.2000000000000002})
    expect(c[1]).toEqual({text: '=VLOOKUP(1,A:B,2,0)', error: '#N/A'})
    expect(c[2].text).toBe('=A1*2')
    expect(c[2].error).toBe('formula_uncalculated')
    expect(c[3]).toEqual({text: '#REF!', error: '#REF!'})
    expect(c[4]).toEqual({text: 'TRUE'})
    expect(c[5]).toEqual({text: '2026-11-21', date: '2026-11-21'})
    expect(c[6]).toEqual({text: 'SO-1'})
  })
})
