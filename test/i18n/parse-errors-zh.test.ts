import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {NEUTRAL, noEnglish} from '../helpers/english.js'

/**
 * Through the built CLI (issue 12): the YAML parser's errors, oclif's flag/argument errors and the unknown-command
 * suggestion in Chinese under --lang zh-CN, the same in English under --lang en, exit code 2 in both.
 */

const HAN = /[\u4e00-\u9fff]/

function run(args: string[], cwd?: string) {
  return runCli(args, {cwd, env: {...NEUTRAL, PLANTOPS_CONFIG: undefined}})
}

function configDir(text: string): string {
  const dir = tempDir('plantops-i18n-parse-')
  writeFileSync(path.join(dir, 'plantops.yaml'), text)
  return dir
}

const where = (s: string) => [...s.matchAll(/plantops\.yaml:\d+:\d+/g)].map((m) => m[0])

describe('malformed plantops.yaml (built CLI)', () => {
  it('bad indentation and a duplicate key: Chinese problems with file:line:col, exit 2; English unchanged', () => {
    const dir = configDir(['version: 1', 'version: 2', 'sources:', '  erp:', '    role: erp', '   client: mysql', ''].join('\n'))
    const zh = run(['config', 'validate', '--lang', 'zh-CN'], dir)
    const en = run(['config', 'validate', '--lang', 'en'], dir)
    expect(zh.code, zh.stderr).toBe(2)
    expect(en.code, en.stderr).toBe(2)
    expect(zh.stderr).toContain('错误：plantops.yaml 不是有效的 YAML')
    expect(zh.stderr).toContain('plantops.yaml:6:1 缩进错误：同一层映射的各项必须从同一列开始')
    expect(zh.stderr).toContain('plantops.yaml:2:1 同一层的键不能重复（"version" 出现了两次）')
    expect(zh.stderr).not.toMatch(/must start at the same column|Map keys must be unique|Error:|hint:/)
    noEnglish(zh.stderr, 'config validate on malformed YAML')
    expect(en.stderr).toContain('Error: plantops.yaml is not valid YAML')
    expect(en.stderr).toContain('plantops.yaml:6:1 All mapping items must start at the same column')
    expect(en.stderr).toContain('plantops.yaml:2:1 Map keys must be unique ("version" appears twice)')
    expect(where(zh.stderr)).toEqual(where(en.stderr))
  })

  it('a tab as indentation, with --json: the problems in Chinese, located', () => {
    const dir = configDir('version: 1\nsources:\n\terp: {}\n')
    const zh = run(['config', 'validate', '--lang', 'zh-CN', '--json'], dir)
    expect(zh.code).toBe(2)
    expect(zh.json.valid).toBe(false)
    expect(zh.json.problems).toEqual(['plantops.yaml:3:1 不能用 Tab 缩进（请用空格）'])
  })
})

describe("oclif's flag errors (built CLI)", () => {
  it('an unknown flag: Chinese message and hint, exit 2; English under --lang en', () => {
    const zh = run(['stock', 'diff', '--lang', 'zh-CN', '--bogus'])
    const en = run(['stock', 'diff', '--lang', 'en', '--bogus'])
    expect(zh.code, zh.stderr).toBe(2)
    expect(en.code, en.stderr).toBe(2)
    expect(zh.stderr).toContain('错误：没有这个选项：--bogus')
    expect(zh.stderr).toContain('  提示：plantops stock diff --help 列出可用的选项和参数。')
    expect(zh.stderr).not.toMatch(/Nonexistent flag|See more help/)
    expect(en.stderr).toContain('Error: Nonexistent flag: --bogus')
    expect(en.stderr).toContain('  hint: plantops stock diff --help shows the flags and arguments.')
    // the usage oclif shows after an unknown flag stays (English, as --help)
    expect(zh.stderr).toContain('USAGE')
  })

  it('an invalid option value, --lang before or after it: Chinese, exit 2; --json: the document in Chinese', () => {
    for (const args of [
      ['stock', 'diff', '--lang', 'zh-CN', '--format', 'nope'],
      ['stock', 'diff', '--format', 'nope', '--lang=zh-CN'],
    ]) {
      const zh = run(args)
      expect(zh.code, zh.stderr).toBe(2)
      expect(zh.stderr.split('\n')[0]).toBe('错误：--format 的值 nope 无效，只能是以下之一：table, csv, xlsx, json')
      expect(zh.stderr).not.toMatch(/Expected --format|to be one of/)
    }
    const en = run(['stock', 'diff', '--lang', 'en', '--format', 'nope'])
    expect(en.code).toBe(2)
    expect(en.stderr.split('\n')[0]).toBe('Error: Expected --format=nope to be one of: table, csv, xlsx, json')
    const json = run(['stock', 'diff', '--lang', 'zh-CN', '--format', 'nope', '--json'])
    expect(json.code).toBe(2)
    expect(json.json.error).toEqual({
      code: 'USAGE',
      message: '--format 的值 nope 无效，只能是以下之一：table, csv, xlsx, json',
      problems: [],
      hints: ['plantops stock diff --help 列出可用的选项和参数。'],
      exitCode: 2,
    })
  })

  it('a missing required flag, an exclusive pair, a flag without its value, a missing argument, a bad integer: Chinese, exit 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['count', 'size'], /缺少必需的选项 --population/],
      [['count', 'sample', '--recount', '3', '--size', '4'], /使用 --recount 时不能再给出 --size=4/],
      [['stock', 'diff', '--output'], /选项 --output 需要一个值/],
      [['runs', 'show'], /缺少 1 个必需的参数：id/],
      [['runs', 'list', '--limit', '0'], /选项 --limit 的值有误：应为大于或等于 1 的整数，实际为：0/],
    ]
    for (const [args, re] of cases) {
      const r = run([...args, '--lang', 'zh-CN'])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(re)
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(/^错误：/)
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(HAN)
    }
  })
})

describe('a mistyped command (built CLI)', () => {
  it('the suggestion in Chinese under --lang zh-CN, in English under --lang en, exit 2 in both', () => {
    const zh = run(['stok', 'diff', '--lang', 'zh-CN'])
    const en = run(['stok', 'diff', '--lang', 'en'])
    expect(zh.code).toBe(2)
    expect(en.code).toBe(2)
    expect(zh.stderr).toContain('错误："stok diff" 不是 plantops 的命令。您要运行的是不是 "plantops stock diff"？')
    expect(zh.stderr).toContain('  提示：plantops stock diff --help')
    expect(zh.stderr).toContain('  提示：plantops --help 列出所有命令。')
    noEnglish(zh.stderr, 'a mistyped command')
    expect(en.stderr).toContain('Error: "stok diff" is not a plantops command. Did you mean "plantops stock diff"?')
    expect(en.stderr).toContain('  hint: plantops --help lists every command.')
  })

  it('the language from PLANTOPS_LANG when no --lang is typed; --json keeps the code', () => {
    const r = runCli(['stok', 'diff', '--json'], {env: {...NEUTRAL, PLANTOPS_LANG: 'zh-CN'}})
    expect(r.code).toBe(2)
    expect(r.json.error.code).toBe('COMMAND_NOT_FOUND')
    expect(r.json.error.message).toMatch(/不是 plantops 的命令/)
  })
})
