import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {parse, stringify} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {tempDir} from '../helpers/cli.js'
import {FakeVendor, runCliAsync} from './vendor-server.js'

/**
 * `reconcile run --notify` through the built CLI on the demo plant (SQLite), alerting fake robots on 127.0.0.1:
 * the alert names the job and carries its counts (under the job's display names), match rate and deviation rate;
 * several jobs in one run send one alert each.
 */
describe('reconcile run --notify (built CLI, demo plant, local fake robots)', () => {
  let dir: string
  let config: string
  let dingtalk: FakeVendor
  let webhook: FakeVendor
  const SECRET = 'SECreconcile-signing-secret-77'
  const env = () => ({PLANT_DT: dingtalk.url, PLANT_DT_SECRET: SECRET, HOOK_URL: webhook.url})

  beforeAll(async () => {
    dingtalk = await new FakeVendor('dingtalk', {secret: SECRET, keywords: ['plantops']}).start()
    webhook = await new FakeVendor('webhook').start()
    dir = tempDir('plantops-notify-reconcile-')
    const built = await runCliAsync(['demo', '--dir', dir, '--rows', '300', '--no-diff'])
    expect(built.code, built.stderr).toBe(0)
    config = path.join(dir, 'plantops.yaml')
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, any>
    doc.notify = {
      timeoutSeconds: 5,
      channels: {
        plant: {type: 'dingtalk', webhook: '${PLANT_DT}', secret: '${PLANT_DT_SECRET}', keywords: ['plantops']},
        hook: {type: 'webhook', url: '${HOOK_URL}'},
      },
      rules: [{jobs: ['reconcile-run'], channels: ['plant'], on: ['findings']}],
    }
    writeFileSync(config, stringify(doc))
  }, 120_000)

  afterAll(async () => {
    await Promise.all([dingtalk?.stop(), webhook?.stop()])
  })

  it('the reconcile-run rule alerts once with the job, its counts, match rate and deviation rate', async () => {
    const before = dingtalk.received.length
    const out = path.join(dir, 'orders-mes.csv')
    const r = await runCliAsync(['reconcile', 'run', 'orders-mes', '--config', config, '--format', 'csv', '--output', out, '--json'], {env: env()})
    expect(r.code, r.stderr).toBe(0)
    expect(dingtalk.received.length - before).toBe(1)
    const req = dingtalk.received.at(-1)!
    expect(req.refused).toBeNull()
    const text: string = req.body.markdown.text
    const s = r.json.jobs[0].summary
    expect(text).toContain('plantops · Reconciliation')
    expect(text).toContain('**variances over tolerance**') // differs and one-sided keys are beyond the job's tolerance
    expect(text).toContain(`job orders-mes · keys ${s.keys.total} · match ${s.keys.match} · differs ${s.keys.differs} · missing_in_mes ${s.keys.only_in_left} · orphan_in_mes ${s.keys.only_in_right}`)
    expect(text).toContain(`match rate ${s.matchRatePct}%`)
    expect(s.deviationRatePct.qty).toMatch(/^\d+(\.\d+)?$/)
    expect(text).toContain(`deviation rate qty ${s.deviationRatePct.qty}%`)
    // --json keeps the findings: the first ones in key order, with the display status
    expect(text).toMatch(/First \d+ findings/)
    expect(text).toMatch(/missing_in_mes/)
    expect(text).toContain('orders-mes.csv')
    expect(r.stderr).toMatch(/notify: plant sent \(\d+ bytes, \d+ ms\)/)
    const show = await runCliAsync(['runs', 'show', String(r.json.jobs[0].runId), '--config', config, '--json'], {env: env()})
    expect(show.json.notifications).toHaveLength(1)
    expect(show.json.notifications[0]).toMatchObject({channel: 'plant', status: 'sent'})
  }, 120_000)

  it('without --json the alert lists the probable causes by count', async () => {
    const before = dingtalk.received.length
    const r = await runCliAsync(['reconcile', 'run', 'orders-mes', '--config', config, '--format', 'csv', '--output', path.join(dir, 'o2.csv')], {env: env()})
    expect(r.code, r.stderr).toBe(0)
    expect(dingtalk.received.length - before).toBe(1)
    const text: string = dingtalk.received.at(-1)!.body.markdown.text
    expect(text).toContain('**Probable causes**')
    expect(text).toMatch(/- late: \d+/)
    expect(text).toMatch(/0 new; 0 resolved|\d+ new; \d+ resolved/)
  }, 120_000)

  it('--notify with two jobs: one webhook message per job, each with its own exit code; the exit code is --fail-on\'s', async () => {
    const before = webhook.received.length
    const r = await runCliAsync(['reconcile', 'run', 'orders-mes', 'items', '--config', config, '--notify', 'hook', '--fail-on', 'differs', '--json'], {env: env()})
    expect(r.code, r.stderr).toBe(1)
    const got = webhook.received.slice(before).map((x) => x.body)
    expect(got).toHaveLength(2)
    expect(got.map((b) => b.summary.job)).toEqual(['reconcile-run', 'reconcile-run'])
    expect(got.map((b) => b.summary.counts[0])).toEqual([{label: 'job', value: 'orders-mes'}, {label: 'job', value: 'items'}])
    expect(got.map((b) => b.summary.exitCode)).toEqual([1, 1])
    expect(got.map((b) => b.summary.runId)).toEqual(r.json.jobs.map((j: {runId: number}) => j.runId))
    const items = got[1].summary.counts as Array<{label: string; value: unknown}>
    expect(items).toContainEqual({label: 'missing_in_wms', value: r.json.jobs[1].summary.keys.only_in_left})
  }, 120_000)

  it('a source error alerts (exit 3 kept) and --no-notify sends nothing', async () => {
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, any>
    doc.sources.mes.connection.filename = path.join(dir, 'missing-mes.db')
    doc.notify.rules = [{jobs: ['reconcile-run'], channels: ['plant'], on: ['source-error']}]
    const broken = path.join(dir, 'broken.yaml')
    writeFileSync(broken, stringify(doc))
    const before = dingtalk.received.length
    const quiet = await runCliAsync(['reconcile', 'run', 'orders-mes', '--config', broken, '--no-notify'], {env: env()})
    expect(quiet.code).toBe(3)
    expect(dingtalk.received.length).toBe(before)
    const r = await runCliAsync(['reconcile', 'run', 'orders-mes', '--config', broken], {env: env()})
    expect(r.code, r.stderr).toBe(3)
    expect(dingtalk.received.length - before).toBe(1)
    const text: string = dingtalk.received.at(-1)!.body.markdown.text
    expect(text).toContain('a source could not be read')
    expect(text).toMatch(/\*\*Error\*\*: source "mes"/)
  }, 120_000)
})
