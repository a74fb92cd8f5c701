import path from 'node:path'

import {describe, expect, it} from 'vitest'

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
