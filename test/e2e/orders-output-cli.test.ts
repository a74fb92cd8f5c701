import path from 'node:path'

import ExcelJS from 'exceljs'
import {beforeAll, describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {buildBadRowsXlsx} from '../orders/fixture-builder.js'
import {makeItemMasterSqlite, writeConfig} from '../orders/helpers.js'

/** The rejects workbook keeps the file's numbers as numbers (a fixed workbook re-imports as the original did). */
describe('orders import rejects workbook (built CLI)', () => {
  let dir: string
  let config: string
  beforeAll(async () => {
    dir = tempDir('pt-orders-out-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    config = writeConfig(dir)
    await buildBadRowsXlsx(path.join(dir, 'bad.xlsx'))
  }, 180_000)

  it('numeric cells stay numeric where the original held a number; text stays text', async () => {
    const r = runCli(['orders', 'import', path.join(dir, 'bad.xlsx'), '--config', config, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const original = new ExcelJS.Workbook()
    await original.xlsx.readFile(path.join(dir, 'bad.xlsx'))
    const src = original.worksheets[0]
    const rejects = new ExcelJS.Workbook()
    await rejects.xlsx.readFile(r.json.files[0].rejectsFile)
    const ws = rejects.getWorksheet('rejects')!
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String)
    const srcHeaders = (src.getRow(1).values as unknown[]).slice(1).map(String)
    const rowCol = headers.indexOf('source_row') + 1
    let numbers = 0
    ws.eachRow((row, n) => {
      if (n === 1) return
      const from = src.getRow(Number(row.getCell(rowCol).value))
      srcHeaders.forEach((h, i) => {
        const before = from.getCell(i + 1).value
        const after = row.getCell(headers.indexOf(h) + 1).value
        if (typeof before === 'number') {
          numbers++
          expect(after, `${h} row ${n}`).toBe(before)
        } else if (typeof before === 'string' && before !== '') expect(after, `${h} row ${n}`).toBe(before)
      })
    })
    expect(numbers).toBeGreaterThan(10)
  }, 180_000)
})
