import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {configSchema} from '../../src/lib/config/schema.js'
import {CodeMap} from '../../src/lib/reconcile/mapping.js'
import {Source, type Reader} from '../../src/lib/sources/source.js'
import type {StockConfig} from '../../src/lib/stock/config.js'
import {readContext} from '../../src/lib/stock/read-context.js'
import {KIND, readErpStock, readWmsStock} from '../../src/lib/stock/read-sides.js'
import {Spill} from '../../src/lib/stock/spill.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {countingReader, expectSameSpill} from '../helpers/raw-paths.js'

/**
 * The raw MySQL read of the stock sides (rows from the packet bytes into spill bytes) against the value read (mysql2's
 * arrays of strings through the string caches): the same table read both ways must give byte-identical spill files,
 * over awkward data, with each side's normalisation, mapping, --warehouse filter and --no-lots.
 */

const DISTINCT = 5000 // beyond the caches' 4,096 values

type Row = [item: string | null, wh: string | null, lot: string | null, qty: string | null, uom: string | null]

function awkwardRows(): Row[] {
  const rows: Row[] = [
    ['A1', 'WH1', 'L1', '10', 'PCS'],
    ['A1', 'WH1', 'L2', '-8.5', 'PCS'],
    ['A1', 'WH1', null, '0.0000000001', null],
    [' a1 ', 'wh1 ', ' l1', '123456789012345678.0000000001', ' kg'],
    ['ＳＫＵ－Ｎ２', 'ＷＨ１', 'Ｌ１', '6', '箱'],
    ['电机-甲', 'RM', '批次一', '7', '箱'],
    ['电机-甲', 'RM', '批次一', '7', '箱'],
    ['TAB\tX', 'WH\t2', 'L\t1', '1', 'P\tC'],
    ['BS\\Y', 'WH\\3', 'L\\\\', '2', 'U\\'],
    ['NL\nZ\r', 'RM', 'L\n', '3', 'PCS'],
    ['sku-lower', 'rm', 'l-lower', '4', 'pcs'],
    ['A-VERY-LONG-ITEM-CODE-OF-MORE-THAN-24-BYTES-0001', 'A-VERY-LONG-WAREHOUSE-CODE-X', 'A-VERY-LONG-LOT-CODE-OF-MANY-BYTES', '99999999999999999.9999999999', 'PCS'],
    ['', '', '', '0', ''],
    [null, 'WH1', 'L1', '1', 'PCS'],
    ['NOWH', null, 'L1', '1', 'PCS'],
    ['NULLQ', 'WH1', 'L1', null, 'PCS'],
    ['Ａ１', 'ＲＭ', null, '-0.5', 'ＰＣＳ'],
    ['SKU-A1', 'RM', 'L1', '5', 'PCS'],
    ['SKU -C1', 'RM', 'L1', '9', 'PCS'],
    [' sku-n1 ', ' RM', 'L1', '4', 'PCS'],
    ['ÄÖÜ', 'WH1', 'é', '1.5', 'ÄÖ'],
  ]
  for (let i = 0; i < DISTINCT; i++) {
    const code = `I${String(i).padStart(5, '0')}`
    rows.push([i % 7 === 0 ? ` ${code.toLowerCase()}` : code, i % 3 === 0 ? 'WH1' : i % 3 === 1 ? 'RM' : 'WH2', i % 5 === 0 ? null : `L${i % 11}`, `${i % 13 === 0 ? '-' : ''}${i}.${i % 1000}`, i % 4 === 0 ? 'KG' : 'PCS'])
  }
  return rows
}

let db: Awaited<ReturnType<typeof createTestDatabase>>
let tempDir: string

async function createTables(): Promise<void> {
  const c = db.conn
  await c.query(`CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(60) COLLATE utf8mb4_general_ci, wh VARCHAR(40),
    lot VARCHAR(40) NULL, qty DECIMAL(28,10), uom VARCHAR(8))`)
  const rows = awkwardRows()
  for (let i = 0; i < rows.length; i += 1000) await c.query('INSERT INTO stock (item, wh, lot, qty, uom) VALUES ?', [rows.slice(i, i + 1000)])
  // quantities as text: exponents, spaces, and one that is no quantity at all (in warehouse BAD)
  await c.query('CREATE TABLE textq (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(20), wh VARCHAR(10), lot VARCHAR(10), qty VARCHAR(20), uom VARCHAR(8))')
  await c.query(`INSERT INTO textq (item, wh, lot, qty, uom) VALUES ('T1','WH1','L1','1e3','PCS'), ('T2','WH1','L1',' 5 ','PCS'),
    ('T3','WH1','L1','+7','PCS'), ('T4','WH1','L1','.5','PCS'), ('T5','WH1','L1','5.','PCS'), ('T6','WH1','L1','1.5E-2','PCS'), ('T7','BAD','L1','n/a','PCS')`)
  // integer codes and quantities (numbers in mysql2: zero-padded ZEROFILL text is rewritten), binary codes, FLOAT
  await c.query(`CREATE TABLE ints (id INT AUTO_INCREMENT PRIMARY KEY, item INT(6) ZEROFILL, wh SMALLINT, lot BIGINT, qty INT(5) ZEROFILL, uom VARBINARY(8),
    sq INT, big BIGINT, fq FLOAT)`)
  await c.query(`INSERT INTO ints (item, wh, lot, qty, uom, sq, big, fq) VALUES (1, 1, 10, 5, 'PCS', -3, 9007199254740993, 1.5),
    (42, 2, -7, 0, x'FF00', 0, -12, 2.25), (42, 2, NULL, 120, NULL, 77, 0, NULL), (7, 1, 3, 1, x'E794B5', NULL, 1, 16777216)`)
  // fields of 251 bytes or more (a 3-byte length before them: no whole-row copy), empty ones, NULL between others
  await c.query('CREATE TABLE longs (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(400), wh VARCHAR(400), lot VARCHAR(400) NULL, qty DECIMAL(28,10) NULL, uom VARCHAR(400) NULL)')
  const long = (ch: string, n: number) => ch.repeat(n)
  await c.query('INSERT INTO longs (item, wh, lot, qty, uom) VALUES ?', [[
    [long('I', 250), 'WH1', 'L1', '1', 'PCS'],
    [long('I', 251), 'WH1', 'L1', '2', 'PCS'],
    ['I1', long('W', 300), 'L1', '3', 'PCS'],
    ['I1', 'WH1', long('L', 260), '4', 'PCS'],
    ['I1', 'WH1', 'L1', '5', long('U', 390)],
    ['I2', 'WH1', null, '6', 'PCS'],
    ['I2', 'WH1', 'L1', '7', null],
    ['I2', '', '', '8', ''],
    ['I3', 'WH1', 'L1', null, 'PCS'],
    ['i3', 'wh1', 'l1', '9', 'pcs'],
    ['I\\4', 'W\\H', 'L\\1', '10', 'P\\'],
    ['I 5', 'W H', 'L 1', '11', 'P C'],
  ]])
}

/** The source config of the test database (a mysql source named `src`). */
function stockConfig(stock: Record<string, unknown>): StockConfig {
  const conn = {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name}
  return configSchema.parse({sources: {src: {role: 'erp', client: 'mysql', connection: conn}}, stock}).stock!
}

function sourceConfig() {
  const conn = {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name}
  return configSchema.parse({sources: {src: {role: 'erp', client: 'mysql', connection: conn}}}).sources.src
}

const COLUMNS = {item: 'item', warehouse: 'wh', lot: 'lot', qty: 'qty', uom: 'uom'}

function sides(table: string, columns: Record<string, string> = COLUMNS, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    erp: {source: 'src', table, columns},
    wms: {source: 'src', table, columns, normalize: {trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: false}},
    warehouseMap: {RM: 'WH1', 'ＷＨ２': 'WH2'},
    partitions: 8,
    ...extra,
  }
}

interface Outcome {
  rows: number
  /** Rows that reached the sink raw / as arrays of values. */
  raw: number
  values: number
  bytes: string[]
  error?: string
}

async function readSide(cfg: StockConfig, side: 'erp' | 'wms', opts: {raw: boolean; snapshot: boolean; warehouses?: string[]; noLots?: boolean; identity?: boolean}): Promise<Outcome> {
  const src = await Source.open('src', sourceConfig())
  const spill = new Spill({partitions: cfg.partitions ?? 8, tempDir})
  const seen = {raw: 0, values: 0}
  try {
    // no cross-reference: the identity map (WMS codes are ERP codes)
    const itemMap = new CodeMap(opts.identity === true)
    if (opts.identity !== true) {
      itemMap.set('SKU-A1', 'A1')
      itemMap.set('SKU-N1', 'N1')
      itemMap.set('I00010', 'MAPPED-10')
    }
    const ctx = readContext({cfg, spill, itemMap, warehouses: opts.warehouses ?? [], noLots: opts.noLots === true, rawRows: opts.raw})
    const read = (r: Reader) => (side === 'erp' ? readErpStock(r, src.builder(), ctx) : readWmsStock(r, src.builder(), ctx))
    let rows: number
    try {
      rows = opts.snapshot ? await src.snapshot((r) => read(countingReader(r, seen))) : await read(countingReader(src, seen))
    } catch (error) {
      return {rows: -1, raw: seen.raw, values: seen.values, bytes: [], error: `${(error as {code?: string}).code} ${(error as Error).message}`}
    }
    const kind = side === 'erp' ? KIND.erp : KIND.wms
    const bytes: string[] = []
    for (let p = 0; p < spill.partitions; p++) bytes.push(spill.text(kind, p))
    return {rows, raw: seen.raw, values: seen.values, bytes}
  } finally {
    spill.dispose()
    await src.close()
  }
}

/** Both paths on one side and options: the same spill bytes (or the same error); the raw path really read raw. */
async function same(cfg: StockConfig, side: 'erp' | 'wms', opts: {snapshot: boolean; warehouses?: string[]; noLots?: boolean; identity?: boolean}, expectRaw = true): Promise<Outcome> {
  const old = await readSide(cfg, side, {...opts, raw: false})
  const raw = await readSide(cfg, side, {...opts, raw: true})
  expectSameSpill(old, raw, expectRaw)
  expect(raw.rows).toBe(old.rows)
  return raw
}

describeMysql('stock sides: raw MySQL rows give the same spill bytes as the value read', () => {
  beforeAll(async () => {
    db = await createTestDatabase('pt_rawread')
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'pt-rawread-'))
    await createTables()
  })

  afterAll(async () => {
    await db?.drop()
    if (tempDir) rmSync(tempDir, {recursive: true, force: true})
  })

  it('reads awkward codes and quantities identically, both sides, plain and in a snapshot', async () => {
    const cfg = stockConfig(sides('stock'))
    for (const snapshot of [false, true]) {
      const erp = await same(cfg, 'erp', {snapshot})
      expect(erp.rows).toBe(DISTINCT + 21)
      expect(erp.bytes.join('')).toContain('TAB\\tX\tWH\\t2\tL\\t1\tP\\tC\t1.0000000000\n')
      expect(erp.bytes.join('')).toContain('电机-甲\tRM\t批次一\t箱\t7.0000000000\n')
      const wms = await same(cfg, 'wms', {snapshot})
      expect(wms.bytes.join('')).toContain('A1\tWH1\t\u0000\tＰＣＳ\t-0.5000000000\t')
      // mapped; unmapped with its loose ERP look-alike (SKU -C1 → SKU-C1 is no entry: its own loose code)
      expect(wms.bytes.join('')).toContain('MAPPED-10\tWH1\t\u0000\tPCS\t10.1000000000\t\t\n')
      expect(wms.bytes.join('')).toContain('N1\tWH1\tL1\tPCS\t4.0000000000\t\t\n')
    }
  })

  it('reads WMS codes through an identity item map (no cross-reference) identically', async () => {
    const cfg = stockConfig(sides('stock'))
    for (const snapshot of [false, true]) {
      const wms = await same(cfg, 'wms', {snapshot, identity: true})
      // the code is its own ERP code: no loose look-alike; the warehouse map still applies
      expect(wms.bytes.join('')).toContain('I00010\tWH1\t\u0000\tPCS\t10.1000000000\t\t\n')
      expect(wms.bytes.join('')).toContain('SKU-A1\tWH1\tL1\tPCS\t5.0000000000\t\t\n')
      await same(cfg, 'wms', {snapshot, identity: true, warehouses: ['WH2'], noLots: true})
    }
  })

  it('reads fields of 251 bytes or more, empty and NULL fields, and codes to normalise or escape identically', async () => {
    const cfg = stockConfig(sides('longs'))
    for (const side of ['erp', 'wms'] as const) {
      for (const identity of [false, true]) {
        const out = await same(cfg, side, {snapshot: true, identity})
        expect(out.rows).toBe(12)
        const text = out.bytes.join('')
        expect(text).toContain(`${'I'.repeat(251)}\tWH1\tL1\tPCS\t2.0000000000`)
        expect(text).toContain(`I1\tWH1\tL1\t${'U'.repeat(390)}\t5.0000000000`)
      }
    }
    const erp = await same(cfg, 'erp', {snapshot: false})
    expect(erp.bytes.join('')).toContain('I2\t\t\t\t8.0000000000\n')
    expect(erp.bytes.join('')).toContain('I\\\\4\tW\\\\H\tL\\\\1\tP\\\\\t10.0000000000\n')
    expect(erp.bytes.join('')).toContain('I 5\tW H\tL 1\tP C\t11.0000000000\n')
  })

  it('filters warehouses and nets lots away identically', async () => {
    const cfg = stockConfig(sides('stock'))
    for (const side of ['erp', 'wms'] as const) {
      await same(cfg, side, {snapshot: true, warehouses: ['WH1']})
      await same(cfg, side, {snapshot: false, noLots: true})
      await same(cfg, side, {snapshot: true, noLots: true, warehouses: ['WH2', 'RM']})
    }
  })

  it('reads sides without lot and unit columns (NULL columns) identically', async () => {
    const cfg = stockConfig(sides('stock', {item: 'item', warehouse: 'wh', qty: 'qty'}))
    await same(cfg, 'erp', {snapshot: true})
    await same(cfg, 'wms', {snapshot: true})
  })

  it('takes quantities that are not plain digits through the quantity reader: same text, same bad-value error', async () => {
    const cfg = stockConfig(sides('textq'))
    // ERP: warehouse BAD filtered out before its quantity is read; WMS: the quantity is read first
    const erp = await same(cfg, 'erp', {snapshot: true, warehouses: ['WH1']})
    expect(erp.bytes.join('')).toContain('T1\tWH1\tL1\tPCS\t1000\n')
    expect(erp.bytes.join('')).toContain('T2\tWH1\tL1\tPCS\t5\n')
    const bad = await same(cfg, 'erp', {snapshot: true})
    expect(bad.error).toMatch(/^BAD_VALUE .*n\/a.*T7/s)
    const wms = await same(cfg, 'wms', {snapshot: false, warehouses: ['WH1']})
    expect(wms.error).toMatch(/^BAD_VALUE .*n\/a/s)
  })

  it('reads integer, zero-padded, big-integer and binary columns as mysql2 hands them', async () => {
    const cfg = stockConfig(sides('ints'))
    const erp = await same(cfg, 'erp', {snapshot: true})
    // ZEROFILL: the code is the number 42 and the quantity 120, as the value read writes them
    expect(erp.bytes.join('')).toContain('42\t2\t-7\t0xFF00\t0\n')
    await same(cfg, 'wms', {snapshot: false})
    const signed = stockConfig(sides('ints', {item: 'big', warehouse: 'wh', lot: 'lot', qty: 'sq', uom: 'uom'}))
    await same(signed, 'erp', {snapshot: true})
    await same(signed, 'wms', {snapshot: true})
  })

  it('reads a FLOAT quantity (selected as DOUBLE) as values: no raw path for it', async () => {
    const cfg = stockConfig(sides('ints', {item: 'item', warehouse: 'wh', lot: 'lot', qty: 'fq', uom: 'uom'}))
    await same(cfg, 'erp', {snapshot: true}, false)
  })
})
