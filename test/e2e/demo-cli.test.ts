import {spawn} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'
import {beforeAll, describe, expect, it} from 'vitest'

import {binPath, cliEnv, runCli, tempDir} from '../helpers/cli.js'
import {describeMysql, mysqlParams} from '../helpers/mysql.js'

/**
 * The newcomer's path and the cron-safety contract, through the built CLI on the embedded demo plant:
 * `plantops demo` builds the plant and finds every seeded discrepancy; runs are recorded; a second overlapping run
 * exits 4; a killed run is never a silent gap.
 */
describe('plantops demo and run safety (built CLI, SQLite demo plant)', () => {
  let dir: string
  let config: string
  let demo: ReturnType<typeof runCli>

  beforeAll(() => {
    dir = path.join(tempDir(), 'plant')
    demo = runCli(['demo', '--dir', dir, '--json'])
    config = path.join(dir, 'plantops.yaml')
  }, 180_000)

  it('builds the plant, writes its config and reconciles it, finding every seeded discrepancy', () => {
    expect(demo.code).toBe(0)
    const r = demo.json
    expect(r.config).toBe(config)
    expect(r.rows['erp.stock_balance']).toBe(20000)
    expect(r.rows['wms.bin_stock']).toBeGreaterThan(25000)
    const manifest = JSON.parse(readFileSync(path.join(dir, 'demo-manifest.json'), 'utf8'))
    const expected = (kind: string) => manifest.entries.filter((e: {expected: string}) => e.expected === kind).length
    const keys = r.stockDiff.summary.keys
    expect(keys.only_in_erp).toBe(expected('only_in_erp'))
    expect(keys.only_in_wms).toBe(expected('only_in_wms'))
    expect(keys.within_tolerance).toBe(expected('within_tolerance'))
    // over tolerance: the seeded big differences, unit mix-ups, lot swaps, sign errors and unposted shipments
    expect(keys.over_tolerance).toBe(expected('over_tolerance') + expected('in_transit'))
    expect(r.stockDiff.summary.causes).toMatchObject({
      uom_factor: manifest.countsByKind.uom_factor,
      lot_swap: manifest.countsByKind.lot_swap,
      sign: manifest.countsByKind.sign,
      in_transit: manifest.countsByKind.in_transit,
    })
    // the human output path works too, and the config it wrote is valid
    expect(runCli(['config', 'validate', '--config', config]).code).toBe(0)
  })

  it('records the run: runs list / runs show', () => {
    const list = runCli(['runs', 'list', '--config', config, '--json'])
    expect(list.code).toBe(0)
    // the demo also runs the reconcile jobs after the stock diff
    const run = list.json.runs.find((r: {job: string}) => r.job === 'stock-diff')
    expect(run).toMatchObject({job: 'stock-diff', status: 'ok', exitCode: 0})
    expect(run.rowsRead.erp).toBeGreaterThanOrEqual(20000)
    expect(run.rowsRead.wms).toBeGreaterThan(25000)
    const show = runCli(['runs', 'show', String(run.id), '--config', config])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/stock-diff/)
    expect(show.stdout).toMatch(/erp: \d+/)
  })

  it('a second run while one holds the job lock exits 4 with a clear message and does nothing', () => {
    const lockDir = path.join(dir, '.plantops', 'locks')
    // a live process on this host holds the lock: this test process
    writeFileSync(path.join(lockDir, 'stock-diff.lock'), JSON.stringify({pid: process.pid, host: os.hostname(), job: 'stock-diff', startedAt: '2026-11-21T02:30:00Z'}))
    try {
      const before = runCli(['runs', 'list', '--config', config, '--json']).json.runs.length
      const r = runCli(['stock', 'diff', '--config', config], {env: {TZ: 'Asia/Shanghai'}})
      expect(r.code).toBe(4)
      // in the plant's zone, labelled (the machine's here: the demo config sets none)
      expect(r.stderr).toMatch(/another "stock-diff" run is still running \(pid \d+ on .+, started 2026-11-21 10:30:00 Asia\/Shanghai, UTC\+8\)/)
      expect(runCli(['runs', 'list', '--config', config, '--json']).json.runs.length).toBe(before)
    } finally {
      writeFileSync(path.join(lockDir, 'stock-diff.lock'), '') // stale (unparsable) lock: taken over by the next run
    }
    const after = runCli(['stock', 'diff', '--config', config, '--json'])
    expect(after.code).toBe(0)
  })

  async function startAndWaitUntilRunning(): Promise<{pid: number; exited: Promise<number | null>}> {
    const child = spawn(process.execPath, [binPath, 'stock', 'diff', '--config', config, '--format', 'csv', '--output', path.join(dir, 'v.csv')], {
      env: cliEnv(),
      stdio: 'ignore',
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const db = new Database(path.join(dir, '.plantops', 'state.db'), {readonly: true})
    try {
      for (let i = 0; i < 400; i++) {
        const row = db.prepare("SELECT id FROM runs WHERE pid = ? AND status = 'running'").get(child.pid)
        if (row) return {pid: child.pid!, exited}
        await new Promise((r) => setTimeout(r, 25))
      }
    } finally {
      db.close()
    }
    throw new Error('the run never appeared as running')
  }

  it('SIGTERM half-way: exit 130, the run is recorded as failed, no half-written output', async () => {
    const {pid, exited} = await startAndWaitUntilRunning()
    process.kill(pid, 'SIGTERM')
    expect(await exited).toBe(130)
    const run = runCli(['runs', 'list', '--config', config, '--json']).json.runs.find((r: {pid: number}) => r.pid === pid)
    expect(run).toMatchObject({status: 'failed', exitCode: 130, error: 'interrupted by SIGTERM'})
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('SIGKILL half-way: the next run marks the abandoned run failed, not a silent gap', async () => {
    const {pid, exited} = await startAndWaitUntilRunning()
    process.kill(pid, 'SIGKILL')
    await exited
    let run = runCli(['runs', 'list', '--config', config, '--json']).json.runs.find((r: {pid: number}) => r.pid === pid)
    expect(run.status).toBe('running') // nobody could record anything at SIGKILL…
    expect(runCli(['stock', 'diff', '--config', config, '--json']).code).toBe(0) // …the next run notices
    run = runCli(['runs', 'list', '--config', config, '--json']).json.runs.find((r: {pid: number}) => r.pid === pid)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/ended without finishing/)
  })
})

describe('source failures through the CLI: one clear message, exit 3', () => {
  it('an unreachable host', () => {
    const d = tempDir()
    writeFileSync(
      path.join(d, 'plantops.yaml'),
      `sources:
  erp: {role: erp, client: mysql, connection: {host: 127.0.0.1, port: 1, user: ro, password: "\${PT_PW}", database: erp}, connectTimeoutSeconds: 2}
  wms: {role: wms, client: sqlite, connection: {filename: wms.db}}
stock:
  erp: {source: erp, table: stock_balance, columns: {item: item_code, warehouse: warehouse_code, lot: lot_no, qty: qty, uom: uom}}
  wms: {source: wms, table: bin_stock, columns: {item: sku, warehouse: wh_code, lot: lot, qty: qty, uom: uom}}
`,
    )
    const r = runCli(['stock', 'diff'], {cwd: d, env: {PT_PW: 'Very-Secret-Pw-1'}})
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/source "erp": connection refused at 127\.0\.0\.1:1/)
    expect(r.stderr).toMatch(/hint: /)
    expect(r.stderr + r.stdout).not.toContain('Very-Secret-Pw-1')
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  })
})

describeMysql('plantops demo --mysql (built CLI, real MariaDB)', () => {
  it('loads the plant into MariaDB databases, writes manifest and config into a new directory, and reconciles it', async () => {
    const dir = path.join(tempDir(), 'mysql-plant') // does not exist yet
    const prefix = `pt_e2e_${process.pid}_`
    try {
      const r = runCli(['demo', '--mysql', '--dir', dir, '--mysql-prefix', prefix, '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.json.backend).toBe('mysql')
      expect(r.json.databases.erp).toBe(`mysql 127.0.0.1:3306/${prefix}erp`)
      const manifest = JSON.parse(readFileSync(path.join(dir, 'demo-manifest.json'), 'utf8'))
      expect(r.json.stockDiff.summary.keys.only_in_erp).toBe(manifest.countsByKind.only_in_erp)
      expect(readFileSync(path.join(dir, 'plantops.yaml'), 'utf8')).toContain(`database: ${prefix}wms`)
    } finally {
      const conn = await (await import('mysql2/promise')).createConnection(mysqlParams)
      for (const s of ['erp', 'wms', 'mes']) await conn.query(`DROP DATABASE IF EXISTS \`${prefix}${s}\``)
      await conn.end()
    }
  })
})
