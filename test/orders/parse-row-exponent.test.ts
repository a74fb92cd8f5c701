import {writeFileSync} from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import ExcelJS from 'exceljs'
import {afterEach, describe, expect, it} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'
import {resolveFields} from '../../src/lib/orders/fields.js'
import {matchHeaderRow} from '../../src/lib/orders/header-match.js'
import {createRowParser} from '../../src/lib/orders/parse-row.js'
import {type Cell, numberCell} from '../../src/lib/sheets/cells.js'
import {runCliAsync, tempDir} from '../helpers/cli.js'
import {makeItemMasterSqlite, writeConfig} from './helpers.js'

/**
 * A quantity or price typed with an exponent beyond ±400 (the bound of the sources' quantities,
 * src/lib/reconcile/quantity.ts) is a rejected row, "out of range", instead of a 50,000,001-digit number in the store.
 */

const fields = resolveFields(undefined)
const text = (s: string): Cell => ({text: s})
const header = matchHeaderRow(1, ['order_no', 'line_no', 'sku', 'qty', 'unit_price', 'status'].map(text), fields)

afterEach(() => setLanguage(decideLanguage({flag: 'en'})))

describe('row parser: exponents', () => {
  it('beyond ±400: a problem "out of range" with the stock side\'s reason; within: exact as before', () => {
    setLanguage(decideLanguage({flag: 'en'}))
    const p = createRowParser({fields, header, dateSystem: 1900})
    const row = (qty: Cell | string, price: Cell | string) => p.parse(2, ['SO-1', '1', 'FG-1', qty, price, 'paid'].map((c) => (typeof c === 'string' ? text(c) : c)))!
    const huge = row('1e50000000', '1e-500')
    expect(huge.values).toMatchObject({qty: null, unit_price: null})
    expect(huge.problems.map((x) => `${x.field}@${x.column}: ${x.message}`)).toEqual([
      'qty@3: out of range: "1e50000000" (a number with an exponent beyond ±400)',
      'unit_price@4: out of range: "1e-500" (a number with an exponent beyond ±400)',
    ])
    const fine = row('1.5e2', '2.5E-3')
    expect(fine.problems).toEqual([])
    expect(fine.values).toMatchObject({qty: '150', unit_price: '0.0025'})
    // numbers a spreadsheet stored as numbers are not affected (a double is at most about 1e308)
    const cells = row(numberCell('1E+300'), numberCell('12.5'))
    expect(cells.problems).toEqual([])
    expect(cells.values.qty).toBe(`1${'0'.repeat(300)}`)
    // not a number at all stays "not a number"
    expect(row('1e', '1').problems.map((x) => x.message)).toEqual(['not a number: "1e"'])
    setLanguage(decideLanguage({flag: 'zh-CN'}))
    const zh = createRowParser({fields, header, dateSystem: 1900}).parse(2, ['SO-1', '1', 'FG-1', '1e401', '1', 'paid'].map(text))!
    expect(zh.problems.map((x) => x.message)).toEqual(['超出范围：“1e401”（指数超出 ±400）'])
  })
})

describe('orders import (built CLI): such a row goes to the rejects workbook', () => {
  it('1e50000000 and 1e-500 rejected with the reason; the other rows imported exactly', async () => {
    const dir = tempDir('plantops-orders-exponent-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    const config = writeConfig(dir)
    const csv = path.join(dir, 'orders.csv')
    writeFileSync(
      csv,
      ['order_no,line_no,sku,qty,unit_price,status', 'SO-E,1,FG-10004,1e50000000,1,paid', 'SO-E,2,FG-10004,2,1e-500,paid', 'SO-E,3,FG-10004,1.5e2,2.5E-3,paid', 'SO-E,4,FG-10004,"1,234.5",1,paid', ''].join('\n'),
    )
    const r = await runCliAsync(['orders', 'import', csv, '--config', config, '--json', '--lang', 'en'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({rowsRead: 4, imported: 2, rejected: 2, rejectsFile: path.join(dir, 'orders.rejects.xlsx')})

    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, 'orders.rejects.xlsx'))
    const ws = wb.worksheets[0]
    const reasons: unknown[] = []
    ws.eachRow((row, n) => {
      if (n > 1) reasons.push(row.getCell(1).value)
    })
    expect(reasons).toEqual(['qty: out of range: "1e50000000" (a number with an exponent beyond ±400)', 'unit_price: out of range: "1e-500" (a number with an exponent beyond ±400)'])

    const store = new Database(path.join(dir, 'state.db'), {readonly: true})
    const lines = store.prepare("SELECT line_no, qty, unit_price FROM orders_lines WHERE order_no = 'SO-E' ORDER BY line_no").all()
    store.close()
    expect(lines).toEqual([
      {line_no: '3', qty: '150', unit_price: '0.0025'},
      {line_no: '4', qty: '1234.5', unit_price: '1'},
    ])
  }, 120_000)
})
