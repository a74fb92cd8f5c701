import {createReadStream, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {isDateFmt, iterateStream, parseSax, partName, PATCHED_METHODS, patchWorkbookReader, READER_STATE} from '../../src/lib/sheets/exceljs-patch.js'
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
    expect(PATCHED_METHODS).toEqual(['_parseWorkbook', '_parseRels', '_parseStyles', '_parseSharedStrings', '_parseWorksheet', '_parseHyperlinks'])
  })

  it('the helpers it borrows exist', () => {
    expect(typeof iterateStream).toBe('function')
    expect(typeof parseSax).toBe('function')
    expect(isDateFmt('yyyy-mm-dd')).toBe(true)
    expect(isDateFmt('#,##0.00')).toBe(false)
  })

  it('after reading, the reader state it uses is where it expects it', async () => {
    const file = path.join(tempDir('plantops-patch-'), 'p.xlsx')
    await buildXlsx(file, [{name: 'Orders', rows: row(1, ['a'])}], {shared: ['<t>x</t>'], date1904: true})
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit'} as never)
    patchWorkbookReader(reader as unknown as Record<string, unknown>, {sharedStrings: async () => ['x']})
    const seen: string[] = []
    for await (const ws of reader as unknown as AsyncIterable<{name: string; chunks: AsyncIterable<Buffer>}>) {
      seen.push(ws.name)
      for await (const _ of ws.chunks);
    }
    expect(seen).toEqual(['Orders'])
    const state = reader as unknown as Record<string, unknown>
    for (const k of READER_STATE) expect(state[k], k).toBeDefined()
    const model = state.model as {sheets: Array<{name: string; rId: string; state?: string}>; properties: {date1904: boolean}}
    expect(model.sheets[0]).toMatchObject({name: 'Orders', rId: 'rId1'})
    expect(model.properties.date1904).toBe(true)
    expect((state.workbookRels as Array<{Id: string; Target: string}>)[0]).toMatchObject({Id: 'rId1', Target: 'worksheets/sheet1.xml'})
    expect(typeof (state.styles as {getStyleModel: unknown}).getStyleModel).toBe('function')
  })

  it('resolves relationship targets as part names (relative, ./, absolute as openpyxl writes them)', () => {
    expect(partName('worksheets/sheet1.xml')).toBe('xl/worksheets/sheet1.xml')
    expect(partName('./worksheets/sheet2.xml')).toBe('xl/worksheets/sheet2.xml')
    expect(partName('/xl/worksheets/sheet3.xml')).toBe('xl/worksheets/sheet3.xml')
  })

  it('a buffered sheet nobody reads cannot crash the process when its temporary file is gone; a reader still gets the error', async () => {
    // exceljs buffers a sheet stored before the shared strings in a temporary file, hands it over as an fs stream it
    // has already asked to open and deletes the file when the next sheet is asked for: the open can fail unread
    // (seen in CI as an uncaught ENOENT). Without the patch's listener vitest reports this test's stream as an
    // unhandled error and the run fails.
    const missing = path.join(tempDir('plantops-patch-'), 'deleted-before-open.xml')
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(missing, {} as never)
    patchWorkbookReader(reader as unknown as Record<string, unknown>, {sharedStrings: async () => []})
    const parse = (reader as unknown as {_parseWorksheet(it: AsyncIterable<Buffer>, n: string): Iterator<{value: {chunks: AsyncIterable<Buffer>}}>})._parseWorksheet
    const unread = createReadStream(missing)
    parse.call(reader, unread, '1').next()
    await new Promise<void>((resolve) => unread.once('close', () => resolve()))
    expect(unread.destroyed).toBe(true)

    const read = createReadStream(missing)
    const part = parse.call(reader, read, '2').next().value.value
    const consume = async () => {
      for await (const _ of part.chunks);
    }
    await expect(consume()).rejects.toMatchObject({code: 'ENOENT'})
  })
})
