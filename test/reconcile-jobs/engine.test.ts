import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {dateValue, graceCutoff, timestampText} from '../../src/lib/reconcile/job-values.js'
import {reconcileReferences} from '../../src/lib/reconcile/references.js'
import {reconcileConfigSchema} from '../../src/lib/reconcile/jobs-config.js'

/** A small two-system plant on SQLite files: orders (left) and work orders (right). */
function plant(dir: string, left: Array<[string, number, string, string, string]>, right: Array<[string, string, number, string | null, string, string]>): void {
  const erp = new Database(path.join(dir, 'erp.db'))
  erp.exec('CREATE TABLE lines (so TEXT, line INT, qty TEXT, due TEXT, modified TEXT)')
  for (const r of left) erp.prepare('INSERT INTO lines VALUES (?, ?, ?, ?, ?)').run(...r)
  erp.close()
  const mes = new Database(path.join(dir, 'mes.db'))
  mes.exec('CREATE TABLE wo (so TEXT, status TEXT, line INT, qty TEXT, due TEXT, updated TEXT)')
  for (const r of right) mes.prepare('INSERT INTO wo VALUES (?, ?, ?, ?, ?, ?)').run(...r)
  mes.close()
}

function config(dir: string, cardinality: 'one-to-one' | 'one-to-many', extra = ''): string {
  const file = path.join(dir, 'plantops.yaml')
  writeFileSync(
    file,
    `sources:
  erp: {role: erp, client: sqlite, connection: {filename: ./erp.db}}
  mes: {role: mes, client: sqlite, connection: {filename: ./mes.db}}
reconcile:
  jobs:
    om:
      left: {source: erp, table: lines, label: ERP, changedAt: modified}
      right: {source: mes, table: wo, label: MES, changedAt: updated}
      link:
        keys: [{name: so, left: so, right: so}, {name: line, left: line, right: line}]
        cardinality: ${cardinality}
        rightStatus: {column: status, exclude: [CANCELLED]}
      compare:
        qty: {type: decimal, left: qty, right: qty, tolerance: {abs: 0.5}}
        due: {type: date, left: due, right: due}
${extra}`,
  )
  return file
}

describe('reconcile job engine (built CLI, small SQLite plants)', () => {
  it('a one-to-one link matching several right records is one finding per key, not a double count', () => {
    const dir = tempDir()
    plant(dir, [['SO1', 10, '5', '2026-01-10', '2026-01-01 00:00:00'], ['SO2', 10, '7', '2026-01-10', '2026-01-01 00:00:00'], ['SO\\3\tB', 10, '1', '2026-01-10', '2026-01-01 00:00:00']], [
      ['SO\\3\tB', 'OPEN', 10, '1', '2026-01-10', '2026-01-02 00:00:00'],
      ['SO1', 'OPEN', 10, '2.5', '2026-01-10', '2026-01-02 00:00:00'],
      ['SO1', 'OPEN', 10, '2.5', '2026-01-10', '2026-01-02 00:00:00'],
      ['SO2', 'OPEN', 10, '7.3', '2026-01-10', '2026-01-02 00:00:00'],
    ])
    const r = runCli(['reconcile', 'run', 'om', '--all', '--config', config(dir, 'one-to-one'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const rows = r.json.jobs[0].rows
    const so1 = rows.find((f: {key: string[]}) => f.key[0] === 'SO1')
    expect(so1.status).toBe('differs')
    expect(so1.cause).toBe('ambiguous_link')
    expect(so1.fields[0]).toMatchObject({field: 'records', left: '1', right: '2', cause: 'ambiguous_link'})
    // SO2: 7 vs 7.3 is within the absolute tolerance of 0.5
    expect(rows.find((f: {key: string[]}) => f.key[0] === 'SO2').status).toBe('match')
    // keys holding a backslash and a tab survive the spill
    expect(rows.find((f: {key: string[]}) => f.key[0] === 'SO\\3\tB').status).toBe('match')
    // the same data one-to-many: summed, a match
    const many = runCli(['reconcile', 'run', 'om', '--all', '--config', config(dir, 'one-to-many'), '--json'])
    expect(many.json.jobs[0].rows.find((f: {key: string[]}) => f.key[0] === 'SO1').status).toBe('match')
  })

  it('reports a date that does not parse with its value, and exits 3 naming source, column, key and value on a bad quantity', () => {
    const dir = tempDir()
    plant(dir, [['SO1', 10, '5', '2026-02-30', '2026-01-01 00:00:00'], ['SO2', 10, '5', '2026-01-10', '2026-01-01 00:00:00']], [
      ['SO1', 'OPEN', 10, '5', '2026-01-10', '2026-01-02 00:00:00'],
      ['SO2', 'OPEN', 10, '5', '2026-01-12', '2026-01-02 00:00:00'],
      ['SO2', 'CANCELLED', 10, 'n/a', '2026-01-12', '2026-01-02 00:00:00'],
    ])
    const r = runCli(['reconcile', 'run', 'om', '--config', config(dir, 'one-to-many'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const rows = r.json.jobs[0].rows
    const so1 = rows.find((f: {key: string[]}) => f.key[0] === 'SO1')
    expect(so1).toMatchObject({status: 'differs', cause: 'bad_value'})
    expect(so1.fields[0]).toMatchObject({field: 'due', left: '2026-02-30', right: '2026-01-10'})
    const so2 = rows.find((f: {key: string[]}) => f.key[0] === 'SO2')
    expect(so2).toMatchObject({status: 'differs', cause: 'late'})
    expect(so2.fields[0].detail).toBe('2 days late')
    // the cancelled record was left out by the status filter; a bad quantity in a compared record is exit 3
    const db = new Database(path.join(dir, 'mes.db'))
    db.prepare("UPDATE wo SET status = 'OPEN' WHERE qty = 'n/a'").run()
    db.close()
    const bad = runCli(['reconcile', 'run', 'om', '--config', path.join(dir, 'plantops.yaml')])
    expect(bad.code).toBe(3)
    expect(bad.stderr).toContain('source "mes"')
    expect(bad.stderr).toContain('column qty')
    expect(bad.stderr).toContain('SO2 / 10')
    expect(bad.stderr).toContain('"n/a"')
    expect(bad.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  })

  it('refuses an empty side (exit 3) and a job naming an unknown source or an unknown job (exit 2)', () => {
    const dir = tempDir()
    plant(dir, [['SO1', 10, '5', '2026-01-10', '2026-01-01 00:00:00']], [])
    const file = config(dir, 'one-to-many')
    const empty = runCli(['reconcile', 'run', 'om', '--config', file])
    expect(empty.code).toBe(3)
    expect(empty.stderr).toContain('returned no rows')
    expect(runCli(['reconcile', 'run', 'nope', '--config', file]).code).toBe(2)
    writeFileSync(file, `${readFileSyncUtf8(file).replace('source: mes, table: wo', 'source: plm, table: wo')}`)
    const unknown = runCli(['reconcile', 'list', '--config', file])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('reconcile.jobs.om.right.source: no source named "plm"')
  })

  it('needs the stock section for code maps (exit 2 naming the config path)', () => {
    const dir = tempDir()
    plant(dir, [['SO1', 10, '5', '2026-01-10', '2026-01-01 00:00:00']], [['SO1', 'OPEN', 10, '5', '2026-01-10', '2026-01-02 00:00:00']])
    const file = config(dir, 'one-to-many')
    writeFileSync(file, readFileSyncUtf8(file).replace('{name: so, left: so, right: so}', '{name: so, left: so, right: so, map: item}'))
    const r = runCli(['reconcile', 'list', '--config', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('reconcile.jobs.om.link.keys.0.map')
  })
})

function readFileSyncUtf8(file: string): string {
  return readFileSync(file, 'utf8')
}

describe('reconcile job values and references', () => {
  it('parses dates and timestamps from any source, keeping what does not parse', () => {
    expect(dateValue('2026-11-20')).toBe('2026-11-20')
    expect(dateValue('2026/1/5 08:00')).toBe('2026-01-05')
    expect(dateValue('20261120')).toBe('2026-11-20')
    expect(dateValue('2026-02-30')).toEqual({bad: '2026-02-30'})
    expect(dateValue('next week')).toEqual({bad: 'next week'})
    expect(dateValue(null)).toBeNull()
    expect(timestampText('2026-11-20T08:05')).toBe('2026-11-20 08:05:00')
    expect(graceCutoff('2026-11-20T22:00:00', 120)).toBe('2026-11-20 20:00:00')
  })

  it('lists every column a job reads for the audit, with its config path', () => {
    const section = reconcileConfigSchema.parse({
      jobs: {
        om: {
          left: {source: 'erp', table: 'lines', changedAt: 'modified'},
          right: {source: 'mes', query: 'SELECT * FROM wo', filters: {kind: ['SO']}},
          link: {keys: [{name: 'so', left: 'so', right: 'so_ref'}], rightStatus: {column: 'status', exclude: ['X']}},
          compare: {qty: {type: 'decimal', left: 'qty', right: 'plan_qty', units: {left: 'uom', right: 'unit'}}},
        },
      },
    })
    const refs = reconcileReferences(section)
    expect(refs.map((r) => r.configPath)).toEqual(['reconcile.jobs.om.left.table', 'reconcile.jobs.om.right.query'])
    expect(refs[1].columns.map((c) => `${c.column}@${c.configPath}`)).toEqual([
      'so_ref@reconcile.jobs.om.link.keys.0.right',
      'status@reconcile.jobs.om.link.rightStatus.column',
      'plan_qty@reconcile.jobs.om.compare.qty.right',
      'unit@reconcile.jobs.om.compare.qty.units.right',
      'kind@reconcile.jobs.om.right.filters.kind',
    ])
  })
})

describeMysql('grouped jobs on MariaDB: GROUP BY on the server gives exactly the engine result', () => {
  it('sums per day × item the same whether pushed down or not', async () => {
    const db = await createTestDatabase('pt_rjg')
    try {
      await db.conn.query('CREATE TABLE outb (shipped DATETIME, item VARCHAR(20), qty DECIMAL(18,4))')
      await db.conn.query('CREATE TABLE ship (moved DATETIME, sku VARCHAR(20), qty DECIMAL(18,4))')
      await db.conn.query(`INSERT INTO outb VALUES ('2026-01-01 08:00:00','a-1',0.1),('2026-01-01 09:00:00','A-1 ',0.2),('2026-01-02 09:00:00','B-2',5)`)
      await db.conn.query(`INSERT INTO ship VALUES ('2026-01-01 23:59:59','A-1',0.3),('2026-01-02 00:00:00','B-2',4),('2026-01-02 10:00:00','b-2',1.5)`)
      const dir = tempDir()
      const conn = `{host: ${mysqlParams.host}, port: ${mysqlParams.port}, user: ${mysqlParams.user}${mysqlParams.password ? `, password: "${mysqlParams.password}"` : ''}, database: ${db.name}}`
      const yaml = (norm: string) => `sources:
  erp: {role: erp, client: mysql, connection: ${conn}}
reconcile:
  jobs:
    ship:
      left: {source: erp, table: outb, normalize: ${norm}}
      right: {source: erp, table: ship, normalize: ${norm}}
      link: {keys: [{name: day, left: shipped, right: moved, bucket: day}, {name: item, left: item, right: sku}]}
      group: true
      compare: {qty: {type: decimal, left: qty, right: qty}}
`
      const run = (norm: string) => {
        const file = path.join(dir, 'plantops.yaml')
        writeFileSync(file, yaml(norm))
        const r = runCli(['reconcile', 'run', 'ship', '--all', '--config', file, '--json'])
        expect(r.code, r.stderr).toBe(0)
        return r.json.jobs[0]
      }
      const pushed = run('{trim: true, caseFold: upper, fullWidth: true}')
      expect(pushed.summary.left.pushedDown).toBe(true)
      const rows = pushed.rows.map((f: {key: string[]; status: string; fields: unknown[]}) => [f.key.join('|'), f.status, f.fields])
      expect(rows).toEqual([
        ['2026-01-01|A-1', 'match', []],
        ['2026-01-02|B-2', 'differs', [{field: 'qty', left: '5', right: '5.5', cause: null, detail: 'diff 0.5', detail_code: 'diff'}]],
      ])
      expect(pushed.summary.deviationRatePct.qty).toBe('9.434')
      // case kept apart: the collation would merge a-1 and A-1, so the engine groups instead
      const engine = run('{trim: true, caseFold: false}')
      expect(engine.summary.left.pushedDown).toBe(false)
      expect(engine.rows.map((f: {key: string[]; status: string}) => `${f.key.join('|')} ${f.status}`)).toEqual(['2026-01-01|A-1 differs', '2026-01-01|a-1 only_in_left', '2026-01-02|B-2 differs', '2026-01-02|b-2 only_in_right'])
    } finally {
      await db.drop()
    }
  })
})
