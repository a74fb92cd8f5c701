import path from 'node:path'

import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {writeSqlitePlant} from './small-plant.js'

/**
 * A count reads quantities through the engine (reconcile/quantity.ts): a value that is not a plain decimal number in
 * the WMS bin stock or the ERP balances stops `count sample` with exit 3 naming the source, table, column, line and
 * value, never an internal error (exit 70) and never a silent zero.
 */
describe('count sample refuses bad quantities with a source error (exit 3)', () => {
  const plantWith = async (db: 'wms.db' | 'erp.db', sql: string) => {
    const dir = tempDir('pt-count-badqty-')
    await writeSqlitePlant(dir)
    const d = new Database(path.join(dir, db))
    d.exec(sql)
    d.close()
    return dir
  }

  it('names the WMS bin, column and value', async () => {
    const dir = await plantWith('wms.db', "UPDATE bin_stock SET qty = '1,200' WHERE location_code = 'RM-A01-01' AND sku = 'S10001'")
    const r = runCli(['count', 'sample', '--size', '36', '--seed', '1', '--output', 'sheets.xlsx'], {cwd: dir})
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toMatch(/source "wms"/)
    expect(r.stderr).toMatch(/table bin_stock, column qty: the value "1,200" of location "RM-A01-01" · item "S10001"/)
    expect(r.stderr).not.toMatch(/DecimalError|at .*\.js:\d+/)
  })

  it('names the ERP balance, column and value', async () => {
    const dir = await plantWith('erp.db', "UPDATE stock_balance SET qty = 'n/a' WHERE item_code = 'RM-10002'")
    const r = runCli(['count', 'sample', '--size', '36', '--seed', '1', '--output', 'sheets.xlsx'], {cwd: dir})
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toMatch(/source "erp"/)
    expect(r.stderr).toMatch(/table stock_balance, column qty: the value "n\/a" of item "RM-10002"/)
  })
})
