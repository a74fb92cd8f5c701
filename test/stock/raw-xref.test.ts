import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {configSchema} from '../../src/lib/config/schema.js'
import {CodeMap} from '../../src/lib/reconcile/mapping.js'
import {Source, type Reader} from '../../src/lib/sources/source.js'
import {CompactCodeMap} from '../../src/lib/stock/compact-map.js'
import type {StockConfig} from '../../src/lib/stock/config.js'
import {readContext} from '../../src/lib/stock/read-context.js'
import {readItemMap} from '../../src/lib/stock/read-sides.js'
import {Spill} from '../../src/lib/stock/spill.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {countingReader, expectSameSpill} from '../helpers/raw-paths.js'

/**
 * The raw MySQL read of the item cross-reference (rows from the packet bytes straight into the CompactCodeMap, codes
 * of the normaliser's asIs bytes taken as they are) against the value read (mysql2's arrays through
 * itemMapFromSource): the same table read both ways must give the same entries in the same order, the same answers to
 * look-ups and loose look-ups, and the same conflicts (descriptions included), or the same error.
 */

const MANY = 6000 // several of the packed map's chunks (1,024 codes), and rehashes of its table

let db: Awaited<ReturnType<typeof createTestDatabase>>
let tempDir: string

type XrefRow = [wms: string | null, erp: string | null]

function xrefRows(): XrefRow[] {
  const rows: XrefRow[] = [
    ['S100013', 'FG-100013'],
    ['s-lower', 'fg-lower'],
    [' PAD ', ' PAD-ERP '],
    ['ＳＫＵ－Ｎ２', 'ＳＫＵ－Ｎ２'],
    ['电机-甲', '电机-甲'],
    ['TAB\tX', 'E\\Y'],
    ['SPACE IN', 'SPACE IN'],
    ['', 'EMPTY-WMS'],
    ['EMPTY-ERP', ''],
    [null, 'NULL-WMS'],
    ['NULL-ERP', null],
    ['A-VERY-LONG-ITEM-CODE-OF-MORE-THAN-32-BYTES-0001', 'E-LONG'],
    ['EMOJI🔧', 'E-EMOJI'],
    ['~!@#$%^&*()_+{}|:"<>?`-=[];\',./', 'E-PUNCT'],
    // the same mapping twice (no conflict), and loose look-alikes of one ERP code in both insertion orders
    ['S100013', 'FG-100013'],
    ['dup a', 'E-DUP-1'],
    ['DUPA', 'E-DUP-2'],
    ['DUPB', 'E-DUPB-1'],
    ['dup b', 'E-DUPB-2'],
  ]
  for (let i = 0; i < MANY; i++) {
    const n = String(100000 + i * 3)
    rows.push([i % 97 === 0 ? `s${n}` : `S${n}`, i % 89 === 0 ? `fg-${n}` : `FG-${n}`])
  }
  return rows
}

async function insert(table: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.conn.query(`INSERT INTO ${table} VALUES ?`, [rows.slice(i, i + 1000)])
}

async function createTables(): Promise<void> {
  const c = db.conn
  await c.query('CREATE TABLE xref (wms VARCHAR(60) NULL, erp VARCHAR(60) NULL)')
  await insert('xref', xrefRows())
  // a WMS code mapped to two ERP codes: once as stored, once only after normalising (the row is named as stored)
  await c.query('CREATE TABLE conflict (wms VARCHAR(60) NULL, erp VARCHAR(60) NULL)')
  await insert('conflict', [...xrefRows().slice(0, 200), ['S100013', 'FG-OTHER'], [' s100013', 'FG-THIRD'], ['S9', 'E9'], ['s9 ', 'e9']])
  // codes in other column types: binary and integer codes (raw), FLOAT (no raw path: read as values)
  await c.query('CREATE TABLE oddtypes (wms VARBINARY(20), erp VARCHAR(20), wint INT(6) ZEROFILL, wfloat FLOAT)')
  await c.query(`INSERT INTO oddtypes VALUES ('B1','E1',42,1.5), (x'FF00','E2',7,2), (x'E794B5','E3',NULL,NULL), ('b4 ','E4',0,0)`)
}

interface Outcome {
  raw: number
  values: number
  bytes: string[]
  error?: string
  map?: CodeMap
}

function connection() {
  return {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name}
}

function sourceConfig() {
  return configSchema.parse({sources: {src: {role: 'wms', client: 'mysql', connection: connection()}}}).sources.src
}

function stockConfig(xref: {table: string; columns: {wms: string; erp: string}}, normalize?: Record<string, unknown>): StockConfig {
  const side = {source: 'src', table: xref.table, columns: {item: xref.columns.wms, warehouse: xref.columns.wms, qty: xref.columns.erp}, ...(normalize ? {normalize} : {})}
  return configSchema.parse({
    sources: {src: {role: 'wms', client: 'mysql', connection: connection()}},
    stock: {erp: side, wms: side, itemMap: {source: 'src', ...xref}},
  }).stock!
}

/** The map's whole state as text: entries in order, then the conflicts as worded for the error. */
function stateOf(map: CodeMap): string[] {
  return [JSON.stringify(map.entries()), JSON.stringify(map.conflicts), map.conflictLines(50).join('\n')]
}

async function readXref(cfg: StockConfig, opts: {raw: boolean; snapshot: boolean}): Promise<Outcome> {
  const src = await Source.open('src', sourceConfig())
  const spill = new Spill({partitions: 16, tempDir})
  const seen = {raw: 0, values: 0}
  try {
    const ctx = readContext({cfg, spill, itemMap: new CodeMap(true), warehouses: [], noLots: false, rawRows: opts.raw})
    const im = cfg.itemMap as Extract<NonNullable<StockConfig['itemMap']>, {source: string}>
    const read = (r: Reader) => readItemMap(im, r, src.builder(), ctx)
    let map: CodeMap
    try {
      map = opts.snapshot ? await src.snapshot((r) => read(countingReader(r, seen))) : await read(countingReader(src, seen))
    } catch (error) {
      return {raw: seen.raw, values: seen.values, bytes: [], error: `${(error as {code?: string}).code} ${(error as Error).message}`}
    }
    return {raw: seen.raw, values: seen.values, bytes: stateOf(map), map}
  } finally {
    spill.dispose()
    await src.close()
  }
}

/** Both paths: the same map (or the same error); the raw path really read raw (or not); the same look-up answers. */
async function same(cfg: StockConfig, snapshot: boolean, expectRaw = true, probes: string[] = []): Promise<Outcome> {
  const old = await readXref(cfg, {raw: false, snapshot})
  const raw = await readXref(cfg, {raw: true, snapshot})
  expectSameSpill(old, raw, expectRaw)
  if (raw.map) {
    expect(raw.map).toBeInstanceOf(CompactCodeMap)
    expect(old.map).toBeInstanceOf(CompactCodeMap)
    for (const p of probes) {
      expect(raw.map.get(p), p).toBe(old.map!.get(p))
      expect(raw.map.looseTarget(p), p).toBe(old.map!.looseTarget(p))
    }
  }
  return raw
}

const DEMO = {trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: true}
const NORMALIZE = [DEMO, undefined, {trim: false, caseFold: false, fullWidth: false, nullLotIsEmpty: true}, {trim: true, caseFold: 'lower', fullWidth: true, nullLotIsEmpty: true}]
const PROBES = ['S100013', 's100013', 'S-LOWER', 's-lower', 'PAD', ' pad', 'SKU-N2', '电机-甲', 'DUPA', 'dupa', 'DUP A', 'DUPB', 'dupb', 'S100291', 's100291', 'S999999', 'spacein', 'EMOJI🔧', '']

describeMysql('item cross-reference: raw MySQL rows give the same map as the value read', () => {
  beforeAll(async () => {
    db = await createTestDatabase('pt_rawxref')
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'pt-rawxref-'))
    await createTables()
  })

  afterAll(async () => {
    await db?.drop()
    if (tempDir) rmSync(tempDir, {recursive: true, force: true})
  })

  it('reads the cross-reference identically under each normalisation: odd, empty, NULL, multi-byte and long codes', async () => {
    for (const normalize of NORMALIZE) {
      const cfg = stockConfig({table: 'xref', columns: {wms: 'wms', erp: 'erp'}}, normalize)
      for (const snapshot of [false, true]) {
        const out = await same(cfg, snapshot, true, PROBES)
        expect(out.map!.size).toBeGreaterThan(MANY)
        if (normalize === DEMO) {
          expect(out.map!.get('S100013')).toBe('FG-100013')
          expect(out.map!.get('S-LOWER')).toBe('FG-LOWER')
          expect(out.map!.get('PAD')).toBe('PAD-ERP')
          expect(out.map!.get('SKU-N2')).toBe('SKU-N2')
          expect(out.map!.get('S100291')).toBe('FG-100291')
          expect(out.map!.get('')).toBeUndefined()
          expect(out.map!.get('NULL-ERP')).toBeUndefined()
        }
      }
    }
  })

  it('refuses a WMS code mapped to two ERP codes the same way on both paths, naming the rows as stored', async () => {
    for (const normalize of [DEMO, undefined]) {
      const out = await same(stockConfig({table: 'conflict', columns: {wms: 'wms', erp: 'erp'}}, normalize), true)
      expect(out.error).toMatch(/^MAP_AMBIGUOUS .*S100013.*FG-OTHER/s)
      if (normalize === DEMO) expect(out.error).toContain('" s100013"')
    }
  })

  it('reads binary and integer codes raw, and a FLOAT column (selected as DOUBLE) as values', async () => {
    for (const normalize of [DEMO, undefined]) {
      const bin = await same(stockConfig({table: 'oddtypes', columns: {wms: 'wms', erp: 'erp'}}, normalize), true, true, ['B1', '0xFF00', '0XFF00', '电', 'B4', 'b4 '])
      expect(bin.map!.entries().map(([w, e]) => `${w.toUpperCase()}=${e}`)).toEqual(['B1=E1', '0XFF00=E2', '电=E3', 'B4=E4'])
      expect(bin.map!.get('电')).toBe('E3')
      const int = await same(stockConfig({table: 'oddtypes', columns: {wms: 'wint', erp: 'erp'}}, normalize), false, true, ['42', '000042', '7', '0'])
      expect(int.map!.get('42')).toBe('E1')
      const float = await same(stockConfig({table: 'oddtypes', columns: {wms: 'wfloat', erp: 'erp'}}, normalize), true, false, ['1.5', '2'])
      expect(float.map!.get('1.5')).toBe('E1')
    }
  })
})
