import {existsSync} from 'node:fs'
import path from 'node:path'

import type {ChannelConfig} from '../config.js'
import {withRetries, type Delivery} from '../http.js'
import {msg} from '../messages.js'
import {renderSummary} from '../summary.js'
import type {Sender} from './types.js'

type EmailChannel = Extract<ChannelConfig, {type: 'email'}>

/** E-mail through nodemailer (SMTP, STARTTLS or TLS); the report file attached. */
export const sendEmail: Sender<EmailChannel> = async (channel, message, ctx): Promise<Delivery> => {
  const {default: nodemailer} = await import('nodemailer')
  const local = /^(localhost|127\.0\.0\.1|::1)$/i.test(channel.host)
  const seconds = Math.max(1, Math.round(ctx.policy.totalMs / 1000))
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.tls,
    requireTLS: channel.requireTls ?? (!channel.tls && !local),
    auth: channel.user ? {user: channel.user, pass: channel.password ?? ''} : undefined,
    connectionTimeout: seconds * 1000,
    greetingTimeout: seconds * 1000,
    socketTimeout: seconds * 1000,
  })
  const rendered = message.test
    ? {title: msg.testTitle, text: msg.testBody(ctx.name, new Date().toISOString()).replaceAll('**', '')}
    : renderSummary(message.summary, {maxBytes: 1024 * 1024, plain: true})
  const subject = message.test ? rendered.title : msg.emailSubject(rendered.title, msg.headline(message.summary.status))
  const attachments = !message.test && channel.attachReport ? message.summary.outputs.filter((f) => existsSync(f)).map((f) => ({filename: path.basename(f), path: f})) : []
  let bytes = Buffer.byteLength(rendered.text)
  try {
    const result = await withRetries(
      ctx.policy,
      async () => {
        try {
          const info = await transport.sendMail({from: channel.from, to: channel.to, subject, text: rendered.text, attachments})
          bytes = (info as {messageSize?: number}).messageSize ?? bytes
          return {kind: 'ok', code: '250', message: String(info.response ?? 'accepted')}
        } catch (error) {
          const e = error as {code?: string; responseCode?: number; response?: string; message?: string}
          const code = e.responseCode ? String(e.responseCode) : (e.code ?? 'SMTP')
          const text = e.response ?? e.message ?? String(error)
          if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534) return {kind: 'fail', code, message: text, hint: msg.hints.auth}
          if (e.responseCode && e.responseCode >= 400 && e.responseCode < 500) return {kind: 'retry', code, message: text, hint: msg.hints.server}
          if (e.responseCode && e.responseCode >= 500) return {kind: 'fail', code, message: text, hint: msg.hints.smtp}
          if (e.code === 'ETIMEDOUT') return {kind: 'retry', code, message: text, hint: msg.hints.timeout}
          return {kind: 'retry', code, message: text, hint: msg.hints.network}
        }
      },
      msg.hints,
    )
    return {channel: ctx.name, type: 'email', bytes, ...result}
  } finally {
    transport.close()
  }
}
