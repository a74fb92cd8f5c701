import {mkdirSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {writeSqlitePlant} from '../count/small-plant.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {NEUTRAL, noEnglish} from '../helpers/english.js'

/**
 * Issue 12, the remaining gaps, through the built CLI: the read guard's reason for a refused configured SELECT, a
 * count-record rejection for a bad quantity, and a duration in a lock error come out in Chinese under --lang zh-CN,
 * with the same exit codes, and unchanged under --lang en.
 */
describe('reasons and durations under --lang zh-CN (built CLI)', {timeout: 180_000}, () => {
  let dir: string
  const cli = (args: string[]) => runCli(args, {cwd: dir, env: NEUTRAL})

  beforeAll(async () => {
    dir = tempDir('pt-reasons-zh-')
    await writeSqlitePlant(dir)
    const s = cli(['count', 'sample', '--size', '4', '--seed', '5', '--output', 'sheets.xlsx', '--json'])
    expect(s.code, s.stderr).toBe(0)
  })

  it('a refused configured SELECT: the reason in Chinese, exit 2 as in English', () => {
    const bad = path.join(dir, 'bad-sql.yaml')
    writeFileSync(bad, 'version: 1\nsources:\n  wms:\n    role: wms\n    client: sqlite\n    connection: {filename: ./wms.db}\n    lagQuery: "UPDATE bin_stock SET qty = 0"\n')
    const zh = runCli(['config', 'validate', '--config', bad, '--lang', 'zh-CN'], {cwd: dir, env: NEUTRAL})
    const en = runCli(['config', 'validate', '--config', bad, '--lang', 'en'], {cwd: dir, env: NEUTRAL})
    expect(en.code, en.stderr).toBe(2)
    expect(zh.code, zh.stderr).toBe(en.code)
    expect(en.stderr).toContain('sources.wms.lagQuery: refused: statements starting with UPDATE are not a plain SELECT.')
    expect(zh.stderr).toContain('sources.wms.lagQuery: 已拒绝：以 UPDATE 开头的语句不是普通 SELECT。')
    noEnglish(zh.stderr, 'config validate (refused SELECT)')

    // the same through --json: the problems follow the language
    const zhJson = runCli(['config', 'validate', '--config', bad, '--lang', 'zh-CN', '--json'], {cwd: dir, env: NEUTRAL})
    expect(zhJson.code).toBe(2)
    expect(zhJson.json.valid).toBe(false)
    expect(zhJson.json.problems.join('\n')).toContain('以 UPDATE 开头的语句不是普通 SELECT')

    // a command that loads the config refuses it the same way (exit 2), before any source is opened
    const run = runCli(['count', 'list', '--config', bad, '--lang', 'zh-CN'], {cwd: dir, env: NEUTRAL})
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toContain('以 UPDATE 开头的语句不是普通 SELECT')
  })

  it('a count-record rejection for a bad quantity: the reason in Chinese, exit 2 as in English', () => {
    writeFileSync(path.join(dir, 'bad-qty.csv'), 'Line 行号,Counted 实盘数量\n1,lots\n2,-3\n3,12x5\n')
    const zh = cli(['count', 'record', '1', 'bad-qty.csv', '--lang', 'zh-CN', '--json'])
    const en = cli(['count', 'record', '1', 'bad-qty.csv', '--lang', 'en', '--json'])
    expect(en.code, en.stderr).toBe(2)
    expect(zh.code, zh.stderr).toBe(en.code)
    const reasons = (r: typeof zh) => r.json.rejected.map((x: {reason: string}) => x.reason)
    expect(reasons(en)).toEqual(['counted quantity: "lots" is not a number', 'counted quantity: negative count "-3"', 'counted quantity: "12x5" is not a number'])
    expect(reasons(zh)).toEqual(['实盘数量："lots" 不是数字', '实盘数量：盘点数为负数 "-3"', '实盘数量："12x5" 不是数字'])
    const table = cli(['count', 'record', '1', 'bad-qty.csv', '--lang', 'zh-CN'])
    expect(table.code).toBe(2)
    expect(table.stdout).toContain('盘点数为负数 "-3"')
    noEnglish(table.stdout + table.stderr, 'count record (bad quantities)')
  })

  it('a sheet of another count and a bad line cell: the problems in Chinese', () => {
    writeFileSync(path.join(dir, 'bad-line.csv'), 'Line 行号,Counted 实盘数量\nabc,3\n')
    writeFileSync(path.join(dir, 'no-header.csv'), 'a,b\n1,2\n')
    const zh = cli(['count', 'record', '1', 'bad-line.csv', 'no-header.csv', '--lang', 'zh-CN', '--json'])
    expect(zh.code, zh.stderr).toBe(2)
    const reasons = zh.json.rejected.map((x: {reason: string}) => x.reason)
    expect(reasons).toContain('行号 "abc" 不是有效的行号')
    expect(reasons.some((r: string) => r.startsWith('前 10 行中没有表头行'))).toBe(true)
    expect(reasons.some((r: string) => r.startsWith('此工作簿中没有盘点表'))).toBe(true)
    const en = cli(['count', 'record', '1', 'bad-line.csv', 'no-header.csv', '--lang', 'en', '--json'])
    expect(en.json.rejected.map((x: {reason: string}) => x.reason)).toContain('line "abc" is not a line number')
  })

  it('a lock error: how long the other run has been going, in Chinese; exit 4 as in English', () => {
    const locks = path.join(dir, '.plantops', 'locks')
    mkdirSync(locks, {recursive: true})
    // a live process on this host holds the lock (this test process), started 3 h 05 min ago (under the default 240 min)
    const started = new Date(Date.now() - (3 * 60 + 5.5) * 60_000).toISOString()
    writeFileSync(path.join(locks, 'count-sample.lock'), JSON.stringify({pid: process.pid, host: os.hostname(), job: 'count-sample', startedAt: started}))
    const zh = cli(['count', 'sample', '--size', '4', '--seed', '5', '--lang', 'zh-CN'])
    const en = cli(['count', 'sample', '--size', '4', '--seed', '5', '--lang', 'en'])
    expect(en.code, en.stderr).toBe(4)
    expect(zh.code, zh.stderr).toBe(en.code)
    expect(en.stderr).toContain(', for 3h 05m')
    expect(zh.stderr).toContain('，已运行 3小时05分')
    expect(zh.stderr).not.toMatch(/\dh \d\dm/)
    noEnglish(zh.stderr, 'count sample (locked)')
  })

  it('runs list: how long a finished run took, in the language in force', () => {
    const zh = cli(['runs', 'list', '--lang', 'zh-CN'])
    const en = cli(['runs', 'list', '--lang', 'en'])
    expect(zh.code, zh.stderr).toBe(0)
    expect(zh.stdout).toMatch(/\d+\.\d秒/)
    expect(zh.stdout).not.toMatch(/\d+\.\ds\b/)
    expect(en.stdout).toMatch(/\d+\.\ds\b/)
  })
})
