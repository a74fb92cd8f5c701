import {writeFileSync} from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import {beforeAll, describe, expect, it} from 'vitest'

import {countConfigDeprecations, erpReads} from '../../src/lib/count/erp-reads.js'
import {countReferences} from '../../src/lib/count/references.js'
import {parseConfigText} from '../../src/lib/config/load.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {fillSheets} from './fill-sheets.js'
import {countSectionYaml, writeSqlitePlant, type SmallPlant} from './small-plant.js'

const SOURCES = `sources:
  erp: {role: erp, client: sqlite, connection: {filename: erp.db}}
  wms: {role: wms, client: sqlite, connection: {filename: wms.db}}
`

/** The stock section of the small plant; the ERP balances live in a table the count's old defaults do not name. */
const STOCK = `stock:
  erp: {source: erp, table: inv_balance, columns: {item: item_code, warehouse: warehouse_code, lot: lot_no, qty: qty, uom: uom}}
  wms: {source: wms, table: bin_stock, columns: {item: sku, warehouse: wh_code, lot: lot, qty: qty, uom: uom, location: location_code, status: status}}
  warehouseMap: {RM: WH01}
  itemMap: {source: wms, table: sku_xref, columns: {wms: wms_sku, erp: erp_item_code}}
  items: {source: erp, table: items, columns: {item: item_code, uom: uom, class: abc_class, annualUsage: annual_usage_qty}}
  units: {itemUnits: {source: erp, table: item_uoms, columns: {item: item_code, uom: uom, factor: factor}}}
`

/** Only what a count adds to the stock section: nothing about balances, items, units or code maps. */
const COUNT = `count:
  wms:
    source: wms
    stock: {excludeStatuses: [DAMAGED]}
    locations: {}
    movements: {columns: {erpPosted: erp_posted}}
  tolerancePct: {A: 0, B: 2, C: 5}
`
/** The same count with the deprecated count.erp.items (item facts restated). */
const COUNT_OLD_ITEMS = COUNT.replace('  tolerancePct', '  erp:\n    source: erp\n    items: {columns: {abcClass: abc_class, annualUsage: annual_usage_qty}}\n  tolerancePct')

describe('count reads the ERP through the stock section (fromStock)', () => {
  it('resolves balances from stock.erp (table or SELECT, filters), and from count.erp.stock only without a stock section', () => {
    const withStock = parseConfigText(SOURCES + STOCK + COUNT, '/tmp/plantops.yaml', {})
    const r = erpReads(withStock.config.count!, withStock.config.stock)!
    expect(r.balances).toMatchObject({source: 'erp', table: 'inv_balance', configPath: 'stock.erp', columns: {item: 'item_code', warehouse: 'warehouse_code', lot: 'lot_no', qty: 'qty'}})
    expect(r.units).toBeNull()
    expect(r.items).toMatchObject({configPath: 'stock.items', table: 'items', columns: {item: 'item_code', unit: 'uom', abcClass: 'abc_class', annualUsage: 'annual_usage_qty', description: null}})
    expect(withStock.warnings).toEqual([])
    // the old key is still read, with a warning naming stock.items
    const oldItems = parseConfigText(SOURCES + STOCK + COUNT_OLD_ITEMS, '/tmp/plantops.yaml', {})
    expect(erpReads(oldItems.config.count!, oldItems.config.stock)?.items).toMatchObject({configPath: 'count.erp.items', table: 'items'})
    expect(oldItems.warnings).toEqual([
      'count.erp.items is deprecated: define the item facts (columns description, uom, unitCost, class, annualUsage) once in stock.items; until then count.erp.items is still read instead of stock.items',
    ])
    const legacy = parseConfigText(SOURCES + countSectionYaml(), '/tmp/plantops.yaml', {})
    expect(erpReads(legacy.config.count!, undefined)?.balances).toMatchObject({table: 'stock_balance', configPath: 'count.erp.stock'})
    // the schema-drift audit: through the stock section, the count names only its own tables (stock lists the rest)
    expect(countReferences(withStock.config.count, withStock.config).map((r) => `${r.source}.${r.table}`)).toEqual(['wms.bin_stock', 'wms.locations', 'wms.movements'])
    expect(countReferences(oldItems.config.count, oldItems.config).map((r) => `${r.source}.${r.table}`)).toEqual(['wms.bin_stock', 'wms.locations', 'wms.movements', 'erp.items'])
  })

  it('old keys keep working with a warning naming the replacement (ignored when a stock section is used)', () => {
    const legacy = parseConfigText(SOURCES + countSectionYaml(), '/tmp/plantops.yaml', {})
    expect(legacy.warnings).toEqual([
      'count.erp.items is deprecated: define the item facts (columns description, uom, unitCost, class, annualUsage) once in stock.items (the count reads it from there when plantops.yaml has a stock section)',
      'count.erp.units is deprecated: define the per-item unit factors once in stock.units.itemUnits (the count reads it from there when plantops.yaml has a stock section)',
      'count.mapping.items is deprecated: define the item cross-reference once in stock.itemMap (the count reads it from there when plantops.yaml has a stock section)',
      'count.mapping.warehouses is deprecated: define the warehouse map once in stock.warehouseMap (the count reads it from there when plantops.yaml has a stock section)',
    ])
    expect(countConfigDeprecations({erp: {source: 'erp', stock: {table: 'x'}}}, true)).toEqual(['count.erp.stock is deprecated and ignored: the count reads the ERP balances through stock.erp (remove count.erp.stock)'])
    expect(countConfigDeprecations({erp: {source: 'erp', stock: {table: 'x'}}, mapping: {fromStock: false}}, true)[0]).toMatch(/^count\.erp\.stock is deprecated: define/)
  })

  describe('end to end (built CLI) on a plant whose ERP balances table only the stock section names', () => {
    let dir: string
    let plant: SmallPlant
    beforeAll(async () => {
      dir = tempDir('pt-count-fromstock-')
      plant = await writeSqlitePlant(dir)
      const erp = new Database(path.join(dir, 'erp.db'))
      erp.exec('ALTER TABLE stock_balance RENAME TO inv_balance')
      erp.close()
      writeFileSync(path.join(dir, 'plantops.yaml'), SOURCES + STOCK + COUNT)
    })

    it('samples, records and reports counted vs ERP with the balances of stock.erp, no warning', async () => {
      const cli = (args: string[]) => runCli(args, {cwd: dir})
      const s = cli(['count', 'sample', '--size', '36', '--seed', '3', '--output', 'sheets.xlsx', '--json'])
      expect(s.code, s.stderr).toBe(0)
      expect(s.stderr).not.toMatch(/deprecated/)
      await fillSheets(path.join(dir, 'sheets.xlsx'), path.join(dir, 'filled.xlsx'), {
        count: (r) => ({counted: plant.bins.find((b) => b.location === r.location && (b.item === r.item || b.sku === r.item) && b.lot === r.lot && b.status !== 'DAMAGED')!.qty}),
      })
      const rec = cli(['count', 'record', '1', 'filled.xlsx', '--json'])
      expect(rec.code, rec.stdout + rec.stderr).toBe(0)
      const rep = cli(['count', 'report', '1', '--json'])
      expect(rep.code, rep.stderr).toBe(0)
      const lines = rep.json.lines as Array<{item: string; lot: string; erpStatus: string; wmsStatus: string}>
      expect(lines).toHaveLength(36)
      expect(lines.every((l) => l.wmsStatus === 'match')).toBe(true)
      // the two ERP keys seeded off (+7, −3) are over tolerance on every line of those keys; the others compare
      const off = new Set([plant.erp[1], plant.erp[4]].map((e) => `${e.item}|${e.lot ?? ''}`))
      for (const l of lines) expect(l.erpStatus, `${l.item}|${l.lot}`).toBe(off.has(`${l.item}|${l.lot}`) ? 'over_tolerance' : 'match')
    })
  })
})
