import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {SourceError, UsageError} from '../../src/lib/cli/errors.js'
import {buildDemoPlant, type DemoPlant, demoSourcesConfig, dropMysqlDemo} from '../../src/lib/demo/index.js'
import {createTableSql, insertPrefix, rowLiteral, tableSpec} from '../../src/lib/demo/schema.js'
import {runCli} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {checkPlant, countRows, plantChecksum, withPlantDbs} from './plant-check.js'

const prefix = `pt_demo_${process.pid}_`
const mysql = {...mysqlParams, password: mysqlParams.password || undefined, prefix}

describeMysql('demo plant on MariaDB/MySQL', () => {
  let plant: DemoPlant
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-'))
    plant = await buildDemoPlant({mysql, dir})
    process.stderr.write(`[demo] default plant on MariaDB built in ${plant.elapsedMs} ms\n`)
  }, 120_000)

  afterAll(async () => {
    await dropMysqlDemo(mysql)
    rmSync(dir, {recursive: true, force: true})
  })

  it('creates the three databases with the configured row counts', async () => {
    expect(plant.systems.wms).toEqual({system: 'wms', client: 'mysql', host: mysql.host, port: mysql.port, user: mysql.user, database: `${prefix}wms`, passwordSet: Boolean(mysql.password)})
    expect(plant.counts['erp.stock_balance']).toBe(20_000)
    expect(readdirSync(dir)).toEqual(['demo-manifest.json'])
    await withPlantDbs(plant, async (dbs) => expect(await countRows(dbs)).toEqual(plant.counts), mysql.password)
  })

  it('holds exactly the same data as the SQLite build of the same seed', async () => {
    const sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'plantops-'))
    try {
      const lite = await buildDemoPlant({dir: sqliteDir})
      expect(plant.manifest).toEqual(lite.manifest)
      const a = await withPlantDbs(plant, plantChecksum, mysql.password)
      const b = await withPlantDbs(lite, plantChecksum)
      expect(a.perTable).toEqual(b.perTable)
    } finally {
      rmSync(sqliteDir, {recursive: true, force: true})
    }
  }, 60_000)

  it('is consistent outside the manifest and exactly as the manifest says inside it', async () => {
    const result = await withPlantDbs(plant, (dbs) => checkPlant(dbs, plant.manifest), mysql.password)
    expect(result.problems.slice(0, 20)).toEqual([])
  })

  it('declares DECIMAL(18,4) quantities and the secondary indexes', async () => {
    await withPlantDbs(
      plant,
      async ({wms}) => {
        const [cols] = await wms.raw(`SELECT column_name AS c, column_type AS t FROM information_schema.columns WHERE table_schema = ? AND table_name = 'bin_stock' AND column_name = 'qty'`, [`${prefix}wms`])
        expect(cols[0].t).toBe('decimal(18,4)')
        const [ix] = await wms.raw(`SELECT DISTINCT index_name AS n FROM information_schema.statistics WHERE table_schema = ? AND table_name = 'bin_stock' ORDER BY index_name`, [`${prefix}wms`])
        expect(ix.map((r: {n: string}) => r.n)).toEqual(['idx_bin_stock_key', 'idx_bin_stock_location', 'PRIMARY'])
        const [[dec]] = await wms.raw(`SELECT qty FROM bin_stock WHERE qty <> ROUND(qty) LIMIT 1`)
        expect(dec.qty).toMatch(/^\d+\.\d{4}$/)
      },
      mysql.password,
    )
  })

  it('refuses to drop an existing database it did not create, unless force; marks and rebuilds its own', async () => {
    const other = {...mysql, prefix: `${prefix}fg_`}
    const conn = await (await import('mysql2/promise')).createConnection(mysqlParams)
    try {
      await conn.query(`CREATE DATABASE \`${other.prefix}wms\``)
      await conn.query(`CREATE TABLE \`${other.prefix}wms\`.precious (id INT)`)
      const refused = await buildDemoPlant({mysql: other, stockRows: 100, items: 20}).catch((error: Error) => error)
      expect(refused).toBeInstanceOf(UsageError)
      expect((refused as UsageError).code).toBe('DEMO_DATABASE_NOT_OURS')
      expect((refused as UsageError).message).toContain(`"${other.prefix}wms"`)
      const [still] = (await conn.query(`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'precious'`, [`${other.prefix}wms`])) as unknown as [Array<{n: number}>]
      expect(Number(still[0].n)).toBe(1)
      // nothing was dropped or created for the other systems either
      const [erp] = (await conn.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [`${other.prefix}erp`])) as unknown as [Array<{n: number}>]
      expect(Number(erp[0].n)).toBe(0)
      await buildDemoPlant({mysql: {...other, force: true}, stockRows: 100, items: 20})
      // now marked as the demo's: rebuilding needs no force
      const again = await buildDemoPlant({mysql: other, stockRows: 100, items: 20})
      expect(again.counts['erp.stock_balance']).toBe(100)
    } finally {
      await dropMysqlDemo(other)
      await conn.end()
    }
  }, 60_000)

  it('CLI: demo --mysql on a prefix whose database is not the demo\'s exits 2 and names it', async () => {
    const other = `${prefix}cli_`
    const conn = await (await import('mysql2/promise')).createConnection(mysqlParams)
    try {
      await conn.query(`CREATE DATABASE \`${other}erp\``)
      const r = runCli(['demo', '--mysql', '--mysql-prefix', other, '--dir', path.join(dir, 'cli'), '--no-diff', '--json'], {env: {PLANTOPS_DEMO_MYSQL_PASSWORD: mysqlParams.password || ''}})
      expect(r.code, r.stderr).toBe(2)
      expect(r.json.error.code).toBe('DEMO_DATABASE_NOT_OURS')
      expect(r.json.error.message).toContain(`"${other}erp"`)
      expect(r.json.error.hints.join(' ')).toContain('--force')
    } finally {
      await conn.query(`DROP DATABASE IF EXISTS \`${other}erp\``)
      await conn.end()
    }
  })

  it('rebuilding drops and replaces the databases', async () => {
    const small = {...mysql, prefix: `${prefix}re_`}
    try {
      const a = await buildDemoPlant({mysql: small, stockRows: 1000, seed: 1})
      const b = await buildDemoPlant({mysql: small, stockRows: 1200, seed: 2})
      expect(a.manifestPath).toBeNull()
      await withPlantDbs(b, async (dbs) => expect(await countRows(dbs)).toEqual(b.counts), small.password)
      expect(b.counts['erp.stock_balance']).toBe(1200)
    } finally {
      await dropMysqlDemo(small)
    }
  }, 60_000)

  it('escapes text literals so they round-trip exactly', async () => {
    const db = await createTestDatabase('pt_demo_lit')
    try {
      const spec = tableSpec('customers')
      await db.conn.query(createTableSql(spec, 'mysql'))
      const nasty = ["O'Brien", 'back\\slash', 'line\nbreak', 'nul\u0000byte', 'ctrl-z\u001a', 'cr\r', '全角Ｓ１ ', ' lead', "\\'; DROP TABLE x; --"]
      await db.conn.query(insertPrefix(spec) + nasty.map((n, i) => rowLiteral(spec, [`C${i}`, n], 'mysql')).join(','))
      const [rows] = await db.conn.query('SELECT name FROM customers ORDER BY customer_code')
      expect((rows as Array<{name: string}>).map((r) => r.name)).toEqual(nasty)
    } finally {
      await db.drop()
    }
  })

  it('gives a sources section that references the password only through the environment', () => {
    const cfg = demoSourcesConfig(plant) as Record<string, {connection: Record<string, unknown>}>
    expect(cfg.erp).toEqual({role: 'erp', client: 'mysql', connection: {host: mysql.host, port: mysql.port, user: mysql.user, database: `${prefix}erp`, ...(mysql.password ? {password: '${PLANTOPS_DEMO_MYSQL_PASSWORD}'} : {})}})
    const withPw = demoSourcesConfig({...plant, systems: {...plant.systems, erp: {...plant.systems.erp, passwordSet: true} as DemoPlant['systems']['erp']}}) as typeof cfg
    expect(withPw.erp.connection.password).toBe('${PLANTOPS_DEMO_MYSQL_PASSWORD}')
    expect(JSON.stringify(withPw)).not.toContain(String(mysql.password ?? 'never-a-password'))
  })
})

it('reports an unreachable MySQL server as a source error (exit 3) without leaking the password', async () => {
  const err = await buildDemoPlant({mysql: {host: '127.0.0.1', port: 1, user: 'nobody', password: 's3cret-pw', prefix: 'pt_unreachable_'}}).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(SourceError)
  expect((err as SourceError).exitCode).toBe(3)
  expect((err as Error).message).not.toContain('s3cret-pw')
  expect((err as SourceError).hints.join(' ')).not.toContain('s3cret-pw')
})
