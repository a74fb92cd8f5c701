import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {configSchema} from '../../src/lib/config/schema.js'
import {CodeMap, warehouseMap} from '../../src/lib/reconcile/mapping.js'
import {Source, type Reader} from '../../src/lib/sources/source.js'
import type {StockConfig} from '../../src/lib/stock/config.js'
import {KIND, readItems, readItemUnits, sideNormalizers, type ReadContext} from '../../src/lib/stock/read-sides.js'
import {Spill} from '../../src/lib/stock/spill.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {countingReader, expectSameSpill} from '../helpers/raw-paths.js'

/**
 * The raw MySQL read of the item master and the item units (rows from the packet bytes into spill bytes, codes taken
 * as they are when the normaliser keeps them) against the value read (mysql2's arrays through the string path): the
 * same table read both ways must give byte-identical spill files, partition by partition, or the same error.
 */

const MANY = 6000 // beyond the caches' 4,096 values and the code table's first sizes

let db: Awaited<ReturnType<typeof createTestDatabase>>
let tempDir: string

type ItemRow = [item: string | null, uom: string | null, cls: string | null, category: string | null, cost: string | null, pack: string | null, name: string | null]

function itemRows(): ItemRow[] {
  const rows: ItemRow[] = [
    ['FG-100013', '箱', 'B', '成品', '382.2900', '40.0000', '液压滤芯 HX-250×20'],
    ['fg-lower', 'pcs', 'a', 'raw', '0.0000', null, 'lower case code'],
    [' PAD ', ' kg ', ' C ', ' cat ', '1.5000', '0.0000', ' padded description '],
    ['ＳＫＵ－Ｎ２', 'ＰＣＳ', 'Ａ', '原料', '-3.0000', '12.0000', 'ＳＫＵ full width'],
    ['电机-甲', '台', null, null, null, null, null],
    ['TAB\tX', 'P\tC', 'A', 'c\\t', '2.0000', '1.0000', 'tab\there and back\\slash'],
    ['BS\\Y', 'U\\', 'B', 'x', '3.0000', null, 'nl\nline\rcr'],
    ['SPACE IN', 'PCS', 'A', 'x', '4.0000', null, ''],
    ['', '', '', '', null, null, ''],
    [null, 'PCS', 'A', 'x', '5.0000', null, 'null code'],
    ['A-VERY-LONG-ITEM-CODE-OF-MORE-THAN-32-BYTES-0001', 'PCS', 'A', 'x', '6.0000', null, `long ${'长'.repeat(300)}`],
    ['HUGE', 'PCS', 'A', 'x', '7.0000', null, `${'描述'.repeat(700)}\tend`],
    ['HUGE-ASCII', 'PCS', 'A', 'x', '8.0000', null, 'x'.repeat(4500)],
    ['EMOJI', 'PCS', 'A', 'x', '9.0000', null, '🔧 wrench \uFEFF bom inside'],
    ['~!@#$%^&*()_+{}|:"<>?`-=[];\',./', 'PCS', 'A', 'x', '10.0000', null, 'punctuation code'],
    // one character to escape each
    ['CR-ONLY', 'PCS', 'A', 'x', '11.0000', null, 'cr\ronly'],
    ['NL-ONLY', 'PCS', 'A', 'x', '12.0000', null, '电机\nonly'],
    ['TAB-ONLY', 'PCS', 'A', 'x', '13.0000', null, 'tab\tonly'],
    ['BS-ONLY', 'PCS', 'A', 'x', '14.0000', null, 'back\\only'],
  ]
  for (let i = 0; i < MANY; i++) {
    const code = `IT${String(i).padStart(6, '0')}`
    rows.push([i % 97 === 0 ? code.toLowerCase() : code, i % 5 === 0 ? '箱' : 'PCS', 'ABC'[i % 3], i % 2 ? '成品' : '原料', `${i}.${String(i % 10000).padStart(4, '0')}`, i % 5 === 0 ? '24.0000' : null, `变频器 VF-${i % 90}kW`])
  }
  return rows
}

type UnitRow = [item: string | null, uom: string | null, factor: string | null]

function unitRows(): UnitRow[] {
  const rows: UnitRow[] = [
    ['FG-100013', 'PCS', '0.025000'],
    ['FG-100013', '箱', '1.000000'],
    ['fg-lower', ' kg', '1000.000000'],
    ['ＳＫＵ－Ｎ２', 'ＰＣＳ', '-0.500000'],
    ['电机-甲', '台', '3.000000'],
    ['TAB\tX', 'P\tC', '2.000000'],
    ['BS\\Y', 'U\\', '0.000001'],
    ['', '', '0.000000'],
    [null, null, '1.000000'],
    ['A-VERY-LONG-ITEM-CODE-OF-MORE-THAN-32-BYTES-0001', 'PCS', '999999999999.999999'],
  ]
  for (let i = 0; i < MANY; i++) {
    const code = `IT${String(i).padStart(6, '0')}`
    rows.push([code, 'PCS', '1.000000'])
    if (i % 3 === 0) rows.push([i % 97 === 0 ? code.toLowerCase() : code, '箱', `0.${String(i % 1000).padStart(3, '0')}000`])
  }
  return rows
}

async function insert(table: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.conn.query(`INSERT INTO ${table} VALUES ?`, [rows.slice(i, i + 1000)])
}

async function createTables(): Promise<void> {
  const c = db.conn
  await c.query(`CREATE TABLE items (item VARCHAR(60), uom VARCHAR(8) NULL, cls VARCHAR(4) NULL, category VARCHAR(16) NULL,
    cost DECIMAL(18,4) NULL, pack DECIMAL(18,4) NULL, name VARCHAR(5000) NULL)`)
  await insert('items', itemRows())
  await c.query('CREATE TABLE units (item VARCHAR(60) NULL, uom VARCHAR(8) NULL, factor DECIMAL(24,6))')
  await insert('units', unitRows())
  // numbers as text (exponent, spaces, empty, not a number in item BAD), integers (ZEROFILL), binary descriptions
  await c.query(`CREATE TABLE oddnum (item VARCHAR(20), cost VARCHAR(20) NULL, pack INT(4) ZEROFILL NULL, name VARBINARY(40) NULL, factor VARCHAR(20) NULL,
    ifactor INT(4) ZEROFILL, bfactor BIGINT)`)
  await c.query(`INSERT INTO oddnum VALUES ('T1','1e3',12,'plain',' 5 ',5,-7), ('T2',' 5 ',0,x'E794B5E69CBA','1.5E-2',0,0), ('T3','',NULL,x'FF00','+7',120,9007199254740993),
    ('T4','.5',7,x'EFBBBF41','5.',1,12), ('T5','-0',30,x'41095C','-0',3,-0), ('BAD','n/a',1,NULL,'n/a',2,3)`)
  // NULL factor (an error), FLOAT columns (read as DOUBLE: no raw path), an item code that is an integer
  await c.query('CREATE TABLE nullf (item VARCHAR(20), uom VARCHAR(8), factor DECIMAL(10,3) NULL)')
  await c.query(`INSERT INTO nullf VALUES ('N1','PCS',1), ('N2','PCS',NULL)`)
  await c.query('CREATE TABLE floats (item INT(6) ZEROFILL, uom VARCHAR(8), factor FLOAT, cost FLOAT, name VARCHAR(20))')
  await c.query(`INSERT INTO floats VALUES (42,'PCS',0.1,1.5,'forty-two'), (7,'箱',16777216,NULL,NULL), (7,'PCS',1,2.25,'seven')`)
}

function sourceConfig() {
  const conn = {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name}
  return configSchema.parse({sources: {src: {role: 'erp', client: 'mysql', connection: conn}}}).sources.src
}

interface Lookups {
  items?: {table: string; columns: Record<string, string>}
  units?: {table: string; columns: Record<string, string>}
  normalize?: Record<string, unknown>
}

function stockConfig(l: Lookups): StockConfig {
  const conn = {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name}
  const side = {source: 'src', table: 'items', columns: {item: 'item', warehouse: 'item', qty: 'cost'}}
  return configSchema.parse({
    sources: {src: {role: 'erp', client: 'mysql', connection: conn}},
    stock: {
      erp: {...side, ...(l.normalize ? {normalize: l.normalize} : {})},
      wms: side,
      partitions: 16,
      ...(l.items ? {items: {source: 'src', ...l.items}} : {}),
      units: l.units ? {itemUnits: {source: 'src', ...l.units}} : {},
    },
  }).stock!
}

interface Outcome {
  rows: number
  raw: number
  values: number
  bytes: string[]
  error?: string
}

/** All partitions' lines as text. */
function textOf(o: Outcome): string {
  return Buffer.from(o.bytes.join(''), 'latin1').toString('utf8')
}

async function readLookup(cfg: StockConfig, what: 'items' | 'units', opts: {raw: boolean; snapshot: boolean}): Promise<Outcome> {
  const src = await Source.open('src', sourceConfig())
  const spill = new Spill({partitions: cfg.partitions ?? 16, tempDir})
  const seen = {raw: 0, values: 0}
  try {
    const erpNorm = sideNormalizers(cfg.erp.normalize)
    const wmsNorm = sideNormalizers(cfg.wms.normalize)
    const ctx: ReadContext = {cfg, spill, erpNorm, wmsNorm, itemMap: new CodeMap(true), whMap: warehouseMap(cfg, wmsNorm.code, erpNorm.code), warehouses: new Set(), noLots: false, rawRows: opts.raw}
    const read = (r: Reader) => (what === 'items' ? readItems(r, src.builder(), ctx) : readItemUnits(r, src.builder(), ctx))
    let rows: number
    try {
      rows = opts.snapshot ? await src.snapshot((r) => read(countingReader(r, seen))) : await read(countingReader(src, seen))
    } catch (error) {
      return {rows: -1, raw: seen.raw, values: seen.values, bytes: [], error: `${(error as {code?: string}).code} ${(error as Error).message}`}
    }
    const kind = what === 'items' ? KIND.items : KIND.units
    const bytes: string[] = []
    // each partition's bytes one to one as latin1 (compared as bytes, not as decoded text)
    for (let p = 0; p < spill.partitions; p++) bytes.push(spill.bytes(kind, p).toString('latin1'))
    return {rows, raw: seen.raw, values: seen.values, bytes}
  } finally {
    spill.dispose()
    await src.close()
  }
}

/** Both paths: the same spill bytes in every partition (or the same error); the raw path really read raw (or not). */
async function same(cfg: StockConfig, what: 'items' | 'units', snapshot: boolean, expectRaw = true): Promise<Outcome> {
  const old = await readLookup(cfg, what, {raw: false, snapshot})
  const raw = await readLookup(cfg, what, {raw: true, snapshot})
  expectSameSpill(old, raw, expectRaw)
  expect(raw.rows).toBe(old.rows)
  return raw
}

const ITEM_COLUMNS = {item: 'item', uom: 'uom', class: 'cls', category: 'category', unitCost: 'cost', packSize: 'pack', description: 'name'}
const DEMO = {trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: true}
const NORMALIZE = [DEMO, undefined, {trim: false, caseFold: false, fullWidth: false, nullLotIsEmpty: true}, {trim: true, caseFold: 'lower', fullWidth: true, nullLotIsEmpty: true}]

describeMysql('item master and item units: raw MySQL rows give the same spill bytes as the value read', () => {
  beforeAll(async () => {
    db = await createTestDatabase('pt_rawlook')
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'pt-rawlook-'))
    await createTables()
  })

  afterAll(async () => {
    await db?.drop()
    if (tempDir) rmSync(tempDir, {recursive: true, force: true})
  })

  it('reads the item master identically under each normalisation: odd codes, units, NULLs, multi-byte and long texts', async () => {
    for (const normalize of NORMALIZE) {
      const cfg = stockConfig({items: {table: 'items', columns: ITEM_COLUMNS}, normalize})
      for (const snapshot of [false, true]) {
        const out = await same(cfg, 'items', snapshot)
        expect(out.rows).toBe(MANY + 19)
        const text = textOf(out)
        expect(text).toContain('\t变频器 VF-1kW\n')
        expect(text).toContain('\ttab\\there and back\\\\slash\n')
        expect(text).toContain('\tnl\\nline\\rcr\n')
        for (const t of ['\tcr\\ronly\n', '\t电机\\nonly\n', '\ttab\\tonly\n', '\tback\\\\only\n']) expect(text).toContain(t)
        expect(text).toContain(`\t${'x'.repeat(4500)}\n`)
        if (normalize === DEMO) {
          // the demo plant's normaliser (trim, upper case, half width): codes and units as the value read makes them
          expect(text).toContain('FG-100013\t箱\tB\t成品\t382.2900\t40.0000\t液压滤芯 HX-250×20\n')
          expect(text).toContain('FG-LOWER\tpcs\ta\traw\t0.0000\t\tlower case code\n')
          expect(text).toContain('PAD\tkg\tC\tcat\t1.5000\t0.0000\t padded description \n')
          expect(text).toContain('SKU-N2\tＰＣＳ\tＡ\t原料\t-3.0000\t12.0000\tＳＫＵ full width\n')
          expect(text).toContain('电机-甲\t台\t\t\t\t\t\n')
          expect(text).toContain('TAB\\tX\tP\\tC\tA\tc\\\\t\t2.0000\t1.0000\t')
        }
      }
    }
  })

  it('reads item units identically under each normalisation: exact factors, odd units, NULL codes', async () => {
    for (const normalize of NORMALIZE) {
      const cfg = stockConfig({units: {table: 'units', columns: {item: 'item', uom: 'uom', factor: 'factor'}}, normalize})
      const out = await same(cfg, 'units', true)
      if (normalize === DEMO) {
        const text = textOf(out)
        expect(text).toContain('FG-100013\tPCS\t0.025000\n')
        expect(text).toContain('FG-LOWER\tkg\t1000.000000\n')
        expect(text).toContain('SKU-N2\tＰＣＳ\t-0.500000\n')
        expect(text).toContain('\t\t1.000000\n')
        expect(text).toContain('A-VERY-LONG-ITEM-CODE-OF-MORE-THAN-32-BYTES-0001\tPCS\t999999999999.999999\n')
        expect(text).toContain('IT000291\t箱\t0.291000\n')
      }
    }
  })

  it('takes numbers that are not plain digits, integers and binary texts through the value readers, row by row', async () => {
    const items = stockConfig({items: {table: 'oddnum', columns: {item: 'item', unitCost: 'cost', packSize: 'pack', description: 'name'}}})
    const bad = await same(items, 'items', true)
    expect(bad.error).toMatch(/^BAD_VALUE .*n\/a.*BAD/s)
    const good = stockConfig({items: {table: 'oddnum', columns: {item: 'item', packSize: 'pack', description: 'name'}}})
    const out = await same(good, 'items', false)
    const text = textOf(out)
    // ZEROFILL 0030 is the number 30; a binary description: UTF-8 as text, other bytes as hex, a BOM dropped
    expect(text).toContain('T5\t\t\t\t\t30\tA\\t\\\\\n')
    expect(text).toContain('T2\t\t\t\t\t0\t电机\n')
    expect(text).toContain('T3\t\t\t\t\t\t0xFF00\n')
    expect(text).toContain('T4\t\t\t\t\t7\tA\n')
    for (const factor of ['ifactor', 'bfactor']) await same(stockConfig({units: {table: 'oddnum', columns: {item: 'item', uom: 'item', factor}}}), 'units', true)
    const text2 = textOf(await same(stockConfig({units: {table: 'oddnum', columns: {item: 'item', uom: 'item', factor: 'ifactor'}}}), 'units', true))
    expect(text2).toContain('T3\tT3\t120\n')
    const factors = await same(stockConfig({units: {table: 'oddnum', columns: {item: 'item', uom: 'item', factor: 'factor'}}}), 'units', true)
    expect(factors.error).toMatch(/^BAD_VALUE .*n\/a/s)
  })

  it('refuses a NULL factor the same way on both paths', async () => {
    const out = await same(stockConfig({units: {table: 'nullf', columns: {item: 'item', uom: 'uom', factor: 'factor'}}}), 'units', true)
    expect(out.error).toMatch(/^BAD_VALUE .*N2/s)
  })

  it('reads FLOAT columns (selected as DOUBLE) and integer codes as values: no raw path for them', async () => {
    const units = await same(stockConfig({units: {table: 'floats', columns: {item: 'item', uom: 'uom', factor: 'factor'}}}), 'units', true, false)
    expect(textOf(units)).toContain('42\tPCS\t0.10000000149011612\n')
    const items = await same(stockConfig({items: {table: 'floats', columns: {item: 'item', uom: 'uom', unitCost: 'cost', description: 'name'}}}), 'items', false, false)
    expect(textOf(items)).toContain('42\tPCS\t\t\t1.5\t\tforty-two\n')
    // without the FLOAT column the integer codes are read raw, through the value of the number (ZEROFILL dropped)
    const raw = await same(stockConfig({items: {table: 'floats', columns: {item: 'item', uom: 'uom', description: 'name'}}}), 'items', true)
    expect(textOf(raw)).toContain('7\t箱\t\t\t\t\t\n')
  })
})
