import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'
import {sourceProbe} from '../../src/lib/init/probe.js'
import {runInitWizard, type WizardPrompts} from '../../src/lib/init/wizard.js'
import {displayWidth} from '../../src/lib/report/width.js'
import {binPath, cliEnv, runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

const DEFAULT = Symbol('default')
type Answer = [RegExp, unknown]

/** Scripted prompts: each call must match the next expected message; DEFAULT takes the prompt's default. Input answers pass through the prompt's validate. */
function scripted(answers: Answer[]): WizardPrompts & {asked: string[]; left: () => number} {
  const queue = [...answers]
  const asked: string[] = []
  const next = (message: string, def: unknown): unknown => {
    asked.push(message)
    const a = queue.shift()
    if (!a) throw new Error(`unexpected prompt: ${message}`)
    if (!a[0].test(message)) throw new Error(`expected a prompt matching ${a[0]}, got: ${message}`)
    return a[1] === DEFAULT ? def : a[1]
  }
  return {
    asked,
    left: () => queue.length,
    async input(o) {
      const v = String(next(o.message, o.default ?? ''))
      const ok = o.validate?.(v) ?? true
      if (ok !== true) throw new Error(`validation refused "${v}" for ${o.message}: ${ok}`)
      return v
    },
    async select(o) {
      const v = next(o.message, o.default)
      if (!o.choices.some((c) => c.value === v)) throw new Error(`${String(v)} is not a choice of ${o.message}: ${o.choices.map((c) => String(c.value)).join(', ')}`)
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

async function sqliteDb(file: string, ddl: string[]): Promise<void> {
  const {default: Database} = await import('better-sqlite3')
  const db = new Database(file)
  for (const s of ddl) db.exec(s)
  db.close()
}

describe('plantops init wizard (injected answers, SQLite sources)', () => {
  const dir = tempDir('pt-init-')
  const target = path.join(dir, 'plantops.yaml')

  beforeAll(async () => {
    await sqliteDb(path.join(dir, 'erp.db'), [
      'CREATE TABLE customers (customer_code TEXT PRIMARY KEY, name TEXT)',
      'CREATE TABLE stock_balance (id INTEGER PRIMARY KEY, item_code TEXT, warehouse_code TEXT, lot_no TEXT, qty DECIMAL(18,4), uom TEXT, updated_at DATETIME)',
      "INSERT INTO stock_balance (item_code, warehouse_code, qty, uom, updated_at) VALUES ('RM-1', 'WH01', 5, 'KG', datetime('now','localtime'))",
    ])
    await sqliteDb(path.join(dir, 'wms.db'), [
      'CREATE TABLE sku_xref (wms_sku TEXT PRIMARY KEY, erp_item_code TEXT)',
      'CREATE TABLE bin_stock (id INTEGER PRIMARY KEY, location_code TEXT, wh_code TEXT, sku TEXT, lot TEXT, qty DECIMAL(18,4), uom TEXT, status TEXT, updated_at DATETIME)',
    ])
  })

  it('adds and tests sources, proposes the stock mapping, takes a correction, writes and validates plantops.yaml', async () => {
    const prompts = scripted([
      [/^Plant name$/, '测试工厂'],
      [/^Source name$/, DEFAULT],
      [/^Role of erp$/, DEFAULT],
      [/^Database type$/, 'sqlite'],
      [/^SQLite file/, './erp.db'],
      [/^Who owns erp\?/, 'IT 张伟'],
      [/^Add another source\?$/, true],
      [/^Source name$/, DEFAULT],
      [/^Role of wms$/, DEFAULT],
      [/^Database type$/, 'sqlite'],
      [/^SQLite file/, './wms.db'],
      [/^Who owns wms\?/, ''],
      [/^Add another source\?$/, false],
      [/^Propose the stock mapping \(erp against wms\)\?$/, true],
      [/^Stock table in erp \(ERP side\)$/, DEFAULT],
      [/^Use this mapping for erp\.stock_balance\?$/, true],
      [/^Stock table in wms \(WMS side\)$/, DEFAULT],
      [/^Use this mapping for wms\.bin_stock\?$/, false],
      [/^Column for item \(required\)$/, DEFAULT],
      [/^Column for warehouse \(required\)$/, DEFAULT],
      [/^Column for lot$/, null], // corrected: this plant's WMS does not track lots
      [/^Column for qty \(required\)$/, DEFAULT],
      [/^Column for uom$/, DEFAULT],
      [/^Column for location$/, DEFAULT],
      [/^Column for status$/, DEFAULT],
    ])
    const said: string[] = []
    const r = await runInitWizard(target, {prompts, probe: sourceProbe, say: (l) => said.push(l), env: {}})
    expect(prompts.left()).toBe(0)
    expect(r.written).toBe(true)
    expect(r.validation).toEqual({valid: true, problems: [], warnings: []})
    expect(r.sources.map((s) => `${s.name}:${s.tested}:${s.tables}`)).toEqual(['erp:ok:2', 'wms:ok:2'])
    expect(said.some((l) => /✓ erp: connected \(sqlite [\d.]+, session read-only\); 2 tables/.test(l))).toBe(true)
    expect(said).toContain('  tables: customers, stock_balance')

    const cfg = parse(readFileSync(target, 'utf8'))
    expect(cfg.plant).toBe('测试工厂')
    expect(cfg.sources.erp).toEqual({role: 'erp', client: 'sqlite', connection: {filename: './erp.db'}})
    expect(cfg.stock).toEqual({
      erp: {source: 'erp', table: 'stock_balance', columns: {item: 'item_code', warehouse: 'warehouse_code', lot: 'lot_no', qty: 'qty', uom: 'uom'}},
      wms: {source: 'wms', table: 'bin_stock', columns: {item: 'sku', warehouse: 'wh_code', qty: 'qty', uom: 'uom', location: 'location_code', status: 'status'}},
    })
    expect(cfg.systems.systems.erp).toEqual({role: 'erp', owner: 'IT 张伟', source: 'erp', updatedAt: {table: 'stock_balance', column: 'updated_at'}})

    // the written file works with the rest of plantops
    expect(runCli(['config', 'validate'], {cwd: dir}).code).toBe(0)
    const audit = runCli(['systems', 'audit', '--json'], {cwd: dir})
    expect(audit.code).toBe(0)
    expect(audit.json.counts.critical).toBe(0)
    expect(audit.json.systems.map((s: {system: string; reachable: boolean}) => `${s.system}:${s.reachable}`)).toEqual(['erp:true', 'wms:true'])
  })

  it('an existing plantops.yaml is kept unless the user says overwrite', async () => {
    const before = readFileSync(target, 'utf8')
    const r = await runInitWizard(target, {prompts: scripted([[/exists\. Overwrite it\?$/, false]]), probe: sourceProbe, say: () => {}, env: {}})
    expect(r.written).toBe(false)
    expect(readFileSync(target, 'utf8')).toBe(before)
  })

  it('in Chinese (--lang zh-CN): prompts, choices, the connection test and the mapping proposal; the written comments in Chinese, the YAML keys unchanged', async () => {
    const d = tempDir('pt-init-zh-')
    const file = path.join(d, 'plantops.yaml')
    for (const name of ['erp.db', 'wms.db']) writeFileSync(path.join(d, name), readFileSync(path.join(dir, name)))
    const choices: string[] = []
    const prompts = scripted([
      [/^工厂名称$/, DEFAULT],
      [/^数据源名称$/, DEFAULT],
      [/^erp 的系统类型$/, DEFAULT],
      [/^数据库类型$/, 'sqlite'],
      [/^SQLite 文件（相对于 plantops\.yaml）$/, './erp.db'],
      [/^谁负责 erp？（个人或团队；可不填）$/, 'IT 张伟'],
      [/^还要添加数据源吗？$/, true],
      [/^数据源名称$/, DEFAULT],
      [/^wms 的系统类型$/, DEFAULT],
      [/^数据库类型$/, 'sqlite'],
      [/^SQLite 文件/, './wms.db'],
      [/^谁负责 wms？/, ''],
      [/^还要添加数据源吗？$/, false],
      [/^是否生成库存对账映射（erp 对 wms）？$/, true],
      [/^erp 中的库存表（ERP 一方）$/, DEFAULT],
      [/^对 erp\.stock_balance 使用这个映射吗？$/, true],
      [/^wms 中的库存表（WMS 一方）$/, DEFAULT],
      [/^对 wms\.bin_stock 使用这个映射吗？$/, false],
      [/^物料编码 item 对应的字段（必填）$/, DEFAULT],
      [/^仓库 warehouse 对应的字段（必填）$/, DEFAULT],
      [/^批次 lot 对应的字段$/, null],
      [/^数量 qty 对应的字段（必填）$/, DEFAULT],
      [/^计量单位 uom 对应的字段$/, DEFAULT],
      [/^库位 location 对应的字段$/, DEFAULT],
      [/^状态 status 对应的字段$/, DEFAULT],
    ])
    const select = prompts.select.bind(prompts)
    prompts.select = async (o) => {
      choices.push(...o.choices.map((c) => c.name))
      return select(o)
    }
    const said: string[] = []
    setLanguage(decideLanguage({flag: 'zh-CN'}))
    let r
    try {
      r = await runInitWizard(file, {prompts, probe: sourceProbe, say: (l) => said.push(l), env: {}})
    } finally {
      setLanguage(decideLanguage({flag: 'en'}))
    }
    expect(prompts.left()).toBe(0)
    expect(r.validation).toEqual({valid: true, problems: [], warnings: []})
    expect(choices).toEqual(expect.arrayContaining(['ERP', 'WMS', '其他', 'MySQL / MariaDB（只读副本）', 'SQLite 文件', '（跳过库存映射）', '（无）']))
    expect(said.some((l) => /^✓ erp：已连接（sqlite [\d.]+，会话只读）；2 张表$/.test(l)), said.join('\n')).toBe(true)
    expect(said).toContain('  表：customers，stock_balance')
    expect(said).toContain('建议的 WMS 映射（wms.bin_stock）：')
    // the proposal lines are aligned by display width (Chinese labels count 2 columns a character)
    const proposal = said.filter((l) => /^ {2}\S+ [a-zA-Z]+ +\S/.test(l) && !l.startsWith('  表'))
    expect(proposal.length).toBeGreaterThan(8)
    const column = (l: string) => displayWidth(l.replace(/ \S+$/, ''))
    expect(new Set(proposal.map(column)).size, proposal.join('\n')).toBe(1)
    expect(said).toContain('已添加数据源 erp')
    for (const line of [...said, ...choices]) expect(line, line).not.toMatch(/\b(connected|tables|Proposed|mapping for|added source|skip the)\b/)

    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^# 本文件由 `plantops init` 生成。/)
    expect(text).toContain('# 系统地图：添加 plantops 无法读取的系统')
    expect(text).toContain('# 库存对账（ERP 对 WMS）')
    expect(text).not.toContain('Passwords are never stored here')
    const cfg = parse(text)
    expect(cfg.plant).toBe('我的工厂')
    expect(Object.keys(cfg)).toEqual(['version', 'plant', 'sources', 'systems', 'stock'])
    expect(cfg.stock.wms.columns).toEqual({item: 'sku', warehouse: 'wh_code', qty: 'qty', uom: 'uom', location: 'location_code', status: 'status'})
  })

  it('without a TTY the command refuses (exit 2) and explains the non-interactive path', () => {
    const d = tempDir('pt-init-notty-')
    const r = runCli(['init'], {cwd: d})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('plantops init is interactive and needs a terminal')
    expect(r.stderr).toContain('copy the annotated example plantops.yaml from README.md')
    expect(existsSync(path.join(d, 'plantops.yaml'))).toBe(false)
  })

  const hasScript = spawnSync('which', ['script']).status === 0

  it.skipIf(!hasScript)('through a pseudo-terminal (script(1)): keystrokes answer the prompts and plantops.yaml is written', async () => {
    const d = tempDir('pt-init-pty-')
    await sqliteDb(path.join(d, 'erp.db'), ['CREATE TABLE stock_balance (item_code TEXT, warehouse_code TEXT, qty DECIMAL(18,4))'])
    const DOWN = '\u001B[B'
    const r = await drivePty(d, [
      [/\? Plant name/, 'Pty plant\r'],
      [/\? Source name/, '\r'], // default: erp
      [/\? Role of erp/, '\r'], // default: erp
      [/\? Database type/, `${DOWN}\r`], // SQLite
      [/\? SQLite file \(relative/, './erp.db\r'],
      [/\? Who owns erp/, 'Ops\r'],
      [/\? Add another source/, 'n\r'],
    ])
    expect(r.code).toBe(0)
    expect(r.out).toContain('✓ erp: connected (sqlite')
    expect(r.out).toContain('config validate: valid')
    const cfg = parse(readFileSync(path.join(d, 'plantops.yaml'), 'utf8'))
    expect(cfg.plant).toBe('Pty plant')
    expect(cfg.sources.erp).toEqual({role: 'erp', client: 'sqlite', connection: {filename: './erp.db'}})
    expect(cfg.systems.systems.erp).toEqual({role: 'erp', owner: 'Ops', source: 'erp'})
  })

  it.skipIf(!hasScript)('through a pseudo-terminal: Ctrl-C cancels with exit 130 and writes nothing', async () => {
    const d = tempDir('pt-init-pty-')
    const r = await drivePty(d, [
      [/\? Plant name/, 'Pty plant\r'],
      [/\? Source name/, '\u0003'],
    ])
    expect(r.code).toBe(130)
    expect(r.out).toContain('init cancelled; nothing written.')
    expect(existsSync(path.join(d, 'plantops.yaml'))).toBe(false)
  })
})

function ptyEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = cliEnv({TERM: 'xterm'})
  for (const k of ['CI', 'PLANTOPS_CONFIG', 'PLANTOPS_NO_INPUT']) delete env[k]
  return env
}

/** Run `plantops init` on a real pseudo-terminal (script -qec) and type each answer when its prompt appears. */
function drivePty(cwd: string, steps: Array<[RegExp, string]>): Promise<{code: number | null; out: string}> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', `${process.execPath} ${binPath} init`, '/dev/null'], {cwd, env: ptyEnv()})
    let out = ''
    let from = 0
    const queue = [...steps]
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8')
      while (queue.length > 0) {
        const m = queue[0][0].exec(out.slice(from))
        if (!m) break
        from += m.index + m[0].length
        child.stdin.write(queue.shift()![1])
      }
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === null) process.stderr.write(`[pty test] killed after 30 s; output so far:\n${JSON.stringify(out.slice(-1500))}\n`)
      resolve({code, out})
    })
  })
}

describeMysql('plantops init wizard on real MariaDB (injected answers)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  const user = `pt_init_${process.pid}`
  const secret = `Init-${Date.now().toString(36)}-pw`
  beforeAll(async () => {
    db = await createTestDatabase('pt_init')
    await db.conn.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${secret}'`)
    await db.conn.query(`GRANT SELECT ON \`${db.name}\`.* TO '${user}'@'%'`)
    await db.conn.query('CREATE TABLE T_STK_INVENTORY (FID INT PRIMARY KEY, FMaterialID INT, FNumber VARCHAR(40), FStockID VARCHAR(20), FLot VARCHAR(40), FBaseQty DECIMAL(23,10), FModifyDate DATETIME)')
    await db.conn.query('CREATE TABLE T_BD_MATERIAL (FMaterialID INT PRIMARY KEY, FNumber VARCHAR(40))')
  })
  afterAll(async () => {
    await db?.conn.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => {})
    await db?.drop()
  })

  it('a failed connection test offers a retry; the password comes from the named variable and is never written', async () => {
    const dir = tempDir('pt-init-my-')
    const target = path.join(dir, 'plantops.yaml')
    const connection = (port: string): Answer[] => [
      [/^Host$/, mysqlParams.host],
      [/^Port$/, port],
      [/^Database$/, db.name],
      [/^Account/, user],
      [/^Environment variable that will hold the password$/, DEFAULT],
    ]
    const prompts = scripted([
      [/^Plant name$/, 'K3 plant'],
      [/^Source name$/, 'kingdee'],
      [/^Role of kingdee$/, 'erp'],
      [/^Database type$/, DEFAULT],
      ...connection('1'), // nothing listens on port 1
      [/^kingdee: what now\?$/, 'retry'],
      ...connection(String(mysqlParams.port)),
      [/^Who owns kingdee\?/, 'ERP team'],
      [/^Add another source\?$/, false],
    ])
    const said: string[] = []
    const r = await runInitWizard(target, {prompts, probe: sourceProbe, say: (l) => said.push(l), env: {PLANTOPS_KINGDEE_PASSWORD: secret}})
    expect(prompts.left()).toBe(0)
    expect(said.some((l) => l.startsWith('✗ kingdee: source "kingdee": connection refused'))).toBe(true)
    expect(said.some((l) => /^✓ kingdee: connected \(mariadb .*, session read-only\); 2 tables$/.test(l))).toBe(true)
    expect(said).toContain('No reachable ERP and WMS pair: the stock section is left out (add it later; see README "stock").')
    expect(r.sources).toEqual([{name: 'kingdee', role: 'erp', client: 'mysql', tested: 'ok', server: expect.stringMatching(/^mariadb /), tables: 2}])
    const text = readFileSync(target, 'utf8')
    expect(text).toContain('password: ${PLANTOPS_KINGDEE_PASSWORD}')
    expect(text).not.toContain(secret)
    expect(parse(text).sources.kingdee.connection).toEqual({host: mysqlParams.host, port: mysqlParams.port, user, password: '${PLANTOPS_KINGDEE_PASSWORD}', database: db.name})
    expect(r.validation.valid).toBe(true)
    expect(r.unsetPasswordVariables).toEqual([])
  })
})

// keep the helper honest: an unexpected prompt is an error, not a silent default
describe('scripted prompts helper', () => {
  it('fails on a prompt it did not expect', async () => {
    const p = scripted([[/^A$/, 'x']])
    await expect(p.input({message: 'B'})).rejects.toThrow('expected a prompt matching /^A$/, got: B')
    writeFileSync('/dev/null', '')
  })
})
