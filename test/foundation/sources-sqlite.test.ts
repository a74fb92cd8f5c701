import path from 'node:path'

import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'

import {ReadOnlyViolation, SourceError} from '../../src/lib/cli/errors.js'
import {Source} from '../../src/lib/sources/source.js'
import {tempDir} from '../helpers/cli.js'

describe('SQLite sources are read-only too', () => {
  it('reads, streams, snapshots; refuses writes in the guard and in SQLite itself', async () => {
    const dir = tempDir()
    const db = new Database(path.join(dir, 'wms.db'))
    db.exec("CREATE TABLE bin_stock (sku TEXT, qty DECIMAL(18,4)); INSERT INTO bin_stock VALUES ('S1', 0.1), ('S1', 0.2), ('S2', 5)")
    db.close()
    const src = await Source.open('wms', {client: 'sqlite', role: 'wms', connection: {filename: 'wms.db'}, statementTimeoutSeconds: 300, connectTimeoutSeconds: 10, maxLagSeconds: 900}, {baseDir: dir})
    try {
      const rows = await src.query<{sku: string; n: number}>('SELECT sku, COUNT(*) AS n FROM bin_stock GROUP BY sku ORDER BY sku')
      expect(rows).toEqual([{sku: 'S1', n: 2}, {sku: 'S2', n: 1}])
      const streamed: string[] = []
      for await (const r of src.stream<{sku: string}>('SELECT sku FROM bin_stock WHERE sku = ?', ['S1'])) streamed.push(r.sku)
      expect(streamed).toEqual(['S1', 'S1'])
      const inSnap = await src.snapshot(async (snap) => (await snap.query<{n: number}>('SELECT COUNT(*) AS n FROM bin_stock'))[0].n)
      expect(inSnap).toBe(3)
      await expect(src.query("INSERT INTO bin_stock VALUES ('X', 1)")).rejects.toBeInstanceOf(ReadOnlyViolation)
      const err = (await src.rawUnguardedForTests("INSERT INTO bin_stock VALUES ('X', 1)").catch((e: unknown) => e)) as SourceError
      expect(err).toBeInstanceOf(SourceError)
      expect(err.code).toBe('SOURCE_READ_ONLY')
      expect((await src.replicaStatus()).isReplica).toBe(false)
      const missing = await src.query('SELECT * FROM nope').catch((e) => e)
      expect(missing.code).toBe('SOURCE_NO_TABLE')
      expect(missing.exitCode).toBe(3)
    } finally {
      await src.close()
    }
  })

  it('streams in batches (objects or arrays), stops early cleanly, counts rows and maps errors', async () => {
    const dir = tempDir()
    const db = new Database(path.join(dir, 'big.db'))
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 25000) INSERT INTO t SELECT n, 'r' || n FROM s")
    db.close()
    const src = await Source.open('wms', {client: 'sqlite', role: 'wms', connection: {filename: 'big.db'}, statementTimeoutSeconds: 300, connectTimeoutSeconds: 10, maxLagSeconds: 900}, {baseDir: dir})
    try {
      const before = src.rowsRead
      const sizes: number[] = []
      let expected = 1
      for await (const batch of src.streamBatches<[number, string]>('SELECT id, v FROM t WHERE id > ? ORDER BY id', [0], {batchSize: 10000, rowsAsArray: true})) {
        sizes.push(batch.length)
        for (const [id, v] of batch) {
          if (id !== expected || v !== `r${expected}`) throw new Error(`row ${expected}: got ${id} ${v}`)
          expected++
        }
      }
      expect(sizes).toEqual([10000, 10000, 5000])
      expect(src.rowsRead - before).toBe(25000)
      const objects: unknown[] = []
      for await (const batch of src.streamBatches('SELECT id, v FROM t WHERE id <= 2 ORDER BY id')) objects.push(...batch)
      expect(objects).toEqual([{id: 1, v: 'r1'}, {id: 2, v: 'r2'}])
      // an early break frees the connection (the pool has one): the next reads run
      for (let i = 0; i < 3; i++) {
        for await (const batch of src.streamBatches<[number]>('SELECT id FROM t ORDER BY id', [], {batchSize: 100, rowsAsArray: true})) {
          expect(batch[0][0]).toBe(1)
          break
        }
      }
      expect((await src.query<{n: number}>('SELECT COUNT(*) AS n FROM t'))[0].n).toBe(25000)
      const inSnap = await src.snapshot(async (snap) => {
        for await (const batch of snap.streamBatches<[number]>('SELECT id FROM t ORDER BY id', [], {batchSize: 100, rowsAsArray: true})) {
          expect(batch.length).toBe(100)
          break
        }
        return (await snap.query<{n: number}>('SELECT COUNT(*) AS n FROM t'))[0].n
      })
      expect(inSnap).toBe(25000)
      let seen = 0
      const err = await (async () => {
        for await (const batch of src.streamBatches("SELECT id, CASE WHEN id = 20000 THEN json('{') ELSE 1 END AS x FROM t ORDER BY id", [], {batchSize: 1000})) seen += batch.length
      })().catch((e) => e)
      expect(err).toBeInstanceOf(SourceError)
      expect(err.exitCode).toBe(3)
      expect(seen).toBe(19000)
      expect(() => src.streamBatches('DELETE FROM t')).toThrow(ReadOnlyViolation)
    } finally {
      await src.close()
    }
  })

  it('a missing database file is a clear source error (exit 3), not a new empty file', async () => {
    const dir = tempDir()
    const err = await Source.open('erp', {client: 'sqlite', role: 'erp', connection: {filename: 'missing.db'}, statementTimeoutSeconds: 300, connectTimeoutSeconds: 10, maxLagSeconds: 900}, {baseDir: dir}).catch((e) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect(err.exitCode).toBe(3)
    expect(err.message).toMatch(/source "erp": cannot open database file at missing\.db/)
  })
})
