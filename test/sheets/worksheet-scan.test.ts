import {describe, expect, it} from 'vitest'

import type {ReaderState} from '../../src/lib/sheets/exceljs-patch.js'
import {type SheetTrailer, worksheetRows, xmlText} from '../../src/lib/sheets/xlsx-parts.js'

/** A reader state with shared strings and style 1 a date format (as exceljs hands it over). */
const state: ReaderState = {
  sharedStrings: ['共享', 'a & b'],
  styles: {getStyleModel: (id: number) => (id === 1 ? {numFmt: 'yyyy-mm-dd'} : {numFmt: 'General'})},
}

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0
  for (const c of [...cuts, bytes.length]) {
    yield bytes.subarray(at, c)
    at = c
  }
}

async function read(xml: string, cuts: number[] = []): Promise<{rows: Array<[number, string[]]>; trailer: SheetTrailer}> {
  const trailer: SheetTrailer = {}
  const rows: Array<[number, string[]]> = []
  for await (const batch of worksheetRows(chunked(Buffer.from(xml, 'utf8'), cuts), state, 1900, trailer)) {
    for (const r of batch) rows.push([r.number, r.cells.map((c) => (c.error ? `!${c.error}` : c.text))])
  }
  return {rows, trailer}
}

const SHEET =
  '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
  '<!DOCTYPE worksheet [ <!ELEMENT worksheet ANY> ]>' +
  '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- a comment with <c> inside --><x:sheetData>' +
  '<x:row r="1" spans="1:6"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r=\'B1\' t = "inlineStr"><x:is><x:r><x:t>Tom &amp; Jerry &#x4E2D;&#25991;</x:t></x:r>' +
  '<x:r><x:t xml:space="preserve"> 2\r\nlines</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ふりがな</x:t></x:rPh></x:is></x:c>' +
  '<x:c r="D1" s="1"><x:v>46357</x:v></x:c><x:c r="E1" data-note="a > b" t="s"><x:v>1</x:v></x:c><x:c r="F1"/><x:c r="G1" t="inlineStr"><x:is><x:t>浙江省 台州</x:t></x:is></x:c></x:row>' +
  '<x:row><x:c t="str"><x:f>"SO-"&amp;1</x:f><x:v>SO-1</x:v></x:c><x:c t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c><x:v>0.30000000000000004</x:v></x:c>' +
  '<x:c t="inlineStr"><x:is><x:t><![CDATA[dropped]]>kept</x:t></x:is></x:c></x:row>' +
  '<x:row r="5"><x:c r="C5" t="b"><x:v>1</x:v></x:c></x:row>' +
  '</x:sheetData><x:headerFooter><x:oddHeader>&amp;C页眉</x:oddHeader></x:headerFooter></x:worksheet>\r\n'

const EXPECTED: Array<[number, string[]]> = [
  [1, ['共享', 'Tom & Jerry 中文 2\nlines', '', '2026-12-01', 'a & b', '', '浙江省 台州']],
  [2, ['SO-1', '!#DIV/0!', '0.3', 'kept']],
  [5, ['', '', 'TRUE']],
]

describe('worksheet scanner', () => {
  it('reads namespaced tags, entities, character references, quotes, comments, DOCTYPE, rich text without phonetic runs', async () => {
    const {rows, trailer} = await read(SHEET)
    expect(rows).toEqual(EXPECTED)
    expect(trailer.pageHeader).toBe('&C页眉')
  })

  it('gives the same rows however the part is cut into chunks (inside tags, references, characters, comments)', async () => {
    const bytes = Buffer.from(SHEET, 'utf8').length
    for (let cut = 1; cut < bytes; cut++) {
      const {rows, trailer} = await read(SHEET, [cut])
      expect(rows, `cut at byte ${cut}`).toEqual(EXPECTED)
      expect(trailer.pageHeader, `cut at byte ${cut}`).toBe('&C页眉')
    }
    // many small chunks
    const cuts = Array.from({length: Math.floor(bytes / 7)}, (_, i) => (i + 1) * 7)
    expect((await read(SHEET, cuts)).rows).toEqual(EXPECTED)
  })

  it('refuses a closing tag that does not match and an undefined entity', async () => {
    await expect(read('<worksheet><sheetData><row r="1"><c><v>1</v></row></sheetData></worksheet>')).rejects.toThrow(/closing tag/)
    await expect(read('<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&nbsp;</t></is></c></row></sheetData></worksheet>')).rejects.toThrow(/undefined entity/)
  })

  it('decodes text as an XML parser does', () => {
    expect(xmlText('a\r\nb\rc')).toBe('a\nb\nc')
    expect(xmlText('&lt;&gt;&quot;&apos;&amp;&#65;&#x1F600;')).toBe(`<>"'&A\u{1F600}`)
    expect(() => xmlText('a & b')).toThrow(/unterminated/)
    expect(() => xmlText('&#xD800;')).toThrow(/character entity/)
  })
})
