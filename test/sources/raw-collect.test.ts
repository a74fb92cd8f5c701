import {afterAll, beforeAll, expect, it, vi} from 'vitest'

import {Source, type RawRowSink} from '../../src/lib/sources/source.js'
import {createTestDatabase, describeMysql, mysqlSourceConfig} from '../helpers/mysql.js'

// count the young-generation collections the framer asks for (the real one runs too)
const collections = vi.hoisted(() => ({n: 0}))
vi.mock('../../src/lib/heap/collect.js', async (original) => {
  const real = await original<typeof import('../../src/lib/heap/collect.js')>()
  return {
    ...real,
    youngCollection: () => {
      collections.n++
      real.youngCollection()
    },
  }
})

/**
 * A raw read frees the socket's chunks as it goes: one young-generation collection per 2 MB of chunks framed
 * (raw-rows.ts COLLECT_BYTES), whatever the query, so the chunks (memory outside the JS heap, freed only when their small
 * JS objects are collected) cannot pile up in a read whose rows make no garbage.
 */
describeMysql('raw reads collect the socket chunks as they go (real MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let src: Source

  beforeAll(async () => {
    db = await createTestDatabase('pt_rawgc')
    await db.conn.query('CREATE TABLE wide (id INT PRIMARY KEY, v VARCHAR(300))')
    // 40,000 rows of ~210 bytes: ~8.5 MB on the wire
    await db.conn.query("INSERT INTO wide SELECT seq, REPEAT(CHAR(65 + seq % 26), 200) FROM seq_1_to_40000")
    src = await Source.open('erp', mysqlSourceConfig(db.name))
  })

  afterAll(async () => {
    await src?.close()
    await db?.drop()
  })

  it('runs one young-generation collection per 2 MB of chunks read raw, and reads every row', async () => {
    let raw = 0
    let bytes = 0
    const sink: RawRowSink = {
      start: () => true,
      raw: (r) => {
        raw++
        bytes += r.end[1] - r.start[1]
      },
      row: () => {
        throw new Error('expected raw rows')
      },
    }
    const before = collections.n
    await src.eachRawRow('SELECT id, v FROM wide', [], sink)
    const n = collections.n - before
    expect(raw).toBe(40_000)
    expect(bytes).toBe(40_000 * 200)
    // 8,429,035 bytes framed: 4 collections (5 if this thread's count carried over more than 0.4 MB from an earlier read)
    expect(n).toBeGreaterThanOrEqual(4)
    expect(n).toBeLessThanOrEqual(5)
  })
})
