/**
 * Issue 15: `systems audit` never says "read-only" while a statement could write. The audit proves it against the
 * server (a write inside plantops' read-only transaction must be refused), not only by reading tx_read_only.
 */
import {afterAll, afterEach, beforeAll, expect, it, vi} from 'vitest'

import {parseConfigText} from '../../src/lib/config/load.js'
import {Source} from '../../src/lib/sources/source.js'
import {runAudit} from '../../src/lib/systems/audit/run-audit.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

describeMysql('systems audit: the read-only check asks the server', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>

  const audit = () => {
    const loaded = parseConfigText(
      `sources:
  erp:
    role: erp
    client: mysql
    connection: {host: ${mysqlParams.host}, port: ${mysqlParams.port}, user: ${mysqlParams.user}, password: "${mysqlParams.password}", database: ${db.name}}
systems:
  systems:
    erp: {role: erp, source: erp}
`,
      '/tmp/plantops.yaml',
      {},
    )
    return runAudit({config: loaded.config, baseDir: '/tmp', references: []})
  }

  beforeAll(async () => {
    db = await createTestDatabase('pt_aro')
    await db.conn.query('CREATE TABLE t (a INT)')
  })
  afterAll(async () => db?.drop())
  afterEach(() => vi.restoreAllMocks())

  it('a session whose writes the server refuses is read-only (and the probe wrote nothing)', async () => {
    const r = await audit()
    expect(r.systems[0].readOnlySession).toBe(true)
    expect(r.findings.filter((f) => f.key.endsWith('|write-probe'))).toEqual([])
    const [[{n}]] = (await db.conn.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) as any
    expect(Number(n)).toBe(1)
  })

  it('a session that can still write is flagged critical and never reported read-only', async () => {
    // simulate lost read-only layers: statements run with a read-write transaction on a read-write session
    const inTx = vi.spyOn(Source.prototype as any, 'inReadTransaction').mockImplementation(async function (this: any, fn: any) {
      const conn = await this.knex.client.acquireConnection()
      const q = (sql: string) => new Promise((resolve, reject) => conn.query(sql, (err: unknown, rows: unknown) => (err ? reject(err) : resolve(rows))))
      try {
        await q('SET SESSION TRANSACTION READ WRITE')
        await q('START TRANSACTION READ WRITE')
        const out = await fn(conn)
        await q('ROLLBACK')
        return out
      } finally {
        await q('SET SESSION TRANSACTION READ ONLY').catch(() => {})
        await this.knex.client.releaseConnection(conn)
      }
    })
    const r = await audit()
    expect(inTx).toHaveBeenCalled()
    expect(r.systems[0].readOnlySession).toBe(false)
    const f = r.findings.find((x) => x.key.endsWith('|write-probe'))
    if (!f) throw new Error(JSON.stringify(r.findings))
    expect(f?.severity).toBe('critical')
    expect(f?.message).toMatch(/a statement could write on "erp"/)
    // what the probe saw: a catalog message inside the finding, English here (the audit's JSON)
    expect(f?.message).toMatch(/read-only transaction the server did not refuse it as read-only: ER_NO_SUCH_TABLE/)
  })
})
