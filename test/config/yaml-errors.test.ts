import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {ConfigError} from '../../src/lib/cli/errors.js'
import {parseConfigText} from '../../src/lib/config/load.js'
import {YAML_ERROR_CODES, yamlErrorText} from '../../src/lib/config/yaml-errors.js'
import {readCatalog, setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'

/** The yaml library's parse errors in the language in force (issue 12): by exact text, by code, else generic. */

const HAN = /[\u4e00-\u9fff]/

function lang(l: 'en' | 'zh-CN'): void {
  setLanguage(decideLanguage({flag: l}))
}

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, '/x/plantops.yaml', {})
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

afterEach(() => lang('en'))

describe('yaml parse errors', () => {
  it('YAML_ERROR_CODES is the ErrorCode list of the installed yaml (a new code must get its sentence)', () => {
    const require = createRequire(import.meta.url)
    const dts = readFileSync(path.join(path.dirname(require.resolve('yaml/package.json')), 'dist', 'errors.d.ts'), 'utf8')
    const union = /export type ErrorCode = ([^;]+);/.exec(dts)?.[1] ?? ''
    const codes = [...union.matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1])
    expect(codes.length).toBeGreaterThan(20)
    expect([...codes].sort()).toEqual([...YAML_ERROR_CODES].sort())
  })

  it('every code has a sentence in both catalogs, and the Chinese one is Chinese', () => {
    const en = (readCatalog('en') as {errors: {yaml: {code: Record<string, string>}}}).errors.yaml.code
    const zh = (readCatalog('zh-CN') as {errors: {yaml: {code: Record<string, string>}}}).errors.yaml.code
    for (const code of YAML_ERROR_CODES) {
      expect(en[code], code).toBeTruthy()
      expect(zh[code], code).toMatch(HAN)
    }
  })

  it('bad indentation: Chinese under zh-CN, the parser text under en, same file:line:col', () => {
    const text = 'version: 1\nsources:\n  erp:\n    role: erp\n   client: mysql\n'
    lang('zh-CN')
    const zh = problemsOf(text)
    lang('en')
    const en = problemsOf(text)
    expect(en).toEqual(['plantops.yaml:5:1 All mapping items must start at the same column'])
    expect(zh).toEqual(['plantops.yaml:5:1 缩进错误：同一层映射的各项必须从同一列开始'])
  })

  it('tabs, a missing quote, a key on two lines, a compact nested map, an unknown escape: each located and in Chinese', () => {
    lang('zh-CN')
    const cases: Array<[string, RegExp]> = [
      ['version: 1\nsources:\n\terp: 1\n', /^plantops\.yaml:3:1 不能用 Tab 缩进/],
      ['version: "1\n', /^plantops\.yaml:\d+:\d+ 缺少结尾的引号 "$/],
      ['version: 1\nsources\nlang: en\n', /^plantops\.yaml:2:1 键必须写在一行之内/],
      ['version: a: b\n', /^plantops\.yaml:1:\d+ 嵌套的映射不能和它的键写在同一行/],
      ['version: "\\q"\n', /^plantops\.yaml:1:\d+ 无效的转义序列 \\q$/],
    ]
    for (const [text, re] of cases) {
      const problems = problemsOf(text)
      expect(problems.length, text).toBeGreaterThan(0)
      expect(problems[0], text).toMatch(re)
      for (const p of problems) expect(p, text).toMatch(HAN)
    }
  })

  it('a text without its own sentence gets its code\'s sentence; an unknown code a generic sentence with the parser text', () => {
    lang('zh-CN')
    expect(yamlErrorText({code: 'MULTIPLE_DOCS', message: 'Source contains multiple documents; please use YAML.parseAllDocuments()'})).toBe(
      '文件中有多个 YAML 文档（有一行 "---"）：plantops 只读取一个',
    )
    expect(yamlErrorText({code: 'SOMETHING_NEW', message: 'A brand new complaint\n  at line 3'})).toBe('YAML 语法错误；解析器的原文：A brand new complaint')
    lang('en')
    expect(yamlErrorText({code: 'MULTIPLE_DOCS', message: 'Source contains multiple documents; please use YAML.parseAllDocuments()'})).toBe(
      'the file holds more than one YAML document (a "---" line): plantops reads one',
    )
    expect(yamlErrorText({code: 'SOMETHING_NEW', message: 'A brand new complaint'})).toBe('YAML syntax error; the parser says: A brand new complaint')
  })

  it('a duplicate key (plantops\' own linear check) is located and in Chinese', () => {
    lang('zh-CN')
    expect(problemsOf('version: 1\nversion: 2\n')).toEqual(['plantops.yaml:2:1 同一层的键不能重复（"version" 出现了两次）'])
  })
})
