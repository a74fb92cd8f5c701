import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import {beforeAll, describe, expect, it, vi} from 'vitest'
import {parse, stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig} from '../../src/lib/demo/index.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {runCli, tempDir} from '../helpers/cli.js'

vi.setConfig({testTimeout: 180_000})

/**
 * What `stock diff` says agrees with what it records and writes (issue 13 items 23 and 4), through the built CLI on
 * the SQLite demo plant: rows read (summary = run history), staleness (--allow-stale: JSON summary, run record, CSV),
 * and --only new failing on the same rule as summary.failing.
 */
describe('stock diff: the summary, the run record and the files agree (built CLI)', () => {
  let dir: string
  beforeAll(async () => {
    dir = tempDir('pt-stock-agree-')
    const plant = await buildDemoPlant({dir, stockRows: 2000})
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
  }, 120_000)

  it('rows read: one figure per source in the summary (JSON and terminal) and in runs list / runs show', () => {
    const r = runCli(['stock', 'diff', '--json'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    const {erp, wms} = r.json.summary
    expect(erp.rows).toBe(2000) // the stock rows compared
    expect(erp.rowsRead).toBeGreaterThan(erp.rows) // + the item master and units read from the ERP
    expect(wms.rowsRead).toBeGreaterThan(wms.rows) // + the cross-reference and movements read from the WMS
    expect(r.json.summary.stale).toEqual([]) // fresh replicas: the summary's list of stale ones is empty
    const list = runCli(['runs', 'list', '--json'], {cwd: dir}).json.runs.find((x: {id: number}) => x.id === r.json.runId)
    expect(list.rowsRead).toEqual({erp: erp.rowsRead, wms: wms.rowsRead})
    const t = runCli(['stock', 'diff'], {cwd: dir})
    const runs = runCli(['runs', 'list'], {cwd: dir}).stdout
    const [, e, w] = runs.match(/stock-diff .*erp:(\d+) wms:(\d+)/)!
    expect(t.stdout).toContain(`${Number(e).toLocaleString('en-US')} rows read`)
    expect(t.stdout).toContain(`${Number(w).toLocaleString('en-US')} rows read`)
  })

  it('--allow-stale: the JSON summary, the run record, the terminal and every CSV row say which replica was stale', () => {
    const stale = path.join(dir, 'stale')
    const cfg = parse(readFileSync(path.join(dir, 'plantops.yaml'), 'utf8'))
    for (const s of Object.values(cfg.sources) as Array<{connection: {filename: string}}>) s.connection.filename = path.join(dir, path.basename(s.connection.filename))
    cfg.sources.wms.lagQuery = 'SELECT 5000 AS lag' // a replica 5000 s behind its primary
    cfg.sources.wms.maxLagSeconds = 900
    writeFileSync(path.join(dir, 'stale.yaml'), stringify(cfg))
    const config = ['--config', path.join(dir, 'stale.yaml')]
    const refused = runCli(['stock', 'diff', ...config], {cwd: dir})
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/5000 s behind/)

    const csv = `${stale}.csv`
    const r = runCli(['stock', 'diff', ...config, '--allow-stale', '--output', csv], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/rows written to .*STALE wms:5000/)
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n')
    expect(lines[0].endsWith(',warehouse_name,stale')).toBe(true)
    expect(lines.length).toBeGreaterThan(10)
    for (const l of lines.slice(1)) expect(l.endsWith(',wms:5000'), l).toBe(true)

    const j = runCli(['stock', 'diff', ...config, '--allow-stale', '--json'], {cwd: dir})
    expect(j.json.summary.stale).toEqual([{source: 'wms', lagSeconds: 5000, maxLagSeconds: 900}])
    const show = runCli(['runs', 'show', String(j.json.runId), ...config, '--json'], {cwd: dir})
    expect(show.json.outcome.stale).toEqual([{source: 'wms', lagSeconds: 5000, maxLagSeconds: 900}])
    expect(runCli(['stock', 'diff', ...config, '--allow-stale'], {cwd: dir}).stdout).toMatch(/STALE \(--allow-stale\)\s*│ wms 5000 s behind \(max 900 s\)/)

    // a fresh run: the column is there and empty (the summary's empty list: the first test's JSON run)
    const fresh = runCli(['stock', 'diff', '--format', 'csv'], {cwd: dir})
    const rows = fresh.stdout.trimEnd().split('\n')
    expect(rows[0].endsWith(',stale')).toBe(true)
    for (const l of rows.slice(1)) expect(l.endsWith(','), l).toBe(true)
  })

  it('--only new --fail-on over-tolerance: a new difference exactly explained by goods in transit does not fail; a new unexplained one does', () => {
    // every variance is seen before; then one matching key's WMS bin ships 10 that the ERP has not posted yet
    expect(runCli(['stock', 'diff'], {cwd: dir}).code).toBe(0)
    const db = new Database(path.join(dir, 'wms.db'))
    let bin: {id: number; sku: string; wh_code: string; location_code: string; lot: string; uom: string}
    try {
      bin = db
        .prepare(
          `SELECT b.* FROM bin_stock b WHERE status = 'AVAILABLE' AND qty BETWEEN 20 AND 100 AND lot IS NOT NULL
             AND (SELECT COUNT(*) FROM bin_stock c WHERE c.sku = b.sku AND c.wh_code = b.wh_code AND c.lot = b.lot) = 1
             AND NOT EXISTS (SELECT 1 FROM movements m WHERE m.sku = b.sku) ORDER BY id LIMIT 1`,
        )
        .get() as typeof bin
      db.prepare('UPDATE bin_stock SET qty = qty - 10 WHERE id = ?').run(bin.id)
      db.prepare("INSERT INTO movements VALUES (900001, '2026-11-20 12:00:00', 'SHIP', ?, ?, ?, ?, 10, ?, 0, 'DN-TEST-1')").run(bin.sku, bin.wh_code, bin.location_code, bin.lot, bin.uom)
    } finally {
      db.close()
    }
    const r = runCli(['stock', 'diff', '--only', 'new', '--fail-on', 'over-tolerance', '--json'], {cwd: dir})
    expect(r.json.rows).toHaveLength(1)
    expect(r.json.rows[0]).toMatchObject({status: 'over_tolerance', cause: 'in_transit', explained: true, runs_seen: 1})
    expect(r.json.summary.newByStatus.over_tolerance).toBe(1) // new and over tolerance…
    expect(r.json.summary.failing).toEqual({over_tolerance: 0, only_in_erp: 0, only_in_wms: 0, explained: 1}) // …but explained
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.failed).toBe(false)
    // --fail-on any still counts it (any variance)
    expect(runCli(['stock', 'diff', '--only', 'new', '--fail-on', 'any'], {cwd: dir}).code).toBe(0) // seen by the run above now

    // the same bin moves again without a movement: new, unexplained → exit 1
    const db2 = new Database(path.join(dir, 'wms.db'))
    try {
      const other = db2.prepare("SELECT id FROM bin_stock WHERE status = 'AVAILABLE' AND qty >= 50 AND id <> ? ORDER BY id DESC LIMIT 1").get(bin!.id) as {id: number}
      db2.prepare('UPDATE bin_stock SET qty = qty + 40 WHERE id = ?').run(other.id)
    } finally {
      db2.close()
    }
    const f = runCli(['stock', 'diff', '--only', 'new', '--fail-on', 'over-tolerance', '--json'], {cwd: dir})
    expect(f.json.rows.filter((x: {explained: boolean}) => !x.explained).length).toBeGreaterThan(0)
    expect(f.code).toBe(1)
  })
})
