import {afterAll, afterEach, beforeAll, expect, it, vi} from 'vitest'

import {RawRow, RowFramer, type MysqlWire, type MysqlWirePacket, type RawKind} from '../../src/lib/sources/raw-rows.js'
import {Source, type RawRowSink} from '../../src/lib/sources/source.js'
import {createTestDatabase, describeMysql, mysqlSourceConfig} from '../helpers/mysql.js'

/**
 * RowFramer: the rows of a raw read framed from the socket's chunks. Against the real MariaDB, with the chunks cut
 * into pieces of every size (a header or a payload split anywhere), rows of 16 MB and more (sent as several packets),
 * NULLs and multi-byte text: the same values as mysql2's own reading. And a fake connection for the exact packets
 * handed to mysql2 (sequence ids, the rest of the chunk after the result).
 */

function collector() {
  const got = {raw: 0, values: 0, rows: [] as unknown[][]}
  const sink: RawRowSink = {
    start: () => true,
    raw: (r) => {
      got.raw++
      got.rows.push(r.kinds.map((_, i) => r.value(i)))
    },
    row: (v) => {
      got.values++
      got.rows.push(v)
    },
  }
  return {got, sink}
}

/** Every chunk the framer gets, cut into pieces of `sizes` bytes in turn. */
function cutChunks(sizes: number[]): {installs: () => number} {
  const execute = RowFramer.prototype.execute
  let k = 0
  vi.spyOn(RowFramer.prototype, 'execute').mockImplementation(function (this: RowFramer, chunk: Buffer) {
    for (let at = 0; at < chunk.length; ) {
      const n = sizes[k++ % sizes.length]
      execute.call(this, chunk.subarray(at, at + n))
      at += n
    }
  })
  const install = vi.spyOn(RowFramer, 'install')
  return {installs: () => install.mock.results.filter((r) => r.value !== null).length}
}

describeMysql('RowFramer: raw rows framed from the socket chunks (real MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let src: Source
  const sql = 'SELECT id, s, n, d, b FROM t ORDER BY id'
  let expected: unknown[][]

  beforeAll(async () => {
    db = await createTestDatabase('pt_frame')
    await db.conn.query('CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(400), n INT NULL, d DECIMAL(20,4), b MEDIUMTEXT)')
    await db.conn.query(`INSERT INTO t SELECT seq, CASE seq % 5 WHEN 0 THEN NULL WHEN 1 THEN CONCAT('电机-', seq) WHEN 2 THEN REPEAT('é', seq % 300)
      WHEN 3 THEN '' ELSE CONCAT('IT', LPAD(seq, 8, '0')) END, IF(seq % 7 = 0, NULL, CAST(seq AS SIGNED) - 500), seq / 8,
      IF(seq % 97 = 0, REPEAT('长', 25000 + seq), NULL) FROM seq_1_to_3000`)
    src = await Source.open('erp', mysqlSourceConfig(db.name))
    const values: unknown[][] = []
    await src.eachRow!<unknown[]>(sql, [], (r) => values.push(r), {rowsAsArray: true})
    expected = values
  })

  afterEach(() => {
    vi.restoreAllMocks()
  })

  afterAll(async () => {
    await src?.close()
    await db?.drop()
  })

  it('reads every row as mysql2 does, whole chunks or cut into pieces of 1 to 4,099 bytes (headers and payloads split anywhere)', async () => {
    for (const sizes of [[1 << 30], [1], [2, 3, 1, 5, 7, 4], [4, 4099, 13], [64, 3, 1]]) {
      const {installs} = cutChunks(sizes)
      const {got, sink} = collector()
      expect(await src.eachRawRow(sql, [], sink)).toBe(3000)
      expect(installs()).toBe(1)
      expect(got.raw).toBe(3000)
      expect(got.rows).toEqual(expected)
      vi.restoreAllMocks()
      // the connection is mysql2's again and reads as before
      expect(Number((await src.query<{n: number}>('SELECT COUNT(*) AS n FROM t'))[0].n)).toBe(3000)
    }
  })

  it('reads a row of more than 16 MB (several packets) and the rows around it, in a snapshot that stays usable', async () => {
    const big = "SELECT 1 AS id, 'a' AS x, NULL AS y UNION ALL SELECT 2, REPEAT('x', 8388608), REPEAT('长', 2796203) UNION ALL SELECT 3, '电机', NULL"
    for (const sizes of [[1 << 30], [65536, 7, 1]]) {
      cutChunks(sizes)
      const {got, sink} = collector()
      const after = await src.snapshot(async (r) => {
        await r.eachRawRow!(big, [], sink)
        return r.query<{n: number}>('SELECT COUNT(*) AS n FROM t')
      })
      expect(Number(after[0].n)).toBe(3000)
      expect(got.raw).toBe(3)
      expect(got.rows[0]).toEqual([1, 'a', null])
      expect((got.rows[1][1] as string).length).toBe(8388608)
      expect(got.rows[1][1]).toBe('x'.repeat(8388608))
      expect(got.rows[1][2]).toBe('长'.repeat(2796203))
      expect(got.rows[2]).toEqual([3, '电机', null])
      vi.restoreAllMocks()
    }
  })

  it('without a framer (mysql2 parses each packet) the rows are still read raw, with the same values', async () => {
    vi.spyOn(RowFramer, 'install').mockReturnValue(null)
    const {got, sink} = collector()
    expect(await src.eachRawRow(sql, [], sink)).toBe(3000)
    expect(got.raw).toBe(3000)
    expect(got.rows).toEqual(expected)
  })

  it('a server error in the middle of the rows (cut chunks) is a SourceError after the rows before it', async () => {
    cutChunks([5, 1, 300])
    const {got, sink} = collector()
    const err = await src.eachRawRow('SELECT id, (SELECT 1 FROM seq_1_to_2 WHERE t.id = 2500) AS x FROM t ORDER BY id', [], sink).catch((e) => e)
    expect((err as {exitCode?: number}).exitCode).toBe(3)
    expect(got.raw).toBeGreaterThan(0)
    expect(got.raw).toBeLessThan(2500)
    vi.restoreAllMocks()
    expect(Number((await src.query<{n: number}>('SELECT COUNT(*) AS n FROM t'))[0].n)).toBe(3000)
  })
})

/** A packet on the wire: 3-byte length, sequence id, payload. */
function wire(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4)
  h.writeUIntLE(payload.length, 0, 3)
  h[3] = seq & 0xff
  return Buffer.concat([h, payload])
}

/** A text-protocol row: each value length-coded (0xFB for NULL). */
function rowPayload(values: Array<string | null>): Buffer {
  const parts: Buffer[] = []
  for (const v of values) {
    if (v === null) {
      parts.push(Buffer.from([0xfb]))
      continue
    }
    const b = Buffer.from(v, 'utf8')
    if (b.length < 251) parts.push(Buffer.from([b.length]))
    else if (b.length < 1 << 16) parts.push(Buffer.from([0xfc, b.length & 0xff, b.length >> 8]))
    else if (b.length < 1 << 24) parts.push(Buffer.from([0xfd, b.length & 0xff, (b.length >> 8) & 0xff, b.length >> 16]))
    else {
      const l = Buffer.alloc(9)
      l[0] = 0xfe
      l.writeUInt32LE(b.length, 1)
      parts.push(l)
    }
    parts.push(b)
  }
  return Buffer.concat(parts)
}

/**
 * A fake mysql2 connection: its parser records the bytes handed back, handlePacket records each packet and moves the
 * fake query to the row state after the packet marked 'H' (the column definitions' end) and ends it at an EOF.
 */
function fakeConnection() {
  const STATE = () => null
  const query: {next?: unknown} = {}
  const handed: Array<{seq: number; n: number; payload: string}> = []
  const backToMysql2: Buffer[] = []
  class Parser {
    largePacketParts: unknown[] = []
    _reusablePacket = {sequenceId: 0, numPackets: 1, buffer: Buffer.alloc(4), start: 0, offset: 4, end: 4} as MysqlWirePacket
    execute = Parser.prototype.executeStart
    executeStart(chunk: Buffer) {
      backToMysql2.push(Buffer.from(chunk))
    }
  }
  const conn: MysqlWire & {warnings: string[]} = {
    packetParser: new Parser(),
    sequenceId: 0,
    _command: query,
    warnings: [],
    handlePacket(pk: MysqlWirePacket) {
      if (pk.sequenceId !== conn.sequenceId) conn.warnings.push(`expected ${conn.sequenceId} got ${pk.sequenceId}`)
      conn.sequenceId = (conn.sequenceId + pk.numPackets) & 0xff
      const payload = pk.buffer.subarray(pk.offset, pk.end)
      handed.push({seq: pk.sequenceId, n: pk.numPackets, payload: payload.length > 64 ? `${payload.length} bytes` : payload.toString('latin1')})
      if (payload[0] === 0x48) query.next = STATE
      else if (payload[0] === 0xfe && payload.length < 13) {
        query.next = undefined
        conn._command = undefined
      }
    },
  }
  return {conn, query, STATE, handed, backToMysql2}
}

it('RowFramer hands mysql2 the header, the end and what follows it, with their sequence ids, and reads the rows in between (every chunk size)', () => {
  const values: Array<Array<string | null>> = [
    ['A1', 'WH1', null],
    ['', '电机-甲', 'x'.repeat(300)],
    [null, null, null],
    ['y'.repeat(70_000), 'Z', '0'],
  ]
  const packets = [wire(1, Buffer.from('HEADER')), ...values.map((v, i) => wire(2 + i, rowPayload(v))), wire(6, Buffer.from([0xfe, 0, 0, 2, 0]))]
  const stream = Buffer.concat([...packets, Buffer.from('NEXT')])
  for (const size of [1, 2, 3, 4, 5, 7, 64, 1000, 4096, 70_011, stream.length]) {
    const {conn, query, STATE, handed, backToMysql2} = fakeConnection()
    conn.sequenceId = 1
    const framer = RowFramer.install(conn, query)
    expect(framer).not.toBeNull()
    const kinds: RawKind[] = ['utf8', 'utf8', 'utf8']
    const rows: unknown[][] = []
    framer!.rows(STATE, new RawRow(kinds), (r) => rows.push(kinds.map((_, i) => r.value(i))), () => rows.push(['malformed']))
    for (let at = 0; at < stream.length; at += size) conn.packetParser.execute(stream.subarray(at, at + size))
    expect(rows).toEqual(values)
    expect(handed).toEqual([
      {seq: 1, n: 1, payload: 'HEADER'},
      {seq: 6, n: 1, payload: '\xfe\x00\x00\x02\x00'},
    ])
    expect(conn.warnings).toEqual([])
    expect(conn.packetParser).not.toBe(framer)
    expect(Buffer.concat(backToMysql2).toString()).toBe('NEXT')
  }
})

it('RowFramer reads a row sent as several packets (16 MB and more), and a malformed row once', () => {
  const long = 'q'.repeat(0xff_ff_ff + 10)
  const payload = rowPayload(['BIG', long])
  const first = payload.subarray(0, 0xff_ff_ff)
  const second = payload.subarray(0xff_ff_ff)
  const bad = Buffer.from([5, 0x41]) // says 5 bytes, has 1
  const stream = Buffer.concat([wire(1, Buffer.from('H')), wire(2, first), wire(3, second), wire(4, rowPayload(['S', null])), wire(5, bad), wire(6, rowPayload(['T', 'U'])), wire(7, Buffer.from([0xfe, 0, 0, 2, 0]))])
  for (const size of [65_536, 1 << 30]) {
    const {conn, query, STATE, handed} = fakeConnection()
    conn.sequenceId = 1
    const framer = RowFramer.install(conn, query)!
    const kinds: RawKind[] = ['utf8', 'utf8']
    const rows: unknown[][] = []
    framer.rows(STATE, new RawRow(kinds), (r) => rows.push(kinds.map((_, i) => r.value(i))), () => rows.push(['malformed']))
    for (let at = 0; at < stream.length; at += size) conn.packetParser.execute(stream.subarray(at, at + size))
    expect(rows.length).toBe(3)
    expect(rows[0][0]).toBe('BIG')
    expect(rows[0][1] === long).toBe(true)
    expect(rows[1]).toEqual(['S', null])
    // after a malformed row the rest of the result is dropped (the read fails with PROTOCOL_MALFORMED_ROW)
    expect(rows[2]).toEqual(['malformed'])
    expect(handed.map((h) => h.seq)).toEqual([1, 7])
    expect(conn.warnings).toEqual([])
  }
})
