import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {runCli, runCliAsync, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

/**
 * The guards of `reconcile run` on MariaDB, through the built CLI: a replica further behind than maxLagSeconds (or of
 * unknown lag) is refused before anything is read, an empty side and a side far smaller than last run's are refused;
 * each exits 3 naming the source, and with --json gives the documented error code. --allow-stale and
 * safety.minRowsRatio are the documented ways through.
 */
describeMysql('reconcile run guards on MariaDB: lag, empty side, shrunken side (exit 3, source named)', () => {
  let erp: Awaited<ReturnType<typeof createTestDatabase>>
  let mes: Awaited<ReturnType<typeof createTestDatabase>>
  const dir = tempDir('pt-rj-guards-')
  const conn = (db: string) =>
    `{host: ${mysqlParams.host}, port: ${mysqlParams.port}, user: ${mysqlParams.user}${mysqlParams.password ? `, password: "${mysqlParams.password}"` : ''}, database: ${db}}`

  function yaml(o: {name: string; lagQuery?: string; minRowsRatio?: number; minMatchRatio?: number; filter?: string; rightSo?: string; suffix?: string}): string {
    const file = path.join(dir, `${o.name}.yaml`)
    writeFileSync(
      file,
      `sources:
  erp: {role: erp, client: mysql, connection: ${conn(erp.name)}}
  mes:
    role: mes
    client: mysql
    connection: ${conn(mes.name)}
    maxLagSeconds: 900
${o.lagQuery ? `    lagQuery: ${JSON.stringify(o.lagQuery)}\n` : ''}store: {client: sqlite, filename: ./state-${o.name}.db}
reconcile:
  jobs:
    om:
      left: {source: erp, table: so_lines${o.suffix ?? ''}, label: ERP${o.filter ? `, filters: ${o.filter}` : ''}}
      right: {source: mes, table: work_orders${o.suffix ?? ''}, label: MES}
      link: {keys: [{name: so, left: so_no, right: ${o.rightSo ?? 'so_no'}}, {name: line, left: line_no, right: line_no}], cardinality: one-to-many}
      compare: {qty: {type: decimal, left: qty, right: qty}}
${o.minRowsRatio === undefined ? '' : `      safety: {minRowsRatio: ${o.minRowsRatio}}\n`}${o.minMatchRatio === undefined ? '' : `      safety: {minMatchRatio: ${o.minMatchRatio}}\n`}`,
    )
    return file
  }

  beforeAll(async () => {
    erp = await createTestDatabase('pt_rjg_erp')
    mes = await createTestDatabase('pt_rjg_mes')
    await erp.conn.query('CREATE TABLE so_lines (so_no VARCHAR(20), line_no INT, qty DECIMAL(18,4), status CHAR(1))')
    await mes.conn.query('CREATE TABLE work_orders (wo_no VARCHAR(20), so_no VARCHAR(20), line_no INT, qty DECIMAL(18,4))')
    for (let i = 1; i <= 10; i++) {
      await erp.conn.query('INSERT INTO so_lines VALUES (?, 10, ?, ?)', [`SO${i}`, i, 'O'])
      await mes.conn.query('INSERT INTO work_orders VALUES (?, ?, 10, ?)', [`WO${i}`, `SO${i}`, i])
    }
  })
  afterAll(async () => {
    await erp?.drop()
    await mes?.drop()
  })

  it('a lagging replica is refused before reading (exit 3, the source named); --allow-stale reconciles with a warning', {timeout: 240_000}, () => {
    const file = yaml({name: 'lag', lagQuery: 'SELECT 5000 AS lag_seconds'})
    const r = runCli(['reconcile', 'run', 'om', '--config', file])
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toContain('Error: source "mes": replica is 5000 s behind (maxLagSeconds 900); refusing to reconcile stale data')
    expect(r.stderr).toContain('hint: Wait for the replica to catch up, or run with --allow-stale')
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
    const j = runCli(['reconcile', 'run', 'om', '--config', file, '--json'])
    expect(j.code).toBe(3)
    expect(j.json.error).toMatchObject({code: 'SOURCE_STALE', exitCode: 3})
    // nothing was read from either side: the guard runs first (the one row read from mes is the lag query's)
    const runs = runCli(['runs', 'list', '--config', file, '--json'])
    expect(runs.json.runs[0]).toMatchObject({job: 'reconcile-om', status: 'failed', exitCode: 3, rowsRead: {erp: 0, mes: 1}})
    const stale = runCli(['reconcile', 'run', 'om', '--config', file, '--allow-stale', '--json'])
    expect(stale.code, stale.stderr).toBe(0)
    expect(stale.stderr).toContain('source "mes": replica is 5000 s behind (maxLagSeconds 900); reconciling anyway (--allow-stale)')
    expect(stale.json.jobs[0].summary.right.lagSeconds).toBe(5000)
    expect(stale.json.jobs[0].summary.warnings).toHaveLength(1)
    expect(stale.json.jobs[0].summary.keys.match).toBe(10)
  })

  it('a replica whose lag is unknown is refused too (exit 3)', () => {
    const r = runCli(['reconcile', 'run', 'om', '--config', yaml({name: 'lagnull', lagQuery: 'SELECT NULL AS lag_seconds'})])
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toContain('Error: source "mes": replication lag is unknown')
  })

  it('an empty side is refused (exit 3, source and table named), not reported as every key one-sided', () => {
    // the left side's filter matches nothing: an empty left side
    const r = runCli(['reconcile', 'run', 'om', '--config', yaml({name: 'empty', filter: '{status: [Z]}'}), '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error.code).toBe('SOURCE_EMPTY')
    expect(r.json.error.message).toBe('source "erp": the ERP side of reconcile job "om" (table so_lines) returned no rows; refusing to report every key as only on the other side')
    expect(r.json.error.hints[0]).toContain('reconcile.jobs.om.left')
  })

  it('a link whose keys line nothing up is refused (exit 3, example keys from both sides), not reported as every key one-sided; minMatchRatio 0 lets it through', () => {
    // the right side's order number taken from the work order number: no key pairs
    const r = runCli(['reconcile', 'run', 'om', '--config', yaml({name: 'nolink', rightSo: 'wo_no'}), '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error.code).toBe('NOTHING_LINES_UP')
    expect(r.json.error.message).toMatch(/^reconcile job "om": only 0 of 20 keys \(0.00%\) are found on both sides, below safety.minMatchRatio 0.05: the link's keys probably do not line the sides up \(e.g. only in ERP: SO\d+ · 10, SO\d+ · 10, SO\d+ · 10; only in MES: WO\d+ · 10, WO\d+ · 10, WO\d+ · 10\)$/)
    expect(r.json.error.hints.join(' ')).toContain('reconcile.jobs.om.link.keys')
    const zh = runCli(['reconcile', 'run', 'om', '--config', yaml({name: 'nolink-zh', rightSo: 'wo_no'}), '--lang', 'zh-CN'])
    expect(zh.code).toBe(3)
    expect(zh.stderr).toMatch(/对账任务“om”：20 个键中只有 0 个（0.00%）两侧都有/)
    const off = runCli(['reconcile', 'run', 'om', '--config', yaml({name: 'nolink-off', rightSo: 'wo_no', minMatchRatio: 0}), '--json'])
    expect(off.code, off.stderr).toBe(0)
    expect(off.json.jobs[0].summary.keys).toMatchObject({match: 0, only_in_left: 10, only_in_right: 10})
  })

  it('a link that lines nothing up on 30,000 orders stops the reconcile early (exit 3 with the sample), not after holding every key', async () => {
    await erp.conn.query('CREATE TABLE so_lines_big (so_no VARCHAR(20), line_no INT, qty DECIMAL(18,4), status CHAR(1))')
    await mes.conn.query('CREATE TABLE work_orders_big (wo_no VARCHAR(20), so_no VARCHAR(20), line_no INT, qty DECIMAL(18,4))')
    const n = 30_000
    await erp.conn.query('INSERT INTO so_lines_big VALUES ?', [Array.from({length: n}, (_, i) => [`SO${i}`, 10, 1, 'O'])])
    await mes.conn.query('INSERT INTO work_orders_big VALUES ?', [Array.from({length: n}, (_, i) => [`WO${i}`, `SO${i}`, 10, 1])])
    const r = await runCliAsync(['reconcile', 'run', 'om', '--config', yaml({name: 'nolink-big', rightSo: 'wo_no', suffix: '_big'}), '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error.code).toBe('NOTHING_LINES_UP')
    const m = /^reconcile job "om": only 0 of (\d+) keys \(0.00%\) in (\d+) of the 256 partitions reconciled so far \(each a hash sample of the keys\) are found on both sides, far below safety.minMatchRatio 0.05/.exec(r.json.error.message)
    expect(m, r.json.error.message).not.toBeNull()
    const [keys, done] = m!.slice(1).map(Number)
    // a sample: past the minimums, short of the 60,000 keys and 256 partitions
    expect(keys).toBeGreaterThanOrEqual(20_000)
    expect(keys).toBeLessThan(2 * n)
    expect(done).toBeGreaterThanOrEqual(8)
    expect(done).toBeLessThan(256)
    expect(r.json.error.message).toMatch(/only in ERP: SO\d+ · 10.*only in MES: WO\d+ · 10/)
  }, 120_000)

  it('a side far smaller than the previous run\'s is refused (exit 3); safety.minRowsRatio lets a real drop through', {timeout: 240_000}, async () => {
    const file = yaml({name: 'shrink'})
    const first = runCli(['reconcile', 'run', 'om', '--config', file, '--json'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.json.jobs[0].summary.right.records).toBe(10)
    await mes.conn.query("DELETE FROM work_orders WHERE so_no NOT IN ('SO1', 'SO2', 'SO3', 'SO4')")
    try {
      const r = runCli(['reconcile', 'run', 'om', '--config', file])
      expect(r.code, r.stderr).toBe(3)
      expect(r.stderr).toContain('Error: source "mes": the MES side of reconcile job "om" returned 4 records, fewer than 50% of the previous run\'s 10; refusing to report a half-loaded replica')
      expect(r.stderr).toContain('lower reconcile.jobs.om.safety.minRowsRatio')
      // the refused run left the baseline alone: a second try is refused the same way
      expect(runCli(['reconcile', 'run', 'om', '--config', file]).code).toBe(3)
      // a real drop: the operator lowers the ratio for one run (same store, same history)
      writeFileSync(file, (await import('node:fs')).readFileSync(yaml({name: 'shrink', minRowsRatio: 0.3}), 'utf8'))
      const ok = runCli(['reconcile', 'run', 'om', '--config', file, '--json'])
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.json.jobs[0].summary.keys).toMatchObject({match: 4, only_in_left: 6})
    } finally {
      for (let i = 5; i <= 10; i++) await mes.conn.query('INSERT INTO work_orders VALUES (?, ?, 10, ?)', [`WO${i}`, `SO${i}`, i])
    }
  })
})
