import path from 'node:path'

import ExcelJS from 'exceljs'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {buildBadRowsXlsx, buildCleanXlsx, buildQuirksXlsx, cleanLines, FIXTURE_ITEMS, QUIRKS_EXPECTED} from './fixture-builder.js'
import {ORDERS_SECTION, writeConfig} from './helpers.js'

describeMysql('orders import against a real MariaDB item master', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let dir: string
  let config: string
  const cli = (...args: string[]) => runCli([...args, '--config', config])

  beforeAll(async () => {
    db = await createTestDatabase('pt_orders')
    // utf8mb4_general_ci like most ERPs: codes compare case-insensitively on the server
    await db.conn.query('CREATE TABLE items (item_code VARCHAR(32) PRIMARY KEY, name VARCHAR(200), uom VARCHAR(8)) COLLATE utf8mb4_general_ci')
    await db.conn.query('CREATE TABLE item_uoms (item_code VARCHAR(32), uom VARCHAR(8), factor DECIMAL(18,6), PRIMARY KEY (item_code, uom)) COLLATE utf8mb4_general_ci')
    await db.conn.query('INSERT INTO items VALUES ?', [FIXTURE_ITEMS.map((i) => [i.code, `物料 ${i.code}`, i.uom])])
    await db.conn.query('INSERT INTO item_uoms VALUES ?', [FIXTURE_ITEMS.flatMap((i) => i.alts.map((u) => [i.code, u, 1]))])
    dir = tempDir('plantops-orders-mysql-')
    config = writeConfig(dir, {
      erp: {role: 'erp', client: 'mysql', connection: {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: '${PT_TEST_PW:-}', database: db.name}},
      orders: {...ORDERS_SECTION, itemMaster: {...ORDERS_SECTION.itemMaster, batchSize: 2}},
    })
    await buildQuirksXlsx(path.join(dir, 'quirks.xlsx'))
    await buildBadRowsXlsx(path.join(dir, 'bad.xlsx'))
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('订单')
    ws.addRow(['订单编号', '行号', '物料编码', '数量', '单位', '订单状态'])
    ws.addRow(['SO-M-1', 1, 'fg-10004', 2, 'pcs', '已付款'])
    ws.addRow(['SO-M-1', 2, ' FG-10015 ', 1, '箱', '已付款'])
    await wb.xlsx.writeFile(path.join(dir, 'case.xlsx'))
  })

  afterAll(async () => {
    await db?.conn.query(`DROP DATABASE IF EXISTS \`${db.name}_store\``)
    await db?.drop()
  })

  it('validates SKUs and units in batches (batchSize 2 → IN lists of 2), never row by row', () => {
    const r = cli('orders', 'import', path.join(dir, 'bad.xlsx'), '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({rowsRead: 7, imported: 2, rejected: 5})
    // 6 distinct SKUs (FG-10004, FG-10005, ABC-9, FG-10010, FG-10022, FG-10026) → 3 item queries + 3 unit queries
    expect(r.json.itemMaster).toEqual({source: 'erp', table: 'items', queries: 6})
    const runs = cli('runs', 'list', '--job', 'orders-import', '--json')
    expect(runs.json.runs[0].rowsRead.erp).toBe(5 + 5) // 5 items found, 5 unit rows for them
  })

  it('imports the quirks workbook with the same values as with SQLite', () => {
    const r = cli('orders', 'import', path.join(dir, 'quirks.xlsx'), '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({imported: QUIRKS_EXPECTED.length, skipped: 1, rejected: 1})
  })

  it("stores the ERP's spelling of codes and units matched case-insensitively", async () => {
    const r = cli('orders', 'import', path.join(dir, 'case.xlsx'), '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({imported: 2, rejected: 0})
    const Database = (await import('better-sqlite3')).default
    const store = new Database(path.join(dir, 'state.db'), {readonly: true})
    const rows = store.prepare("SELECT line_no, sku, uom FROM orders_lines WHERE order_no = 'SO-M-1' ORDER BY line_no").all()
    store.close()
    expect(rows).toEqual([
      {line_no: '1', sku: 'FG-10004', uom: 'PCS'},
      {line_no: '2', sku: 'FG-10015', uom: '箱'},
    ])
  })

  it('with the store on MariaDB too: upsert, change records and ledger in one knex transaction', async () => {
    // lib level with only this area's migration: the whole store's migrations are other areas' business
    const {default: knexFactory} = await import('knex')
    const {default: migrations} = await import('../../src/lib/store/migrations/0003_orders.js')
    const {loadConfig} = await import('../../src/lib/config/load.js')
    const {SourceSet} = await import('../../src/lib/sources/source-set.js')
    const {importOrders} = await import('../../src/lib/orders/import-orders.js')
    const {listImports} = await import('../../src/lib/orders/ledger.js')
    await db.conn.query(`CREATE DATABASE \`${db.name}_store\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
    const knex = knexFactory({client: 'mysql2', connection: {...mysqlParams, database: `${db.name}_store`, charset: 'utf8mb4'}, pool: {min: 0, max: 4}})
    const loaded = loadConfig({configPath: config})
    const sources = new SourceSet(loaded.config, dir)
    try {
      for (const m of migrations) await m.up(knex)
      const d = tempDir('plantops-orders-mysql-store-')
      await buildCleanXlsx(path.join(d, 'clean.xlsx'))
      const changed = cleanLines()
      changed[2].qty = '7'
      await buildCleanXlsx(path.join(d, 'clean-v2.xlsx'), changed)
      const run = (f: string) => importOrders({files: [path.join(d, f)], config: loaded.config, configDir: dir, store: knex, sources, dryRun: false})
      expect((await run('clean.xlsx')).totals).toMatchObject({imported: 12, unchanged: 0})
      expect((await run('clean.xlsx')).totals).toMatchObject({imported: 0, unchanged: 12})
      expect((await run('clean-v2.xlsx')).files[0]).toMatchObject({updated: 1, unchanged: 11, changes: 1})
      const changes = await knex('orders_changes').select('order_no', 'line_no', 'field', 'old_value', 'new_value')
      expect(changes).toEqual([{order_no: 'SO-20261121-001', line_no: '3', field: 'qty', old_value: '31', new_value: '7'}])
      const ledger = await listImports(knex, {limit: 10})
      expect(ledger.map((i) => [i.imported, i.unchanged, i.updated])).toEqual([
        [0, 11, 1],
        [0, 12, 0],
        [12, 0, 0],
      ])
      // a failure inside the file's transaction leaves nothing behind
      await knex.raw("CREATE TRIGGER fail_tx BEFORE INSERT ON orders_lines FOR EACH ROW BEGIN IF NEW.order_no = 'TXM-2' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated'; END IF; END")
      await buildCleanXlsx(path.join(d, 'tx.xlsx'), cleanLines().map((l, i) => ({...l, order_no: `TXM-${i}`})))
      await expect(run('tx.xlsx')).rejects.toThrow(/simulated/)
      expect(await knex('orders_lines').where('order_no', 'like', 'TXM-%').count({n: '*'})).toEqual([{n: 0}])
      expect(await listImports(knex, {limit: 10})).toHaveLength(3)
    } finally {
      await sources.closeAll()
      await knex.destroy()
    }
  })
})
