import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {parse, stringify} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {tempDir} from '../helpers/cli.js'
import {FakeVendor, runCliAsync} from './vendor-server.js'

/**
 * The built CLI on the demo plant, alerting fake robots on 127.0.0.1: the hook in the run lifecycle, the flags,
 * `runs show`, `notify test`, `demo --notify-url`, and that a failed alert never changes the job's exit code.
 */
describe('notify end to end (built CLI, demo plant, local fake robots)', () => {
  let dir: string
  let config: string
  let dingtalk: FakeVendor
  let badSign: FakeVendor
  let webhook: FakeVendor
  const SECRET = 'SECe2e-signing-secret-4b1d'
  const env = () => ({PLANT_DT: dingtalk.url, PLANT_DT_SECRET: SECRET, BAD_DT: badSign.url, HOOK_URL: webhook.url})

  beforeAll(async () => {
    dingtalk = await new FakeVendor('dingtalk', {secret: SECRET, keywords: ['plantops']}).start()
    badSign = await new FakeVendor('dingtalk', {secret: 'SEC-the-robot-has-another-secret'}).start()
    webhook = await new FakeVendor('webhook').start()
    dir = tempDir('plantops-notify-e2e-')
    const built = await runCliAsync(['demo', '--dir', dir, '--rows', '500', '--no-diff'])
    expect(built.code, built.stderr).toBe(0)
    config = path.join(dir, 'plantops.yaml')
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, any>
    doc.notify = {
      ...doc.notify,
      timeoutSeconds: 5,
      channels: {
        plant: {type: 'dingtalk', webhook: '${PLANT_DT}', secret: '${PLANT_DT_SECRET}', keywords: ['plantops'], mention: {mobiles: ['13800138000']}},
        broken: {type: 'dingtalk', webhook: '${BAD_DT}', secret: '${PLANT_DT_SECRET}'},
        hook: {type: 'webhook', url: '${HOOK_URL}'},
      },
      rules: [{jobs: ['stock-diff'], channels: ['plant'], on: ['over-tolerance', 'source-error']}],
    }
    writeFileSync(config, stringify(doc))
  }, 120_000)

  afterAll(async () => {
    await Promise.all([dingtalk?.stop(), badSign?.stop(), webhook?.stop()])
  })

  it('stock diff alerts the rule\'s channel once, signed, with the keyword and the summary; runs show lists it', async () => {
    const before = dingtalk.received.length
    const r = await runCliAsync(['stock', 'diff', '--config', config, '--show-cost', '--format', 'csv', '--output', path.join(dir, 'v.csv'), '--json'], {env: env()})
    expect(r.code, r.stderr).toBe(0) // no --fail-on: the alert is about over-tolerance, not the exit code
    expect(dingtalk.received.length - before).toBe(1)
    const req = dingtalk.received.at(-1)!
    expect(req.refused).toBeNull()
    const text: string = req.body.markdown.text
    expect(text).toContain('plantops · Stock diff (ERP vs WMS)')
    expect(text).toMatch(/over tolerance \d+/)
    expect(text).toContain('Value at risk')
    expect(text).toContain('v.csv')
    expect(text).toContain('@13800138000')
    expect(r.stderr).toMatch(/notify: plant sent \(\d+ bytes, \d+ ms\)/)
    const runId = r.json.runId as number
    const show = await runCliAsync(['runs', 'show', String(runId), '--config', config, '--json'], {env: env()})
    expect(show.json.notifications).toHaveLength(1)
    expect(show.json.notifications[0]).toMatchObject({channel: 'plant', type: 'dingtalk', status: 'sent', vendorCode: '0', attempts: 1})
    const human = await runCliAsync(['runs', 'show', String(runId), '--config', config], {env: env()})
    expect(human.stdout).toMatch(/Notifications\W+plant \(dingtalk\): sent, 1 attempt/)
  }, 120_000)

  it('a failed alert is a warning and a run-history row, never a different exit code; no token anywhere', async () => {
    const r = await runCliAsync(['stock', 'diff', '--config', config, '--notify', 'broken', '--fail-on', 'over-tolerance', '--json'], {env: env()})
    expect(r.code).toBe(1) // what --fail-on asked, alert or not
    expect(badSign.received.at(-1)!.refused).toBe('sign')
    expect(r.stderr).toMatch(/warning: notify: broken failed: 310000 sign not match.*Signature failed/)
    expect(r.stderr).toContain("the job's result and exit code are unchanged")
    const show = await runCliAsync(['runs', 'show', String(r.json.runId), '--config', config], {env: env()})
    expect(show.stdout).toMatch(/broken \(dingtalk\): failed, 1 attempt.*answer: HTTP 200 310000 sign not match/)
    expect(show.stdout).toMatch(/fix: Signature failed/)
    for (const out of [r.stdout, r.stderr, show.stdout, show.stderr]) {
      expect(out).not.toContain('tok-dingtalk-0123456789')
      expect(out).not.toContain(SECRET)
    }
  }, 120_000)

  it('--no-notify sends nothing; --notify with an unknown channel fails before the job runs (exit 2)', async () => {
    const before = dingtalk.received.length
    const quiet = await runCliAsync(['stock', 'diff', '--config', config, '--no-notify', '--json'], {env: env()})
    expect(quiet.code).toBe(0)
    expect(dingtalk.received.length).toBe(before)
    const bad = await runCliAsync(['stock', 'diff', '--config', config, '--notify', 'nope'], {env: env()})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--notify nope: no notify channel named "nope" \(configured: plant, broken, hook\)/)
    expect(bad.stdout).toBe('')
  }, 120_000)

  it('a source error alerts on: [source-error] (exit 3 kept)', async () => {
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, any>
    const erp = doc.sources.erp
    erp.connection.filename = path.join(dir, 'missing-erp.db')
    const broken = path.join(dir, 'broken.yaml')
    writeFileSync(broken, stringify(doc))
    const before = dingtalk.received.length
    const r = await runCliAsync(['stock', 'diff', '--config', broken], {env: env()})
    expect(r.code, r.stderr).toBe(3)
    expect(dingtalk.received.length - before).toBe(1)
    const text: string = dingtalk.received.at(-1)!.body.markdown.text
    expect(text).toContain('a source could not be read')
    expect(text).toMatch(/\*\*Error\*\*: source "erp"/)
  }, 120_000)

  it('the webhook gets the documented JSON for any job (systems audit with --notify hook, default condition = non-zero exit)', async () => {
    const before = webhook.received.length
    const r = await runCliAsync(['systems', 'audit', '--config', config, '--notify', 'hook', '--fail-on', 'warning', '--json'], {env: env()})
    // the demo plant's replicas are days old (its snapshot is fixed), so the audit always warns about freshness: exit 1
    expect(r.code, r.stderr).toBe(1)
    expect(webhook.received.length - before).toBe(1)
    const body = webhook.received.at(-1)!.body
    expect(body).toMatchObject({schema: 'plantops.notify/1', test: false, summary: {job: 'systems-audit', exitCode: 1}})
    // exit 0 (--fail-on never) sends nothing under the default rule (non-zero exits only)
    const quiet = webhook.received.length
    const r0 = await runCliAsync(['systems', 'audit', '--config', config, '--notify', 'hook', '--fail-on', 'never', '--json'], {env: env()})
    expect(r0.code, r0.stderr).toBe(0)
    expect(webhook.received.length).toBe(quiet)
  }, 120_000)

  it('notify test: the vendor\'s answer translated into what to fix', async () => {
    const ok = await runCliAsync(['notify', 'test', 'plant', '--config', config], {env: env()})
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/Result\W+sent: the vendor accepted the message/)
    expect(dingtalk.received.at(-1)!.refused).toBeNull()
    const bad = await runCliAsync(['notify', 'test', 'broken', '--config', config, '--json'], {env: env()})
    expect(bad.code).toBe(2)
    expect(bad.json).toMatchObject({channel: 'broken', status: 'failed', vendorCode: '310000'})
    expect(bad.json.hint).toMatch(/^Signature failed/)
    const unknown = await runCliAsync(['notify', 'test', 'nope', '--config', config], {env: env()})
    expect(unknown.code).toBe(2)
  }, 120_000)

  it('demo --notify-url sends the demo\'s stock diff to a local listener', async () => {
    const listener = await new FakeVendor('dingtalk', {keywords: ['plantops']}).start()
    try {
      const demoDir = tempDir('plantops-notify-demo-')
      const r = await runCliAsync(['demo', '--dir', demoDir, '--rows', '500', '--notify-url', listener.url])
      expect(r.code, r.stderr).toBe(0)
      expect(listener.received).toHaveLength(1)
      expect(listener.received[0].refused).toBeNull()
      const text: string = listener.received[0].body.markdown.text
      expect(text).toContain('示范工厂 Demo Plant')
      expect(text).toMatch(/Top \d+ variances by value/)
      // item names from the ERP item master (notify.itemNames in the demo config)
      expect(text).toMatch(/- [A-Z]{2}-\d+ \S+.* @ WH\d+/)
      expect(r.stderr).toMatch(/notify: demo sent/)
      const show = await runCliAsync(['runs', 'show', '1', '--config', path.join(demoDir, 'plantops.yaml')])
      expect(show.stdout).toMatch(/demo \(dingtalk\): sent/)
      for (const out of [r.stdout, r.stderr, show.stdout]) expect(out).not.toContain('tok-dingtalk-0123456789')
    } finally {
      await listener.stop()
    }
  }, 120_000)
})
