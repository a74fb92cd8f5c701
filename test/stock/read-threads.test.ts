import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Source} from '../../src/lib/sources/source.js'
import {mayBeLarge, sideSize, THREADS_MIN_ROWS} from '../../src/lib/stock/read.js'
import {tableRows} from '../../src/lib/sources/catalog.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

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
