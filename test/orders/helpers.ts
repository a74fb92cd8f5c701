import {writeFileSync} from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import {stringify} from 'yaml'

import {FIXTURE_ITEMS} from './fixture-builder.js'

/** An ERP item master (items + item_uoms) as a SQLite file, like the demo plant's erp.db. */
export function makeItemMasterSqlite(file: string): void {
  const db = new Database(file)
  db.exec('CREATE TABLE items (item_code VARCHAR(32) PRIMARY KEY, name TEXT, uom VARCHAR(8))')
  db.exec('CREATE TABLE item_uoms (item_code VARCHAR(32), uom VARCHAR(8), factor DECIMAL(18,6), PRIMARY KEY (item_code, uom))')
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?)')
  const alt = db.prepare('INSERT INTO item_uoms VALUES (?, ?, 1)')
  for (const i of FIXTURE_ITEMS) {
    ins.run(i.code, `物料 ${i.code}`, i.uom)
    for (const u of i.alts) alt.run(i.code, u)
  }
  db.close()
}

export const ORDERS_SECTION = {
  trigger: {field: 'status', in: ['已付款', 'paid']},
  itemMaster: {source: 'erp', table: 'items', skuColumn: 'item_code', uomColumn: 'uom', uoms: {table: 'item_uoms'}},
}

/** A plantops.yaml in `dir` with an ERP source (SQLite erp.db in dir unless given) and the orders section. */
export function writeConfig(dir: string, opts: {erp?: Record<string, unknown>; orders?: Record<string, unknown>} = {}): string {
  const file = path.join(dir, 'plantops.yaml')
  const cfg = {
    sources: {erp: opts.erp ?? {role: 'erp', client: 'sqlite', connection: {filename: './erp.db'}}},
    store: {client: 'sqlite', filename: './state.db'},
    orders: opts.orders ?? ORDERS_SECTION,
  }
  writeFileSync(file, `# test config\n${stringify(cfg)}`)
  return file
}
