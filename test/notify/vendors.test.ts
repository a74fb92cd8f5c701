import {afterEach, describe, expect, it} from 'vitest'

import {redact, registerSecret} from '../../src/lib/cli/secrets.js'
import {msg} from '../../src/lib/notify/messages.js'
import {sendToChannel} from '../../src/lib/notify/send.js'
import {dingtalkSign} from '../../src/lib/notify/vendors/dingtalk.js'
import {feishuSign} from '../../src/lib/notify/vendors/feishu.js'
import {bigSummary, channel, fastPolicy, message} from './fixtures.js'
import {FakeVendor} from './vendor-server.js'

const servers: FakeVendor[] = []
async function vendor(...args: ConstructorParameters<typeof FakeVendor>): Promise<FakeVendor> {
  const v = await new FakeVendor(...args).start()
  servers.push(v)
  return v
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

const ctx = (name = 'plant') => ({name, policy: fastPolicy})

describe('DingTalk', () => {
  it('signs exactly as specified (ms timestamp, URL-encoded base64 HMAC-SHA256 over timestamp\\nsecret) and the robot accepts it', async () => {
    const v = await vendor('dingtalk', {secret: 'SECa1b2c3+/=d4e5f6'})
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url, secret: 'SECa1b2c3+/=d4e5f6'}), message(bigSummary(5)), ctx())
    expect(v.received[0].refused).toBeNull()
    expect(d).toMatchObject({status: 'sent', attempts: 1, vendorCode: '0', hint: null, type: 'dingtalk'})
    expect(v.received[0].url.searchParams.get('timestamp')).toMatch(/^\d{13}$/)
    expect(v.received[0].headers['content-type']).toMatch(/^application\/json/)
    expect(v.received[0].body.msgtype).toBe('markdown')
  })

  it('a wrong signature fails, with errcode 310000 translated into "signature failed"', async () => {
    const v = await vendor('dingtalk', {secret: 'SEC-the-robots-secret'})
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url, secret: 'SEC-a-different-secret'}), message(bigSummary(5)), ctx())
    expect(v.received[0].refused).toBe('sign')
    expect(d).toMatchObject({status: 'failed', vendorCode: '310000', attempts: 1, hint: msg.hints.sign})
  })

  it('the sign is URL-encoded: an unencoded base64 "+" would reach the robot as a space', () => {
    // find a timestamp whose signature contains + or /, and check it is percent-encoded
    let ts = 1_764_000_000_000
    let raw = ''
    for (; ts < 1_764_000_001_000; ts++) {
      raw = Buffer.from(dingtalkSign('SECx', ts), 'utf8').toString()
      if (/%2B|%2F/.test(raw)) break
    }
    expect(raw).toMatch(/%2B|%2F/)
    expect(decodeURIComponent(raw)).toMatch(/^[A-Za-z0-9+/]+=*$/)
  })

  it('keyword security: the first keyword goes into the message; without it the robot answers 310000 keywords not in content', async () => {
    const v = await vendor('dingtalk', {keywords: ['库存告警']})
    const ok = await sendToChannel(channel({type: 'dingtalk', webhook: v.url, keywords: ['库存告警']}), message(bigSummary(5)), ctx())
    expect(ok.status).toBe('sent')
    expect(v.received[0].body.markdown.text).toContain('库存告警')
    const bad = await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(5)), ctx())
    expect(bad).toMatchObject({status: 'failed', vendorCode: '310000', hint: msg.hints.keyword})
  })

  it('mentions: at.atMobiles / atUserIds / isAtAll, and "@mobile" in the text', async () => {
    const v = await vendor('dingtalk')
    await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(2), {mobiles: ['13800138000'], userIds: ['manager7'], all: true}), ctx())
    const b = v.received[0].body
    expect(b.at).toEqual({atMobiles: ['13800138000'], atUserIds: ['manager7'], isAtAll: true})
    expect(b.markdown.text).toContain('@13800138000')
  })

  it('a long message is cut under 20,000 bytes without breaking a line or a character, ending "and N more"', async () => {
    const v = await vendor('dingtalk')
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(400)), ctx())
    expect(d.status).toBe('sent')
    const text: string = v.received[0].body.markdown.text
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(20_000)
    expect(text).not.toContain('\uFFFD')
    const lines = text.split('\n')
    const items = lines.filter((l) => l.startsWith('- RM-'))
    expect(items.length).toBeGreaterThan(10)
    for (const l of items) expect(l).toMatch(/over tolerance$/) // whole lines only
    expect(text).toContain(`… and ${450 - items.length} more`)
    expect(text).toContain('/srv/plantops/out/variances-2026-12-02.xlsx') // the report path survives the cut
  })

  it('rate limited (130101): honoured, not hammered — no retry inside the short budget, translated into "rate limited"', async () => {
    const v = await vendor('dingtalk')
    v.script = [{json: {errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute'}}]
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(2)), ctx())
    expect(v.received).toHaveLength(1)
    expect(d).toMatchObject({status: 'failed', vendorCode: '130101', hint: msg.hints.rateLimited})
  })

  it('IP not allowed (310000 ip … not in whitelist) is translated', async () => {
    const v = await vendor('dingtalk')
    v.script = [{json: {errcode: 310000, errmsg: 'ip 203.0.113.9 not in whitelist'}}]
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(2)), ctx())
    expect(d.hint).toBe(msg.hints.ip)
  })

  it('retries a 5xx then a timeout with backoff, re-signing each attempt, and succeeds on the third', async () => {
    const v = await vendor('dingtalk', {secret: 'SECretry'})
    v.script = [{status: 502, text: 'Bad Gateway'}, {hang: true}]
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url, secret: 'SECretry'}), message(bigSummary(2)), {name: 'p', policy: {totalMs: 4000, attempts: 3, baseDelayMs: 20}})
    expect(d).toMatchObject({status: 'sent', attempts: 3})
    expect(v.received).toHaveLength(3)
    // each attempt was signed afresh and the signature held
    expect(v.received[2].refused).toBeNull()
  })

  it('retries 5xx with backoff and succeeds', async () => {
    const v = await vendor('dingtalk', {secret: 'SECretry'})
    v.script = [{status: 503, text: 'busy'}, {status: 500, text: 'oops'}]
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url, secret: 'SECretry'}), message(bigSummary(2)), ctx())
    expect(d).toMatchObject({status: 'sent', attempts: 3})
    expect(v.received.map((r) => r.refused)).toEqual([null, null, null])
  })

  it('a robot that never answers ends within the total timeout', async () => {
    const v = await vendor('dingtalk')
    v.script = [{hang: true}, {hang: true}, {hang: true}]
    const t0 = performance.now()
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(2)), {name: 'p', policy: {totalMs: 800, attempts: 3, baseDelayMs: 20}})
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(d).toMatchObject({status: 'failed', vendorCode: 'TIMEOUT', hint: msg.hints.timeout})
  })

  it('the access token never appears in a delivery, even when the vendor echoes it', async () => {
    const v = await vendor('dingtalk')
    registerSecret(v.url)
    registerSecret('tok-dingtalk-0123456789')
    v.script = [{json: {errcode: 300001, errmsg: 'token is not exist: tok-dingtalk-0123456789'}}]
    const d = await sendToChannel(channel({type: 'dingtalk', webhook: v.url}), message(bigSummary(2)), ctx())
    expect(d.hint).toBe(msg.hints.token)
    expect(JSON.stringify(d)).not.toContain('tok-dingtalk-0123456789')
    expect(redact(`POST ${v.url}`)).not.toContain('tok-dingtalk')
  })
})

describe('Feishu', () => {
  it('signs exactly as specified (seconds, key = timestamp\\nsecret over an empty message), body within 20 KB', async () => {
    const v = await vendor('feishu', {secret: 'feishu-secret-xyz'})
    const d = await sendToChannel(channel({type: 'feishu', webhook: v.url, secret: 'feishu-secret-xyz'}), message(bigSummary(400)), ctx())
    expect(v.received[0].refused).toBeNull()
    expect(d).toMatchObject({status: 'sent', vendorCode: '0'})
    expect(v.received[0].raw.length).toBeLessThanOrEqual(20 * 1024)
    expect(String(v.received[0].body.timestamp)).toMatch(/^\d{10}$/)
    const content: string = v.received[0].body.card.elements[0].content
    expect(content).toMatch(/… and \d+ more/)
    expect(content).not.toContain('\uFFFD')
  })

  it('the reverse of DingTalk: a DingTalk-style sign (secret as key) fails with 19021 → "signature failed"', async () => {
    const v = await vendor('feishu', {secret: 'feishu-secret-xyz'})
    expect(feishuSign('feishu-secret-xyz', 1_700_000_000)).not.toBe(decodeURIComponent(dingtalkSign('feishu-secret-xyz', 1_700_000_000)))
    const d = await sendToChannel(channel({type: 'feishu', webhook: v.url, secret: 'wrong-secret'}), message(bigSummary(3)), ctx())
    expect(v.received[0].refused).toBe('sign')
    expect(d).toMatchObject({status: 'failed', vendorCode: '19021', hint: msg.hints.sign})
  })

  it('keywords: 19024 Key Words Not Found → "keyword missing"; with the keyword configured it is sent', async () => {
    const v = await vendor('feishu', {keywords: ['盘点']})
    const bad = await sendToChannel(channel({type: 'feishu', webhook: v.url}), message(bigSummary(3)), ctx())
    expect(bad).toMatchObject({status: 'failed', vendorCode: '19024', hint: msg.hints.keyword})
    const ok = await sendToChannel(channel({type: 'feishu', webhook: v.url, keywords: ['盘点']}), message(bigSummary(3)), ctx())
    expect(ok.status).toBe('sent')
  })

  it('11232 (frequency limited) is retried after a short wait and then sent', async () => {
    const v = await vendor('feishu')
    v.script = [{json: {code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]', data: {}}}]
    const d = await sendToChannel(channel({type: 'feishu', webhook: v.url}), message(bigSummary(3)), {name: 'f', policy: {totalMs: 5000, attempts: 3, baseDelayMs: 20}})
    expect(d).toMatchObject({status: 'sent', attempts: 2})
  })

  it('@all and open ids become <at> tags in the card', async () => {
    const v = await vendor('feishu')
    await sendToChannel(channel({type: 'feishu', webhook: v.url}), message(bigSummary(1), {userIds: ['ou_abc'], all: true}), ctx())
    const content: string = v.received[0].body.card.elements[0].content
    expect(content).toContain('<at id=ou_abc></at>')
    expect(content).toContain('<at id=all></at>')
  })
})

describe('WeCom', () => {
  it('markdown within 4096 bytes, cut on a line and character boundary', async () => {
    const v = await vendor('wecom')
    const d = await sendToChannel(channel({type: 'wecom', webhook: v.url}), message(bigSummary(100), {userIds: ['zhangsan']}), ctx())
    expect(d.status).toBe('sent')
    const content: string = v.received[0].body.markdown.content
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096)
    expect(Buffer.byteLength(content)).toBeGreaterThan(3000) // the budget is used, not wasted
    expect(content).toMatch(/… and \d+ more/)
    expect(content).toContain('<@zhangsan>')
    expect(content).not.toContain('\uFFFD')
  })

  it('text within 2048 bytes with mentioned lists', async () => {
    const v = await vendor('wecom')
    const d = await sendToChannel(channel({type: 'wecom', webhook: v.url, msgtype: 'text'}), message(bigSummary(100), {mobiles: ['13800138000'], all: true}), ctx())
    expect(d.status).toBe('sent')
    const b = v.received[0].body
    expect(Buffer.byteLength(b.text.content)).toBeLessThanOrEqual(2048)
    expect(b.text.mentioned_list).toEqual(['@all'])
    expect(b.text.mentioned_mobile_list).toEqual(['13800138000'])
  })

  it('45009 (api freq out of limit) is honoured: no hammering, "rate limited"', async () => {
    const v = await vendor('wecom')
    v.script = [{json: {errcode: 45009, errmsg: 'api freq out of limit'}}]
    const d = await sendToChannel(channel({type: 'wecom', webhook: v.url}), message(bigSummary(3)), ctx())
    expect(v.received).toHaveLength(1)
    expect(d).toMatchObject({status: 'failed', vendorCode: '45009', hint: msg.hints.rateLimited})
  })

  it('sends the report file via upload_media (multipart field "media", type=file) then msgtype file', async () => {
    const {mkdtempSync, writeFileSync} = await import('node:fs')
    const os = await import('node:os')
    const path = await import('node:path')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-wecom-'))
    const file = path.join(dir, 'variances.csv')
    writeFileSync(file, 'item,warehouse\nRM-1,WH01\n')
    const v = await vendor('wecom')
    const d = await sendToChannel(channel({type: 'wecom', webhook: v.url, attachReport: true}), message(bigSummary(3, {outputs: [file]})), ctx())
    expect(d.status).toBe('sent')
    expect(v.received.map((r) => r.url.pathname.split('/').pop())).toEqual(['send', 'upload_media', 'send'])
    expect(v.received[1].refused).toBeNull()
    expect(v.received[2].body).toEqual({msgtype: 'file', file: {media_id: 'media-123'}})
  })
})

describe('webhook', () => {
  it('POSTs the documented JSON payload with the configured headers', async () => {
    const v = await vendor('webhook')
    const d = await sendToChannel(channel({type: 'webhook', url: v.url, headers: {Authorization: 'Bearer t0k3n-abc'}}), message(bigSummary(3)), ctx())
    expect(d).toMatchObject({status: 'sent', httpStatus: 204})
    const r = v.received[0]
    expect(r.headers.authorization).toBe('Bearer t0k3n-abc')
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    expect(r.body.schema).toBe('plantops.notify/1')
    expect(r.body.summary).toMatchObject({job: 'stock-diff', status: 'over-tolerance', exitCode: 1, valueAtRisk: '123456.78'})
    expect(typeof r.body.text).toBe('string')
  })

  it('429 with Retry-After: waits as told when it fits the budget, gives up at once when it does not', async () => {
    const v = await vendor('webhook')
    v.script = [{status: 429, text: 'slow down', headers: {'retry-after': '1'}}]
    const d = await sendToChannel(channel({type: 'webhook', url: v.url}), message(bigSummary(3)), ctx())
    expect(d).toMatchObject({status: 'sent', attempts: 2})
    expect(d.elapsedMs).toBeGreaterThanOrEqual(1000)
    v.script = [{status: 429, text: 'come back later', headers: {'retry-after': '600'}}]
    const t0 = performance.now()
    const late = await sendToChannel(channel({type: 'webhook', url: v.url}), message(bigSummary(3)), ctx())
    expect(late).toMatchObject({status: 'failed', attempts: 1, vendorCode: 'HTTP 429', hint: msg.hints.rateLimited})
    expect(performance.now() - t0).toBeLessThan(1000)
  })

  it('a 4xx is a failure for good, a 401 points at credentials', async () => {
    const v = await vendor('webhook')
    v.script = [{status: 401, text: 'unauthorized'}]
    const d = await sendToChannel(channel({type: 'webhook', url: v.url}), message(bigSummary(3)), ctx())
    expect(d).toMatchObject({status: 'failed', attempts: 1, httpStatus: 401, hint: msg.hints.auth})
  })

  it('an unreachable host is a failed delivery with a network hint, never an exception', async () => {
    const v = await vendor('webhook')
    const url = v.url
    await v.stop()
    servers.splice(servers.indexOf(v), 1)
    const d = await sendToChannel(channel({type: 'webhook', url}), message(bigSummary(3)), {name: 'w', policy: {totalMs: 1500, attempts: 2, baseDelayMs: 20}})
    expect(d.status).toBe('failed')
    expect(d.hint).toBe(msg.hints.network)
  })
})
