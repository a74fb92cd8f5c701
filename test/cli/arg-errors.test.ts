import {describe, expect, it} from 'vitest'

import {runCliAsync, tempDir} from '../helpers/cli.js'

/**
 * A positional argument its parser refuses (`runs show abc`, `count report 0`) is a usage error (exit 2) naming the
 * argument, like a bad integer flag (`runs list --limit abc`), never "internal error … This is a defect" (exit 70):
 * oclif lets an argument parser's plain Error through, BaseCommand.parse wraps it (src/lib/cli/parse-errors.ts
 * ArgParseError). The arguments are parsed before plantops.yaml is read, so no plant is needed.
 */
describe('an argument its parser refuses: exit 2, the argument named (built CLI)', () => {
  const cwd = tempDir('plantops-arg-errors-')

  const cases: Array<{argv: string[]; en: string; zh: string}> = [
    {argv: ['runs', 'show', 'abc'], en: 'Parsing argument ID: Expected an integer but received: abc', zh: '参数 ID 的值有误：应为整数，实际为：abc'},
    {argv: ['count', 'report', '0'], en: 'Parsing argument COUNT: Expected an integer greater than or equal to 1 but received: 0', zh: '参数 COUNT 的值有误：应为大于或等于 1 的整数，实际为：0'},
    {argv: ['count', 'report', '1.5'], en: 'Parsing argument COUNT: Expected an integer but received: 1.5', zh: '参数 COUNT 的值有误：应为整数，实际为：1.5'},
    {argv: ['count', 'record', 'abc', 'x.xlsx'], en: 'Parsing argument COUNT: Expected an integer but received: abc', zh: '参数 COUNT 的值有误：应为整数，实际为：abc'},
  ]

  for (const c of cases) {
    it(`${c.argv.join(' ')}`, async () => {
      const [text, json, zh] = await Promise.all([
        runCliAsync([...c.argv, '--lang', 'en'], {cwd}),
        runCliAsync([...c.argv, '--lang', 'en', '--json'], {cwd}),
        runCliAsync([...c.argv, '--lang', 'zh-CN'], {cwd}),
      ])
      const command = `plantops ${c.argv.slice(0, 2).join(' ')}`
      expect(text.code, text.stderr).toBe(2)
      expect(text.stderr).toBe(`Error: ${c.en}\n  hint: ${command} --help shows the flags and arguments.\n`)
      expect(text.stdout).toBe('')
      expect(json.code, json.stderr).toBe(2)
      expect(json.json).toEqual({error: {code: 'USAGE', message: c.en, problems: [], hints: [`${command} --help shows the flags and arguments.`], exitCode: 2}})
      expect(zh.code).toBe(2)
      expect(zh.stderr.split('\n')[0]).toBe(`错误：${c.zh}`)
      for (const r of [text, json, zh]) expect(r.stderr + r.stdout).not.toMatch(/internal error|defect|内部错误|\n\s+at /)
    }, 60_000)
  }

  it('reconcile run without a job: the note on --notify only when --notify was given, "takes"', async () => {
    const [bare, given] = await Promise.all([
      runCliAsync(['reconcile', 'run', '--json', '--lang', 'en'], {cwd}),
      runCliAsync(['reconcile', 'run', '--notify', 'plant', '--json', '--lang', 'en'], {cwd}),
    ])
    expect(bare.code).toBe(2)
    expect(bare.json.error).toMatchObject({code: 'USAGE', message: 'Missing 1 required argument: job', problems: []})
    expect(given.code).toBe(2)
    expect(given.json.error.problems).toEqual(['--notify takes several values: give the arguments before that flag, or put "--" between the flags and the arguments.'])
  }, 60_000)

  it('a valid argument still parses (the wrapped parser returns its value): runs show 1 gets as far as the config', async () => {
    const r = await runCliAsync(['runs', 'show', '1', '--json', '--lang', 'en'], {cwd})
    expect(r.json.error.code).not.toBe('USAGE')
    expect(r.json.error.code).not.toBe('INTERNAL')
  }, 60_000)
})
