import {afterEach, describe, expect, it} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'
import {deliveryAnswer, describeDelivery} from '../../src/lib/notify/history.js'
import type {Delivery} from '../../src/lib/notify/http.js'
import {sendToChannel} from '../../src/lib/notify/send.js'
import {bigSummary, channel, fastPolicy, message} from './fixtures.js'
import {FakeVendor} from './vendor-server.js'

/** The answer of a delivery says its HTTP status once ("HTTP 200 {…}", never "HTTP 200 HTTP 200 {…}"). */

const servers: FakeVendor[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

const base: Delivery = {channel: 'hook', type: 'webhook', status: 'sent', attempts: 1, httpStatus: 200, vendorCode: null, vendorMessage: null, hint: null, bytes: 10, elapsedMs: 5}

describe('a delivery\'s answer', () => {
  it('the webhook: accepted, its answer is the status and the body, HTTP 200 once (notify test, runs show)', async () => {
    setLanguage(decideLanguage({flag: 'en'}))
    const v = await new FakeVendor('webhook').start()
    servers.push(v)
    v.script = [{status: 200, text: '{"ok":true}'}]
    const d = await sendToChannel(channel({type: 'webhook', url: v.url}), message(bigSummary(2)), {name: 'hook', policy: fastPolicy})
    expect(d).toMatchObject({status: 'sent', httpStatus: 200, vendorCode: null, vendorMessage: '{"ok":true}'})
    expect(deliveryAnswer(d)).toBe('HTTP 200 {"ok":true}')
    expect(describeDelivery(d)).toMatch(/answer: HTTP 200 \{"ok":true\}$/)
  })

  it('the webhook: refused, the status stays its code (the alert warning shows it) but is said once', async () => {
    const v = await new FakeVendor('webhook').start()
    servers.push(v)
    v.script = [{status: 404, text: 'no such hook'}]
    const d = await sendToChannel(channel({type: 'webhook', url: v.url}), message(bigSummary(2)), {name: 'hook', policy: fastPolicy})
    expect(d).toMatchObject({status: 'failed', httpStatus: 404, vendorCode: 'HTTP 404', vendorMessage: 'no such hook'})
    expect(deliveryAnswer(d)).toBe('HTTP 404 no such hook')
  })

  it('a recorded delivery whose code repeats its status (older webhook rows, generic HTTP verdicts) says it once; a vendor code stays', () => {
    expect(deliveryAnswer({...base, vendorCode: 'HTTP 200', vendorMessage: '{"errcode":0}'})).toBe('HTTP 200 {"errcode":0}')
    expect(deliveryAnswer({...base, httpStatus: 503, vendorCode: 'HTTP 503', vendorMessage: 'busy'})).toBe('HTTP 503 busy')
    expect(deliveryAnswer({...base, vendorCode: '310000', vendorMessage: 'sign not match'})).toBe('HTTP 200 310000 sign not match')
    expect(deliveryAnswer({...base, httpStatus: null, vendorCode: 'TIMEOUT', vendorMessage: null})).toBe('TIMEOUT')
    expect(describeDelivery({...base, vendorCode: 'HTTP 200', vendorMessage: 'ok'})).not.toContain('HTTP 200 HTTP 200')
  })
})
