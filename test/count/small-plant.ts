/**
 * A small, fully known plant for count tests: ERP (items, item_uoms, stock_balance) and WMS (sku_xref, locations,
 * bin_stock, movements) in the demo plant's shape, written to SQLite files or a MariaDB database.
 * Every quantity is known to the test (`bins`), so filled sheets can be generated with exact counts.
 */
import path from 'node:path'

export interface Bin {
  location: string
  zone: string
  wh: string
  sku: string
  item: string
  lot: string | null
  qty: string
  uom: string
  status: string
}

export interface SmallPlant {
  bins: Bin[]
  items: Array<{code: string; cls: 'A' | 'B' | 'C'; uom: string; cost: string; usage: string}>
  erp: Array<{item: string; wh: string; lot: string | null; qty: string}>
  erpSql: string[]
  wmsSql: string[]
}

const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`)

/** `bigQty`: every unit PCS and every quantity ≥ 900000 with a decimal part, so a leaked system quantity is easy to spot. */
export function smallPlant(opts: {bigQty?: boolean} = {}): SmallPlant {
  const items: SmallPlant['items'] = []
  for (let i = 1; i <= 12; i++) {
    const cls = i <= 3 ? 'A' : i <= 7 ? 'B' : 'C'
    const uom = opts.bigQty ? 'PCS' : i === 1 ? 'KG' : i === 9 ? '箱' : 'PCS'
    items.push({code: `RM-${10000 + i}`, cls, uom, cost: String(i * 3), usage: String(1000 - i * 50)})
  }
  const bins: Bin[] = []
  for (let b = 0; b < 36; b++) {
    const it = items[b % 12]
    const zone = b < 18 ? 'A' : 'B'
    const location = `RM-${zone}${String(Math.floor((b % 18) / 2) + 1).padStart(2, '0')}-0${(b % 2) + 1}`
    const wmsUom = it.uom === 'KG' ? 'G' : it.uom === '箱' ? 'PCS' : 'PCS'
    const qty = opts.bigQty ? `${900000 + b * 1000}.25` : it.uom === 'KG' ? String(1000 * (b + 2)) : it.uom === '箱' ? String(50 * (b + 1)) : String(10 + b)
    bins.push({location, zone, wh: 'RM', sku: `S${10000 + (b % 12) + 1}`, item: it.code, lot: b % 3 === 0 ? null : `L${b % 3}`, qty, uom: opts.bigQty ? 'PCS' : wmsUom, status: 'AVAILABLE'})
  }
  // a damaged bin the population leaves out
  bins.push({location: 'RM-A01-01', zone: 'A', wh: 'RM', sku: 'S10005', item: 'RM-10005', lot: 'LX', qty: '99', uom: 'PCS', status: 'DAMAGED'})
  // ERP balances: the WMS total per item × warehouse × lot, converted to the ERP unit; two keys off on purpose
  const erpMap = new Map<string, {item: string; wh: string; lot: string | null; qty: number}>()
  for (const b of bins) {
    if (b.status === 'DAMAGED') continue
    const it = items.find((i) => i.code === b.item)!
    const factor = opts.bigQty ? 1 : it.uom === 'KG' ? 0.001 : it.uom === '箱' ? 0.02 : 1
    const k = `${b.item}|${b.lot ?? ''}`
    const e = erpMap.get(k) ?? {item: b.item, wh: 'WH01', lot: b.lot, qty: 0}
    e.qty += Number(b.qty) * factor
    erpMap.set(k, e)
  }
  const erp = [...erpMap.values()].map((e) => ({...e, qty: opts.bigQty ? e.qty.toFixed(2) : String(Math.round(e.qty * 1000) / 1000)}))
  erp[1].qty = String(Number(erp[1].qty) + 7) // ERP says 7 more than WMS
  erp[4].qty = String(Number(erp[4].qty) - 3)
  const erpSql = [
    'CREATE TABLE items (item_code VARCHAR(32) PRIMARY KEY, name VARCHAR(200), uom VARCHAR(8), abc_class CHAR(1), unit_cost DECIMAL(18,4), annual_usage_qty DECIMAL(18,4))',
    'CREATE TABLE item_uoms (item_code VARCHAR(32), uom VARCHAR(8), factor DECIMAL(18,6), PRIMARY KEY (item_code, uom))',
    'CREATE TABLE stock_balance (id INT PRIMARY KEY, item_code VARCHAR(32), warehouse_code VARCHAR(16), lot_no VARCHAR(32) NULL, qty DECIMAL(18,4), uom VARCHAR(8))',
    `INSERT INTO items VALUES ${items.map((i) => `(${q(i.code)}, ${q(`物料 ${i.code}`)}, ${q(i.uom)}, ${q(i.cls)}, ${i.cost}, ${i.usage})`).join(', ')}`,
    "INSERT INTO item_uoms VALUES ('RM-10001', 'G', 0.001), ('RM-10009', 'PCS', 0.02)",
    `INSERT INTO stock_balance VALUES ${erp.map((e, i) => `(${i + 1}, ${q(e.item)}, ${q(e.wh)}, ${q(e.lot)}, ${e.qty}, ${q(items.find((x) => x.code === e.item)!.uom)})`).join(', ')}`,
  ]
  const locations = [...new Map(bins.map((b) => [b.location, b])).values()]
  const wmsSql = [
    'CREATE TABLE sku_xref (wms_sku VARCHAR(32) PRIMARY KEY, erp_item_code VARCHAR(32))',
    'CREATE TABLE locations (location_code VARCHAR(32) PRIMARY KEY, wh_code VARCHAR(8), zone VARCHAR(16), aisle VARCHAR(8), last_counted_at DATE NULL)',
    'CREATE TABLE bin_stock (id INT PRIMARY KEY, location_code VARCHAR(32), wh_code VARCHAR(8), sku VARCHAR(32), lot VARCHAR(32) NULL, qty DECIMAL(18,4), uom VARCHAR(8), status VARCHAR(16))',
    'CREATE TABLE movements (id INT PRIMARY KEY, moved_at DATETIME, type VARCHAR(16), sku VARCHAR(32), wh_code VARCHAR(8), location_code VARCHAR(32), lot VARCHAR(32) NULL, qty DECIMAL(18,4), uom VARCHAR(8), erp_posted TINYINT, ref VARCHAR(32))',
    `INSERT INTO sku_xref VALUES ${items.map((i) => `('S${i.code.slice(3)}', ${q(i.code)})`).join(', ')}`,
    `INSERT INTO locations VALUES ${locations.map((b) => `(${q(b.location)}, 'RM', ${q(b.zone)}, ${q(b.location.slice(3, 6))}, NULL)`).join(', ')}`,
    `INSERT INTO bin_stock VALUES ${bins.map((b, i) => `(${i + 1}, ${q(b.location)}, ${q(b.wh)}, ${q(b.sku)}, ${q(b.lot)}, ${b.qty}, ${q(b.uom)}, ${q(b.status)})`).join(', ')}`,
    "INSERT INTO movements VALUES (1, '2020-01-01 00:00:00', 'RECEIVE', 'S10001', 'RM', 'RM-A01-01', NULL, 5, 'G', 1, 'OLD')",
  ]
  return {bins, items, erp, erpSql, wmsSql}
}

export function countSectionYaml(): string {
  return `count:
  wms:
    source: wms
    stock: {excludeStatuses: [DAMAGED]}
    locations: {}
    movements: {columns: {erpPosted: erp_posted}}
  erp:
    source: erp
    items: {columns: {abcClass: abc_class, annualUsage: annual_usage_qty}}
    units: {table: item_uoms}
  mapping:
    items: {source: wms, table: sku_xref, columns: {wms: wms_sku, erp: erp_item_code}}
    warehouses: {RM: WH01}
  tolerancePct: {A: 0, B: 2, C: 5}
`
}

/** Write erp.db, wms.db and plantops.yaml into dir. */
export async function writeSqlitePlant(dir: string, opts: {bigQty?: boolean} = {}): Promise<SmallPlant> {
  const {default: Database} = await import('better-sqlite3')
  const plant = smallPlant(opts)
  for (const [name, sql] of [['erp.db', plant.erpSql], ['wms.db', plant.wmsSql]] as const) {
    const db = new Database(path.join(dir, name))
    for (const s of sql) db.exec(s)
    db.close()
  }
  const {writeFileSync} = await import('node:fs')
  writeFileSync(
    path.join(dir, 'plantops.yaml'),
    `sources:
  erp: {role: erp, client: sqlite, connection: {filename: erp.db}}
  wms: {role: wms, client: sqlite, connection: {filename: wms.db}}
${countSectionYaml()}`,
  )
  return plant
}
