import {writeFileSync} from 'node:fs'
import path from 'node:path'

import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import {openXlsxPackage, partName, relationshipsOf} from '../../src/lib/sheets/xlsx-package.js'
import {tempDir} from '../helpers/cli.js'

describe('xlsx package: parts by name from the central directory', () => {
  it('resolves relationship targets as part names (relative to the part holding them, ./, absolute as openpyxl writes them)', () => {
    expect(partName('worksheets/sheet1.xml', 'xl/workbook.xml')).toBe('xl/worksheets/sheet1.xml')
    expect(partName('./worksheets/sheet2.xml', 'xl/workbook.xml')).toBe('xl/worksheets/sheet2.xml')
    expect(partName('/xl/worksheets/sheet3.xml', 'xl/workbook.xml')).toBe('xl/worksheets/sheet3.xml')
    expect(partName('xl/workbook.xml', '')).toBe('xl/workbook.xml')
    expect(partName('worksheets/sheet1.xml', 'wtf/workbook.xml')).toBe('wtf/worksheets/sheet1.xml')
    expect(relationshipsOf('')).toBe('_rels/.rels')
    expect(relationshipsOf('wtf/workbook.xml')).toBe('wtf/_rels/workbook.xml.rels')
  })

  it('lists the parts whatever their stored order, opens a part only when read, and names a part it lacks', async () => {
    const file = path.join(tempDir('plantops-package-'), 'p.zip')
    const zip = new JSZip()
    zip.file('xl/worksheets/sheet1.xml', '<worksheet/>')
    zip.file('xl/sharedStrings.xml', '<sst>共享</sst>')
    zip.file('xl/workbook.xml', '<workbook/>')
    writeFileSync(file, await zip.generateAsync({type: 'nodebuffer', compression: 'DEFLATE'}))
    const pkg = await openXlsxPackage(file)
    try {
      expect(['xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml', 'xl/'].map((p) => pkg.has(p))).toEqual([true, true, true, false])
      const chunks: Buffer[] = []
      for await (const c of pkg.chunks('xl/sharedStrings.xml')) chunks.push(c)
      expect(Buffer.concat(chunks).toString('utf8')).toBe('<sst>共享</sst>')
      pkg.chunks('xl/nothing.xml') // never iterated: nothing is opened, nothing fails
      await expect(pkg.open('xl/nothing.xml')).rejects.toThrow('the package has no part xl/nothing.xml')
    } finally {
      pkg.close()
    }
  })
})
