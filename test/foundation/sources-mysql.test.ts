import {afterAll, beforeAll, expect, it} from 'vitest'

import {ReadOnlyViolation, SourceError} from '../../src/lib/cli/errors.js'
import {redact, registerSecret} from '../../src/lib/cli/secrets.js'
import type {MysqlSourceConfig} from '../../src/lib/config/sources-schema.js'
import {eachRow, Source} from '../../src/lib/sources/source.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

function mysqlSource(database: string, over: Partial<MysqlSourceConfig> = {}, conn: Partial<MysqlSourceConfig['connection']> = {}): MysqlSourceConfig {
  return {
    client: 'mysql',
    role: 'erp',
    connection: {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database, ...conn},
    statementTimeoutSeconds: 300,
    connectTimeoutSeconds: 5,
    maxLagSeconds: 900,
    ...over,
  }
}

describeMysql('MySQL sources are read-only, timed and streaming (real MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let src: Source

  beforeAll(async () => {
    db = await createTestDatabase('pt_src')
    await db.conn.query('CREATE TABLE stock (id INT PRIMARY KEY, item VARCHAR(20), qty DECIMAL(28,10))')
    await db.conn.query("INSERT INTO stock VALUES (1,'A','12345678901234567.1234567891'),(2,'B','0.1'),(3,'C','0.2')")
    src = await Source.open('erp', mysqlSource(db.name))
  })

  afterAll(async () => {
    await src?.close()
    await db?.drop()
  })

  it('reads DECIMAL exactly as strings', async () => {
    const rows = await src.query<{item: string; qty: string}>('SELECT item, qty FROM stock ORDER BY id')
    expect(rows[0].qty).toBe('12345678901234567.1234567891')
    expect(src.rowsRead).toBeGreaterThanOrEqual(3)
  })

  it('the guard refuses a write before it reaches the server', async () => {
    await expect(src.query("UPDATE stock SET qty = 0 WHERE id = 1")).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(src.query('SELECT 1; DELETE FROM stock')).rejects.toBeInstanceOf(ReadOnlyViolation)
    const rows = await db.conn.query('SELECT COUNT(*) AS n FROM stock WHERE qty = 0')
    expect((rows[0] as Array<{n: number}>)[0].n).toBe(0)
  })

  it('the server refuses a write even when the guard is bypassed (SET SESSION TRANSACTION READ ONLY)', async () => {
    const err = await src.rawUnguardedForTests("INSERT INTO stock VALUES (9,'X',1)").catch((e) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).code).toBe('SOURCE_READ_ONLY')
    const info = await src.serverInfo()
    expect(info.readOnlySession).toBe(true)
    expect(info.flavor).toBe('mariadb')
  })

  it('reads inside a read-only consistent snapshot', async () => {
    const result = await src.snapshot(async (snap) => {
      const before = await snap.query<{n: number}>('SELECT COUNT(*) AS n FROM stock')
      await db.conn.query("INSERT INTO stock VALUES (10,'NEW','1')") // another writer commits meanwhile
      const after = await snap.query<{n: number}>('SELECT COUNT(*) AS n FROM stock')
      return [Number(before[0].n), Number(after[0].n)]
    })
    expect(result[0]).toBe(result[1]) // the snapshot does not see the concurrent insert
    await db.conn.query('DELETE FROM stock WHERE id = 10')
  })

  it('applies the statement timeout per source', async () => {
    const slow = await Source.open('slow', mysqlSource(db.name, {statementTimeoutSeconds: 0.5}))
    try {
      const err = await slow.query('SELECT SLEEP(3) AS s').catch((e) => e)
      // MariaDB interrupts the statement: either an error or SLEEP returning 1 (interrupted)
      if (err instanceof Error) {
        expect((err as SourceError).code).toBe('SOURCE_TIMEOUT')
      } else {
        const started = Date.now()
        const rows = await slow.query<{s: number}>('SELECT SLEEP(3) AS s')
        expect(Number(rows[0].s)).toBe(1)
        expect(Date.now() - started).toBeLessThan(2500)
      }
      const heavy = await slow
        .query('SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b, information_schema.columns c')
        .catch((e) => e)
      expect(heavy).toBeInstanceOf(SourceError)
      expect((heavy as SourceError).code).toBe('SOURCE_TIMEOUT')
    } finally {
      await slow.close()
    }
  })

  it('streams large results with bounded memory', async () => {
    await db.conn.query('CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40))')
    await db.conn.query("INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_200000")
    if (global.gc) global.gc()
    const before = process.memoryUsage().heapUsed
    let n = 0
    let peak = 0
    for await (const row of src.stream<{id: number}>('SELECT id, v FROM big')) {
      n++
      if (n % 20000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before)
      expect(row.id).toBeGreaterThan(0)
    }
    expect(n).toBe(200000)
    // 200k rows held in memory would take far more than 60 MB; a stream stays near constant
    expect(peak).toBeLessThan(60 * 1024 * 1024)
  })

  it('streams in batches: every row in order, rows as arrays, rowsRead counted, at most batchSize per batch', async () => {
    const before = src.rowsRead
    let expected = 1
    let batches = 0
    let largest = 0
    for await (const batch of src.streamBatches<[number, string]>('SELECT id, v FROM big WHERE id > ? ORDER BY id', [0], {batchSize: 5000, rowsAsArray: true})) {
      batches++
      largest = Math.max(largest, batch.length)
      for (const [id, v] of batch) {
        if (id !== expected || v !== `row-${expected}`) throw new Error(`row ${expected}: got ${id} ${v}`)
        expected++
      }
    }
    expect(expected - 1).toBe(200000)
    expect(batches).toBe(40)
    expect(largest).toBe(5000)
    expect(src.rowsRead - before).toBe(200000)
    const objects: Array<{id: number; v: string}> = []
    for await (const batch of src.streamBatches<{id: number; v: string}>('SELECT id, v FROM big WHERE id <= 3 ORDER BY id')) objects.push(...batch)
    expect(objects).toEqual([
      {id: 1, v: 'row-1'},
      {id: 2, v: 'row-2'},
      {id: 3, v: 'row-3'},
    ])
  })

  it('breaking out of a batched stream gives the connection back (more breaks than the pool has connections)', async () => {
    for (let i = 0; i < 6; i++) {
      let seen = 0
      for await (const batch of src.streamBatches<[number]>('SELECT id FROM big ORDER BY id', [], {batchSize: 2000, rowsAsArray: true})) {
        seen += batch.length
        break
      }
      expect(seen).toBe(2000)
    }
    const rows = await src.query<{n: number}>('SELECT COUNT(*) AS n FROM big')
    expect(Number(rows[0].n)).toBe(200000)
  })

  it('breaking out of a batched stream inside a snapshot leaves the snapshot usable', async () => {
    const result = await src.snapshot(async (snap) => {
      let first = 0
      for await (const batch of snap.streamBatches<[number]>('SELECT id FROM big ORDER BY id', [], {batchSize: 3000, rowsAsArray: true})) {
        first = batch[0][0]
        break
      }
      const n = await snap.query<{n: number}>('SELECT COUNT(*) AS n FROM big')
      let streamed = 0
      for await (const batch of snap.streamBatches('SELECT id FROM big WHERE id <= 10')) streamed += batch.length
      return {first, n: Number(n[0].n), streamed}
    })
    expect(result).toEqual({first: 1, n: 200000, streamed: 10})
  })

  it('an error in the middle of a batched stream is a SourceError, after the rows before it', async () => {
    let seen = 0
    // the scalar subquery returns two rows only at id 150000: the server fails mid-result
    const err = await (async () => {
      for await (const batch of src.streamBatches<[number]>('SELECT id, (SELECT 1 FROM seq_1_to_2 WHERE big.id = 150000) AS x FROM big ORDER BY id', [], {batchSize: 1000, rowsAsArray: true})) {
        seen += batch.length
      }
    })().catch((e) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).exitCode).toBe(3)
    expect((err as SourceError).message).toContain('source "erp"')
    expect(seen).toBeGreaterThan(0)
    expect(seen).toBeLessThan(150000)
    // the pool still serves reads afterwards
    expect(Number((await src.query<{n: number}>('SELECT COUNT(*) AS n FROM big WHERE id <= 5'))[0].n)).toBe(5)
  })

  it('eachRow hands every row to the function in order, none batched, and counts them', async () => {
    const before = src.rowsRead
    let expected = 1
    const n = await src.eachRow!<[number, string]>('SELECT id, v FROM big WHERE id > ? ORDER BY id', [0], ([id, v]) => {
      if (id !== expected || v !== `row-${expected}`) throw new Error(`row ${expected}: got ${id} ${v}`)
      expected++
    }, {rowsAsArray: true})
    expect(n).toBe(200000)
    expect(expected - 1).toBe(200000)
    expect(src.rowsRead - before).toBe(200000)
    // the generic helper: the same rows through a reader without eachRow (its batches)
    const plain = {query: src.query.bind(src), stream: src.stream.bind(src), streamBatches: src.streamBatches.bind(src)}
    const ids: number[] = []
    expect(await eachRow<{id: number}>(plain, 'SELECT id FROM big WHERE id <= 3 ORDER BY id', [], (r) => ids.push(r.id))).toBe(3)
    expect(ids).toEqual([1, 2, 3])
  })

  it('a function that throws stops eachRow with its own error, and the pool and a snapshot stay usable', async () => {
    const bad = new RangeError('bad row 1234')
    let seen = 0
    const err = await src
      .eachRow!<[number]>('SELECT id FROM big ORDER BY id', [], ([id]) => {
        seen++
        if (id === 1234) throw bad
      }, {rowsAsArray: true})
      .catch((e) => e)
    expect(err).toBe(bad)
    expect(seen).toBe(1234)
    expect(Number((await src.query<{n: number}>('SELECT COUNT(*) AS n FROM big WHERE id <= 5'))[0].n)).toBe(5)
    const result = await src.snapshot(async (snap) => {
      let calls = 0
      const e2 = await snap.eachRow!<[number]>('SELECT id FROM big ORDER BY id', [], () => {
        calls++
        if (calls === 10) throw bad
      }, {rowsAsArray: true}).catch((e) => e)
      const n = await snap.query<{n: number}>('SELECT COUNT(*) AS n FROM big')
      const after = await snap.eachRow!('SELECT id FROM big WHERE id <= 10', [], () => {})
      return {same: e2 === bad, calls, n: Number(n[0].n), after}
    })
    expect(result).toEqual({same: true, calls: 10, n: 200000, after: 10})
  })

  it('a server error in the middle of eachRow is a SourceError, after the rows before it; the guard comes first', async () => {
    let seen = 0
    const err = await src.eachRow!<[number]>('SELECT id, (SELECT 1 FROM seq_1_to_2 WHERE big.id = 150000) AS x FROM big ORDER BY id', [], () => seen++, {rowsAsArray: true}).catch((e) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).exitCode).toBe(3)
    expect(seen).toBeGreaterThan(0)
    expect(seen).toBeLessThan(150000)
    expect(() => src.eachRow!('DELETE FROM big', [], () => {})).toThrow(ReadOnlyViolation)
  })

  it('a batched read passes the read guard first', () => {
    expect(() => src.streamBatches('DELETE FROM big')).toThrow(ReadOnlyViolation)
  })

  it('reports "not a replica" for a primary', async () => {
    const status = await src.replicaStatus()
    expect(status.isReplica).toBe(false)
  })

  it('reads lag from a heartbeat query when configured', async () => {
    await db.conn.query('CREATE TABLE heartbeat (ts DATETIME)')
    await db.conn.query('INSERT INTO heartbeat VALUES (NOW() - INTERVAL 2 HOUR)')
    const hb = await Source.open('hb', mysqlSource(db.name, {lagQuery: 'SELECT TIMESTAMPDIFF(SECOND, MAX(ts), NOW()) FROM heartbeat'}))
    try {
      const status = await hb.replicaStatus()
      expect(status.isReplica).toBe(true)
      expect(status.lagSeconds).toBeGreaterThanOrEqual(7200)
    } finally {
      await hb.close()
    }
  })

  it('connection failures become one clear SourceError naming the source, never the password', async () => {
    registerSecret('s3cr3t-pw')
    const refused = await Source.open('erp', mysqlSource(db.name, {}, {port: 1})).catch((e) => e)
    expect(refused).toBeInstanceOf(SourceError)
    expect(refused.message).toMatch(/source "erp": connection refused at 127\.0\.0\.1:1/)
    expect(refused.exitCode).toBe(3)

    const denied = await Source.open('erp', mysqlSource(db.name, {}, {user: 'nobody_pt', password: 's3cr3t-pw'})).catch((e) => e)
    expect(denied).toBeInstanceOf(SourceError)
    expect(denied.code).toBe('SOURCE_AUTH')
    expect(redact(denied.message)).not.toContain('s3cr3t-pw')
    expect(denied.message).not.toContain('s3cr3t-pw')

    const noTable = await src.query('SELECT * FROM no_such_table').catch((e) => e)
    expect(noTable.code).toBe('SOURCE_NO_TABLE')
    expect(noTable.message).toContain('source "erp"')

    const noDb = await Source.open('erp', mysqlSource('pt_no_such_db_xyz')).catch((e) => e)
    expect(noDb.code).toBe('SOURCE_NO_DATABASE')
  })
})
