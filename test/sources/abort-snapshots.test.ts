import {afterAll, beforeAll, expect, it} from 'vitest'

import {eachRawRow, Source, type RawRowSink} from '../../src/lib/sources/source.js'
import {createTestDatabase, describeMysql, mysqlSourceConfig} from '../helpers/mysql.js'

describeMysql('Source.abortSnapshots (real MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let src: Source

  beforeAll(async () => {
    db = await createTestDatabase('pt_abort')
    src = await Source.open('erp', mysqlSourceConfig(db.name) as never)
  })
  afterAll(async () => {
    await src?.close()
    await db?.drop()
  })

  it("stops a snapshot's long read at once (the stock diff's other side failed); the source reads again afterwards", async () => {
    let rows = 0
    let aborted = -1
    const sink: RawRowSink = {
      start: () => true,
      raw: () => {
        // far from the end of the result: the rest is never read
        if (++rows === 10_000) {
          aborted = rows
          src.abortSnapshots()
        }
      },
      row: () => {
        rows++
      },
    }
    const read = src.snapshot((r) => eachRawRow(r, 'SELECT seq, CONCAT(\'IT\', seq) FROM seq_1_to_20000000', [], sink, {batchSize: 4096}))
    await expect(read).rejects.toThrow(/connection lost|closed/i)
    expect(aborted).toBe(10_000)
    // the rows already in the socket's last chunk at most, never the 20,000,000
    expect(rows).toBeLessThan(200_000)
    expect(await src.query<{n: number}>('SELECT 1 AS n')).toEqual([{n: 1}])
  })
})
