import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

/**
 * A job large enough for the threads (built CLI, MariaDB): the right side read in a reader thread while the main thread
 * reads the left, the partitions reconciled on two threads (≥ 100,000 records). The answer is the one the seeding
 * says, every key once and in key order; a bad value read in the reader thread still exits 3 naming source, column,
 * key and value.
 */
describeMysql('reconcile jobs on reader and merge threads (MariaDB, built CLI)', () => {
  let erp: Awaited<ReturnType<typeof createTestDatabase>>
  let mes: Awaited<ReturnType<typeof createTestDatabase>>
  const dir = tempDir('pt-rj-threads-')
  const conn = (db: string) =>
    `{host: ${mysqlParams.host}, port: ${mysqlParams.port}, user: ${mysqlParams.user}${mysqlParams.password ? `, password: "${mysqlParams.password}"` : ''}, database: ${db}}`
  const N = 60_000

  function yaml(name: string, rightTable: string): string {
    const file = path.join(dir, `${name}.yaml`)
    writeFileSync(
      file,
      `sources:
  erp: {role: erp, client: mysql, connection: ${conn(erp.name)}}
  mes: {role: mes, client: mysql, connection: ${conn(mes.name)}}
store: {client: sqlite, filename: ./state-${name}.db}
reconcile:
  jobs:
    om:
      left: {source: erp, table: so_lines, label: ERP}
      right: {source: mes, table: ${rightTable}, label: MES}
      link: {keys: [{name: so, left: so_no, right: so_no}, {name: line, left: line_no, right: line_no}], cardinality: one-to-many}
      compare: {qty: {type: decimal, left: qty, right: qty}}
`,
    )
    return file
  }

  beforeAll(async () => {
    erp = await createTestDatabase('pt_rjt_erp')
    mes = await createTestDatabase('pt_rjt_mes')
    await erp.conn.query('CREATE TABLE so_lines (so_no VARCHAR(20), line_no INT, qty DECIMAL(18,4))')
    await erp.conn.query(`INSERT INTO so_lines SELECT CONCAT('SO', LPAD(seq, 6, '0')), 10, seq MOD 100 + 1 FROM seq_1_to_${N}`)
    await mes.conn.query('CREATE TABLE work_orders (wo_no VARCHAR(20), so_no VARCHAR(20), line_no INT, qty DECIMAL(18,4))')
    // every 5000th line has no work order, every 1000th (+7) one more piece, every 10th is split in two halves
    await mes.conn.query(
      `INSERT INTO work_orders SELECT CONCAT('WO', seq, 'A'), CONCAT('SO', LPAD(seq, 6, '0')), 10, (seq MOD 100 + 1) / IF(seq MOD 10 = 0, 2, 1) + IF(seq MOD 1000 = 7, 1, 0)
       FROM seq_1_to_${N} WHERE seq MOD 5000 <> 0`,
    )
    await mes.conn.query(`INSERT INTO work_orders SELECT CONCAT('WO', seq, 'B'), CONCAT('SO', LPAD(seq, 6, '0')), 10, (seq MOD 100 + 1) / 2 FROM seq_1_to_${N} WHERE seq MOD 10 = 0 AND seq MOD 5000 <> 0`)
    await mes.conn.query(`INSERT INTO work_orders SELECT CONCAT('WX', seq), CONCAT('SX', seq), 10, 1 FROM seq_1_to_5`)
    // the same work orders with one quantity that is not a number
    await mes.conn.query('CREATE TABLE work_orders_bad (wo_no VARCHAR(20), so_no VARCHAR(20), line_no INT, qty VARCHAR(20))')
    await mes.conn.query('INSERT INTO work_orders_bad SELECT * FROM work_orders')
    await mes.conn.query(`UPDATE work_orders_bad SET qty = 'n/a' WHERE wo_no = 'WO40001A'`)
  }, 120_000)
  afterAll(async () => {
    await erp?.drop()
    await mes?.drop()
  })

  it('finds what the seeding says, every key once and in key order', {timeout: 240_000}, () => {
    const r = runCli(['reconcile', 'run', 'om', '--all', '--config', yaml('big', 'work_orders'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const job = r.json.jobs[0]
    expect(job.summary.left.records).toBe(N)
    expect(job.summary.right.records).toBe(N - 12 + N / 10 - 12 + 5)
    expect(job.summary.keys).toEqual({total: N + 5, match: N - 12 - 60, differs: 60, only_in_left: 12, only_in_right: 5, in_flight: 0})
    const rows = job.rows as Array<{key: string[]; status: string; fields: Array<{left: string; right: string}>}>
    expect(rows).toHaveLength(N + 5)
    const keys = rows.map((f) => f.key.join('|'))
    expect(keys).toEqual([...keys].sort())
    expect(new Set(keys).size).toBe(N + 5)
    expect(rows.filter((f) => f.status === 'only_in_left').map((f) => f.key[0])).toEqual(Array.from({length: 12}, (_, i) => `SO${String((i + 1) * 5000).padStart(6, '0')}`))
    const so7 = rows.find((f) => f.key[0] === 'SO001007')!
    expect(so7).toMatchObject({status: 'differs', fields: [{left: '8', right: '9'}]})
    expect(rows.find((f) => f.key[0] === 'SO000010')).toMatchObject({status: 'match'}) // two halves add up
  })

  it('a bad value read in the reader thread exits 3 naming source, column, key and value', {timeout: 240_000}, () => {
    const r = runCli(['reconcile', 'run', 'om', '--config', yaml('bad', 'work_orders_bad'), '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error).toMatchObject({code: 'BAD_VALUE', exitCode: 3})
    expect(r.json.error.message).toBe('source "mes": table work_orders_bad, column qty, key SO040001 / 10: "n/a" is not a number')
    expect(r.json.error.hints).toEqual(['Point the field at a numeric column, or fix the value in the source system.'])
    // the reader thread speaks the language of the run
    const zh = runCli(['reconcile', 'run', 'om', '--config', path.join(dir, 'bad.yaml'), '--lang', 'zh-CN', '--json'])
    expect(zh.code, zh.stderr).toBe(3)
    expect(zh.json.error.message).toBe('数据源“mes”：表 work_orders_bad，列 qty，键 SO040001 / 10："n/a" 不是数字')
  })

  it('an exponent no exact decimal can hold (1e999) is a bad value (exit 3), not a defect (exit 70)', {timeout: 240_000}, async () => {
    await mes.conn.query(`CREATE TABLE work_orders_exp AS SELECT * FROM work_orders_bad`)
    await mes.conn.query(`UPDATE work_orders_exp SET qty = '1e999' WHERE wo_no = 'WO40001A'`)
    const r = runCli(['reconcile', 'run', 'om', '--config', yaml('exp', 'work_orders_exp'), '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error).toMatchObject({code: 'BAD_VALUE', exitCode: 3})
    expect(r.json.error.message).toContain('key SO040001 / 10: "1e999"')
  })
})
