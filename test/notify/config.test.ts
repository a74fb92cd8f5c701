import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {ConfigError} from '../../src/lib/cli/errors.js'
import {redact} from '../../src/lib/cli/secrets.js'
import {parseConfigText} from '../../src/lib/config/load.js'
import {planChannels, shouldSend} from '../../src/lib/notify/send.js'
import {repoRoot} from '../helpers/cli.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-notify-cfg-'))
const file = path.join(dir, 'plantops.yaml')

function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  return parseConfigText(yaml, file, env)
}

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(yaml, env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

const ENV = {DT_HOOK: 'https://oapi.dingtalk.com/robot/send?access_token=dt-token-7f3a9c', DT_SECRET: 'SECdt-secret-91b2', WECOM_KEY: 'wecom-key-5e6f7a'}

describe('notify config', () => {
  it('accepts channels with secrets by reference and registers every secret for redaction', () => {
    const secretFile = path.join(dir, 'feishu.secret')
    writeFileSync(secretFile, 'feishu-secret-from-file\n')
    const cfg = load(
      `notify:
  channels:
    plant:
      type: dingtalk
      webhook: \${DT_HOOK}
      secret: \${DT_SECRET}
      keywords: [plantops]
    wecom-ops:
      type: wecom
      key: \${WECOM_KEY}
    lark:
      type: feishu
      webhook: https://open.feishu.cn/open-apis/bot/v2/hook/\${DT_SECRET}
      secretFile: feishu.secret
  rules:
    - jobs: [stock-diff]
      channels: [plant]
      on: [over-tolerance, source-error]
      mention: {mobiles: ['13800138000']}
`,
      ENV,
    ).config
    expect(cfg.notify?.channels.plant).toMatchObject({type: 'dingtalk', webhook: ENV.DT_HOOK, secret: ENV.DT_SECRET})
    expect(cfg.notify?.channels.lark).toMatchObject({secret: 'feishu-secret-from-file'})
    expect(cfg.notify?.timeoutSeconds).toBe(20)
    const leak = `url ${ENV.DT_HOOK} token dt-token-7f3a9c key ${ENV.WECOM_KEY} secret ${ENV.DT_SECRET} feishu-secret-from-file`
    const out = redact(leak)
    for (const s of ['dt-token-7f3a9c', ENV.WECOM_KEY, ENV.DT_SECRET, 'feishu-secret-from-file']) expect(out).not.toContain(s)
  })

  it('refuses a literal secret in the file, naming where and what to do', () => {
    const p = problems(`notify:
  channels:
    plant:
      type: dingtalk
      webhook: https://oapi.dingtalk.com/robot/send?access_token=literal-token
      secret: SEC-literal
`)
    expect(p).toHaveLength(2)
    expect(p[0]).toMatch(/plantops\.yaml:\d+:\d+ notify\.channels\.plant\.webhook: a secret must not be written in the config file: use webhook: \$\{ENV_VAR\} or webhookFile: PATH/)
    expect(p[1]).toMatch(/notify\.channels\.plant\.secret/)
  })

  it('a secret header of a webhook must be a reference; a missing env var and a missing file are problems', () => {
    const p = problems(`notify:
  channels:
    hook:
      type: webhook
      url: https://alerts.example/hook
      headers: {Authorization: Bearer abc}
    mail:
      type: email
      host: smtp.example
      from: a@b.example
      to: [c@d.example]
      passwordFile: missing.pw
    plant:
      type: dingtalk
      webhook: \${UNSET_HOOK}
`)
    expect(p.join('\n')).toMatch(/headers\.Authorization: a secret header must be given by reference/)
    expect(p.join('\n')).toMatch(/passwordFile: cannot read .*missing\.pw \(ENOENT\)/)
    expect(p.join('\n')).toMatch(/environment variable UNSET_HOOK is not set/)
  })

  it('validates like every section: unknown keys, unknown type, rule naming a missing channel, bad event', () => {
    const p = problems(
      `notify:
  channels:
    plant: {type: dingtalk, webhook: '\${DT_HOOK}', keyword: [x]}
    other: {type: slack, url: https://x.example}
  rules:
    - channels: [plant, nope]
      on: [sometimes]
`,
      ENV,
    ).join('\n')
    expect(p).toMatch(/unknown key "keyword"/)
    expect(p).toMatch(/notify\.channels\.other\.type/)
    expect(p).toMatch(/notify\.rules\.0\.on\.0/)
    // cross-references are checked once the section itself is valid
    expect(problems(`notify:\n  channels:\n    plant: {type: dingtalk, webhook: '\${DT_HOOK}'}\n  rules:\n    - channels: [plant, nope]\n`, ENV).join('\n')).toMatch(
      /notify\.rules\.0\.channels\.1: no notify channel named "nope" \(configured: plant\)/,
    )
  })

  it('itemNames must name a configured source', () => {
    expect(problems(`notify:\n  itemNames: {source: erp, table: items, columns: {item: code, name: name}}\n`).join('\n')).toMatch(/no source named "erp"/)
  })
})

describe('which channels a run notifies, and when', () => {
  const cfg = load(
    `notify:
  channels:
    plant: {type: dingtalk, webhook: '\${DT_HOOK}', mention: {mobiles: ['13800000001']}}
    ops: {type: wecom, key: '\${WECOM_KEY}'}
  rules:
    - jobs: [stock-diff]
      channels: [plant]
      on: [over-tolerance]
    - jobs: ['*']
      channels: [plant, ops]
      on: [source-error]
      mention: {all: true}
`,
    ENV,
  ).config.notify

  it('rules naming the job (or *): one entry per channel, conditions and mentions merged', () => {
    const plan = planChannels(cfg, 'stock-diff', {})
    expect(plan.map((p) => [p.name, p.on])).toEqual([
      ['plant', ['over-tolerance', 'source-error']],
      ['ops', ['source-error']],
    ])
    expect(plan[0].mention).toEqual({mobiles: ['13800000001'], userIds: [], all: true})
    expect(planChannels(cfg, 'count-report', {}).map((p) => p.name)).toEqual(['plant', 'ops'])
  })

  it('--notify picks channels (with their rule conditions, else the default); --no-notify sends nothing; unknown is a usage error', () => {
    expect(planChannels(cfg, 'stock-diff', {channels: ['ops']}).map((p) => [p.name, p.on])).toEqual([['ops', ['source-error']]])
    expect(planChannels(cfg, 'orders-import', {channels: ['ops']}).map((p) => p.on)).toEqual([['source-error']])
    expect(planChannels(cfg, 'stock-diff', {channels: ['plant,ops']})).toHaveLength(2)
    expect(planChannels(cfg, 'stock-diff', {disabled: true})).toEqual([])
    expect(() => planChannels(cfg, 'stock-diff', {channels: ['nope']})).toThrow(/no notify channel named "nope" \(configured: plant, ops\)/)
    const noRules = {...cfg!, rules: []}
    expect(planChannels(noRules, 'stock-diff', {channels: ['plant']})[0].on).toBeNull()
  })

  it('default: whenever the exit code is non-zero except 4', () => {
    const ev = {overTolerance: false, findings: false, sourceError: false}
    expect(shouldSend(null, {exitCode: 0, events: ev})).toBe(false)
    expect(shouldSend(null, {exitCode: 1, events: ev})).toBe(true)
    expect(shouldSend(null, {exitCode: 3, events: ev})).toBe(true)
    expect(shouldSend(null, {exitCode: 4, events: ev})).toBe(false)
    expect(shouldSend(['over-tolerance'], {exitCode: 0, events: {...ev, overTolerance: true}})).toBe(true)
    expect(shouldSend(['findings'], {exitCode: 0, events: ev})).toBe(false)
    expect(shouldSend(['always'], {exitCode: 0, events: ev})).toBe(true)
  })
})

describe('README "Alerts" config', () => {
  it('is a working config (every channel and rule validates, with the secrets it references set)', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Alerts'))
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]
    const secretFile = path.join(dir, 'feishu.secret')
    writeFileSync(secretFile, 'lark-secret\n')
    const text = `sources:\n  erp: {role: erp, client: sqlite, connection: {filename: erp.db}}\n${yaml.replace('/etc/plantops/feishu.secret', secretFile)}`
    const env = {DINGTALK_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=x1', DINGTALK_SECRET: 'SECx', WECOM_ROBOT_KEY: 'k1', FEISHU_WEBHOOK: 'https://open.feishu.cn/open-apis/bot/v2/hook/h1', ALERT_TOKEN: 'Bearer t', SMTP_PASSWORD: 'pw'}
    const cfg = load(text, env).config.notify!
    expect(Object.keys(cfg.channels)).toEqual(['plant-dingtalk', 'ops-wecom', 'lark', 'monitoring', 'stock-mail'])
    expect(planChannels(cfg, 'stock-diff', {}).map((p) => p.name)).toEqual(['plant-dingtalk', 'stock-mail', 'ops-wecom'])
  })

  it('the cron example\'s config validates and alerts DingTalk on over-tolerance and source errors', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    const cron = readme.slice(readme.indexOf('### Cron: DingTalk'))
    const yaml = /```yaml\n([\s\S]*?)```/.exec(cron)![1]
    const cfg = load(yaml, {DINGTALK_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=x2', DINGTALK_SECRET: 'SECy'}).config.notify!
    expect(planChannels(cfg, 'stock-diff', {}).map((p) => [p.name, p.on])).toEqual([['plant-dingtalk', ['over-tolerance', 'source-error']]])
  })
})
