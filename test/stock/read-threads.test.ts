import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Source} from '../../src/lib/sources/source.js'
import {homeSide, mayBeLarge, sideSize, THREADS_MIN_ROWS} from '../../src/lib/stock/read.js'
import {tableRows} from '../../src/lib/sources/catalog.js'
import {runCliAsync, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams, mysqlSourceConfig} from '../helpers/mysql.js'

// Whether stock diff starts its two reader threads: only when a side may be large (small plants read in this thread)

describe('reader threads for small SQLite sides', () => {
  let dir: string
  let src: Source
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pt-threads-'))
    const db = new Database(path.join(dir, 'erp.db'))
    db.exec('CREATE TABLE small (item TEXT); CREATE TABLE big (item TEXT)')
    const put = (t: string, n: number) => db.transaction(() => {
      const st = db.prepare(`INSERT INTO ${t} VALUES (?)`)
      for (let i = 0; i < n; i++) st.run(`I${i}`)
    })()
    put('small', 10)
    put('big', THREADS_MIN_ROWS + 5)
    db.close()
    src = await Source.open('erp', {client: 'sqlite', role: 'erp', connection: {filename: 'erp.db'}} as never, {baseDir: dir})
  })
  afterAll(async () => {
    await src?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('counts SQLite rows exactly, or only up to a bound', async () => {
    expect(await tableRows(src, 'small')).toEqual({rows: 10, estimated: false, found: true})
    expect(await tableRows(src, 'big', {upTo: 100})).toEqual({rows: 100, estimated: false, found: true})
  })

  it('reads a small table in this thread, a large one, a free query or a missing table in threads', async () => {
    const large = async (table: string | undefined) => mayBeLarge(await sideSize(src, table, THREADS_MIN_ROWS))
    expect(await large('small')).toBe(false)
    expect(await large('big')).toBe(true)
    expect(await large(undefined)).toBe(true)
    expect(await large('no_such_table')).toBe(true)
    // one catalog read serves the partitions too: counted up to the bound asked, exactly below it
    expect(await sideSize(src, 'small', 100)).toBe(10)
    expect(await sideSize(src, 'big', 100)).toBe(100)
    expect(await sideSize(src, 'big', 10 * THREADS_MIN_ROWS)).toBe(THREADS_MIN_ROWS + 5)
    expect(await sideSize(src, 'no_such_table', 100)).toBe(null)
  })
})

describe('which side the command thread reads', () => {
  it('reads the larger side itself (the reader thread starts later), the WMS side on a tie or an unknown size', () => {
    expect(homeSide({erp: 2_000_000, wms: 2_400_000})).toBe('wms')
    expect(homeSide({erp: 2_400_000, wms: 2_000_000})).toBe('erp')
    expect(homeSide({erp: 60_000, wms: 60_000})).toBe('wms')
    expect(homeSide({erp: null, wms: 60_000})).toBe('wms')
    expect(homeSide({erp: 900_000, wms: null})).toBe('wms')
  })
})

describeMysql('reader threads for MySQL sides', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let src: Source
  beforeAll(async () => {
    db = await createTestDatabase('pt_threads')
    await db.conn.query('CREATE TABLE small (item VARCHAR(8)) ENGINE=InnoDB')
    await db.conn.query("INSERT INTO small VALUES ('A'), ('B')")
    await db.conn.query('ANALYZE TABLE small')
    src = await Source.open('erp', {
      client: 'mysql',
      role: 'erp',
      connection: {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name},
      statementTimeoutSeconds: 60,
      connectTimeoutSeconds: 5,
      maxLagSeconds: 900,
    } as never)
  })
  afterAll(async () => {
    await src?.close()
    await db?.drop()
  })

  it("uses the catalog's estimate; a table the catalog does not list counts as large", async () => {
    expect(await tableRows(src, 'small')).toMatchObject({estimated: true, found: true})
    expect(mayBeLarge(await sideSize(src, 'small', THREADS_MIN_ROWS))).toBe(false)
    expect((await tableRows(src, 'missing')).found).toBe(false)
    expect(await sideSize(src, 'missing', THREADS_MIN_ROWS)).toBe(null)
    expect(mayBeLarge(await sideSize(src, 'missing', THREADS_MIN_ROWS))).toBe(true)
  })
})

describeMysql('either side in the reader thread, the same answer', () => {
  const N = 60_000
  let erp: Awaited<ReturnType<typeof createTestDatabase>>
  let wms: Awaited<ReturnType<typeof createTestDatabase>>
  beforeAll(async () => {
    erp = await createTestDatabase('pt_home_erp')
    wms = await createTestDatabase('pt_home_wms')
    // each side twice: as it is, and padded with as many rows again that its filter drops (keep = 0), so that the
    // catalog calls the padded table the larger side while both read the same rows
    for (const t of ['stock', 'stock_padded']) await erp.conn.query(`CREATE TABLE ${t} (item VARCHAR(16), wh VARCHAR(8), lot VARCHAR(8), qty DECIMAL(18,4), uom VARCHAR(8), keep TINYINT) ENGINE=InnoDB`)
    for (const t of ['bins', 'bins_padded']) await wms.conn.query(`CREATE TABLE ${t} (sku VARCHAR(16), wh VARCHAR(8), lot VARCHAR(8), qty DECIMAL(18,4), uom VARCHAR(8), keep TINYINT) ENGINE=InnoDB`)
    await wms.conn.query('CREATE TABLE xref (wms_sku VARCHAR(16), erp_item VARCHAR(16)) ENGINE=InnoDB')
    // ERP: N keys; the WMS holds them as SKUs through the cross-reference, in two bins each (rolled up), with every
    // 500th quantity off by one, every 1000th key missing and 30 keys of its own
    await erp.conn.query(`INSERT INTO stock SELECT CONCAT('I', seq), CONCAT('W', seq % 5), 'L1', seq % 89 + 0.5, 'PCS', 1 FROM seq_1_to_${N}`)
    await wms.conn.query(`INSERT INTO xref SELECT CONCAT('S', seq), CONCAT('I', seq) FROM seq_1_to_${N + 30}`)
    await wms.conn.query(`INSERT INTO bins SELECT CONCAT('S', seq), CONCAT('W', seq % 5), 'L1', (seq % 89 + 0.5) / 2 + IF(seq % 500 = 0 AND h = 1, 1, 0), 'PCS', 1
      FROM seq_1_to_${N + 30}, (SELECT 1 AS h UNION ALL SELECT 2) halves WHERE seq % 1000 <> 0 OR seq > ${N}`)
    await erp.conn.query(`INSERT INTO stock_padded SELECT * FROM stock`)
    await erp.conn.query(`INSERT INTO stock_padded SELECT CONCAT('X', seq), 'W0', 'L1', 1, 'PCS', 0 FROM seq_1_to_${3 * N}`)
    await wms.conn.query(`INSERT INTO bins_padded SELECT * FROM bins`)
    await wms.conn.query(`INSERT INTO bins_padded SELECT CONCAT('X', seq), 'W0', 'L1', 1, 'PCS', 0 FROM seq_1_to_${4 * N}`)
    for (const [db, t] of [[erp, 'stock'], [erp, 'stock_padded'], [wms, 'bins'], [wms, 'bins_padded']] as const) await db.conn.query(`ANALYZE TABLE ${t}`)
  }, 120_000)
  afterAll(async () => {
    await erp?.drop()
    await wms?.drop()
  })

  const run = async (erpTable: string, wmsTable: string) => {
    const dir = tempDir('pt-home-')
    const config = {
      sources: {erp: {...mysqlSourceConfig(erp.name), role: 'erp'}, wms: {...mysqlSourceConfig(wms.name), role: 'wms'}},
      stock: {
        erp: {source: 'erp', table: erpTable, columns: {item: 'item', warehouse: 'wh', lot: 'lot', qty: 'qty', uom: 'uom'}, filters: {keep: [1]}},
        wms: {source: 'wms', table: wmsTable, columns: {item: 'sku', warehouse: 'wh', lot: 'lot', qty: 'qty', uom: 'uom'}, filters: {keep: [1]}},
        itemMap: {source: 'wms', table: 'xref', columns: {wms: 'wms_sku', erp: 'erp_item'}},
        // W1 is met (as itself); ZZ is in no WMS row: said, from whichever thread read the WMS side
        warehouseMap: {W1: 'W1', ZZ: 'W4'},
      },
    }
    writeFileSync(path.join(dir, 'plantops.yaml'), JSON.stringify(config))
    // the premise: the catalog calls the padded table the larger side
    const size = async (name: 'erp' | 'wms', table: string) => {
      const src = await Source.open(name, config.sources[name] as never)
      try {
        return await sideSize(src, table, 10 * N)
      } finally {
        await src.close()
      }
    }
    const sizes = [await size('erp', erpTable), await size('wms', wmsTable)]
    const r = await runCliAsync(['stock', 'diff', '--json', '--allow-stale'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    return {sizes, json: r.json}
  }

  it('reads the larger side here and the other in the thread, ERP or WMS, with identical rows and summary', async () => {
    const erpHome = await run('stock_padded', 'bins')
    const wmsHome = await run('stock', 'bins_padded')
    expect(homeSide({erp: erpHome.sizes[0], wms: erpHome.sizes[1]})).toBe('erp')
    expect(homeSide({erp: wmsHome.sizes[0], wms: wmsHome.sizes[1]})).toBe('wms')
    // every 1000th key only in the ERP, 30 only in the WMS, every other 500th over (a bin off by one)
    expect(erpHome.json.summary.keys).toMatchObject({total: N + 30, match: N + 30 - N / 1000 - 30 - N / 1000, only_in_erp: N / 1000, only_in_wms: 30, over_tolerance: N / 1000})
    expect(wmsHome.json.summary.keys).toEqual(erpHome.json.summary.keys)
    expect(erpHome.json.rows).toHaveLength(N / 1000 + 30 + N / 1000)
    expect(wmsHome.json.rows).toEqual(erpHome.json.rows)
    for (const r of [erpHome, wmsHome]) {
      expect(r.json.summary.warnings.filter((w: string) => w.startsWith('stock.warehouseMap'))).toEqual([
        'stock.warehouseMap: no WMS stock row has the warehouse code of ZZ → W4; check the code (WMS warehouse codes read: W0, W1, W2, W3, W4)',
      ])
    }
  }, 120_000)
})
