/**
 * Minimal XLSX packages written part by part, in the XML shapes real producers write (Excel, openpyxl), so the
 * reader is tested on what those tools save rather than on what exceljs writes.
 */
import {writeFileSync} from 'node:fs'

import JSZip from 'jszip'

export interface BuiltSheet {
  name: string
  /** The inner XML of <sheetData>. */
  rows: string
  state?: 'hidden' | 'veryHidden'
  /** Text of <headerFooter><oddHeader>. */
  pageHeader?: string
}

export interface BuildOptions {
  /** 'excel': relative relationship targets, workbook parts first. 'openpyxl': absolute targets ("/xl/…"), worksheets first. */
  producer?: 'excel' | 'openpyxl'
  /** <si> elements of xl/sharedStrings.xml (inner XML of each). */
  shared?: string[]
  date1904?: boolean
  /** Extra <numFmt>s and cellXfs: style 1 is a date (numFmtId 14). */
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const xml = (s: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

export async function buildXlsx(file: string, sheets: BuiltSheet[], opts: BuildOptions = {}): Promise<void> {
  const openpyxl = opts.producer === 'openpyxl'
  const parts: Array<[string, string]> = []
  const target = (i: number) => (openpyxl ? `/xl/worksheets/sheet${i + 1}.xml` : `worksheets/sheet${i + 1}.xml`)
  const types = xml(
    `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
      sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
      `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
      (opts.shared ? `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` : '') +
      `</Types>`,
  )
  const rootRels = xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${RNS}/officeDocument" Target="${openpyxl ? '/xl/workbook.xml' : 'xl/workbook.xml'}"/></Relationships>`)
  const workbook = xml(
    `<workbook xmlns="${NS}" xmlns:r="${RNS}"><workbookPr${opts.date1904 ? ' date1904="1"' : ''}/><sheets>` +
      sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${openpyxl ? ` state="${s.state ?? 'visible'}"` : s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`).join('') +
      `</sheets></workbook>`,
  )
  const n = sheets.length
  const wbRels = xml(
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${RNS}/worksheet" Target="${target(i)}"/>`).join('') +
      `<Relationship Id="rId${n + 1}" Type="${RNS}/styles" Target="${openpyxl ? '/xl/styles.xml' : 'styles.xml'}"/>` +
      (opts.shared ? `<Relationship Id="rId${n + 2}" Type="${RNS}/sharedStrings" Target="${openpyxl ? '/xl/sharedStrings.xml' : 'sharedStrings.xml'}"/>` : '') +
      `</Relationships>`,
  )
  const styles = xml(
    `<styleSheet xmlns="${NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>` +
      `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
      `<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
  )
  const sheetXml = (s: BuiltSheet) =>
    xml(`<worksheet xmlns="${NS}" xmlns:r="${RNS}"><sheetData>${s.rows}</sheetData>${s.pageHeader ? `<headerFooter><oddHeader>${esc(s.pageHeader)}</oddHeader></headerFooter>` : ''}</worksheet>`)
  const shared = opts.shared ? xml(`<sst xmlns="${NS}" count="${opts.shared.length}" uniqueCount="${opts.shared.length}">${opts.shared.map((si) => `<si>${si}</si>`).join('')}</sst>`) : undefined
  const worksheets: Array<[string, string]> = sheets.map((s, i) => [`xl/worksheets/sheet${i + 1}.xml`, sheetXml(s)])
  if (openpyxl) {
    // openpyxl's order: worksheets, then shared strings, styles, workbook, relationships, content types
    parts.push(...worksheets)
    if (shared) parts.push(['xl/sharedStrings.xml', shared])
    parts.push(['xl/styles.xml', styles], ['xl/workbook.xml', workbook], ['xl/_rels/workbook.xml.rels', wbRels], ['_rels/.rels', rootRels], ['[Content_Types].xml', types])
  } else {
    parts.push(['[Content_Types].xml', types], ['_rels/.rels', rootRels], ['xl/workbook.xml', workbook], ['xl/_rels/workbook.xml.rels', wbRels], ['xl/styles.xml', styles])
    if (shared) parts.push(['xl/sharedStrings.xml', shared])
    parts.push(...worksheets)
  }
  const zip = new JSZip()
  for (const [name, content] of parts) zip.file(name, content)
  writeFileSync(file, await zip.generateAsync({type: 'nodebuffer', compression: 'DEFLATE'}))
}

/** A row of inline-string / raw cells: each cell is raw `<c>` XML or a string (written as an inline string). */
export function row(r: number, cells: string[]): string {
  const letters = (i: number) => String.fromCharCode(65 + i)
  return `<row r="${r}">${cells.map((c, i) => (c.startsWith('<c') ? c.replace('<c', `<c r="${letters(i)}${r}"`) : `<c r="${letters(i)}${r}" t="inlineStr"><is><t>${esc(c)}</t></is></c>`)).join('')}</row>`
}
