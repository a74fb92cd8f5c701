import {readFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {describeMysql, mysqlParams} from '../helpers/mysql.js'

interface Entry {
  job: string
  kind: string
  key: string[]
  expected: string
  cause: string | null
  field: string | null
}

interface Finding {
  key: string[]
  status: string
  cause: string | null
  fields: Array<{field: string; cause: string | null; left: string | null; right: string | null}>
  first_seen: string | null
  runs_seen: number | null
}

/**
 * Every seeded discrepancy of the three shipped jobs, found by the built CLI with its status and cause (and nothing
 * else reported), on the demo plant built by `plantops demo`.
 */
function checkPlant(dir: string): void {
  const config = path.join(dir, 'plantops.yaml')
  const manifest = JSON.parse(readFileSync(path.join(dir, 'demo-manifest.json'), 'utf8'))
  const entries = manifest.reconcile.entries as Entry[]
  expect(new Set(entries.map((e) => e.job))).toEqual(new Set(['orders-mes', 'shipments', 'items']))
  const r = runCli(['reconcile', 'run', 'orders-mes', 'shipments', 'items', '--all', '--config', config, '--json'])
  expect(r.code, r.stderr).toBe(0)
  for (const job of r.json.jobs as Array<{job: string; rows: Finding[]; summary: any}>) {
    const mine = entries.filter((e) => e.job === job.job)
    const byKey = new Map(job.rows.map((f) => [f.key.join('|'), f]))
    for (const e of mine) {
      const f = byKey.get(e.key.join('|'))
      const what = `${job.job} ${e.kind} ${e.key.join(' / ')}`
      expect(f, what).toBeDefined()
      expect(f!.status, what).toBe(e.expected)
      expect(f!.cause, what).toBe(e.cause)
      if (e.field !== null) {
        const d = f!.fields.find((x) => x.field === e.field)
        expect(d, `${what}: field ${e.field} in ${JSON.stringify(f!.fields)}`).toBeDefined()
        expect(d!.cause, what).toBe(e.cause)
      }
    }
    // nothing reported beyond the seeds
    const seeded = new Set(mine.map((e) => e.key.join('|')))
    const extra = job.rows.filter((f) => f.status !== 'match' && !seeded.has(f.key.join('|')))
    expect(extra.slice(0, 5), job.job).toEqual([])
    const count = (s: string) => mine.filter((e) => e.expected === s).length
    for (const s of ['differs', 'only_in_left', 'only_in_right', 'in_flight']) expect(job.summary.keys[s], `${job.job} ${s}`).toBe(count(s))
  }
  const ship = r.json.jobs.find((j: {job: string}) => j.job === 'shipments')
  expect(ship.summary.deviationByDay.length).toBeGreaterThan(10)
  expect(ship.summary.deviationRatePct.qty).toMatch(/^\d+\.?\d*$/)
}

describe('reconcile jobs on the SQLite demo plant (built CLI)', () => {
  let dir: string
  let demo: ReturnType<typeof runCli>

  beforeAll(() => {
    dir = path.join(tempDir(), 'plant')
    // 2,000 stock rows instead of the default 20,000: every seeded reconcile discrepancy is in a plant of that size
    // (the default size, with its stock diff, is test/e2e/demo-cli.test.ts's)
    demo = runCli(['demo', '--dir', dir, '--rows', '2000', '--json'])
  }, 240_000)

  it('plantops demo runs the three jobs after the stock diff and reports their summaries', () => {
    expect(demo.code, demo.stderr).toBe(0)
    const jobs = demo.json.reconcileJobs as Array<{job: string; summary: {keys: Record<string, number>}}>
    expect(jobs.map((j) => j.job)).toEqual(['orders-mes', 'shipments', 'items'])
    const manifest = JSON.parse(readFileSync(path.join(dir, 'demo-manifest.json'), 'utf8'))
    for (const j of jobs) {
      const n = manifest.reconcile.entries.filter((e: Entry) => e.job === j.job && e.expected === 'only_in_left').length
      expect(j.summary.keys.only_in_left).toBe(n)
    }
    expect(demo.json.seededDiscrepancies['orders-mes.cancelled_in_progress']).toBe(1)
  })

  it('finds every seeded discrepancy with its status and cause, and nothing else', () => {
    checkPlant(dir)
  }, 120_000)

  it('remembers findings: a second run reports them as seen before, --only new reports none, --fail-on differs exits 1', () => {
    const config = path.join(dir, 'plantops.yaml')
    const again = runCli(['reconcile', 'run', 'orders-mes', '--config', config, '--json'])
    expect(again.code, again.stderr).toBe(0)
    const rows = again.json.jobs[0].rows as Finding[]
    const findings = rows.filter((f) => f.status !== 'in_flight')
    expect(findings.length).toBeGreaterThan(5)
    expect(findings.every((f) => (f.runs_seen ?? 0) >= 3)).toBe(true)
    expect(again.json.jobs[0].summary.resolved.count).toBe(0)
    const onlyNew = runCli(['reconcile', 'run', 'orders-mes', '--only', 'new', '--fail-on', 'differs', '--config', config, '--json'])
    expect(onlyNew.code).toBe(0)
    expect(onlyNew.json.jobs[0].rows).toEqual([])
    const fail = runCli(['reconcile', 'run', 'orders-mes', '--fail-on', 'differs', '--format', 'csv', '--output', path.join(dir, 'om.csv'), '--config', config])
    expect(fail.code).toBe(1)
    const csv = readFileSync(path.join(dir, 'om.csv'), 'utf8').split('\n')
    expect(csv[0]).toBe('job,so_no,line_no,status,cause,field,left_value,right_value,first_seen,runs_seen,status_label,detail')
    expect(csv.some((l) => l.includes(',differs,change_not_propagated,qty,'))).toBe(true)
    expect(csv.some((l) => l.includes(',only_in_left,,,,,') && l.includes('missing_in_mes'))).toBe(true)
    const list = runCli(['reconcile', 'list', '--config', config, '--json'])
    expect(list.code).toBe(0)
    expect(list.json.jobs.map((j: {job: string}) => j.job)).toEqual(['orders-mes', 'shipments', 'items'])
    expect(list.json.jobs[0].openFindings).toBe(findings.length)
  }, 120_000)

  it('several jobs: one that cannot run is said and recorded, the others still run and report; exit 3', async () => {
    const {parse, stringify} = await import('yaml')
    const {writeFileSync} = await import('node:fs')
    const cfg = parse(readFileSync(path.join(dir, 'plantops.yaml'), 'utf8'))
    cfg.reconcile.jobs['orders-mes'].right.table = 'no_such_work_orders'
    const config = path.join(dir, 'broken-mes.yaml')
    writeFileSync(config, stringify(cfg))
    const r = runCli(['reconcile', 'run', 'orders-mes', 'items', '--config', config, '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.jobs.map((j: {job: string}) => j.job)).toEqual(['items'])
    expect(r.json.jobs[0].summary.keys.total).toBeGreaterThan(100)
    expect(r.json.errors).toEqual([expect.objectContaining({job: 'orders-mes', code: 'SOURCE_NO_TABLE', exitCode: 3})])
    expect(r.json.errors[0].message).toMatch(/no_such_work_orders/)
    const human = runCli(['reconcile', 'run', 'orders-mes', 'items', '--config', config])
    expect(human.code).toBe(3)
    expect(human.stderr).toMatch(/job orders-mes: source "mes": .*no_such_work_orders/)
    expect(human.stdout).toMatch(/items: ERP item master/)
    const runs = runCli(['runs', 'list', '--config', config, '--json'])
    const last = runs.json.runs.filter((x: {job: string}) => x.job === 'reconcile-orders-mes')[0]
    expect(last.exitCode).toBe(3)
    // one job alone still fails as one error document
    const one = runCli(['reconcile', 'run', 'orders-mes', '--config', config, '--json'])
    expect(one.code).toBe(3)
    expect(one.json.error.code).toBe('SOURCE_NO_TABLE')
  }, 120_000)

  it('writes an XLSX a lead can filter: one row per difference', async () => {
    const config = path.join(dir, 'plantops.yaml')
    const out = path.join(dir, 'om.xlsx')
    const r = runCli(['reconcile', 'run', 'orders-mes', '--format', 'xlsx', '--output', out, '--config', config])
    expect(r.code, r.stderr).toBe(0)
    const {default: ExcelJS} = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out)
    const ws = wb.getWorksheet('orders-mes')!
    expect(ws.getRow(1).values).toContain('right_value (MES)')
    expect(ws.rowCount).toBeGreaterThan(10)
  })
})

describeMysql('reconcile jobs on the MariaDB demo plant (built CLI, demo --mysql)', () => {
  const prefix = `pt_rj_${process.pid}_`
  let dir: string

  afterAll(async () => {
    const conn = await (await import('mysql2/promise')).createConnection(mysqlParams)
    for (const s of ['erp', 'wms', 'mes']) await conn.query(`DROP DATABASE IF EXISTS \`${prefix}${s}\``)
    await conn.end()
  })

  it('finds every seeded discrepancy with its status and cause (GROUP BY pushed to the server for shipments)', () => {
    dir = path.join(tempDir(), 'mysql-plant')
    const demo = runCli(['demo', '--mysql', '--dir', dir, '--mysql-prefix', prefix, '--rows', '2000', '--no-diff', '--json'])
    expect(demo.code, demo.stderr).toBe(0)
    checkPlant(dir)
    const r = runCli(['reconcile', 'run', 'shipments', '--config', path.join(dir, 'plantops.yaml'), '--json'])
    expect(r.json.jobs[0].summary.left.pushedDown).toBe(true)
    expect(r.json.jobs[0].summary.right.pushedDown).toBe(true)
  }, 240_000)
})
