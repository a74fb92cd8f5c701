import {mkdtempSync, writeFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {SMTPServer} from 'smtp-server'
import {afterEach, describe, expect, it} from 'vitest'

import {msg} from '../../src/lib/notify/messages.js'
import {sendToChannel} from '../../src/lib/notify/send.js'
import {bigSummary, channel, fastPolicy, message} from './fixtures.js'

interface Mail {
  from: string
  to: string[]
  data: string
  user: string | null
}

/** A local SMTP server (smtp-server) on 127.0.0.1: AUTH PLAIN/LOGIN checked, every message kept. */
async function smtp(opts: {user?: string; pass?: string; reject?: string} = {}): Promise<{port: number; mails: Mail[]; close: () => Promise<void>}> {
  const mails: Mail[] = []
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !opts.user,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, {user: auth.username})
      else cb(new Error('Invalid username or password'))
    },
    onRcptTo(address, _session, cb) {
      if (opts.reject && address.address === opts.reject) {
        const e = new Error('mailbox unavailable') as Error & {responseCode: number}
        e.responseCode = 550
        cb(e)
      } else cb()
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          user: (session.user as string | undefined) ?? null,
        })
        cb()
      })
    },
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.server.address() as AddressInfo).port
  return {port, mails, close: () => new Promise<void>((r) => server.close(() => r()))}
}

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

describe('email (nodemailer against a local SMTP server)', () => {
  it('sends the summary with the report attached, authenticated', async () => {
    const s = await smtp({user: 'plantops', pass: 's3cret-pw'})
    closers.push(s.close)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-mail-'))
    const report = path.join(dir, 'variances.csv')
    writeFileSync(report, 'item,warehouse,lot\nRM-10279,WH01,L1\n')
    const ch = channel({type: 'email', host: '127.0.0.1', port: s.port, user: 'plantops', password: 's3cret-pw', from: 'plantops@plant.example', to: ['stock@plant.example', 'boss@plant.example']})
    const d = await sendToChannel(ch, message(bigSummary(5, {outputs: [report]})), {name: 'mail', policy: fastPolicy})
    expect(d).toMatchObject({status: 'sent', vendorCode: '250', type: 'email'})
    expect(s.mails).toHaveLength(1)
    const m = s.mails[0]
    expect(m.user).toBe('plantops')
    expect(m.from).toBe('plantops@plant.example')
    expect(m.to).toEqual(['stock@plant.example', 'boss@plant.example'])
    expect(m.data).toMatch(/^Subject: /m)
    expect(m.data).toContain('filename=variances.csv')
    expect(m.data).toContain(Buffer.from('item,warehouse,lot\nRM-10279,WH01,L1\n').toString('base64').slice(0, 20))
  })

  it('wrong credentials: failed, "check the user and password", never retried into a lockout', async () => {
    const s = await smtp({user: 'plantops', pass: 'right'})
    closers.push(s.close)
    const ch = channel({type: 'email', host: '127.0.0.1', port: s.port, user: 'plantops', password: 'wrong', from: 'a@b.example', to: ['c@d.example']})
    const d = await sendToChannel(ch, message(bigSummary(2)), {name: 'mail', policy: fastPolicy})
    expect(d).toMatchObject({status: 'failed', attempts: 1, hint: msg.hints.auth})
    expect(s.mails).toHaveLength(0)
  })

  it('a refused recipient (550) is a failure with the server\'s answer', async () => {
    const s = await smtp({reject: 'nobody@d.example'})
    closers.push(s.close)
    const ch = channel({type: 'email', host: '127.0.0.1', port: s.port, from: 'a@b.example', to: ['nobody@d.example']})
    const d = await sendToChannel(ch, message(bigSummary(2)), {name: 'mail', policy: fastPolicy})
    expect(d).toMatchObject({status: 'failed', vendorCode: '550', hint: msg.hints.smtp})
    expect(d.vendorMessage).toContain('mailbox unavailable')
  })
})
