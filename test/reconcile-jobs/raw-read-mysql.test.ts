import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {configSchema} from '../../src/lib/config/schema.js'
import {CodeMap} from '../../src/lib/reconcile/mapping.js'
import {JOB_KIND, readJobSide, type JobCodeMaps, type SideName} from '../../src/lib/reconcile/job-read.js'
import {reconcileJobSchema} from '../../src/lib/reconcile/jobs-config.js'
import {Source} from '../../src/lib/sources/source.js'
import {Spill} from '../../src/lib/stock/spill.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {countingReader, expectSameSpill} from '../helpers/raw-paths.js'

/**
 * The raw MySQL read of a reconcile job's sides (job-read-raw.ts: spill lines assembled from the packet bytes) against
 * the value read (mysql2's arrays of values): the same table read both ways must give byte-identical spill files and
 * counts, or the same error, over awkward data: NULLs, empty and blank keys, multi-byte and full-width text, escapes,
 * case folding, code maps, integer and binary columns, timestamps that are not canonical, bad quantities; and columns
 * the raw path must not read (FLOAT, DOUBLE, JSON) go through the value read.
 */

let db: Awaited<ReturnType<typeof createTestDatabase>>
let tempDir: string

const DISTINCT = 5000 // beyond RawValueCache's first tables and the 4,096-value caches

async function createTables(): Promise<void> {
  const c = db.conn
  await c.query(`CREATE TABLE lines_l (id INT AUTO_INCREMENT PRIMARY KEY, so VARCHAR(40) NULL, line INT NULL, item VARCHAR(60) NULL,
    qty DECIMAL(18,4) NULL, uom VARCHAR(8) NULL, due DATE NULL, st VARCHAR(12) NULL, note VARCHAR(40) NULL, changed DATETIME NULL, day DATETIME NULL)`)
  const rows: unknown[][] = [
    ['SO1', 10, 'A1', '5.0000', 'PCS', '2026-10-01', 'O', 'plain', '2026-11-20 12:00:00', '2026-11-20 08:00:00'],
    [' so1 ', 20, ' a1', '-0.5000', ' pcs ', '2026-10-02', 'C', 'tab\there', '2026-02-28 23:59:59', '2026-11-21 00:00:00'],
    ['ＳＯ－２', 10, 'Ａ１', '0.0000', 'ＰＣＳ', '2026-10-03', 'O', '电机-甲', '2024-02-29 00:00:00', null],
    ['SO\t3', 10, 'B\\1', null, null, null, null, null, null, null],
    ['SO\\4', 10, 'x\ny', '1.0000', 'KG', '2026-10-04', '', 'back\\slash', '2026-12-31 23:59:59', '2026-12-31 23:59:59'],
    ['电机-甲', 10, '批次一', '7.0000', '箱', '2026-10-05', 'O', 'ÄÖÜ', '2026-11-20 13:00:00', '2026-11-20 13:00:00'],
    [null, null, 'NOKEY', '1.0000', 'PCS', null, 'O', null, null, null],
    ['', null, 'EMPTYKEY', '1.0000', 'PCS', null, 'O', null, null, null],
    ['   ', 0, 'BLANK', '1.0000', 'PCS', null, 'O', null, null, null],
    [null, 30, 'NULLSO', '2.0000', 'PCS', null, 'O', null, null, null],
    ['SO-LONG-KEY-OF-MANY-BYTES-0000000000001', 10, 'A-VERY-LONG-ITEM-CODE-OF-MORE-THAN-32-BYTES', '99999999999999.9999', 'PCS', '2026-10-06', 'O', 'x', '2026-11-20 12:00:00', null],
    ['lower', -1, 'lower-item', '3.0000', 'pcs', '2026-10-07', 'o', 'lower', '2026-11-20 12:00:00', null],
  ]
  for (let i = 0; i < DISTINCT; i++) {
    rows.push([i % 7 === 0 ? ` so${i}` : `SO${String(i).padStart(6, '0')}`, (i % 4) * 10, `I${i % 997}`, `${i}.${i % 100}`, i % 3 === 0 ? 'KG' : 'PCS', `2026-10-${String((i % 28) + 1).padStart(2, '0')}`, i % 5 === 0 ? 'C' : 'O', `note ${i % 13}`, `2026-11-${String((i % 28) + 1).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, null])
  }
  for (let i = 0; i < rows.length; i += 1000) await c.query('INSERT INTO lines_l (so, line, item, qty, uom, due, st, note, changed, day) VALUES ?', [rows.slice(i, i + 1000)])
  // right side: codes that map, statuses to exclude, text quantities, integers, zero fill, binary codes
  await c.query(`CREATE TABLE wo_r (id INT AUTO_INCREMENT PRIMARY KEY, so VARCHAR(40) NULL, line INT(4) ZEROFILL NULL, item VARCHAR(40) NULL,
    qty VARCHAR(30) NULL, uom VARBINARY(8) NULL, due VARCHAR(20) NULL, st VARCHAR(12) NULL, note VARBINARY(20) NULL, changed VARCHAR(30) NULL, big BIGINT NULL, sq INT NULL)`)
  await c.query(`INSERT INTO wo_r (so, line, item, qty, uom, due, st, note, changed, big, sq) VALUES
    ('SO1', 10, 'SKU-A1', '5', 'PCS', '2026-10-01', 'STARTED', 'plain', '2026-11-20 12:00:00', 1, 5),
    ('SO1', 10, 'sku-a1', '1e3', x'FF00', '20261001', 'DONE', x'E794B5', '2026-11-20T12:00', -7, -3),
    ('SO1', 20, 'A1', ' 5 ', 'PCS', '2026-13-01', 'CANCELLED', 'x', '2026-02-30 00:00:00', 0, 0),
    ('SO2', 10, 'B1', '+7', NULL, 'not a date', 'STARTED', NULL, '2026-11-20 12:00:00.5', 9007199254740993, NULL),
    ('SO2', 20, 'B1', '.5', 'KG', NULL, NULL, NULL, '0000-00-00 00:00:00', NULL, 7),
    ('SO3', 0, 'B1', '5.', 'KG', '2026-10-01', 'DONE', NULL, NULL, 12, 12),
    ('SO3', 10, 'B1', '-0', 'KG', '2026-10-01 10:00:00', 'DONE', NULL, '2026-11-20 24:00:00', 0, 0),
    ('SO4', 10, 'B1', '1', 'KG', '2026-02-30', 'DONE', NULL, '2026-11-31 10:00:00', 0, 0), ('SO4', 20, 'B1', '1', 'KG', '2024-02-29', 'DONE', NULL, '2024-02-29 23:59:59', 0, 0),
    ('SO4', 30, 'B1', '1', 'KG', '2100-02-29', 'DONE', NULL, '2026-11-20 12:60:00', 0, 0), ('SO4', 40, 'B1', '1', 'KG', '2026-1-01', 'DONE', NULL, '2026-11-20 1:00:00', 0, 0),
    ('SO4', 50, 'B1', '1', 'KG', '2026-10-00', 'DONE', NULL, '2026-11-20T12:00:00', 0, 0), ('SO4', 60, 'B1', '1', 'KG', ' 2026-10-01', 'DONE', NULL, ' 2026-11-20 12:00:00', 0, 0)`)
  const more: unknown[][] = []
  for (let i = 0; i < DISTINCT; i++) more.push([`SO${String(i).padStart(6, '0')}`, (i % 4) * 10, i % 11 === 0 ? `sku-${i % 50}` : `I${i % 997}`, `${i}.${i % 100}`, i % 3 === 0 ? 'KG' : 'PCS', `2026-10-${String((i % 28) + 1).padStart(2, '0')}`, i % 9 === 0 ? 'CANCELLED' : 'STARTED', null, '2026-11-20 13:00:00', i, i])
  await c.query('INSERT INTO wo_r (so, line, item, qty, uom, due, st, note, changed, big, sq) VALUES ?', [more])
  await c.query(`CREATE TABLE badq (id INT AUTO_INCREMENT PRIMARY KEY, so VARCHAR(10), line INT, qty VARCHAR(20), st VARCHAR(12))`)
  await c.query(`INSERT INTO badq (so, line, qty, st) VALUES ('B1', 10, '1', 'OK'), ('B2', 10, 'n/a', 'CANCELLED'), ('', NULL, 'n/a', 'OK'), ('B3', 20, '1,5', 'OK')`)
  // columns the raw path does not read: FLOAT, JSON, latin1 text
  await c.query(`CREATE TABLE fallback (id INT AUTO_INCREMENT PRIMARY KEY, so VARCHAR(10) CHARACTER SET latin1, line INT, fq FLOAT, js JSON, dq DOUBLE)`)
  await c.query(`INSERT INTO fallback (so, line, fq, js, dq) VALUES ('SÖ1', 10, 1.5, '{"a": 1}', 0.1), ('SO2', 10, 16777216, '[1]', 1e-7), ('SO3', 10, NULL, NULL, NULL)`)
}

function sourceConfig() {
  const conn = {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: db.name}
  return configSchema.parse({sources: {src: {role: 'erp', client: 'mysql', connection: conn}}}).sources.src
}

type JobInput = Parameters<typeof reconcileJobSchema.parse>[0]

/** A job over the two test tables: left lines_l, right wo_r, with the given parts replaced. */
function job(over: Record<string, unknown> = {}): ReturnType<typeof reconcileJobSchema.parse> {
  const base: Record<string, unknown> = {
    left: {source: 'src', table: 'lines_l', changedAt: 'changed'},
    right: {source: 'src', table: 'wo_r', changedAt: 'changed', normalize: {trim: true, caseFold: 'upper', fullWidth: true}},
    link: {
      keys: [
        {name: 'so', left: 'so', right: 'so'},
        {name: 'line', left: 'line', right: 'line'},
      ],
      cardinality: 'one-to-many',
      rightStatus: {column: 'st', exclude: ['CANCELLED']},
      leftOptional: {column: 'st', values: ['C']},
    },
    compare: {
      item: {type: 'code', left: 'item', right: 'item', map: 'item'},
      qty: {type: 'decimal', left: 'qty', right: 'qty', units: {left: 'uom', right: 'uom'}},
      due: {type: 'date', left: 'due', right: 'due'},
      status: {type: 'enum', left: 'st', right: 'st', map: {O: ['STARTED'], C: ['DONE']}},
      note: {type: 'text', left: 'note', right: 'note'},
    },
    partitions: 8,
    ...over,
  }
  return reconcileJobSchema.parse(base as JobInput)
}

interface Outcome {
  read?: Awaited<ReturnType<typeof readJobSide>>
  raw: number
  values: number
  bytes: string[]
  error?: string
}

function maps(): JobCodeMaps {
  const item = new CodeMap(false)
  item.set('SKU-A1', 'A1')
  item.set('SKU-7', 'I7')
  return {item}
}

async function readSide(j: ReturnType<typeof job>, side: SideName, raw: boolean): Promise<Outcome> {
  const src = await Source.open('src', sourceConfig())
  const spill = new Spill({partitions: j.partitions, tempDir})
  const seen = {raw: 0, values: 0}
  try {
    let read
    try {
      read = await src.snapshot((r) => readJobSide({jobName: 't', job: j, side, source: src, reader: countingReader(r, seen), spill, maps: maps(), rawRows: raw}))
    } catch (error) {
      return {raw: seen.raw, values: seen.values, bytes: [], error: `${(error as {code?: string}).code} ${(error as Error).message}`}
    }
    const bytes: string[] = []
    for (let p = 0; p < spill.partitions; p++) bytes.push(spill.text(JOB_KIND[side], p))
    return {read, raw: seen.raw, values: seen.values, bytes}
  } finally {
    spill.dispose()
    await src.close()
  }
}

/** Both paths: the same spill bytes per partition, counts and error; the raw path read raw (or, `expectRaw` false, not). */
async function same(j: ReturnType<typeof job>, side: SideName, expectRaw = true): Promise<Outcome> {
  const old = await readSide(j, side, false)
  const raw = await readSide(j, side, true)
  expectSameSpill(old, raw, expectRaw)
  expect(raw.read).toEqual(old.read)
  return raw
}

describeMysql('reconcile job sides: raw MySQL rows give the same spill bytes as the value read', () => {
  beforeAll(async () => {
    db = await createTestDatabase('pt_rjraw')
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'pt-rjraw-'))
    await createTables()
  })

  afterAll(async () => {
    await db?.drop()
    if (tempDir) rmSync(tempDir, {recursive: true, force: true})
  })

  it('reads awkward keys, codes, decimals, dates, enums, texts and NULLs identically on both sides', async () => {
    const j = job()
    const left = await same(j, 'left')
    expect(left.read).toMatchObject({rows: DISTINCT + 12, unkeyed: 2})
    const text = left.bytes.join('')
    expect(text).toContain('SO1\u000110\t2026-11-20 12:00:00\t0\t1\tA1\t5.0000\tPCS\t2026-10-01\tO\tplain\n')
    expect(text).toContain('SO\\t3\u000110\t\\N\t0\t1\tB\\\\1\t\\N\t\\N\t\\N\t\\N\t\\N\n')
    expect(text).toContain('电机-甲\u000110\t2026-11-20 13:00:00\t0\t1\t批次一\t7.0000\t箱\t2026-10-05\tO\tÄÖÜ\n')
    // a NULL so with a line number is keyed by the line alone
    expect(text).toContain('\u000130\t\\N\t0\t1\tNULLSO\t2.0000\tPCS\t\\N\tO\t\\N\n')
    const right = await same(j, 'right')
    expect(right.read!.excluded).toBeGreaterThan(0)
    const r = right.bytes.join('')
    // upper-cased and mapped, text quantities as read (checked, trimmed), a binary unit and note as UTF-8 text, dates canonicalised
    expect(r).toContain('SO1\u000110\t2026-11-20 12:00:00\t0\t1\tA1\t5\tPCS\t2026-10-01\tSTARTED\tplain\n')
    expect(r).toContain('SO1\u000110\t2026-11-20 12:00:00\t0\t1\tA1\t1e3\t\ufffd\u0000\t2026-10-01\tDONE\t电\n')
    expect(r).toContain('SO3\u00010\t\\N\t0\t1\tB1\t5.\tKG\t2026-10-01\tDONE\t\\N\n')
  })

  it('keys on a day bucket, without a status column, and with the codes unmapped and unfolded, identically', async () => {
    const bucket = job({
      link: {keys: [{name: 'day', left: 'day', right: 'changed', bucket: 'day'}, {name: 'so', left: 'so', right: 'so'}], cardinality: 'one-to-many'},
      compare: {qty: {type: 'decimal', left: 'qty', right: 'qty'}, item: {type: 'code', left: 'item', right: 'item'}},
    })
    await same(bucket, 'left')
    await same(bucket, 'right')
    const noTrim = job({left: {source: 'src', table: 'lines_l', normalize: {trim: false, caseFold: 'lower'}}})
    await same(noTrim, 'left')
  })

  it('reads integer, zero-filled, big-integer and binary columns as codes, decimals and texts as mysql2 hands them', async () => {
    const ints = job({
      link: {keys: [{name: 'big', left: 'line', right: 'big'}, {name: 'line', left: 'line', right: 'line'}], cardinality: 'one-to-many'},
      compare: {sq: {type: 'decimal', left: 'line', right: 'sq'}, code: {type: 'code', left: 'line', right: 'sq'}, text: {type: 'text', left: 'line', right: 'line'}, bin: {type: 'text', left: 'note', right: 'note'}},
    })
    await same(ints, 'left')
    const right = await same(ints, 'right')
    // ZEROFILL 0010 is the number 10; BIGINT beyond 2^53 stays its digits
    expect(right.bytes.join('')).toContain('9007199254740993\u000110\t')
  })

  it('groups on the server (GROUP BY pushed down) identically', async () => {
    const grouped = job({
      group: true,
      left: {source: 'src', table: 'lines_l', normalize: {trim: true, caseFold: true, fullWidth: true}},
      right: {source: 'src', table: 'lines_l', normalize: {trim: true, caseFold: true, fullWidth: true}},
      link: {keys: [{name: 'so', left: 'so', right: 'so'}], cardinality: 'one-to-many'},
      compare: {qty: {type: 'decimal', left: 'qty', right: 'qty'}, due: {type: 'date', left: 'due', right: 'due'}},
    })
    const left = await same(grouped, 'left')
    expect(left.read!.pushedDown).toBe(true)
    expect(left.read!.records).toBeGreaterThan(left.read!.rows)
  })

  it('a bad quantity is the same source error naming source, table, column and key (excluded and unkeyed rows are not read)', async () => {
    const bad = job({
      left: {source: 'src', table: 'badq'},
      right: {source: 'src', table: 'badq'},
      link: {keys: [{name: 'so', left: 'so', right: 'so'}, {name: 'line', left: 'line', right: 'line'}], rightStatus: {column: 'st', exclude: ['CANCELLED']}},
      compare: {qty: {type: 'decimal', left: 'qty', right: 'qty'}},
    })
    for (const side of ['left', 'right'] as const) {
      const out = await same(bad, side)
      expect(out.error).toMatch(/^BAD_VALUE /)
      expect(out.error).toContain('table badq')
      expect(out.error).toContain('qty')
      expect(out.error).toContain(side === 'left' ? 'B2 / 10' : 'B3 / 20')
      expect(out.error).toContain(side === 'left' ? '"n/a"' : '"1,5"')
    }
  })

  it('reads FLOAT, DOUBLE and JSON columns as values (no raw path), a latin1 column raw (sent as UTF-8), identically', async () => {
    const fb = job({
      left: {source: 'src', table: 'fallback'},
      right: {source: 'src', table: 'fallback'},
      link: {keys: [{name: 'so', left: 'so', right: 'so'}, {name: 'line', left: 'line', right: 'line'}]},
      compare: {fq: {type: 'decimal', left: 'fq', right: 'fq'}},
    })
    await same(fb, 'left', false)
    const json = job({
      left: {source: 'src', table: 'fallback'},
      right: {source: 'src', table: 'fallback'},
      link: {keys: [{name: 'line', left: 'line', right: 'line'}]},
      compare: {js: {type: 'text', left: 'js', right: 'js'}},
    })
    await same(json, 'left', false)
    const latin1 = job({
      left: {source: 'src', table: 'fallback'},
      right: {source: 'src', table: 'fallback'},
      link: {keys: [{name: 'so', left: 'so', right: 'so'}]},
      compare: {},
    })
    // the server sends a latin1 column converted to the connection's utf8mb4: read raw, the same text
    const raw = await same(latin1, 'right')
    expect(raw.bytes.join('')).toContain('SÖ1\t\\N\t0\t1\n')
    const dbl = job({
      left: {source: 'src', table: 'fallback'},
      right: {source: 'src', table: 'fallback'},
      link: {keys: [{name: 'line', left: 'line', right: 'line'}]},
      compare: {dq: {type: 'decimal', left: 'dq', right: 'dq'}},
    })
    await same(dbl, 'left', false)
  })
})
