import {randomBytes} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import type {SourceReference} from '../../src/lib/config/references.js'
import {parseConfigText} from '../../src/lib/config/load.js'
import {setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'
import {runAudit, type AuditReport} from '../../src/lib/systems/audit/run-audit.js'
import {renderCounts, renderFindings, renderSystemsTable} from '../../src/lib/systems/audit/text.js'
import {systemsReferences} from '../../src/lib/systems/references.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

const suffix = randomBytes(3).toString('hex')
const RO = `pt_ro_${suffix}`
const RW = `pt_rw_${suffix}`
const VIA_ROLE = `pt_rl_${suffix}`
const ROLE = `pt_writer_${suffix}`
const PW = `Pw-${randomBytes(6).toString('hex')}`

/** The stock-like mapping this test audits: a hand-written fixture of the SourceReference contract. */
function stockLikeRefs(table = 'stock_balance'): SourceReference[] {
  return [
    {
      source: 'erp',
      table,
      configPath: 'stock.erp.table',
      purpose: 'nightly stock reconciliation, ERP side',
      columns: [
        {column: 'item_code', configPath: 'stock.erp.columns.item', expected: 'text', keyed: true},
        {column: 'warehouse_code', configPath: 'stock.erp.columns.warehouse', expected: 'text', keyed: true},
        {column: 'qty', configPath: 'stock.erp.columns.qty', expected: 'number'},
      ],
    },
  ]
}

describeMysql('systems audit on real MariaDB', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>

  function yaml(opts: {user?: string; port?: number; lagQuery?: string; updatedAt?: string; largeTableRows?: number; extra?: string} = {}): string {
    return `version: 1
sources:
  erp:
    role: erp
    client: mysql
    connection: {host: ${mysqlParams.host}, port: ${opts.port ?? mysqlParams.port}, user: ${opts.user ?? RO}, password: "\${PT_AUDIT_PW}", database: ${db.name}}
    connectTimeoutSeconds: 3
    maxLagSeconds: 900
${opts.lagQuery ? `    lagQuery: ${JSON.stringify(opts.lagQuery)}\n` : ''}systems:
  systems:
    erp:
      role: erp
      owner: IT
      source: erp
      updatedAt: ${opts.updatedAt ?? '{table: stock_balance, column: updated_at, maxAgeHours: 24}'}
${opts.extra ?? ''}  audit: {largeTableRows: ${opts.largeTableRows ?? 10}, connectTimeoutSeconds: 3}
`
  }

  async function audit(opts: Parameters<typeof yaml>[0] = {}, refs: SourceReference[] = stockLikeRefs()): Promise<AuditReport> {
    const loaded = parseConfigText(yaml(opts), '/tmp/plantops.yaml', {PT_AUDIT_PW: PW})
    return runAudit({config: loaded.config, baseDir: '/tmp', references: [...refs, ...systemsReferences(loaded.config.systems)]})
  }

  const serious = (r: AuditReport) => r.findings.filter((f) => f.severity !== 'info')

  beforeAll(async () => {
    db = await createTestDatabase('pt_sys')
    const c = db.conn
    await c.query(`CREATE TABLE stock_balance (id INT AUTO_INCREMENT PRIMARY KEY, item_code VARCHAR(32) NOT NULL, warehouse_code VARCHAR(16) NOT NULL,
      qty DECIMAL(18,4) NOT NULL, updated_at DATETIME NOT NULL, INDEX ix_key (item_code, warehouse_code), INDEX ix_upd (updated_at))`)
    await c.query(`CREATE TABLE bin_stock (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(32), wh_code VARCHAR(8), qty VARCHAR(20), updated_at DATETIME)`)
    await c.query(`CREATE TABLE items (item_code VARCHAR(32) PRIMARY KEY, name VARCHAR(100), uom VARCHAR(8))`)
    await c.query(`CREATE TABLE old_log (id INT AUTO_INCREMENT PRIMARY KEY, changed_at DATETIME, INDEX (changed_at))`)
    const rows = Array.from({length: 60}, (_, i) => [`RM-${10000 + i}`, 'WH01', '1.5'])
    await c.query('INSERT INTO stock_balance (item_code, warehouse_code, qty, updated_at) VALUES ?', [rows.map((r) => [...r, new Date()])])
    await c.query('INSERT INTO bin_stock (sku, wh_code, qty, updated_at) VALUES ?', [rows.map((r) => [r[0].replace('RM-', 'S'), 'RM', r[2], new Date()])])
    await c.query("INSERT INTO items VALUES ('RM-10000', '钢板', 'KG')")
    await c.query("INSERT INTO old_log (changed_at) VALUES ('2020-01-01 00:00:00'), ('2020-02-01 00:00:00')")
    await c.query('ANALYZE TABLE stock_balance, bin_stock, items, old_log')
    for (const [u, grants] of [
      [RO, 'SELECT'],
      [RW, 'SELECT, INSERT, UPDATE, DELETE'],
    ]) {
      await c.query(`CREATE USER '${u}'@'%' IDENTIFIED BY '${PW}'`)
      await c.query(`GRANT ${grants} ON \`${db.name}\`.* TO '${u}'@'%'`)
    }
    // write access hidden in a role: SELECT directly, INSERT/UPDATE through the default role
    await c.query(`CREATE ROLE ${ROLE}`)
    await c.query(`GRANT INSERT, UPDATE ON \`${db.name}\`.* TO ${ROLE}`)
    await c.query(`CREATE USER '${VIA_ROLE}'@'%' IDENTIFIED BY '${PW}'`)
    await c.query(`GRANT SELECT ON \`${db.name}\`.* TO '${VIA_ROLE}'@'%'`)
    await c.query(`GRANT ${ROLE} TO '${VIA_ROLE}'@'%'`)
    await c.query(`SET DEFAULT ROLE ${ROLE} FOR '${VIA_ROLE}'@'%'`)
  })

  afterAll(async () => {
    for (const u of [RO, RW, VIA_ROLE]) await db?.conn.query(`DROP USER IF EXISTS '${u}'@'%'`).catch(() => {})
    await db?.conn.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => {})
    await db?.drop()
  })

  it('a correctly set-up read-only account audits clean', async () => {
    const r = await audit()
    expect(serious(r)).toEqual([])
    const s = r.systems[0]
    expect(s).toMatchObject({system: 'erp', source: 'erp', reachable: true, readOnlySession: true, writePrivileges: [], health: 'ok', referencesChecked: 2})
    expect(s.server?.flavor).toBe('mariadb')
    expect(s.freshness?.table).toBe('stock_balance')
    expect(s.freshness?.ageHours).toBeLessThan(1)
    expect(s.freshness?.rows).toBeGreaterThan(0)
    expect(s.freshness?.rowsEstimated).toBe(true)
    // not a replica here (and no REPLICATION CLIENT grant): said, as information
    expect(r.findings.every((f) => f.severity === 'info' && f.check === 'replica-lag')).toBe(true)
  })

  it('an account with write grants is a critical security finding', async () => {
    const r = await audit({user: RW})
    const g = r.findings.find((f) => f.check === 'grants')
    expect(g?.severity).toBe('critical')
    expect(g?.message).toContain(`'${RW}'@'%' can change "${db.name}": INSERT, UPDATE, DELETE`)
    expect(g?.fix).toContain(`GRANT SELECT ON \`${db.name}\`.* TO '${RW}'@'%'`)
    expect(g?.configPath).toBe('sources.erp.connection.user')
    expect(r.systems[0].writePrivileges).toEqual(['INSERT', 'UPDATE', 'DELETE'])
    expect(r.systems[0].health).toBe('critical')
  })

  it('an admin account (the test server\'s root) gets a dedicated SELECT-only account as the fix, never REVOKE', async () => {
    const text = mysqlParams.password ? yaml({user: mysqlParams.user}) : yaml({user: mysqlParams.user}).replace(', password: "${PT_AUDIT_PW}"', '')
    const loaded = parseConfigText(text, '/tmp/plantops.yaml', {PT_AUDIT_PW: mysqlParams.password ?? ''})
    const r = await runAudit({config: loaded.config, baseDir: '/tmp', references: [...stockLikeRefs(), ...systemsReferences(loaded.config.systems)]})
    const g = r.findings.filter((f) => f.check === 'grants')
    expect(g.length).toBeGreaterThan(0)
    for (const f of g) {
      expect(f.fix).not.toMatch(/REVOKE/i)
      expect(f.fix).toMatch(/CREATE USER 'plantops_ro'@'[^']*' IDENTIFIED BY '<a new password>'; GRANT SELECT ON `[^`]+`\.\* TO 'plantops_ro'@'[^']*';/)
      expect(f.fix).toContain(`GRANT SELECT ON \`${db.name}\`.* TO 'plantops_ro'@`)
      expect(f.fix).toContain('sources.erp.connection.user')
    }
  })

  it('write privileges granted through a role are found too', async () => {
    const r = await audit({user: VIA_ROLE})
    const g = r.findings.find((f) => f.check === 'grants')
    expect(g?.severity).toBe('critical')
    expect(r.systems[0].writePrivileges).toEqual(['INSERT', 'UPDATE'])
  })

  it('a dropped column and a missing table are critical and name the config path', async () => {
    await db.conn.query('ALTER TABLE items DROP COLUMN uom')
    const refs: SourceReference[] = [
      {source: 'erp', table: 'items', configPath: 'stock.units.table', purpose: 'unit lookup', columns: [{column: 'uom', configPath: 'stock.units.columns.uom', expected: 'text'}, {column: 'item_code', configPath: 'stock.units.columns.item', expected: 'text'}]},
      {source: 'erp', table: 'item_uoms', configPath: 'stock.units.factorTable', purpose: 'unit factors', columns: []},
    ]
    const r = await audit({}, refs)
    const col = r.findings.find((f) => f.check === 'schema-column')
    expect(col).toMatchObject({severity: 'critical', configPath: 'stock.units.columns.uom', system: 'erp'})
    expect(col?.message).toContain('column "items.uom" does not exist in source "erp"')
    const tbl = r.findings.find((f) => f.check === 'schema-table')
    expect(tbl).toMatchObject({severity: 'critical', configPath: 'stock.units.factorTable'})
    expect(tbl?.message).toContain('table "item_uoms"')
    expect(r.findings.filter((f) => f.configPath === 'stock.units.columns.item')).toEqual([])
  })

  it('a keyed column without an index on a large table is a warning naming the table and the query', async () => {
    const refs: SourceReference[] = [
      {source: 'erp', table: 'bin_stock', configPath: 'stock.wms.table', purpose: 'nightly stock reconciliation, WMS side', columns: [{column: 'sku', configPath: 'stock.wms.columns.item', expected: 'text', keyed: true}]},
    ]
    const r = await audit({largeTableRows: 10}, refs)
    const w = r.findings.find((f) => f.check === 'index')
    expect(w).toMatchObject({severity: 'warning', configPath: 'stock.wms.columns.item'})
    expect(w?.message).toMatch(/"bin_stock\.sku".*"bin_stock" has ≈\d+ rows, so "SELECT … FROM bin_stock WHERE\/JOIN\/ORDER BY sku" scans the whole table/)
    expect(w?.fix).toContain('CREATE INDEX ix_bin_stock_sku ON bin_stock (sku)')
    // below the size threshold the same table is fine
    const small = await audit({largeTableRows: 1_000_000}, refs)
    expect(small.findings.filter((f) => f.check === 'index')).toEqual([])
  })

  it('a free SELECT mapping: a dropped column is critical; a full scan of a large table is a warning (EXPLAIN, nothing executed)', async () => {
    const refs: SourceReference[] = [
      {source: 'erp', query: "SELECT sku, qty FROM bin_stock WHERE wh_code = 'RM'", configPath: 'stock.wms.query', purpose: 'WMS side', columns: []},
      {source: 'erp', query: 'SELECT item_code, unit_of_measure FROM items', configPath: 'stock.items.query', purpose: 'item master', columns: []},
    ]
    const r = await audit({largeTableRows: 10}, refs)
    const scan = r.findings.find((f) => f.configPath === 'stock.wms.query')
    expect(scan).toMatchObject({severity: 'warning', check: 'index'})
    expect(scan?.message).toMatch(/scans all of "bin_stock" \(≈\d+ rows, no usable index\)/)
    const broken = r.findings.find((f) => f.configPath === 'stock.items.query')
    expect(broken).toMatchObject({severity: 'critical', check: 'query'})
    expect(broken?.message).toContain("no longer runs")
  })

  it('a quantity stored as text is a type warning', async () => {
    const refs: SourceReference[] = [{source: 'erp', table: 'bin_stock', configPath: 'stock.wms.table', purpose: 'WMS side', columns: [{column: 'qty', configPath: 'stock.wms.columns.qty', expected: 'number'}]}]
    const r = await audit({}, refs)
    expect(r.findings.find((f) => f.check === 'column-type')).toMatchObject({severity: 'warning', configPath: 'stock.wms.columns.qty'})
  })

  it('a stale source: heartbeat lag beyond maxLagSeconds is critical; an old newest change is a freshness warning', async () => {
    const r = await audit({lagQuery: 'SELECT 7200 AS lag_seconds', updatedAt: '{table: old_log, column: changed_at, maxAgeHours: 48}'})
    const lag = r.findings.find((f) => f.check === 'replica-lag')
    expect(lag).toMatchObject({severity: 'critical', configPath: 'sources.erp.maxLagSeconds'})
    expect(lag?.message).toContain('2.0 h behind its primary (limit 15 min)')
    expect(r.systems[0].replica).toMatchObject({isReplica: true, lagSeconds: 7200, via: 'lag-query'})
    const fresh = r.findings.find((f) => f.check === 'freshness')
    expect(fresh).toMatchObject({severity: 'warning', configPath: 'systems.systems.erp.updatedAt.maxAgeHours'})
    expect(fresh?.message).toContain('newest old_log.changed_at on "erp" is 2020-02-01 00:00:00')
  })

  it('in Chinese: every finding, fix, severity and check of a bad audit reads in Chinese; the English record is unchanged', async () => {
    const refs: SourceReference[] = [
      {source: 'erp', table: 'items', configPath: 'stock.items.table', purpose: 'item master', columns: [{column: 'unit_of_measure', configPath: 'stock.items.columns.uom', expected: 'text'}]},
      {source: 'erp', table: 'bin_stock', configPath: 'stock.wms.table', purpose: 'WMS side', columns: [{column: 'sku', configPath: 'stock.wms.columns.item', expected: 'text', keyed: true}, {column: 'qty', configPath: 'stock.wms.columns.qty', expected: 'number'}]},
    ]
    const r = await audit({user: RW, lagQuery: 'SELECT 7200 AS lag_seconds', updatedAt: '{table: old_log, column: changed_at, maxAgeHours: 48}', largeTableRows: 10}, refs)
    expect(new Set(r.findings.map((f) => f.check))).toEqual(new Set(['grants', 'replica-lag', 'freshness', 'schema-column', 'column-type', 'index']))
    const english = {findings: renderFindings(r.findings), table: renderSystemsTable(r), counts: renderCounts(r.counts)}
    const record = JSON.stringify(r)
    setLanguage(decideLanguage({flag: 'zh-CN'}))
    let zh: typeof english
    try {
      zh = {findings: renderFindings(r.findings), table: renderSystemsTable(r), counts: renderCounts(r.counts)}
    } finally {
      setLanguage(decideLanguage({flag: 'en'}))
    }
    // the record (--json, the store) stays English, the same as before rendering
    expect(JSON.stringify(r)).toBe(record)
    expect(record).not.toMatch(/[\u4e00-\u9fff]/)
    expect(english.findings).toContain(`the account '${RW}'@'%' can change "${db.name}"`)
    expect(english.counts).toBe(`${r.counts.critical} critical, ${r.counts.warning} warning, ${r.counts.info} info`)
    for (const word of [
      `严重     erp · 账号权限`,
      `账号 '${RW}'@'%' 能够修改 "${db.name}"：在 ${db.name}.* 上拥有 INSERT, UPDATE, DELETE`,
      '处理：在主库上创建一个只有 SELECT 权限的专用账号：CREATE USER',
      `plantops_ro 并配置其密码（例如 password: \${PLANTOPS_ERP_PASSWORD}）。或者，如果 '${RW}'@'%' 只供 plantops 使用：REVOKE INSERT, UPDATE, DELETE ON`,
      '"erp" 比主库延迟 2.0 小时（上限 15 分钟）',
      '字段 "items.unit_of_measure" 在数据源 "erp" 中不存在',
      '的类型是 varchar(20)，但 stock.wms.columns.qty 需要数值：varchar(20) 存放的是文本',
      '"bin_stock" 有 ≈',
      '处理：在主库上执行（副本会同步）：CREATE INDEX ix_bin_stock_sku ON bin_stock (sku);',
      '上 old_log.changed_at 的最新值是 2020-02-01 00:00:00',
    ]) expect(zh.findings, word).toContain(word)
    for (const word of ['健康状况', '副本延迟', '严重', '否：INSERT,UPDATE,DELETE']) expect(zh.table, word).toContain(word)
    expect(zh.counts).toBe(`严重 ${r.counts.critical} 项，警告 ${r.counts.warning} 项，提示 ${r.counts.info} 项`)
    // each message and fix differs from its English text; none is left in English (a few words of SQL and names aside)
    const zhBlocks = zh.findings.split('\n\n')
    expect(zhBlocks).toHaveLength(r.findings.length)
    r.findings.forEach((f, i) => {
      expect(zhBlocks[i]).not.toContain(f.message)
      if (f.fix) expect(zhBlocks[i]).not.toContain(f.fix)
    })
    expect(zh.findings).not.toMatch(/\b(the account|does not exist|behind its primary|looks stale|fix:|CRITICAL|WARNING)\b/)
  })

  it('an unreachable source is a critical finding and the audit still completes', async () => {
    const r = await audit({port: 1})
    expect(r.systems[0]).toMatchObject({reachable: false, health: 'critical'})
    const f = r.findings.find((x) => x.check === 'reachable')
    expect(f).toMatchObject({severity: 'critical', configPath: 'sources.erp.connection'})
    expect(f?.message).toContain('connection refused')
    expect(f?.message).toContain('2 mapping references not checked')
  })

  it('CLI: --json, --fail-on, run history, --since-last, and the map shows health', () => {
    const dir = tempDir('pt-audit-')
    const env = {PT_AUDIT_PW: PW}
    const write = (text: string) => writeFileSync(path.join(dir, 'plantops.yaml'), text)
    // the freshness column has no index: a warning on this "large" table
    write(yaml({updatedAt: '{table: bin_stock, column: updated_at, maxAgeHours: 24}'}))
    const first = runCli(['systems', 'audit', '--json', '--fail-on', 'warning'], {cwd: dir, env})
    expect(first.code).toBe(1)
    expect(first.json.failed).toBe(true)
    expect(first.json.sinceLast).toBeNull()
    const kinds = first.json.findings.map((f: {check: string; severity: string}) => `${f.severity}:${f.check}`)
    expect(kinds).toContain('warning:index')
    // and the audit itself does not run the full scan it warns about
    expect(kinds).toContain('info:freshness')
    expect(first.json.systems[0].freshness).toMatchObject({table: 'bin_stock', newest: null, ageHours: null})
    expect(first.stdout).not.toContain(PW)
    const critOnly = runCli(['systems', 'audit', '--json', '--fail-on', 'critical'], {cwd: dir, env})
    expect(critOnly.code).toBe(0)

    // the freshness column is now a dropped one: new critical; the index warning is resolved
    write(yaml({updatedAt: '{table: bin_stock, column: modified_at, maxAgeHours: 24}'}))
    const second = runCli(['systems', 'audit', '--since-last', '--json'], {cwd: dir, env})
    expect(second.code).toBe(0)
    expect(second.json.sinceLast.previousAuditId).toBe(critOnly.json.auditId)
    expect(second.json.sinceLast.new.map((f: {check: string; configPath: string}) => `${f.check}@${f.configPath}`)).toEqual(['schema-column@systems.systems.erp.updatedAt.column'])
    expect(second.json.sinceLast.resolved.map((f: {check: string; severity: string}) => `${f.severity}:${f.check}`)).toEqual(['warning:index', 'info:freshness'])
    const human = runCli(['systems', 'audit', '--since-last'], {cwd: dir, env})
    expect(human.stdout).toMatch(/Since audit \d+ .*: 0 new, 0 resolved, \d+ unchanged/)

    const map = runCli(['systems', 'map', '--json'], {cwd: dir, env})
    expect(map.json.audit.id).toBe(second.json.auditId + 1) // the human --since-last audit ran last
    expect(map.json.systems[0]).toMatchObject({id: 'erp', health: 'critical'})
    const runs = runCli(['runs', 'list', '--job', 'systems-audit', '--json'], {cwd: dir, env})
    expect(runs.json.runs).toHaveLength(4)
    expect(runs.json.runs.map((r: {status: string}) => r.status)).toEqual(['ok', 'ok', 'ok', 'variance'])
  })
})
