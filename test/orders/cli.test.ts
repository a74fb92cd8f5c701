import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import {beforeAll, describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {buildBadRowsXlsx, buildCleanXlsx, buildGbkCsv, buildQuirksXlsx, QUIRKS_EXPECTED, revisedLines} from './fixture-builder.js'
import {makeItemMasterSqlite, writeConfig} from './helpers.js'
import {corpusFile} from '../helpers/corpus.js'

describe('plantops orders import / imports (built CLI)', () => {
  let dir: string
  let config: string
  const cli = (...args: string[]) => runCli([...args, '--config', config])

  beforeAll(async () => {
    dir = tempDir('plantops-orders-cli-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    config = writeConfig(dir)
    await buildCleanXlsx(path.join(dir, 'clean.xlsx'))
    await buildBadRowsXlsx(path.join(dir, 'bad.xlsx'))
    buildGbkCsv(path.join(dir, 'gbk.csv'))
  })

  it('imports with --json: per-file counts, totals, item master queries; exit 0', () => {
    const r = cli('orders', 'import', path.join(dir, 'clean.xlsx'), '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files).toHaveLength(1)
    expect(r.json.files[0]).toMatchObject({sheet: '订单', headerRow: 1, rowsRead: 12, imported: 12, updated: 0, unchanged: 0, skipped: 0, rejected: 0, rejectsFile: null, dryRun: false})
    expect(r.json.totals).toEqual({rowsRead: 12, imported: 12, updated: 0, unchanged: 0, skipped: 0, rejected: 0})
    expect(r.json.itemMaster).toEqual({source: 'erp', table: 'items', queries: 2})
    expect(r.json.failed).toEqual([])
  })

  it('re-import says unchanged 12 (table output) and the ledger lists both imports with the file SHA-256', () => {
    const r = cli('orders', 'import', path.join(dir, 'clean.xlsx'))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/clean\.xlsx\s+│\s+订单 \(row 1\)\s+│\s+12 │\s+0 │\s+0 │\s+12 │/)
    expect(r.stderr).toContain('was already imported on')
    const ledger = cli('orders', 'imports', '--json')
    expect(ledger.code).toBe(0)
    const sha = createHash('sha256').update(readFileSync(path.join(dir, 'clean.xlsx'))).digest('hex')
    expect(ledger.json.imports.map((i: {fileName: string; sha256: string; imported: number; unchanged: number}) => [i.fileName, i.sha256, i.imported, i.unchanged])).toEqual([
      ['clean.xlsx', sha, 0, 12],
      ['clean.xlsx', sha, 12, 0],
    ])
    expect(ledger.json.imports[0].user).toBeTruthy()
    const table = cli('orders', 'imports')
    expect(table.stdout).toContain(sha.slice(0, 12))
    const changed = cli('orders', 'imports', '--changes', String(ledger.json.imports[0].id), '--json')
    expect(changed.json.changes).toEqual([])
    const runs = cli('runs', 'list', '--job', 'orders-import', '--json')
    expect(runs.json.runs.length).toBe(2)
    expect(runs.json.runs[0].status).toBe('ok')
  })

  it('a changed order: updated 1, and `orders imports --changes ID` shows field, was, now', async () => {
    await buildCleanXlsx(path.join(dir, 'clean-v2.xlsx'), revisedLines())
    const r = cli('orders', 'import', path.join(dir, 'clean-v2.xlsx'), '--json')
    expect(r.json.files[0]).toMatchObject({updated: 1, unchanged: 11, changes: 2})
    const shown = cli('orders', 'imports', '--changes', String(r.json.files[0].importId), '--json')
    expect(shown.json.changes.map((c: {orderNo: string; lineNo: string; field: string; oldValue: string; newValue: string}) => [c.orderNo, c.lineNo, c.field, c.oldValue, c.newValue])).toEqual([
      ['SO-20261121-002', '3', 'qty', '32', '250'],
      ['SO-20261121-002', '3', 'due_date', '2026-12-03', '2027-02-01'],
    ])
    expect(shown.json.imports[0].fileName).toBe('clean-v2.xlsx')
    const table = cli('orders', 'imports', '--changes', String(r.json.files[0].importId))
    expect(table.stdout).toMatch(/SO-20261121-002 │ 3\s+│ qty\s+│ 32\s+│ 250/)
  })

  it('rejected rows: exit 0 by default, exit 1 with --fail-on rejects; the rejects workbook is written', () => {
    const r = cli('orders', 'import', path.join(dir, 'bad.xlsx'), '--json')
    expect(r.code).toBe(0)
    expect(r.json.files[0]).toMatchObject({imported: 2, rejected: 5, rejectsFile: path.join(dir, 'bad.rejects.xlsx')})
    expect(existsSync(path.join(dir, 'bad.rejects.xlsx'))).toBe(true)
    const again = cli('orders', 'import', path.join(dir, 'bad.xlsx'), '--fail-on', 'rejects', '--rejects', path.join(dir, 'review.xlsx'))
    expect(again.code).toBe(1)
    expect(again.stdout).toContain(`fix them in ${path.join(dir, 'review.xlsx')}`)
  })

  it('a GBK CSV is detected; a forced wrong encoding garbles headers and fails with exit 2', () => {
    const ok = cli('orders', 'import', path.join(dir, 'gbk.csv'), '--dry-run', '--json')
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.files[0]).toMatchObject({rowsRead: 12, rejected: 0, unchanged: 11, updated: 1}) // the line clean-v2 changed goes back
    const forced = cli('orders', 'import', path.join(dir, 'gbk.csv'), '--dry-run', '--encoding', 'latin1')
    expect(forced.code).toBe(2)
    expect(forced.stderr).toContain('no header row found')
    const bad = cli('orders', 'import', path.join(dir, 'gbk.csv'), '--encoding', 'klingon')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown encoding "klingon"')
  })

  it('an .xls is refused clearly (exit 2, save it as .xlsx), without a stack trace', () => {
    const r = cli('orders', 'import', corpusFile('AutoFilter.xls'), '--json')
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({code: 'INPUT_XLS', exitCode: 2})
    expect(r.json.error.message).toContain('legacy Excel 97-2003 workbook (.xls)')
    expect(r.json.error.hints[0]).toContain('Save As > Excel Workbook (*.xlsx)')
    const human = cli('orders', 'import', corpusFile('AutoFilter.xls'))
    expect(human.stderr).not.toMatch(/^\s+at /m)
  })

  it('bad flags exit 2', () => {
    expect(cli('orders', 'import', path.join(dir, 'clean.xlsx'), '--fail-on', 'sometimes').code).toBe(2)
    expect(cli('orders', 'import').code).toBe(2)
    const twoFilesOneWorkbook = cli('orders', 'import', path.join(dir, 'clean.xlsx'), path.join(dir, 'bad.xlsx'), '--rejects', 'one.xlsx')
    expect(twoFilesOneWorkbook.code).toBe(2)
    expect(twoFilesOneWorkbook.stderr).toContain('names one workbook')
  })

  it('exit 3 when the ERP item master cannot be read, and the store is left alone', async () => {
    const d = tempDir('plantops-orders-noerp-')
    new Database(path.join(d, 'erp.db')).exec('CREATE TABLE other (x INT)')
    const cfg = writeConfig(d)
    const r = runCli(['orders', 'import', path.join(dir, 'clean.xlsx'), '--config', cfg, '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.code).toBe('SOURCE_NO_TABLE')
    expect(r.json.error.message).toContain('source "erp"')
    const ledger = runCli(['orders', 'imports', '--config', cfg, '--json'])
    expect(ledger.json.imports).toEqual([])
  })

  it('dates do not shift with the time zone of the machine (UTC+14 and UTC-10)', async () => {
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Honolulu']) {
      const d = tempDir('plantops-orders-tz-')
      makeItemMasterSqlite(path.join(d, 'erp.db'))
      const cfg = writeConfig(d)
      await buildQuirksXlsx(path.join(d, 'quirks.xlsx'))
      const r = runCli(['orders', 'import', path.join(d, 'quirks.xlsx'), '--config', cfg, '--json'], {env: {TZ: tz}})
      expect(r.code, r.stderr).toBe(0)
      const store = new Database(path.join(d, 'state.db'), {readonly: true})
      const dates = store.prepare("SELECT due_date FROM orders_lines WHERE order_no LIKE 'SO-Q-%' ORDER BY order_no, line_no").all() as Array<{due_date: string}>
      store.close()
      expect(dates.map((x) => x.due_date), tz).toEqual(QUIRKS_EXPECTED.map((x) => x.due_date))
    }
  })
})
