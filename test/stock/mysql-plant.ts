import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {configSchema} from '../../src/lib/config/schema.js'
import {SourceSet} from '../../src/lib/sources/source-set.js'
import {runStockDiff, type StockDiffOptions} from '../../src/lib/stock/stock-diff.js'
import type {StockVarianceRow} from '../../src/lib/stock/types.js'
import {openStore, type Store} from '../../src/lib/store/store.js'
import {createTestDatabase, mysqlParams} from '../helpers/mysql.js'

/**
 * A small hand-made ERP/WMS pair on the real MariaDB, with one key per behaviour under test. Tables use
 * case-insensitive, PAD SPACE collations (utf8mb4_general_ci), as real replicas do.
 */
export const ERP_DDL = [
  `CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, item_code VARCHAR(40) COLLATE utf8mb4_general_ci, wh VARCHAR(10) COLLATE utf8mb4_general_ci,
    lot_no VARCHAR(20) COLLATE utf8mb4_general_ci NULL, qty DECIMAL(28,10), uom VARCHAR(8))`,
  `CREATE TABLE items (item_code VARCHAR(40) COLLATE utf8mb4_general_ci, uom VARCHAR(8), cls CHAR(1), cat VARCHAR(10), cost DECIMAL(18,4), pack DECIMAL(18,4) NULL)`,
  `CREATE TABLE heartbeat (ts DATETIME)`,
]
export const WMS_DDL = [
  `CREATE TABLE bins (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(40) COLLATE utf8mb4_general_ci, wh VARCHAR(10), lot VARCHAR(20) NULL,
    qty DECIMAL(28,10), uom VARCHAR(8), status VARCHAR(12), loc VARCHAR(20))`,
  `CREATE TABLE xref (wms_sku VARCHAR(40) COLLATE utf8mb4_general_ci, erp_item VARCHAR(40) COLLATE utf8mb4_general_ci)`,
  `CREATE TABLE moves (id INT AUTO_INCREMENT PRIMARY KEY, moved_at DATETIME, type VARCHAR(10), sku VARCHAR(40), wh VARCHAR(10), lot VARCHAR(20) NULL, qty DECIMAL(28,10), uom VARCHAR(8), posted TINYINT)`,
]

type ErpRow = [item: string, wh: string, lot: string | null, qty: string, uom: string]
type WmsRow = [sku: string, wh: string, lot: string | null, qty: string, uom: string, status?: string]

export const ERP_STOCK: ErpRow[] = [
  ['A1', 'WH1', 'L1', '10', 'PCS'], // match: two bins roll up
  ['D1', 'WH1', '', '0.3', 'KG'], // 0.1 + 0.2 = 0.3 exactly
  ['D2', 'WH1', 'L1', '123456789012345678.0000000001', 'KG'], // beyond 2^53, differs in the 10th decimal
  ['D3', 'WH1', 'L1', '9007199254740993.5', 'KG'], // beyond 2^53, equal
  ['T1', 'WH1', 'L1', '100', 'PCS'], // class C 5%: 97 within
  ['T2', 'WH1', 'L1', '100', 'PCS'], // class C 5%: 90 over
  ['T3', 'WH1', 'L1', '50', 'PCS'], // category BULK abs 2: 52 within
  ['O1', 'WH1', 'L1', '5', 'PCS'], // only in ERP
  ['Z1', 'WH1', 'L1', '0', 'PCS'], // zero, no bins: nothing to act on
  ['U1', 'WH1', 'L1', '2.5', 'KG'], // WMS in G: 2500 G = 2.5 KG
  ['P1', 'WH1', 'L1', '3', '箱'], // WMS in PCS, pack 12: 36 PCS
  ['U2', 'WH1', 'L1', '4', 'KG'], // WMS 4000 labelled KG: uom_factor
  ['S1', 'WH1', 'LA', '10', 'PCS'], // lots swapped
  ['S1', 'WH1', 'LB', '20', 'PCS'],
  ['IT1', 'WH1', 'L1', '50', 'PCS'], // 20 shipped, not posted: in_transit
  ['SG1', 'WH1', 'L1', '-8', 'PCS'], // sign
  ['C1', 'WH1', 'L1', '9', 'PCS'], // WMS sku "SKU -C1" (inner space): code_format
  ['N1', 'WH1', 'L1', '4', 'PCS'], // WMS " sku-n1 " (trim + case fold)
  ['N2', 'WH1', 'L1', '6', 'PCS'], // WMS full-width ＳＫＵ－Ｎ２ (NFKC)
  ['NL1', 'WH1', null, '5', 'PCS'], // NULL lot = empty lot
  ['ab1', 'WH1', 'L1', '1', 'PCS'], // case-distinct keys in a _ci table: two keys, not one
  ['AB1', 'WH1', 'L1', '2', 'PCS'],
  ['电机-甲', 'WH1', '批次一', '7', 'PCS'], // Chinese keys
  ['TS1', 'WH1', 'L1', '3', 'PCS'], // WMS sku with trailing space
]

export const WMS_BINS: WmsRow[] = [
  ['SKU-A1', 'RM', 'L1', '4', 'PCS'],
  ['SKU-A1', 'RM', 'L1', '6', 'PCS', 'QC_HOLD'],
  ['SKU-A1', 'RM', 'L1', '100', 'PCS', 'DAMAGED'], // excluded by the status filter
  ['SKU-D1', 'RM', '', '0.1', 'KG'],
  ['SKU-D1', 'RM', '', '0.2', 'KG'],
  ['SKU-D2', 'RM', 'L1', '123456789012345678.0000000002', 'KG'],
  ['SKU-D3', 'RM', 'L1', '9007199254740993.25', 'KG'],
  ['SKU-D3', 'RM', 'L1', '0.25', 'KG'],
  ['SKU-T1', 'RM', 'L1', '97', 'PCS'],
  ['SKU-T2', 'RM', 'L1', '90', 'PCS'],
  ['SKU-T3', 'RM', 'L1', '52', 'PCS'],
  ['SKU-O2', 'RM', 'L9', '7', 'PCS'], // only in WMS
  ['SKU-U1', 'RM', 'L1', '2500', 'G'],
  ['SKU-P1', 'RM', 'L1', '36', 'PCS'],
  ['SKU-U2', 'RM', 'L1', '4000', 'KG'],
  ['SKU-S1', 'RM', 'LA', '20', 'PCS'],
  ['SKU-S1', 'RM', 'LB', '10', 'PCS'],
  ['SKU-IT1', 'RM', 'L1', '30', 'PCS'],
  ['SKU-SG1', 'RM', 'L1', '8', 'PCS'],
  ['SKU -C1', 'RM', 'L1', '9', 'PCS'],
  [' sku-n1 ', 'RM', 'L1', '4', 'PCS'],
  ['ＳＫＵ－Ｎ２', 'RM', 'L1', '6', 'PCS'],
  ['SKU-NL1', 'RM', '', '5', 'PCS'],
  ['SKU-AB1', 'RM', 'L1', '2', 'PCS'],
  ['电机甲', 'RM', '批次一', '7', 'PCS'],
  ['SKU-TS1 ', 'RM', 'L1', '3', 'PCS'],
]

const ITEMS: Array<[string, string, string, string, string, string | null]> = [
  ['T1', 'PCS', 'C', 'PART', '2', null],
  ['T2', 'PCS', 'C', 'PART', '2', null],
  ['T3', 'PCS', 'B', 'BULK', '1', null],
  ['D2', 'KG', 'A', 'RAW', '1', null],
  ['U1', 'KG', 'A', 'RAW', '10', null],
  ['U2', 'KG', 'A', 'RAW', '10', null],
  ['P1', '箱', 'B', 'PART', '60', '12'],
  ['O1', 'PCS', 'A', 'PART', '3.5', null],
  ['IT1', 'PCS', 'A', 'FG', '100', null],
]

export interface TestPlant {
  erpDb: string
  wmsDb: string
  erp: import('mysql2/promise').Connection
  wms: import('mysql2/promise').Connection
  dir: string
  drop(): Promise<void>
}

export async function createTestPlant(): Promise<TestPlant> {
  const e = await createTestDatabase('pt_stock_erp')
  const w = await createTestDatabase('pt_stock_wms')
  for (const sql of ERP_DDL) await e.conn.query(sql)
  for (const sql of WMS_DDL) await w.conn.query(sql)
  await e.conn.query('INSERT INTO stock (item_code, wh, lot_no, qty, uom) VALUES ?', [ERP_STOCK])
  await e.conn.query('INSERT INTO items (item_code, uom, cls, cat, cost, pack) VALUES ?', [ITEMS])
  await e.conn.query('INSERT INTO heartbeat VALUES (NOW())')
  await w.conn.query('INSERT INTO bins (sku, wh, lot, qty, uom, status, loc) VALUES ?', [WMS_BINS.map(([s, wh, l, q, u, st]) => [s, wh, l, q, u, st ?? 'AVAILABLE', 'RM-A01'])])
  const xref = ERP_STOCK.map((r) => r[0])
    .filter((v, i, a) => a.indexOf(v) === i && v !== 'ab1' && v !== '电机-甲')
    .map((item) => [`SKU-${item}`, item])
  xref.push(['SKU-O2', 'O2'], ['电机甲', '电机-甲'])
  await w.conn.query('INSERT INTO xref (wms_sku, erp_item) VALUES ?', [xref])
  await w.conn.query(
    `INSERT INTO moves (moved_at, type, sku, wh, lot, qty, uom, posted) VALUES
      ('2026-11-20 20:00:00', 'SHIP', 'SKU-IT1', 'RM', 'L1', 12, 'PCS', 0),
      ('2026-11-20 09:00:00', 'SHIP', 'SKU-IT1', 'RM', 'L1', 8, 'PCS', 0),
      ('2026-11-19 09:00:00', 'SHIP', 'SKU-IT1', 'RM', 'L1', 5, 'PCS', 0),
      ('2026-11-20 10:00:00', 'SHIP', 'SKU-IT1', 'RM', 'L1', 7, 'PCS', 1),
      ('2026-11-20 11:00:00', 'PICK', 'SKU-IT1', 'RM', 'L1', 3, 'PCS', 0)`,
  )
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-stock-'))
  return {
    erpDb: e.name,
    wmsDb: w.name,
    erp: e.conn,
    wms: w.conn,
    dir,
    async drop() {
      await e.drop()
      await w.drop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

/** The config (plantops.yaml as an object) for the test plant; `patch` edits the stock section. */
export function plantConfig(plant: TestPlant, patch: (stock: Record<string, any>) => void = () => {}, sourceExtra: Record<string, unknown> = {}) {
  const conn = (database: string) => ({host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database})
  const stock: Record<string, any> = {
    erp: {source: 'erp', table: 'stock', columns: {item: 'item_code', warehouse: 'wh', lot: 'lot_no', qty: 'qty', uom: 'uom'}},
    wms: {
      source: 'wms',
      table: 'bins',
      columns: {item: 'sku', warehouse: 'wh', lot: 'lot', qty: 'qty', uom: 'uom', status: 'status', location: 'loc'},
      filters: {status: ['AVAILABLE', 'QC_HOLD']},
      normalize: {trim: true, caseFold: 'upper', fullWidth: true},
    },
    warehouseMap: {RM: 'WH1'},
    itemMap: {source: 'wms', table: 'xref', columns: {wms: 'wms_sku', erp: 'erp_item'}},
    items: {source: 'erp', table: 'items', columns: {item: 'item_code', uom: 'uom', class: 'cls', category: 'cat', unitCost: 'cost', packSize: 'pack'}},
    units: {conversions: [{from: 'KG', to: 'G', factor: 1000}], pack: {uom: '箱', unit: 'PCS'}},
    tolerance: {byClass: {C: {pct: 5}}, byCategory: {BULK: {abs: 2}}},
    inTransit: {
      source: 'wms',
      table: 'moves',
      columns: {item: 'sku', warehouse: 'wh', lot: 'lot', qty: 'qty', uom: 'uom', movedAt: 'moved_at', type: 'type'},
      filters: {posted: [0]},
      types: {SHIP: 'out'},
      windowHours: 24,
      asOf: '2026-11-20T22:00:00',
    },
    partitions: 8,
  }
  patch(stock)
  return configSchema.parse({
    sources: {
      erp: {role: 'erp', client: 'mysql', connection: conn(plant.erpDb), ...sourceExtra},
      wms: {role: 'wms', client: 'mysql', connection: conn(plant.wmsDb)},
    },
    stock,
  })
}

let runSeq = 1000

/** Run the reconciliation through the library, collecting the report rows. */
export async function diff(plant: TestPlant, config: ReturnType<typeof plantConfig>, options: StockDiffOptions = {}, store?: Store) {
  const own = store ?? (await openStore({client: 'sqlite', filename: path.join(plant.dir, `state-${runSeq}.db`)}, plant.dir))
  const sources = new SourceSet(config, plant.dir)
  try {
    const out = await runStockDiff({cfg: config.stock!, baseDir: plant.dir, sources, store: own.knex, runId: ++runSeq, options})
    const rows: StockVarianceRow[] = [...out.rows]
    await out.commit()
    out.close()
    const byKey = new Map(rows.map((r) => [`${r.item}|${r.warehouse}|${r.lot}`, r]))
    return {summary: out.summary, rows, byKey}
  } finally {
    await sources.closeAll()
    if (!store) await own.close()
  }
}
