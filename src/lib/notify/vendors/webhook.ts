import type {ChannelConfig} from '../config.js'
import {httpSend, httpVerdict, withRetries, type Delivery} from '../http.js'
import {msg} from '../messages.js'
import {renderSummary, type WebhookPayload} from '../summary.js'
import type {Sender} from './types.js'

type WebhookChannel = Extract<ChannelConfig, {type: 'webhook'}>

/** The generic webhook's JSON body (documented in README "Alerts → webhook"; stable: fields are added, never renamed). */
export function webhookPayload(message: Parameters<Sender>[1]): WebhookPayload {
  const {title, text} = renderSummary(message.summary, {maxBytes: 64 * 1024})
  return {schema: 'plantops.notify/1', title, text, summary: message.summary, test: message.test}
}

export const sendWebhook: Sender<WebhookChannel> = async (channel, message, ctx): Promise<Delivery> => {
  const body = JSON.stringify(webhookPayload(message))
  const result = await withRetries(
    ctx.policy,
    async (signal) => {
      const a = await httpSend(channel.url, {method: channel.method, headers: {'content-type': 'application/json; charset=utf-8', ...channel.headers}, body, signal})
      const t = httpVerdict(a, msg.hints)
      if (t) return {...t, httpStatus: a.status}
      // a generic webhook has no code of its own: its answer is the HTTP status (httpStatus) and body, the status once.
      // A failure keeps the status as its code: the alert warning (hook.ts) shows code and message, not httpStatus
      if (a.status >= 200 && a.status < 300) return {kind: 'ok', message: a.text.slice(0, 200), httpStatus: a.status}
      return {kind: 'fail', code: `HTTP ${a.status}`, message: a.text.slice(0, 200), hint: a.status === 401 || a.status === 403 ? msg.hints.auth : msg.hints.http, httpStatus: a.status}
    },
    msg.hints,
  )
  return {channel: ctx.name, type: 'webhook', bytes: Buffer.byteLength(body), ...result}
}
