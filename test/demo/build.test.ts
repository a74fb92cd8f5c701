import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {UsageError} from '../../src/lib/cli/errors.js'
import {buildDemoPlant, DISCREPANCY_KINDS, type DemoPlant, demoSourcesConfig, MANIFEST_FILE} from '../../src/lib/demo/index.js'
import {floatTrap, malformSku} from '../../src/lib/demo/generate.js'
import {Rng} from '../../src/lib/demo/prng.js'
import {createTableSql, insertPrefix, rowLiteral, tableSpec} from '../../src/lib/demo/schema.js'
import {checkPlant, countRows, normaliseSku, plantChecksum, withPlantDbs} from './plant-check.js'

const tmpDirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'plantops-'))
  tmpDirs.push(d)
  return d
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, {recursive: true, force: true})
})

describe('demo plant on SQLite (default size)', () => {
  let plant: DemoPlant
  let dir: string

  beforeAll(async () => {
    dir = tmp()
    plant = await buildDemoPlant({dir})
    process.stderr.write(`[demo] default plant on SQLite built in ${plant.elapsedMs} ms\n`)
  }, 60_000)

  it('builds quickly with the configured sizes', async () => {
    expect(plant.elapsedMs).toBeLessThan(10_000)
    const c = plant.counts
    expect(c['erp.stock_balance']).toBe(20_000)
    expect(c['erp.items']).toBe(4000)
    expect(c['wms.sku_xref']).toBe(4000)
    expect(c['erp.warehouses']).toBe(4)
    expect(c['wms.bin_stock']).toBeGreaterThan(27_000)
    expect(c['wms.bin_stock']).toBeLessThan(33_000)
    expect(c['erp.stock_balance'] + c['wms.bin_stock']).toBeGreaterThan(47_000)
    expect(c['wms.movements']).toBeGreaterThan(1700)
    expect(c['wms.movements']).toBeLessThan(2400)
    // 1,500 make-to-stock work orders plus the ones linked to the sales order lines (reconcile-plant.ts)
    expect(c['mes.work_orders']).toBeGreaterThan(1500 + c['erp.sales_order_lines'] * 0.8)
    expect(c['erp.sales_order_lines']).toBeGreaterThan(400)
    expect(c['mes.material_issues']).toBeGreaterThan(0)
    expect(c['erp.customers']).toBeGreaterThan(0)
    await withPlantDbs(plant, async (dbs) => {
      expect(await countRows(dbs)).toEqual(plant.counts)
    })
  })

  it('writes the databases and the manifest into the directory', () => {
    expect(readdirSync(dir).sort()).toEqual(['demo-manifest.json', 'erp.db', 'mes.db', 'wms.db'])
    expect(plant.manifestPath).toBe(path.join(dir, MANIFEST_FILE))
    expect(JSON.parse(readFileSync(plant.manifestPath!, 'utf8'))).toEqual(plant.manifest)
    expect(plant.systems.erp).toEqual({system: 'erp', client: 'sqlite', filename: path.join(dir, 'erp.db')})
  })

  it('seeds 20-40 discrepancies of every kind', () => {
    const m = plant.manifest
    for (const kind of DISCREPANCY_KINDS) {
      const n = m.entries.filter((e) => e.kind === kind).length
      expect(n, kind).toBe(m.countsByKind[kind])
      expect(n, kind).toBeGreaterThanOrEqual(20)
      expect(n, kind).toBeLessThanOrEqual(40)
    }
    expect(m.warehouseMap).toEqual({WH01: 'RM', WH02: 'SF', WH03: 'FG', WH04: 'SP'})
    expect(m.inTransit).toEqual({movementType: 'SHIP', erpPosted: 0, windowHours: 24, from: '2026-11-19 22:00:00', to: '2026-11-20 22:00:00'})
    expect(m.unitConversions.map((u) => `${u.wmsUom}>${u.erpUom}`)).toEqual(['G>KG', 'MM>M', 'PCS>箱'])
    const fmts = new Set(m.entries.filter((e) => e.kind === 'code_format').map((e) => e.note.replace(/^.*\((.*)\).*$/, '$1')))
    expect(fmts.size).toBeGreaterThanOrEqual(4)
  })

  it('is consistent outside the manifest and exactly as the manifest says inside it (decimal.js roll-up)', async () => {
    const result = await withPlantDbs(plant, (dbs) => checkPlant(dbs, plant.manifest))
    expect(result.problems.slice(0, 20)).toEqual([])
    expect(result.erpKeys).toBe(20_000)
    expect(result.checkedConsistentKeys).toBeGreaterThan(19_000)
  })

  it('stores quantities as exact decimals and names in Chinese and English', async () => {
    await withPlantDbs(plant, async ({erp, wms}) => {
      const cols = await erp.raw(`SELECT name, type FROM pragma_table_info('stock_balance')`)
      expect(cols.find((c: {name: string}) => c.name === 'qty').type).toBe('DECIMAL(18,4)')
      const idx = await wms.raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bin_stock' ORDER BY name`)
      expect(idx.map((r: {name: string}) => r.name)).toEqual(['idx_bin_stock_key', 'idx_bin_stock_location'])
      const item = await erp('items').where('item_code', 'like', 'RM-%').whereRaw("uom = 'KG'").first()
      expect(item.name).toMatch(/[\u4e00-\u9fff]/)
      expect(item.name_en).toMatch(/^[\x20-\x7e×Φ²μ]+$/)
      const cats = (await erp('items').distinct('category')).map((r: {category: string}) => r.category).sort()
      expect(cats).toEqual(['半成品', '原材料', '备件', '成品'].sort())
      const decimals = await erp('stock_balance').whereRaw('qty <> CAST(qty AS INTEGER)').count({n: '*'})
      expect(Number(decimals[0].n)).toBeGreaterThan(100)
    })
  })

  it('gives the sources section for plantops.yaml', () => {
    expect(demoSourcesConfig(plant)).toEqual({
      erp: {role: 'erp', client: 'sqlite', connection: {filename: './erp.db'}},
      wms: {role: 'wms', client: 'sqlite', connection: {filename: './wms.db'}},
      mes: {role: 'mes', client: 'sqlite', connection: {filename: './mes.db'}},
    })
  })
})

describe('determinism', () => {
  it('same seed gives identical data, another seed differs, and a rebuild replaces the plant', async () => {
    const d1 = tmp()
    const d2 = tmp()
    const a = await buildDemoPlant({dir: d1, stockRows: 3000, seed: 7})
    const b = await buildDemoPlant({dir: d2, stockRows: 3000, seed: 7})
    const sumA = await withPlantDbs(a, plantChecksum)
    const sumB = await withPlantDbs(b, plantChecksum)
    expect(sumB).toEqual(sumA)
    expect(b.manifest).toEqual(a.manifest)
    expect(b.counts).toEqual(a.counts)
    expect(a.counts['erp.stock_balance']).toBe(3000)

    // rebuild into d2 with another seed: old files replaced, nothing left over
    writeFileSync(path.join(d2, 'plantops.yaml'), 'sources: {}\n')
    const c = await buildDemoPlant({dir: d2, stockRows: 3000, seed: 8})
    const sumC = await withPlantDbs(c, plantChecksum)
    expect(sumC.all).not.toBe(sumA.all)
    for (const [table, h] of Object.entries(sumC.perTable)) if (table !== 'erp.warehouses') expect(h, table).not.toBe(sumA.perTable[table])
    expect(c.manifest.entries).not.toEqual(a.manifest.entries)
    expect(readdirSync(d2).sort()).toEqual(['demo-manifest.json', 'erp.db', 'mes.db', 'plantops.yaml', 'wms.db'])
    expect((await withPlantDbs(c, (dbs) => checkPlant(dbs, c.manifest))).problems).toEqual([])
  }, 60_000)

  it('changes the snapshot time with asOf', async () => {
    const p = await buildDemoPlant({dir: tmp(), stockRows: 1000, asOf: '2027-03-01T08:00:00'})
    expect(p.manifest.asOf).toBe('2027-03-01 08:00:00')
    expect(p.manifest.inTransit.from).toBe('2027-02-28 08:00:00')
    expect((await withPlantDbs(p, (dbs) => checkPlant(dbs, p.manifest))).problems).toEqual([])
  })

  it('mulberry32 streams are reproducible', () => {
    const a = new Rng(42)
    const b = new Rng(42)
    const xs = Array.from({length: 5}, () => a.next())
    expect(Array.from({length: 5}, () => b.next())).toEqual(xs)
    expect(new Rng(43).next()).not.toBe(xs[0])
  })
})

describe('building blocks', () => {
  it('float traps are real traps', () => {
    const rng = new Rng(1)
    for (let i = 0; i < 50; i++) {
      const parts = floatTrap(rng)
      const float = parts.reduce((s, p) => s + p / 10_000, 0)
      const exact = parts.reduce((s, p) => s + p, 0)
      expect(float).not.toBe(exact / 10_000)
    }
  })

  it('malformed skus normalise back to the clean code', () => {
    const rng = new Rng(3)
    for (let i = 0; i < 30; i++) {
      const bad = malformSku('S10023', rng)
      expect(bad.sku).not.toBe('S10023')
      expect(normaliseSku(bad.sku)).toBe('S10023')
    }
  })

  it('escapes text literals for SQLite so they round-trip exactly', async () => {
    const {default: Database} = await import('better-sqlite3')
    const db = new Database(':memory:')
    const spec = tableSpec('customers')
    db.exec(createTableSql(spec, 'sqlite'))
    const nasty = ["O'Brien", 'back\\slash', 'line\nbreak', 'ctrl-z\u001a', '全角Ｓ１ ', "''; DROP TABLE x; --"]
    db.exec(insertPrefix(spec) + nasty.map((n, i) => rowLiteral(spec, [`C${i}`, n], 'sqlite')).join(','))
    expect(db.prepare('SELECT name FROM customers ORDER BY customer_code').all().map((r) => (r as {name: string}).name)).toEqual(nasty)
    expect(() => rowLiteral(tableSpec('stock_balance'), [1, 'X', 'WH01', null, '1; DROP', 'KG', '2026-01-01 00:00:00'], 'sqlite')).toThrow(/decimal/)
    db.close()
  })

  it('rejects bad options with a usage error', async () => {
    await expect(buildDemoPlant({dir: tmp(), stockRows: 5})).rejects.toBeInstanceOf(UsageError)
    await expect(buildDemoPlant({dir: tmp(), asOf: 'yesterday'})).rejects.toBeInstanceOf(UsageError)
    await expect(buildDemoPlant({dir: tmp(), seed: -1})).rejects.toBeInstanceOf(UsageError)
    await expect(buildDemoPlant({mysql: {host: '127.0.0.1', port: 3306, user: 'root', prefix: 'bad-prefix;'}})).rejects.toBeInstanceOf(UsageError)
  })

  it('a failed rebuild leaves the previous plant intact and no temporary files', async () => {
    const dir = tmp()
    const first = await buildDemoPlant({dir, stockRows: 1000})
    const before = await withPlantDbs(first, plantChecksum)
    await expect(
      buildDemoPlant({
        dir,
        stockRows: 1000,
        seed: 99,
        onProgress: (p) => {
          if (p.phase === 'stock') throw new Error('interrupted')
        },
      }),
    ).rejects.toThrow('interrupted')
    expect(readdirSync(dir).sort()).toEqual(['demo-manifest.json', 'erp.db', 'mes.db', 'wms.db'])
    expect(await withPlantDbs(first, plantChecksum)).toEqual(before)
  })
})
