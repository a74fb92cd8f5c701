import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {countReferences} from '../../src/lib/count/references.js'
import {readPopulation} from '../../src/lib/count/population.js'
import {parseConfigText, type LoadedConfig} from '../../src/lib/config/load.js'
import {SourceSet} from '../../src/lib/sources/source-set.js'
import {tempDir} from '../helpers/cli.js'
import {writeSqlitePlant} from './small-plant.js'

const STOCK_SECTION = `stock:
  erp: {source: erp, table: stock_balance, columns: {item: item_code, warehouse: warehouse_code, lot: lot_no, qty: qty, uom: uom}, normalize: {caseFold: upper, fullWidth: true}}
  wms: {source: wms, table: bin_stock, columns: {item: sku, warehouse: wh_code, lot: lot, qty: qty, uom: uom, location: location_code, status: status}, normalize: {caseFold: upper, fullWidth: true}}
  warehouseMap: {RM: WH01}
  itemMap: {source: wms, table: sku_xref, columns: {wms: wms_sku, erp: erp_item_code}}
  items: {source: erp, table: items, columns: {item: item_code, uom: uom, class: abc_class}}
  units: {itemUnits: {source: erp, table: item_uoms, columns: {item: item_code, uom: uom, factor: factor}}}
`

describe('reading the population (SQLite replicas)', () => {
  let dir: string
  let loaded: LoadedConfig
  let withStock: LoadedConfig
  const sets: SourceSet[] = []
  const read = async (cfg: LoadedConfig, scope = {}, over: Partial<NonNullable<LoadedConfig['config']['count']>> = {}) => {
    const set = new SourceSet(cfg.config, cfg.dir)
    sets.push(set)
    return readPopulation(set, {...cfg.config.count!, ...over}, scope, {stock: cfg.config.stock, baseDir: cfg.dir})
  }

  beforeAll(async () => {
    dir = tempDir('pt-count-pop-')
    await writeSqlitePlant(dir)
    const file = path.join(dir, 'plantops.yaml')
    const text = readFileSync(file, 'utf8')
    loaded = parseConfigText(text, file)
    writeFileSync(path.join(dir, 'with-stock.yaml'), text + STOCK_SECTION)
    withStock = parseConfigText(text + STOCK_SECTION, path.join(dir, 'with-stock.yaml'))
  })
  afterAll(async () => {
    for (const s of sets) await s.closeAll()
  })

  it('maps WMS lines to ERP items, warehouses and units, and leaves excluded statuses out', async () => {
    const pop = await read(loaded)
    expect(pop.lines).toHaveLength(36)
    expect(pop.mapping.origin).toBe('count.mapping')
    const g = pop.lines.find((l) => l.sku === 'S10001')!
    expect([g.item, g.erpWarehouse, g.unit, g.erpUnit, g.factor?.toString(), g.abcClass]).toEqual(['RM-10001', 'WH01', 'G', 'KG', '0.001', 'A'])
    const box = pop.lines.find((l) => l.sku === 'S10009')!
    expect([box.unit, box.erpUnit, box.factor?.toString(), box.abcClass]).toEqual(['PCS', '箱', '0.02', 'C'])
    // ERP per key: the three bins of RM-10001 (no lot) total 2+14+26 kg in WMS
    expect(g.wmsKeyQty?.toString()).toBe('42')
    expect(pop.lines.some((l) => l.wmsQty.toString() === '99')).toBe(false)
  })

  it('uses the stock section\'s mappings when there is one, with the same result', async () => {
    const own = await read(loaded)
    const pop = await read(withStock)
    expect(pop.mapping.origin).toBe('stock')
    const key = (l: (typeof own.lines)[number]) => [l.key, l.item, l.erpWarehouse, l.erpUnit, l.factor?.toString(), l.erpKeyQty?.toString(), l.wmsKeyQty?.toString()].join('|')
    expect(pop.lines.map(key).sort()).toEqual(own.lines.map(key).sort())
  })

  it('scopes by zone, class and warehouse (either system\'s code)', async () => {
    expect((await read(loaded, {zone: 'b'})).lines).toHaveLength(18)
    expect((await read(loaded, {class: 'A'})).lines).toHaveLength(9)
    expect((await read(loaded, {warehouse: 'WH01'})).lines).toHaveLength(36)
    expect((await read(loaded, {warehouse: 'FG'})).lines).toHaveLength(0)
  })

  it('computes ABC classes from annual usage value when configured', async () => {
    const pop = await read(loaded, {}, {classes: {from: 'usage-value', cutoffs: {A: 0.5, B: 0.8}, fallback: 'C'}})
    // usage × cost: item i has (1000 − 50i) × 3i, largest for i = 10..12; classes follow value, not the column
    const cls = Object.fromEntries(pop.lines.map((l) => [l.item, l.abcClass]))
    expect(cls['RM-10010']).toBe('A')
    expect(cls['RM-10001']).toBe('C')
  })

  it('lists every table and column it reads for the schema-drift audit', () => {
    const refs = countReferences(loaded.config.count)
    expect(refs.map((r) => `${r.source}.${r.table}`)).toEqual(['wms.bin_stock', 'wms.locations', 'wms.movements', 'erp.items', 'erp.stock_balance', 'erp.item_uoms', 'wms.sku_xref'])
    expect(refs[2].columns.filter((c) => c.keyed).map((c) => c.column)).toEqual(['moved_at', 'location_code'])
    expect(countReferences(undefined)).toEqual([])
  })
})
