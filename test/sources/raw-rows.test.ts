import {afterAll, beforeAll, expect, it} from 'vitest'

import {ReadOnlyViolation, SourceError} from '../../src/lib/cli/errors.js'
import type {RawKind, RawRow} from '../../src/lib/sources/raw-rows.js'
import {eachRawRow, Source, type RawRowSink} from '../../src/lib/sources/source.js'
import {createTestDatabase, describeMysql, mysqlSourceConfig} from '../helpers/mysql.js'

/** A sink that keeps each row's values (RawRow.value for raw rows) and how they came. */
function collector(onRaw?: (r: RawRow, n: number) => void) {
  const got = {kinds: undefined as readonly RawKind[] | null | undefined, raw: 0, values: 0, rows: [] as unknown[][]}
  const sink: RawRowSink = {
    start: (k) => {
      got.kinds = k
      return true
    },
    raw: (r) => {
      got.raw++
      onRaw?.(r, got.raw)
      got.rows.push(r.kinds.map((_, i) => r.value(i)))
    },
    row: (v) => {
      got.values++
      got.rows.push(v)
    },
  }
  return {got, sink}
}

describeMysql('raw MySQL rows: the packet bytes, with everything a read guarantees (real MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let src: Source

  beforeAll(async () => {
    db = await createTestDatabase('pt_raw')
    await db.conn.query(`CREATE TABLE t (id INT PRIMARY KEY, z INT(6) ZEROFILL, b BIGINT, d DECIMAL(28,10), s VARCHAR(300), vb VARBINARY(10),
      dt DATE, ts DATETIME, tm TIME, y YEAR, txt MEDIUMTEXT, e ENUM('a','b'), n INT NULL)`)
    await db.conn.query(`INSERT INTO t VALUES
      (1, 7, -9007199254740993, '-12345678901234567.1234567891', 'ascii', x'00FF', '2026-12-03', '2026-12-03 13:45:00', '-01:02:03', 2026, 'x', 'a', NULL),
      (2, 0, 0, '0.0000000000', '电机-甲 ＳＫＵ', 'bin', '0000-00-00', NULL, '838:59:59', 0, REPEAT('长', 30000), 'b', -5),
      (3, NULL, NULL, NULL, REPEAT('é', 150), '', NULL, NULL, NULL, NULL, REPEAT('a', 70000), NULL, 0),
      (4, 123456, 18446744073709551, '1', '', NULL, '2000-01-01', '2000-01-01 00:00:00', '00:00:00', 1999, '', 'a', 2147483647)`)
    await db.conn.query('CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40))')
    await db.conn.query("INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_20000")
    src = await Source.open('erp', mysqlSourceConfig(db.name))
  })

  afterAll(async () => {
    await src?.close()
    await db?.drop()
  })

  it('gives every column exactly as mysql2 does (ints, zero-fill, big integers, decimals, UTF-8, binary, dates, long values, NULL)', async () => {
    const sql = 'SELECT id, z, b, d, s, vb, dt, ts, tm, y, txt, e, n, NULL AS nul FROM t ORDER BY id'
    const values: unknown[][] = []
    await src.eachRow!<unknown[]>(sql, [], (r) => values.push(r), {rowsAsArray: true})
    const before = src.rowsRead
    const {got, sink} = collector()
    expect(await src.eachRawRow(sql, [], sink)).toBe(4)
    expect(src.rowsRead - before).toBe(4)
    expect(got.kinds).toEqual(['int', 'int', 'latin1', 'ascii', 'utf8', 'binary', 'ascii', 'ascii', 'ascii', 'int', 'utf8', 'utf8', 'int', 'null'])
    expect(got.raw).toBe(4)
    expect(got.values).toBe(0)
    expect(got.rows).toEqual(values)
    expect((got.rows[2][10] as string).length).toBe(70000)
    // inside a snapshot too
    const snap = collector()
    await src.snapshot((r) => r.eachRawRow!(sql, [], snap.sink))
    expect(snap.got.rows).toEqual(values)
  })

  it('reads inside a read-only transaction, and falls back to values for a column it does not repeat (DOUBLE) and for readers without a raw path', async () => {
    const {got, sink} = collector()
    await src.eachRawRow('SELECT @@in_transaction AS t, @@tx_read_only AS ro', [], sink)
    expect(got.raw).toBe(1)
    expect(got.rows.map((r) => r.map(String))).toEqual([['1', '1']])
    const dbl = collector()
    await src.eachRawRow('SELECT id, id / 3e0 AS x FROM t ORDER BY id', [], dbl.sink)
    expect(dbl.got.kinds).toBeNull()
    expect(dbl.got.raw).toBe(0)
    expect(dbl.got.rows[0]).toEqual([1, 1 / 3])
    const plain = {query: src.query.bind(src), stream: src.stream.bind(src), streamBatches: src.streamBatches.bind(src)}
    const p = collector()
    expect(await eachRawRow(plain, 'SELECT id FROM big WHERE id <= 3 ORDER BY id', [], p.sink)).toBe(3)
    expect(p.got.kinds).toBeNull()
    expect(p.got.rows).toEqual([[1], [2], [3]])
  })

  it('passes the read guard first', () => {
    expect(() => src.eachRawRow('DELETE FROM big', [], collector().sink)).toThrow(ReadOnlyViolation)
  })

  it('a sink that throws stops the read with its own error; the pool and a snapshot stay usable', async () => {
    const bad = new RangeError('bad row 1234')
    const err = await src
      .eachRawRow('SELECT id, v FROM big ORDER BY id', [], collector((r, n) => {
        if (n === 1234) throw bad
      }).sink)
      .catch((e) => e)
    expect(err).toBe(bad)
    expect(Number((await src.query<{n: number}>('SELECT COUNT(*) AS n FROM big WHERE id <= 5'))[0].n)).toBe(5)
    const result = await src.snapshot(async (snap) => {
      const e2 = await snap.eachRawRow!('SELECT id, v FROM big ORDER BY id', [], collector((r, n) => {
        if (n === 10) throw bad
      }).sink).catch((e) => e)
      const after = collector()
      const n = await snap.eachRawRow!('SELECT id FROM big WHERE id <= 10', [], after.sink)
      return {same: e2 === bad, n, rows: after.got.rows.length}
    })
    expect(result).toEqual({same: true, n: 10, rows: 10})
  })

  it('a server error in the middle of the read is a SourceError naming the source, after the rows before it', async () => {
    const {got, sink} = collector()
    const err = await src.eachRawRow('SELECT id, (SELECT 1 FROM seq_1_to_2 WHERE big.id = 15000) AS x FROM big ORDER BY id', [], sink).catch((e) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).exitCode).toBe(3)
    expect((err as Error).message).toContain('erp')
    expect(got.raw).toBeGreaterThan(0)
    expect(got.raw).toBeLessThan(15000)
  })

  it('the statement timeout applies', async () => {
    const timed = await Source.open('erp', mysqlSourceConfig(db.name, {statementTimeoutSeconds: 1}))
    try {
      const err = await timed.eachRawRow('SELECT id, SLEEP(3) AS s FROM t WHERE id = 1', [], collector().sink).catch((e) => e)
      expect(err).toBeInstanceOf(SourceError)
      expect((err as Error).message).toMatch(/timeout|time/i)
    } finally {
      await timed.close()
    }
  })

  it('KILL of the connection mid-read ends the read at once with a SourceError', async () => {
    const own = await Source.open('erp', mysqlSourceConfig(db.name))
    try {
      let killed = false
      const t0 = Date.now()
      const {got, sink} = collector()
      const read = own.eachRawRow('SELECT id, IF(id = 5000, SLEEP(60), 0) AS s FROM big ORDER BY id', [], sink).catch((e) => e)
      for (let i = 0; i < 100 && !killed; i++) {
        await new Promise((r) => setTimeout(r, 100))
        const [rows] = (await db.conn.query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60)%' AND INFO NOT LIKE '%PROCESSLIST%'")) as any
        if (rows.length > 0 && got.raw > 0) {
          await db.conn.query(`KILL CONNECTION ${Number(rows[0].id)}`)
          killed = true
        }
      }
      expect(killed).toBe(true)
      const err = await read
      expect(err).toBeInstanceOf(SourceError)
      expect((err as SourceError).exitCode).toBe(3)
      expect(got.raw).toBeLessThan(5000)
      expect(Date.now() - t0).toBeLessThan(30_000)
    } finally {
      await own.close()
    }
  })
})
