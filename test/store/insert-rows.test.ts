import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {Knex} from 'knex'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {insertRows} from '../../src/lib/store/insert-rows.js'
import {openStore, type Store} from '../../src/lib/store/store.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

// insertRows writes through a prepared statement on SQLite and knex batches on MySQL: both must store the same rows,
// all or none, whatever their shapes

const TABLE = 'pt_insert_rows'

async function makeTable(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLE)
  await knex.schema.createTable(TABLE, (t) => {
    t.increments('id')
    t.string('code', 64).notNullable()
    t.string('qty', 80).nullable()
    t.integer('flag').nullable()
    t.string('note', 64).nullable()
  })
}

function rows(n: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = []
  for (let i = 0; i < n; i++) {
    // three shapes in one call: a second column order, a missing column, undefined and booleans
    if (i === 0) out.push({code: 'C0', qty: '0'}) // fewer columns than the rows after it
    else if (i % 97 === 5) out.push({qty: `${i}.5`, code: `C${i}`, flag: true})
    else if (i % 89 === 7) out.push({code: `C${i}`, note: '物料 ✓', qty: undefined})
    else out.push({code: `C${i}`, qty: i % 10 === 0 ? null : `${i}.250`, flag: false, note: null})
  }
  return out
}

function expected(n: number): Array<Record<string, unknown>> {
  return rows(n).map((r) => ({
    code: r.code,
    qty: r.qty ?? null,
    flag: r.flag === undefined ? null : r.flag ? 1 : 0,
    note: r.note ?? null,
  }))
}

function suite(open: () => Promise<Store>, close: () => Promise<void>) {
  let store: Store
  beforeAll(async () => {
    store = await open()
    await makeTable(store.knex)
  })
  afterAll(async () => {
    await store?.close()
    await close()
  })

  it('stores every row with its values, in order, across shapes', async () => {
    await store.knex(TABLE).delete()
    await store.knex.transaction((trx) => insertRows(trx, TABLE, rows(5_000)))
    const got = await store.knex(TABLE).select('code', 'qty', 'flag', 'note').orderBy('id')
    expect(got.map((r) => ({...r, flag: r.flag === null ? null : Number(r.flag)}))).toEqual(expected(5_000))
  })

  it('writes the rows of a generator, across batch boundaries, the last partial batch included', async () => {
    await store.knex(TABLE).delete()
    // MySQL batches 20,000 values: 10,000 rows of the first row's 2 columns; 25,001 rows end in a partial batch
    const all = rows(25_001)
    let pulled = 0
    const gen = function* () {
      for (const r of all) {
        pulled++
        yield r
      }
    }
    await store.knex.transaction((trx) => insertRows(trx, TABLE, gen()))
    expect(pulled).toBe(25_001)
    const got = await store.knex(TABLE).select('code').orderBy('id')
    expect(got.map((r) => r.code)).toEqual(all.map((r) => r.code))
  })

  it('writes nothing when the transaction rolls back', async () => {
    await store.knex(TABLE).delete()
    await expect(
      store.knex.transaction(async (trx) => {
        await insertRows(trx, TABLE, rows(300))
        throw new Error('report failed')
      }),
    ).rejects.toThrow('report failed')
    expect(Number((await store.knex(TABLE).count({n: '*'}))[0].n)).toBe(0)
  })

  it('names the column a row cannot be stored in', async () => {
    await expect(store.knex.transaction((trx) => insertRows(trx, TABLE, [{code: 'A'}, {code: 'B', nope: 1}]))).rejects.toThrow(/nope/)
    expect(Number((await store.knex(TABLE).count({n: '*'}))[0].n)).toBe(0)
  })
}

describe('insertRows on a SQLite store', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-insert-rows-'))
  suite(
    () => openStore({client: 'sqlite', filename: 'state.db'}, dir),
    async () => rmSync(dir, {recursive: true, force: true}),
  )
})

describeMysql('insertRows on a MySQL store', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  suite(
    async () => {
      db = await createTestDatabase('pt_insrows')
      return openStore({client: 'mysql', connection: {...mysqlParams, database: db.name}}, '/')
    },
    async () => db?.drop(),
  )
})
