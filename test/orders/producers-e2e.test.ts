import path from 'node:path'

import Database from 'better-sqlite3'
import {beforeAll, describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {buildXlsx, row} from '../sheets/xlsx-builder.js'
import {makeItemMasterSqlite, writeConfig} from './helpers.js'

const HEADERS = ['订单编号', '行号', '客户', '物料编码', '数量', '单位', '订单状态']

/** Order files as other tools save them (built CLI): openpyxl's sheet names, rich text with several runs. */
describe('orders import: workbooks from other producers', () => {
  let dir: string
  let config: string
  const cli = (...args: string[]) => runCli([...args, '--config', config], {cwd: dir})

  beforeAll(async () => {
    dir = tempDir('plantops-orders-producers-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    config = writeConfig(dir)
    const rich = '<c t="inlineStr"><is><r><t>无锡</t></r><r><rPr><b/></rPr><t xml:space="preserve">精密 铸造</t></r></is></c>'
    await buildXlsx(
      path.join(dir, 'openpyxl.xlsx'),
      [
        {name: 'notes', rows: row(1, ['saved by openpyxl'])},
        {name: '订单', rows: row(1, HEADERS) + row(2, ['SO-P-1', '<c><v>1</v></c>', rich, 'FG-10004', '<c><v>5</v></c>', 'PCS', '已付款']) + row(3, ['SO-P-1', '<c><v>2</v></c>', '<c t="s"><v>0</v></c>', 'FG-10005', '<c><v>6</v></c>', 'PCS', '已付款'])},
      ],
      {producer: 'openpyxl', shared: ['<r><t>东莞</t></r><r><t>瑞丰</t></r><r><t>精密</t></r>']},
    )
  })

  it('finds the sheet 订单 by its real name and reads every run of rich text', () => {
    const r = cli('orders', 'import', 'openpyxl.xlsx', '--sheet', '订单', '--json')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({sheet: '订单', rowsRead: 2, imported: 2, rejected: 0})
    const store = new Database(path.join(dir, 'state.db'), {readonly: true})
    const customers = store.prepare("SELECT customer FROM orders_lines WHERE order_no = 'SO-P-1' ORDER BY line_no").all() as Array<{customer: string}>
    store.close()
    expect(customers.map((c) => c.customer)).toEqual(['无锡精密 铸造', '东莞瑞丰精密'])
  })

  it('--sheet with a name the workbook does not have lists the real names', () => {
    const r = cli('orders', 'import', 'openpyxl.xlsx', '--sheet', 'rejects', '--dry-run')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('its sheets: "notes", "订单"')
  })
})
