/**
 * Issue 15 (security): configured SQL cannot write, a statement without a result set is never a row, a killed
 * connection ends the run, a run has a maximum time, and the locks/messages say what happened. Real MariaDB, built CLI.
 */
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ConfigError, SourceError} from '../../src/lib/cli/errors.js'
import {parseConfigText} from '../../src/lib/config/load.js'
import {openStore} from '../../src/lib/store/store.js'
import {Source} from '../../src/lib/sources/source.js'
import {binPath, cliEnv, repoRoot, runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

type Db = Awaited<ReturnType<typeof createTestDatabase>>

const tag = randomBytes(4).toString('hex')
/** Files the database host would write for INTO OUTFILE/DUMPFILE (same host here: 127.0.0.1). */
const hostFile = (n: number) => `/tmp/pt_sec_${tag}_${n}`

function yamlFor(erp: Db, wms: Db, o: {erpQuery?: string; wmsQuery?: string; lagQuery?: string; extra?: string; timeout?: number} = {}): string {
  const conn = (db: string) => `{host: ${mysqlParams.host}, port: ${mysqlParams.port}, user: ${mysqlParams.user}, password: "${mysqlParams.password}", database: ${db}}`
  return `sources:
  erp:
    role: erp
    client: mysql
    connection: ${conn(erp.name)}
    statementTimeoutSeconds: ${o.timeout ?? 60}
${o.lagQuery === undefined ? '' : `    lagQuery: ${JSON.stringify(o.lagQuery)}\n`}  wms:
    role: wms
    client: mysql
    connection: ${conn(wms.name)}
stock:
  erp: {source: erp, ${o.erpQuery === undefined ? 'table: stock' : `query: ${JSON.stringify(o.erpQuery)}`}, columns: {item: item_code, warehouse: wh, qty: qty, uom: uom}}
  wms: {source: wms, ${o.wmsQuery === undefined ? 'table: bins' : `query: ${JSON.stringify(o.wmsQuery)}`}, columns: {item: sku, warehouse: wh, qty: qty, uom: uom}}
${o.extra ?? ''}`
}

describeMysql('issue 15: configured SQL cannot write, lost connections end the run', () => {
  let erp: Db
  let wms: Db
  let dir: string

  const counts = async () => {
    const [[s]] = (await erp.conn.query('SELECT COUNT(*) AS n, SUM(qty) AS q, MAX(qty) AS m FROM stock')) as any
    const [[t]] = (await erp.conn.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) as any
    return {rows: Number(s.n), sum: String(s.q), max: String(s.m), tables: Number(t.n)}
  }
  let before: Awaited<ReturnType<typeof counts>>

  beforeAll(async () => {
    erp = await createTestDatabase('pt_sec_erp')
    wms = await createTestDatabase('pt_sec_wms')
    await erp.conn.query('CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, item_code VARCHAR(40), wh VARCHAR(10), qty DECIMAL(18,4), uom VARCHAR(8), note VARCHAR(20))')
    await erp.conn.query("INSERT INTO stock (item_code, wh, qty, uom, note) VALUES ('A1', 'WH1', 10, 'PCS', '?'), ('B1', 'WH1', 5, 'PCS', 'x')")
    await wms.conn.query('CREATE TABLE bins (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(40), wh VARCHAR(10), qty DECIMAL(18,4), uom VARCHAR(8))')
    await wms.conn.query("INSERT INTO bins (sku, wh, qty, uom) VALUES ('A1', 'WH1', 10, 'PCS'), ('B1', 'WH1', 5, 'PCS')")
    dir = tempDir('pt-sec-')
    before = await counts()
  })
  afterAll(async () => {
    await erp?.drop()
    await wms?.drop()
  })

  const write = (yaml: string, name = 'plantops.yaml') => {
    const d = path.join(dir, `${name}-${randomBytes(3).toString('hex')}`)
    mkdirSync(d, {recursive: true})
    writeFileSync(path.join(d, 'plantops.yaml'), yaml)
    return d
  }

  it('a plain stock diff works (the fixture is sound)', () => {
    const d = write(yamlFor(erp, wms))
    const r = runCli(['stock', 'diff', '--json'], {cwd: d})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  // item 1 and 2: one case per bypass class; each would have written (or did write) on the old guard
  const ATTACKS: Array<[string, 'lagQuery' | 'query', string, RegExp]> = [
    ['executable comment /*M! … */ (the reported lagQuery)', 'lagQuery', "/*M! SET STATEMENT tx_read_only=0 FOR UPDATE stock SET qty = 999 WHERE item_code IN (*/ SELECT 'A1' /*M! ) */", /executable comment/],
    ['executable comment /*!NNNNN … */ mid-statement', 'lagQuery', 'SELECT 1 /*!50000 , (SELECT 1) */ /*!99999 ; DELETE FROM stock */', /executable comment/],
    ['executable comment /*! … */ INTO OUTFILE', 'query', `SELECT item_code, wh, qty, uom FROM stock /*!INTO OUTFILE '${hostFile(1)}' */`, /executable comment/],
    ['SET STATEMENT … FOR', 'lagQuery', 'SET STATEMENT tx_read_only=0 FOR UPDATE stock SET qty = 999', /SET STATEMENT/],
    ['SET STATEMENT lifting the statement timeout', 'lagQuery', 'SET STATEMENT max_statement_time=0 FOR SELECT SLEEP(4)', /SET STATEMENT/],
    ['`--1` is minus minus one, not a comment', 'query', `SELECT item_code, wh, qty, uom, 1 --1 AS z FROM stock INTO OUTFILE '${hostFile(2)}'`, /INTO/],
    ['keyword glued to a number', 'query', `SELECT item_code, wh, qty, uom, 1e1INTO OUTFILE '${hostFile(3)}' FROM stock`, /INTO/],
    ['keyword glued to a quote', 'query', `SELECT item_code, wh, qty, 'x'INTO DUMPFILE '${hostFile(4)}' FROM stock LIMIT 1`, /INTO/],
    ['INTO @variable (an OK packet, no rows)', 'query', 'SELECT item_code, wh, qty, uom FROM stock LIMIT 1 INTO @a, @b, @c, @d', /INTO/],
    ['locking read', 'query', 'SELECT item_code, wh, qty, uom FROM stock FOR UPDATE', /locking read/],
  ]

  it.each(ATTACKS)('refuses %s when the config is loaded (config validate and every command): exit 2 naming the path, nothing written', async (_name, where, sql, reason) => {
    const d = write(where === 'lagQuery' ? yamlFor(erp, wms, {lagQuery: sql}) : yamlFor(erp, wms, {erpQuery: sql}))
    const path_ = where === 'lagQuery' ? 'sources.erp.lagQuery' : 'stock.erp.query'
    if (sql.startsWith('/*M!')) {
      // the reported case through the built CLI: config validate and both jobs that read a source
      for (const cmd of [['config', 'validate'], ['stock', 'diff'], ['systems', 'audit']]) {
        const r = runCli(cmd, {cwd: d})
        expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(2)
        expect(r.stderr).toContain(path_)
        expect(r.stderr).toMatch(reason)
      }
    } else {
      // every command loads the config through parseConfigText: the CLI adds only the exit code mapping shown above
      let error: unknown
      try {
        parseConfigText(readFileSync(path.join(d, 'plantops.yaml'), 'utf8'), path.join(d, 'plantops.yaml'), {})
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).exitCode).toBe(2)
      expect((error as ConfigError).problems.join('\n')).toContain(`${path_}: refused`)
      expect((error as ConfigError).problems.join('\n')).toMatch(reason)
    }
    expect(await counts()).toEqual(before)
    for (let n = 1; n <= 4; n++) expect(existsSync(hostFile(n)), hostFile(n)).toBe(false)
  })

  it('behind the guard, the server layer: every statement runs in a read-only transaction (a write that gets past the guard is refused)', async () => {
    const src = await Source.open('erp', {client: 'mysql', connection: {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database: erp.name}, role: 'erp', statementTimeoutSeconds: 5, connectTimeoutSeconds: 5, maxLagSeconds: 900})
    try {
      // the guard is switched off for this one source object: only the server stands in the way
      ;(src as unknown as {guard: () => void}).guard = () => {}
      await expect(src.query("SET STATEMENT tx_read_only=0 FOR UPDATE stock SET qty = 999 WHERE item_code = 'A1'")).rejects.toThrow(/no result set|READ ONLY|refused a write/)
      await expect(src.query("INSERT INTO stock (item_code) VALUES ('X')")).rejects.toThrow(/no result set|READ ONLY|refused a write/)
      // item 2: a statement that answers with an OK packet is an error, never a row
      const e = await src.query('SELECT qty FROM stock LIMIT 1 INTO @q').catch((error: unknown) => error)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as SourceError).exitCode).toBe(3)
      expect((e as Error).message).toMatch(/returned no result set/)
      const batches = async () => {
        for await (const _ of src.streamBatches('SELECT qty FROM stock LIMIT 1 INTO @q')) {
          // never reached
        }
      }
      // the message names what was read (worded only when the error happens)
      await expect(batches()).rejects.toThrow(/the statement reading stock returned no result set/)
    } finally {
      await src.close()
    }
    expect(await counts()).toEqual(before)
  })

  it("item 15: a literal '?' in a configured query works (no placeholder substitution)", () => {
    const d = write(yamlFor(erp, wms, {erpQuery: "SELECT item_code, wh, qty, uom FROM stock WHERE note = '?' OR note <> '?'", lagQuery: "SELECT 0 AS lag FROM dual WHERE '?' = '?'"}))
    const r = runCli(['stock', 'diff', '--json'], {cwd: d})
    expect(r.stderr).not.toMatch(/bindings/)
    expect(r.code).toBe(0)
  })

  it('configured functions named like statements are accepted: REPLACE(), INSERT()', () => {
    const d = write(yamlFor(erp, wms, {erpQuery: "SELECT REPLACE(item_code, ' ', '') AS item_code, wh, qty, INSERT(uom, 1, 0, '') AS uom FROM stock"}))
    const r = runCli(['stock', 'diff', '--json'], {cwd: d})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('KILL QUERY says the query was killed, not "statement timeout"', async () => {
    const d = write(yamlFor(erp, wms, {erpQuery: 'SELECT item_code, wh, qty, uom FROM stock WHERE SLEEP(20) = 0'}))
    const {code, stderr, afterKillMs} = await runAndKill(d, erp, 'QUERY')
    expect(code).toBe(3)
    expect(stderr).toMatch(/killed on the server \(KILL QUERY\)/)
    expect(stderr).not.toMatch(/statement timeout/)
    expect(afterKillMs).toBeLessThan(15_000)
  })

  it('item 3: KILL of the connection mid-read ends the run within seconds (the other side still reading): exit 3, run failed, lock released', async () => {
    // the WMS side reads for 40 s: the run must not wait for it
    const d = write(yamlFor(erp, wms, {erpQuery: 'SELECT item_code, wh, qty, uom FROM stock WHERE SLEEP(20) = 0', wmsQuery: 'SELECT sku, wh, qty, uom FROM bins WHERE SLEEP(20) = 0'}))
    const {code, stdout, afterKillMs} = await runAndKill(d, erp, 'CONNECTION', ['--json'])
    expect(code).toBe(3)
    expect(JSON.parse(stdout).error.message).toMatch(/source "erp": connection lost while reading a configured query/)
    expect(afterKillMs).toBeLessThan(10_000)
    expect(readdirSync(path.join(d, '.plantops', 'locks'))).toEqual([])
    const runs = runCli(['runs', 'list', '--json'], {cwd: d})
    expect(runs.json.runs[0]).toMatchObject({job: 'stock-diff', status: 'failed', exitCode: 3})
    expect(runs.json.runs[0].error).toMatch(/connection lost/)
  })

  it('a run past runs.maxMinutes fails with its own message, is marked failed and frees the lock', async () => {
    const d = write(yamlFor(erp, wms, {erpQuery: 'SELECT item_code, wh, qty, uom FROM stock WHERE SLEEP(30) = 0', extra: 'runs: {maxMinutes: 60, byJob: {stock-diff: 0.05}}\n'}))
    const t0 = Date.now()
    const r = runCli(['stock', 'diff'], {cwd: d, timeoutMs: 60_000})
    expect(Date.now() - t0).toBeLessThan(30_000)
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/exceeded the maximum run time of 3s \(runs\.maxMinutes\)/)
    expect(readdirSync(path.join(d, '.plantops', 'locks'))).toEqual([])
    const runs = runCli(['runs', 'list', '--json'], {cwd: d})
    expect(runs.json.runs[0]).toMatchObject({status: 'failed', exitCode: 3})
    expect(runs.json.runs[0].error).toMatch(/maximum run time/)
  })

  it('a lock held longer than the maximum run time: exit 4 names the holder (pid, start) and runs list flags the run', async () => {
    const d = write(yamlFor(erp, wms, {extra: 'runs: {maxMinutes: 60}\n'}))
    const started = new Date(Date.now() - 5 * 3600_000).toISOString()
    // a live process on this host holds it: this test process
    mkdirSync(path.join(d, '.plantops', 'locks'), {recursive: true})
    writeFileSync(path.join(d, '.plantops', 'locks', 'stock-diff.lock'), JSON.stringify({pid: process.pid, host: os.hostname(), job: 'stock-diff', startedAt: started}))
    const store = await openStore({client: 'sqlite', filename: '.plantops/state.db'}, d)
    await store.knex('runs').insert({job: 'stock-diff', command: 'stock diff', argv: '[]', status: 'running', started_at: started, pid: process.pid, host: os.hostname(), user: 'test'})
    await store.close()
    const r = runCli(['stock', 'diff'], {cwd: d, env: {TZ: 'UTC'}})
    expect(r.code).toBe(4)
    expect(r.stderr).toContain(`pid ${process.pid}`)
    // the plant's wall clock (UTC here), labelled
    expect(r.stderr).toContain(`started ${started.slice(0, 10)} ${started.slice(11, 19)} UTC`)
    expect(r.stderr).toMatch(/longer than the maximum run time \(1h 00m, runs\.maxMinutes\)/)
    const list = runCli(['runs', 'list', '--json'], {cwd: d})
    expect(list.json.runs[0]).toMatchObject({status: 'running', overMaxRunTime: true, pid: process.pid})
    const human = runCli(['runs', 'list'], {cwd: d})
    expect(human.stdout).toMatch(/over the maximum run time/)
  })

  it('issue 13 item 22: an authentication error names the account, never the password', () => {
    const y = yamlFor(erp, wms).replace(`user: ${mysqlParams.user}, password: "${mysqlParams.password}", database: ${erp.name}`, `user: plantops_ro_${tag}, password: "\${PT_PW}", database: ${erp.name}`)
    const d = write(y)
    const r = runCli(['stock', 'diff'], {cwd: d, env: {PT_PW: 'Sup3rS3cret-pw'}})
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`'plantops_ro_${tag}'@'`)
    expect(r.stderr).not.toContain('Sup3rS3cret-pw')
  })
})

/** Start `stock diff`, wait until its configured query runs on the server, KILL it (QUERY or CONNECTION). */
async function runAndKill(cwd: string, erp: Db, what: 'QUERY' | 'CONNECTION', extra: string[] = []): Promise<{code: number; stderr: string; stdout: string; afterKillMs: number}> {
  const child = spawn(process.execPath, [binPath, 'stock', 'diff', ...extra], {cwd, env: cliEnv()})
  let stderr = ''
  child.stderr.on('data', (b) => (stderr += String(b)))
  let stdout = ''
  child.stdout.on('data', (b) => (stdout += String(b)))
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)))
  let killedAt = 0
  for (let i = 0; i < 200 && !killedAt; i++) {
    await new Promise((r) => setTimeout(r, 100))
    const [rows] = (await erp.conn.query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE '%SLEEP(%' AND INFO NOT LIKE '%PROCESSLIST%'", [erp.name])) as any
    if (rows.length > 0) {
      await erp.conn.query(`KILL ${what} ${Number(rows[0].id)}`)
      killedAt = Date.now()
    }
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const code = await exited
  clearTimeout(timer)
  if (!killedAt) throw new Error(`the query never showed up in the processlist; stderr: ${stderr}`)
  return {code, stderr, stdout, afterKillMs: Date.now() - killedAt}
}

describe('repo layout', () => {
  it('the CLI is built', () => {
    expect(existsSync(path.join(repoRoot, 'dist', 'commands'))).toBe(true)
  })
})
