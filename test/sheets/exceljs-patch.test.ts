import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {isDateFmt, parseSax, PATCHED_METHODS, patchWorkbookReader, READER_STATE} from '../../src/lib/sheets/exceljs-patch.js'
import {openXlsxPackage} from '../../src/lib/sheets/xlsx-package.js'
import {tempDir} from '../helpers/cli.js'
import {buildXlsx, row} from './xlsx-builder.js'

const require = createRequire(import.meta.url)

/** The patch overrides private methods and reads private state of exceljs's streaming reader: pin them. */
describe('exceljs patch: the private names it relies on', () => {
  it('is written for exceljs 4.4.0', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('exceljs/package.json'), 'utf8')) as {version: string}
    expect(pkg.version).toBe('4.4.0')
  })

  it('WorkbookReader still has every method the patch overrides', () => {
    const proto = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as Record<string, unknown>
    for (const m of PATCHED_METHODS) expect(typeof proto[m], m).toBe('function')
    expect(PATCHED_METHODS).toEqual(['_parseWorkbook', '_parseRels', '_parseStyles'])
  })

  it('the helpers it borrows exist', () => {
    expect(typeof parseSax).toBe('function')
    expect(isDateFmt('yyyy-mm-dd')).toBe(true)
    expect(isDateFmt('#,##0.00')).toBe(false)
  })

  it('after its parsers ran on the parts, the reader state plantops uses is where it expects it', async () => {
    const file = path.join(tempDir('plantops-patch-'), 'p.xlsx')
    await buildXlsx(file, [{name: 'Orders', rows: row(1, ['a'])}], {shared: ['<t>x</t>'], date1904: true})
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit'} as never) as unknown as Record<string, unknown>
    patchWorkbookReader(reader)
    const pkg = await openXlsxPackage(file)
    try {
      await reader._parseRels(await pkg.open('xl/_rels/workbook.xml.rels'))
      await reader._parseWorkbook(await pkg.open('xl/workbook.xml'))
      await reader._parseStyles(await pkg.open('xl/styles.xml'))
    } finally {
      pkg.close()
    }
    for (const k of READER_STATE) expect(reader[k], k).toBeDefined()
    const model = reader.model as {sheets: Array<{name: string; rId: string; state?: string}>; properties: {date1904: boolean}}
    expect(model.sheets[0]).toMatchObject({name: 'Orders', rId: 'rId1'})
    expect(model.properties.date1904).toBe(true)
    expect((reader.workbookRels as Array<{Id: string; Target: string; Type: string}>)[0]).toMatchObject({Id: 'rId1', Target: 'worksheets/sheet1.xml', Type: expect.stringMatching(/\/worksheet$/)})
    expect(typeof (reader.styles as {getStyleModel: unknown}).getStyleModel).toBe('function')
  })
})
