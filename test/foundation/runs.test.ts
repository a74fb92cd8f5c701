import {spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {LockedError} from '../../src/lib/cli/errors.js'
import {registerSecret} from '../../src/lib/cli/secrets.js'
import {acquireJobLock} from '../../src/lib/runs/job-lock.js'
import {getRun, listRuns, previousRun, redactArgv, RunRecorder, sweepAbandonedRuns} from '../../src/lib/runs/run-history.js'
import {openStore, type Store} from '../../src/lib/store/store.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {tempDir} from '../helpers/cli.js'

describe('job lock', () => {
  it('refuses a second live holder and takes over a stale lock', async () => {
    const dir = tempDir()
    const first = acquireJobLock(dir, 'stock-diff')
    expect(() => acquireJobLock(dir, 'stock-diff')).toThrow(LockedError)
    try {
      acquireJobLock(dir, 'stock-diff')
    } catch (error) {
      expect((error as LockedError).exitCode).toBe(4)
      expect((error as LockedError).message).toMatch(/another "stock-diff" run is still running \(pid \d+/)
    }
    // other jobs are independent
    acquireJobLock(dir, 'orders-import').release()
    first.release()
    expect(existsSync(first.path)).toBe(false)

    // a lock left by a dead process is stale
    const child = spawn(process.execPath, ['-e', '0'])
    await new Promise((r) => child.on('exit', r))
    writeFileSync(path.join(dir, 'stock-diff.lock'), JSON.stringify({pid: child.pid, host: (await import('node:os')).hostname(), job: 'stock-diff', startedAt: 'x'}))
    const taken = acquireJobLock(dir, 'stock-diff')
    expect(JSON.parse(readFileSync(taken.path, 'utf8')).pid).toBe(process.pid)
    taken.release()
  })
})

async function exerciseRunHistory(store: Store) {
  registerSecret('TopSecret99')
  const run = await RunRecorder.start(store.knex, {job: 'stock-diff', command: 'stock:diff', argv: ['--password', 'TopSecret99', '--format', 'csv', '--token=abc']})
  run.addRowsRead('erp', 20000)
  run.setRowsRead({wms: 30000})
  run.outcome({match: 5, over_tolerance: 2})
  run.output('/tmp/v.csv')
  await run.finish({exitCode: 1})
  const rec = await getRun(store.knex, run.id)
  expect(rec?.status).toBe('variance')
  expect(rec?.exitCode).toBe(1)
  expect(rec?.rowsRead).toEqual({erp: 20000, wms: 30000})
  expect(rec?.outcome).toEqual({match: 5, over_tolerance: 2})
  expect(rec?.outputs).toEqual(['/tmp/v.csv'])
  expect(rec?.argv).toEqual(['--password', '***', '--format', 'csv', '--token=***'])
  expect(JSON.stringify(rec)).not.toContain('TopSecret99')

  // a run whose process died half-way is swept to failed by the next run
  const child = spawn(process.execPath, ['-e', '0'])
  await new Promise((r) => child.on('exit', r))
  const [orphan] = await store.knex('runs').insert(
    {job: 'stock-diff', command: 'stock:diff', argv: '[]', status: 'running', started_at: new Date().toISOString(), pid: child.pid, host: (await import('node:os')).hostname(), user: 'x'},
    ['id'],
  )
  const orphanId = typeof orphan === 'object' ? (orphan as {id: number}).id : orphan
  expect(await sweepAbandonedRuns(store.knex)).toBe(1)
  const swept = await getRun(store.knex, Number(orphanId))
  expect(swept?.status).toBe('failed')
  expect(swept?.error).toMatch(/ended without finishing/)

  expect((await listRuns(store.knex, {job: 'stock-diff'})).map((r) => r.status)).toEqual(['failed', 'variance'])
  expect((await previousRun(store.knex, 'stock-diff'))?.id).toBe(run.id)
}

describe('run history on the embedded SQLite store', () => {
  let store: Store | undefined
  afterEach(async () => store?.close())

  it('records, redacts, sweeps abandoned runs; migrations are idempotent', async () => {
    const dir = tempDir()
    store = await openStore({client: 'sqlite', filename: 'state/plantops.db'}, dir)
    expect(existsSync(path.join(dir, 'state/plantops.db'))).toBe(true)
    await exerciseRunHistory(store)
    await store.close()
    store = await openStore({client: 'sqlite', filename: 'state/plantops.db'}, dir) // re-open: nothing re-applied
    expect((await listRuns(store.knex)).length).toBe(2)
  })
})

describeMysql('run history on a MySQL store (real MariaDB)', () => {
  it('creates the schema, migrates and records runs', async () => {
    const db = await createTestDatabase('pt_store')
    const name = db.name
    await db.drop() // the store creates its own schema
    const store = await openStore({client: 'mysql', connection: {...mysqlParams, database: name}}, '/')
    try {
      await exerciseRunHistory(store)
    } finally {
      await store.knex.raw('DROP DATABASE ??', [name])
      await store.close()
    }
  })
})

describe('argv redaction', () => {
  it('hides values of secret-looking flags', () => {
    expect(redactArgv(['--db-password=x', '--api-key', 'k', '--warehouse', 'WH01'])).toEqual(['--db-password=***', '--api-key', '***', '--warehouse', 'WH01'])
  })
})
