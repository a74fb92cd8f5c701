import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {runCliAsync, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'

/**
 * Errors, their hints and warnings in Chinese through the built CLI (issue 12), and the same commands in English:
 * the exit codes are the same in both languages, and the JSON error document keeps its English `code`.
 * The runs of a test do not depend on each other: they go side by side.
 */
// several CLI runs per test: generous on a loaded machine (no timing is asserted by the timeout)
vi.setConfig({testTimeout: 300_000})

// no language from the machine running the tests: each run says which one it wants
const NEUTRAL = {LANG: 'C.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined, PLANTOPS_LANG: undefined, PLANTOPS_CONFIG: undefined}

function run(dir: string, lang: 'en' | 'zh-CN', args: string[]) {
  return runCliAsync([...args, '--lang', lang], {cwd: dir, env: {...NEUTRAL, PLANTOPS_ERP_PASSWORD: mysqlParams.password}})
}

function jsonError(stdout: string): {code: string; message: string; problems: string[]; hints: string[]; exitCode: number} {
  return (JSON.parse(stdout) as {error: {code: string; message: string; problems: string[]; hints: string[]; exitCode: number}}).error
}

const HAN = /[\u4e00-\u9fff]/

describe('config errors in Chinese (built CLI)', () => {
  const dir = tempDir('plantops-i18n-errors-')
  beforeAll(() => {
    writeFileSync(
      path.join(dir, 'plantops.yaml'),
      [
        'version: 1',
        'sources:',
        '  erp:',
        '    role: erp',
        '    client: mysql',
        '    connection:',
        '      host: 127.0.0.1',
        '      port: "abc"',
        '      user: root',
        '      database: erp',
        'colour: blue',
        '',
      ].join('\n'),
    )
  })

  it('config validate: the located problems, the summary and the hint in Chinese; the locations as in English; exit 2 in both', async () => {
    const [zh, en] = await Promise.all([run(dir, 'zh-CN', ['config', 'validate']), run(dir, 'en', ['config', 'validate'])])
    expect(zh.code, zh.stderr).toBe(2)
    expect(en.code, en.stderr).toBe(2)
    expect(en.stderr).toContain('Error: plantops.yaml has 2 problems')
    expect(en.stderr).toMatch(/plantops\.yaml:8:\d+ sources\.erp\.connection\.port: expected number, got string/)
    expect(en.stderr).toMatch(/plantops\.yaml:\d+:\d+ \(top level\): unknown key "colour" \(check the spelling\)/)
    expect(en.stderr).toContain('  hint: See the annotated example in README.md')

    expect(zh.stderr).toContain('错误：plantops.yaml 有 2 个问题')
    expect(zh.stderr).toMatch(/plantops\.yaml:8:\d+ sources\.erp\.connection\.port: 应为数字，实际为文本/)
    expect(zh.stderr).toMatch(/plantops\.yaml:\d+:\d+ （顶层）: 未知的键 "colour"（请检查拼写）/)
    expect(zh.stderr).toContain('  提示：参见 README.md 中带注释的示例')
    // the same places, line by line
    const where = (s: string) => [...s.matchAll(/plantops\.yaml:\d+:\d+/g)].map((m) => m[0])
    expect(where(zh.stderr)).toEqual(where(en.stderr))
    expect(zh.stderr).not.toMatch(/expected|problems|hint:/)
  })

  it("zod's own messages (too small, not one of the options) come out in Chinese too", async () => {
    const d = tempDir('plantops-i18n-zod-')
    writeFileSync(
      path.join(d, 'plantops.yaml'),
      ['version: 1', 'sources:', '  erp:', '    role: erp', '    client: sqlite', '    connection: {filename: x.db}', '    statementTimeoutSeconds: -5', ''].join('\n'),
    )
    const [zh, en] = await Promise.all([run(d, 'zh-CN', ['config', 'validate']), run(d, 'en', ['config', 'validate'])])
    expect(zh.code).toBe(2)
    expect(en.code).toBe(2)
    const zhProblem = zh.stderr.split('\n').find((l) => l.includes('sources.erp'))
    const enProblem = en.stderr.split('\n').find((l) => l.includes('sources.erp'))
    expect(enProblem, en.stderr).toMatch(/^ {2}- plantops\.yaml:7:\d+ sources\.erp\.statementTimeoutSeconds: /)
    expect(zhProblem, zh.stderr).toMatch(/^ {2}- plantops\.yaml:7:\d+ sources\.erp\.statementTimeoutSeconds: /)
    expect(zhProblem).toMatch(HAN)
    expect(enProblem).not.toMatch(HAN)
  })

  it('--json: the error document keeps its English code and exit code; message and hints follow the language', async () => {
    const [zh, en] = (await Promise.all([run(dir, 'zh-CN', ['stock', 'diff', '--json']), run(dir, 'en', ['stock', 'diff', '--json'])])).map((r) => jsonError(r.stdout))
    expect(zh.code).toBe('CONFIG_INVALID')
    expect(en.code).toBe('CONFIG_INVALID')
    expect(zh.exitCode).toBe(2)
    expect(en.exitCode).toBe(2)
    expect(zh.problems).toHaveLength(en.problems.length)
    expect(zh.message).toBe('plantops.yaml 有 2 个问题')
    expect(en.message).toBe('plantops.yaml has 2 problems')
    expect(zh.hints[0]).toMatch(HAN)
  })

  it('a missing config file: the error and both hints in Chinese, exit 2', async () => {
    const empty = tempDir('plantops-i18n-none-')
    const [zh, en] = await Promise.all([run(empty, 'zh-CN', ['stock', 'diff']), run(empty, 'en', ['stock', 'diff'])])
    expect(zh.code).toBe(2)
    expect(en.code).toBe(2)
    expect(en.stderr).toContain('Error: config file not found:')
    expect(zh.stderr).toContain('错误：找不到配置文件：')
    expect(zh.stderr.match(/ {2}提示：/g)).toHaveLength(2)
    expect(en.stderr.match(/ {2}hint: /g)).toHaveLength(2)
  })
})

describe('orders import input errors in Chinese (built CLI)', () => {
  /** A directory with the config and the legacy workbook: orders import takes its job lock before it reads, so one per run side by side. */
  const orderDir = () => {
    const dir = tempDir('plantops-i18n-orders-')
    writeFileSync(path.join(dir, 'plantops.yaml'), ['version: 1', 'store: {client: sqlite, filename: .plantops/state.db}', ''].join('\n'))
    writeFileSync(path.join(dir, 'old.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]))
    return dir
  }

  it('a missing file and a legacy .xls: exit 2 in both languages, the messages and hints in Chinese', async () => {
    const cases = [
      ['nothere.xlsx', /Error: cannot read .*nothere\.xlsx: no such file\n {2}hint: Check the file name and path\./, /错误：无法读取 .*nothere\.xlsx：文件不存在\n {2}提示：检查文件名和路径。/, 'INPUT_UNREADABLE'],
      ['old.xls', /Error: .*old\.xls is a legacy Excel 97-2003 workbook/, /错误：.*old\.xls 是旧版 Excel 97-2003 工作簿.*\n {2}提示：用 Excel（或 WPS、LibreOffice）打开/, 'INPUT_XLS'],
    ] as const
    const runs = await Promise.all(
      cases.map(([file]) => Promise.all([run(orderDir(), 'zh-CN', ['orders', 'import', file]), run(orderDir(), 'en', ['orders', 'import', file]), run(orderDir(), 'zh-CN', ['orders', 'import', file, '--json'])])),
    )
    for (const [i, [, en, zh, code]] of cases.entries()) {
      const [z, e, j] = runs[i]
      expect(e.code, e.stderr).toBe(2)
      expect(z.code, z.stderr).toBe(2)
      expect(e.stderr).toMatch(en)
      expect(z.stderr).toMatch(zh)
      expect(jsonError(j.stdout).code).toBe(code)
    }
  })
})

describeMysql('source errors in Chinese (built CLI, MariaDB)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  // stock diff takes its job lock before it reads: each language's runs in their own directory, side by side
  const dir = tempDir('plantops-i18n-source-')
  const dirEn = tempDir('plantops-i18n-source-en-')

  const config = (database: string, port: number) =>
    [
      'version: 1',
      'sources:',
      ...['erp', 'wms'].flatMap((name) => [
        `  ${name}:`,
        `    role: ${name}`,
        '    client: mysql',
        '    connection:',
        `      host: ${mysqlParams.host}`,
        `      port: ${port}`,
        `      user: ${mysqlParams.user}`,
        '      password: ${PLANTOPS_ERP_PASSWORD:-}',
        `      database: ${database}`,
        '    connectTimeoutSeconds: 3',
      ]),
      'store: {client: sqlite, filename: .plantops/state.db}',
      'stock:',
      '  erp: {source: erp, table: erp_stock, columns: {item: item, warehouse: wh, qty: qty}}',
      '  wms: {source: wms, table: wms_missing, columns: {item: item, warehouse: wh, qty: qty}}',
      '',
    ].join('\n')

  beforeAll(async () => {
    db = await createTestDatabase('pt_i18n_err')
    await db.conn.query('CREATE TABLE erp_stock (item VARCHAR(20), wh VARCHAR(10), qty DECIMAL(18,4))')
    await db.conn.query("INSERT INTO erp_stock VALUES ('A-1', 'WH01', 5)")
    for (const d of [dir, dirEn]) writeFileSync(path.join(d, 'plantops.yaml'), config(db.name, mysqlParams.port))
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('a missing table: exit 3 in both languages, "数据源 … 找不到表" with its hint; the JSON keeps SOURCE_NO_TABLE', async () => {
    const [zh, en] = await Promise.all([run(dir, 'zh-CN', ['stock', 'diff']), run(dirEn, 'en', ['stock', 'diff'])])
    expect(en.code, en.stderr).toBe(3)
    expect(zh.code, zh.stderr).toBe(3)
    expect(en.stderr).toMatch(/Error: source "wms": table not found: .*wms_missing/)
    expect(en.stderr).toContain('  hint: Check the table names in the mapping, or run `plantops systems audit` to see schema drift.')
    expect(zh.stderr).toMatch(/错误：数据源“wms”：找不到表：.*wms_missing/)
    expect(zh.stderr).toContain('  提示：检查映射中的表名，或运行 `plantops systems audit` 查看表结构的变化。')
    const [zj, ej] = (await Promise.all([run(dir, 'zh-CN', ['stock', 'diff', '--json']), run(dirEn, 'en', ['stock', 'diff', '--json'])])).map((r) => jsonError(r.stdout))
    expect([zj.code, zj.exitCode]).toEqual(['SOURCE_NO_TABLE', 3])
    expect([ej.code, ej.exitCode]).toEqual(['SOURCE_NO_TABLE', 3])
  })

  it('an unreachable server: exit 3 in both languages, "连接被拒绝" and the hints in Chinese', async () => {
    const [d, dEn, dJson] = [tempDir('plantops-i18n-refused-'), tempDir('plantops-i18n-refused-en-'), tempDir('plantops-i18n-refused-json-')]
    // port 1 on the loopback: nothing listens there, the connection is refused at once
    for (const x of [d, dEn, dJson]) writeFileSync(path.join(x, 'plantops.yaml'), config(db.name, 1))
    const [zh, en, json] = await Promise.all([run(d, 'zh-CN', ['stock', 'diff']), run(dEn, 'en', ['stock', 'diff']), run(dJson, 'zh-CN', ['stock', 'diff', '--json'])])
    expect(en.code, en.stderr).toBe(3)
    expect(zh.code, zh.stderr).toBe(3)
    expect(en.stderr).toMatch(/Error: source "erp": connection refused at 127\.0\.0\.1:1\//)
    expect(en.stderr).toContain('  hint: Is the database server running and listening on that host and port?')
    expect(zh.stderr).toMatch(/错误：数据源“erp”：连接被拒绝（127\.0\.0\.1:1\//)
    expect(zh.stderr).toContain('  提示：数据库服务器是否在运行，并在该主机和端口上监听？')
    expect(zh.stderr).toContain('  提示：检查 plantops.yaml 中的 sources.erp.connection.host/port。')
    expect(jsonError(json.stdout).code).toBe('SOURCE_UNREACHABLE')
  })
})
