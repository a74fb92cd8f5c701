import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import ExcelJS from 'exceljs'
import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'

import {type Column} from '../../src/lib/report/columns.js'
import {writeCsv} from '../../src/lib/report/csv.js'
import {renderTable} from '../../src/lib/report/table.js'
import {writeXlsx} from '../../src/lib/report/xlsx.js'
import {withAtomicFile} from '../../src/lib/report/atomic.js'
import {tempDir} from '../helpers/cli.js'

type R = {item: string; name: string; qty: string; value: string}
const columns: Column<R>[] = [
  {key: 'item', header: 'item'},
  {key: 'name', header: '名称'},
  {key: 'qty', header: 'qty', kind: 'qty'},
  {key: 'value', header: 'value', kind: 'money'},
]
const rows: R[] = [
  {item: 'RM-1', name: '冷轧钢板 1.0mm', qty: '12345678901234567.1234567891', value: '10.50'},
  {item: 'RM-2', name: 'Steel, "cold" rolled', qty: '0.3', value: '-2'},
]

describe('report writers', () => {
  it('CSV: quoting by csv-stringify, exact decimal strings, optional UTF-8 BOM', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'out.csv')
    expect(await writeCsv(file, columns, rows, {bom: true})).toBe(2)
    const text = readFileSync(file, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text.slice(1)).toBe('item,名称,qty,value\nRM-1,冷轧钢板 1.0mm,12345678901234567.1234567891,10.50\nRM-2,"Steel, ""cold"" rolled",0.3,-2\n')
    await writeCsv(file, columns, rows)
    expect(readFileSync(file, 'utf8').charCodeAt(0)).toBe(0x69)
    expect(readdirSync(dir)).toEqual(['out.csv']) // no temp files left behind
  })

  it('XLSX: bold frozen header, autofilter, number formats; exact when a double cannot hold the value', async () => {
    const file = path.join(tempDir(), 'out.xlsx')
    await writeXlsx(file, [{name: '差异 variances', columns, rows}])
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(file)
    const ws = wb.worksheets[0]
    expect(ws.name).toBe('差异 variances')
    expect(ws.getRow(1).font?.bold).toBe(true)
    expect(ws.views[0]).toMatchObject({state: 'frozen', ySplit: 1})
    expect(ws.autoFilter).toBeTruthy()
    expect(ws.getCell('C2').value).toBe('12345678901234567.1234567891') // kept as text, not rounded
    expect(ws.getCell('C3').value).toBe(0.3)
    expect(ws.getCell('D3').numFmt).toBe('#,##0.00')
  })

  it('a failed write leaves the previous file intact and no temp file', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'report.csv')
    writeFileSync(file, 'old complete content\n')
    await expect(
      withAtomicFile(file, async (tmp) => {
        writeFileSync(tmp, 'half-writ')
        throw new Error('disk on fire')
      }),
    ).rejects.toThrow('disk on fire')
    expect(readFileSync(file, 'utf8')).toBe('old complete content\n')
    expect(readdirSync(dir)).toEqual(['report.csv'])
  })

  it('table: Chinese text aligns by display width', () => {
    const text = renderTable(columns, rows, {color: false})
    const lines = text.split('\n')
    const widths = new Set(lines.map((l) => stringWidth(l)))
    expect(widths.size).toBe(1)
    expect(text).toContain('冷轧钢板 1.0mm')
  })
})
