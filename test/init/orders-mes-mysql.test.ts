import {readFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'
import {parse} from 'yaml'

import {sourceProbe} from '../../src/lib/init/probe.js'
import {runInitWizard, type WizardPrompts} from '../../src/lib/init/wizard.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

const DEFAULT = Symbol('default')

/** Scripted answers (each prompt must match the next expected message; DEFAULT takes the prompt's default). */
function scripted(answers: Array<[RegExp, unknown]>): WizardPrompts & {left: () => number} {
  const queue = [...answers]
  const next = (message: string, def: unknown): unknown => {
    const a = queue.shift()
    if (!a) throw new Error(`unexpected prompt: ${message}`)
    if (!a[0].test(message)) throw new Error(`expected a prompt matching ${a[0]}, got: ${message}`)
    return a[1] === DEFAULT ? def : a[1]
  }
  return {
    left: () => queue.length,
    async input(o) {
      return String(next(o.message, o.default ?? ''))
    },
    async select(o) {
      const v = next(o.message, o.default)
      if (!o.choices.some((c) => c.value === v)) throw new Error(`${String(v)} is not a choice of ${o.message}`)
      return v as never
    },
    async confirm(o) {
      return Boolean(next(o.message, o.default))
    },
    async password(o) {
      return String(next(o.message, ''))
    },
  }
}

/**
 * `plantops init` adds the orders-mes reconcile job by recognising a Kingdee K/3 Cloud sales order entry table
 * (FBillNo, FSeq, FNumber, FQty, FDeliveryDate, FModifyDate) and an MES work order table (wo_no, sales_order_no,
 * sales_order_line, plan_qty, due_date) on real MariaDB; the written plantops.yaml passes `config validate` and
 * `reconcile run orders-mes` finds what was seeded. The wizard is interactive only (no TTY: exit 2), so the answers
 * are injected as the other wizard tests do, taking every proposed default.
 */
describeMysql('plantops init: the orders-mes job from recognised column names (MariaDB)', () => {
  let erp: Awaited<ReturnType<typeof createTestDatabase>>
  let mes: Awaited<ReturnType<typeof createTestDatabase>>
  const user = `pt_initj_${process.pid}`
  const secret = `Jobs-${Date.now().toString(36)}-pw`

  beforeAll(async () => {
    erp = await createTestDatabase('pt_initj_erp')
    mes = await createTestDatabase('pt_initj_mes')
    await erp.conn.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${secret}'`)
    for (const db of [erp.name, mes.name]) await erp.conn.query(`GRANT SELECT ON \`${db}\`.* TO '${user}'@'%'`)
    await erp.conn.query('CREATE TABLE T_BD_CUSTOMER (FCustID INT PRIMARY KEY, FNumber VARCHAR(40), FName VARCHAR(80))')
    await erp.conn.query(
      'CREATE TABLE T_SAL_ORDERENTRY (FEntryID INT PRIMARY KEY, FBillNo VARCHAR(40) NOT NULL, FSeq INT NOT NULL, FNumber VARCHAR(40) NOT NULL, FQty DECIMAL(23,10) NOT NULL, FDeliveryDate DATETIME NOT NULL, FModifyDate DATETIME NOT NULL)',
    )
    await erp.conn.query(`INSERT INTO T_SAL_ORDERENTRY VALUES
      (1, 'XSDD000101', 1, 'FG-100', 100, '2026-11-10 00:00:00', '2026-10-01 09:00:00'),
      (2, 'XSDD000101', 2, 'FG-200', 50, '2026-11-12 00:00:00', '2026-10-01 09:00:00'),
      (3, 'XSDD000102', 1, 'FG-100', 80, '2026-11-10 00:00:00', '2026-10-02 09:00:00'),
      (4, 'XSDD000102', 2, 'FG-300', 20, '2026-11-10 00:00:00', '2026-10-02 09:00:00'),
      (5, 'XSDD000103', 1, 'FG-300', 5, '2026-11-20 00:00:00', '2026-10-03 09:00:00')`)
    await mes.conn.query('CREATE TABLE mes_bom (bom_id INT PRIMARY KEY, item_code VARCHAR(40), version VARCHAR(8))')
    await mes.conn.query(
      'CREATE TABLE mes_work_order (id INT PRIMARY KEY, wo_no VARCHAR(20) NOT NULL, sales_order_no VARCHAR(40), sales_order_line INT, item_code VARCHAR(40) NOT NULL, plan_qty DECIMAL(18,4) NOT NULL, due_date DATE NOT NULL, status VARCHAR(16) NOT NULL, updated_at DATETIME NOT NULL)',
    )
    await mes.conn.query(`INSERT INTO mes_work_order VALUES
      (1, 'WO-1', 'XSDD000101', 1, 'FG-100', 100, '2026-11-10', 'RELEASED', '2026-10-01 10:00:00'),
      (2, 'WO-2A', 'XSDD000101', 2, 'FG-200', 30, '2026-11-12', 'RELEASED', '2026-10-01 10:00:00'),
      (3, 'WO-2B', 'XSDD000101', 2, 'FG-200', 20, '2026-11-11', 'STARTED', '2026-10-01 10:00:00'),
      (4, 'WO-3', 'XSDD000102', 1, 'FG-100', 70, '2026-11-10', 'RELEASED', '2026-10-02 10:00:00'),
      (5, 'WO-4', 'XSDD000102', 2, 'FG-300', 20, '2026-11-15', 'RELEASED', '2026-10-02 10:00:00'),
      (6, 'WO-9', 'XSDD000999', 1, 'FG-100', 10, '2026-11-10', 'RELEASED', '2026-10-05 10:00:00')`)
  })
  afterAll(async () => {
    await erp?.conn.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => {})
    await erp?.drop()
    await mes?.drop()
  })

  it('proposes the job from the Kingdee and MES column names; the yaml validates and the job runs', async () => {
    const dir = tempDir('pt-init-jobs-')
    const target = path.join(dir, 'plantops.yaml')
    const connection = (db: string): Array<[RegExp, unknown]> => [
      [/^Host$/, mysqlParams.host],
      [/^Port$/, String(mysqlParams.port)],
      [/^Database$/, db],
      [/^Account/, user],
      [/^Environment variable that will hold the password$/, 'PT_RO_PASSWORD'],
    ]
    const prompts = scripted([
      [/^Plant name$/, 'Kingdee plant'],
      [/^Source name$/, DEFAULT], // erp
      [/^Role of erp$/, DEFAULT],
      [/^Database type$/, DEFAULT], // MySQL / MariaDB
      ...connection(erp.name),
      [/^Who owns erp\?/, ''],
      [/^Add another source\?$/, true],
      [/^Source name$/, 'mes'],
      [/^Role of mes$/, DEFAULT],
      [/^Database type$/, DEFAULT],
      ...connection(mes.name),
      [/^Who owns mes\?/, ''],
      [/^Add another source\?$/, false],
      [/^Propose the orders-mes reconcile job \(erp sales order lines against mes work orders\)\?$/, DEFAULT],
      [/^Sales order line table in erp$/, DEFAULT],
      [/^Use this mapping for erp\.T_SAL_ORDERENTRY\?$/, DEFAULT],
      [/^Work order table in mes$/, DEFAULT],
      [/^Use this mapping for mes\.mes_work_order\?$/, DEFAULT],
    ])
    const said: string[] = []
    const r = await runInitWizard(target, {prompts, probe: sourceProbe, say: (l) => said.push(l), env: {PT_RO_PASSWORD: secret}})
    expect(prompts.left()).toBe(0)
    expect(r.validation).toEqual({valid: true, problems: [], warnings: []})
    expect(said).toContain('Proposed order line mapping for erp.T_SAL_ORDERENTRY:')
    expect(said.some((l) => /^ {2}dueDate +FDeliveryDate$/.test(l))).toBe(true)

    const text = readFileSync(target, 'utf8')
    expect(text).not.toContain(secret)
    const job = parse(text).reconcile.jobs['orders-mes']
    expect(job).toEqual({
      description: 'ERP sales order lines against MES work orders (proposed by plantops init)',
      left: {source: 'erp', table: 'T_SAL_ORDERENTRY', label: 'ERP', changedAt: 'FModifyDate'},
      right: {source: 'mes', table: 'mes_work_order', label: 'MES', changedAt: 'updated_at'},
      link: {
        keys: [
          {name: 'order_no', left: 'FBillNo', right: 'sales_order_no'},
          {name: 'line_no', left: 'FSeq', right: 'sales_order_line'},
        ],
        cardinality: 'one-to-many',
      },
      compare: {
        item: {type: 'code', left: 'FNumber', right: 'item_code'},
        qty: {type: 'decimal', left: 'FQty', right: 'plan_qty'},
        due_date: {type: 'date', left: 'FDeliveryDate', right: 'due_date', direction: 'right-later'},
      },
      grace: {afterMinutes: 120},
      names: {only_in_left: 'missing_in_mes', only_in_right: 'orphan_in_mes'},
    })

    const env = {PT_RO_PASSWORD: secret}
    const valid = runCli(['config', 'validate'], {cwd: dir, env})
    expect(valid.code, valid.stderr).toBe(0)
    const run = runCli(['reconcile', 'run', 'orders-mes', '--all', '--json'], {cwd: dir, env})
    expect(run.code, run.stderr).toBe(0)
    const res = run.json.jobs[0]
    const status = Object.fromEntries(res.rows.map((f: {key: string[]; status: string; cause: string | null; fields: Array<{field: string}>}) => [f.key.join('/'), `${f.status}${f.cause ? `:${f.cause}` : ''}${f.status === 'differs' ? `:${f.fields.map((x) => x.field).join(',')}` : ''}`]))
    expect(status).toEqual({
      'XSDD000101/1': 'match',
      'XSDD000101/2': 'match', // split into two work orders that add up; the latest due date is the order's
      'XSDD000102/1': 'differs:qty',
      'XSDD000102/2': 'differs:late:due_date',
      'XSDD000103/1': 'only_in_left',
      'XSDD000999/1': 'only_in_right',
    })
    expect(res.summary.names.only_in_left).toBe('missing_in_mes')
    // Σ|diff| ÷ Σ left: (|70 − 80| + 5 missing + 10 orphan) ÷ (100 + 50 + 80 + 20 + 5) = 25 ÷ 255
    expect(res.summary.deviationRatePct.qty).toBe('9.8039')
  }, 120_000)
})
