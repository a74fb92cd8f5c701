import {createHmac} from 'node:crypto'

import type {ChannelConfig} from '../config.js'
import {httpSend, httpVerdict, withRetries, type Delivery, type Verdict} from '../http.js'
import {msg} from '../messages.js'
import {renderSummary} from '../summary.js'
import type {Sender} from './types.js'

type DingTalkChannel = Extract<ChannelConfig, {type: 'dingtalk'}>

/** DingTalk's limit on a robot message's text, bytes (markdown `text` / text `content`). */
export const DINGTALK_MAX_TEXT_BYTES = 20_000
/** DingTalk throttles a robot for 10 minutes after 20 messages in a minute: no retry can wait that long. */
const TEN_MINUTES_MS = 10 * 60_000

/**
 * DingTalk signing ("加签"): timestamp in ms; sign = URL-encoded base64 of HMAC-SHA256 with the secret as key over
 * `timestamp + "\n" + secret`.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64')
  return encodeURIComponent(mac)
}

export function dingtalkUrl(channel: Pick<DingTalkChannel, 'webhook' | 'secret'>, now = Date.now()): string {
  if (!channel.secret) return channel.webhook
  const sep = channel.webhook.includes('?') ? '&' : '?'
  return `${channel.webhook}${sep}timestamp=${now}&sign=${dingtalkSign(channel.secret, now)}`
}

/** DingTalk's answer in words: errcode 310000 is the security check (keyword, sign or IP by errmsg), 130101 the rate limit. */
export function dingtalkVerdict(errcode: number, errmsg: string): Verdict {
  const code = String(errcode)
  if (errcode === 0) return {kind: 'ok', code, message: errmsg}
  if (errcode === 310000) {
    const m = errmsg.toLowerCase()
    const hint = /keyword/.test(m) ? msg.hints.keyword : /sign|timestamp/.test(m) ? msg.hints.sign : /ip|whitelist/.test(m) ? msg.hints.ip : `${msg.hints.keyword} ${msg.hints.sign} ${msg.hints.ip}`
    return {kind: 'fail', code, message: errmsg, hint}
  }
  if (errcode === 130101) return {kind: 'retry', code, message: errmsg, hint: msg.hints.rateLimited, waitMs: TEN_MINUTES_MS}
  if (errcode === 300001 || errcode === 300005 || errcode === 40035) return {kind: 'fail', code, message: errmsg, hint: msg.hints.token}
  if (errcode === 400102 || errcode === 400101) return {kind: 'fail', code, message: errmsg, hint: msg.hints.disabled}
  if (errcode === 460101) return {kind: 'fail', code, message: errmsg, hint: msg.hints.tooLong}
  if (errcode === -1) return {kind: 'retry', code, message: errmsg, hint: msg.hints.server}
  return {kind: 'fail', code, message: errmsg, hint: msg.hints.badRequest}
}

export function dingtalkBody(channel: DingTalkChannel, message: Parameters<Sender>[1], name: string): string {
  const mention = message.mention
  const mentionLine = [...mention.mobiles.map((m) => `@${m}`), ...mention.userIds.map((u) => `@${u}`), ...(mention.all ? ['@all'] : [])].join(' ')
  const keyword = channel.keywords?.[0]
  const {title, text} = message.test
    ? {title: withKeyword(msg.testTitle, keyword), text: `### ${withKeyword(msg.testTitle, keyword)}\n\n${msg.testBody(name, new Date().toISOString())}${mentionLine ? `\n\n${mentionLine}` : ''}`}
    : renderSummary(message.summary, {maxBytes: DINGTALK_MAX_TEXT_BYTES, keyword, mentionLine: mentionLine || undefined})
  return JSON.stringify({
    msgtype: 'markdown',
    markdown: {title, text},
    at: {atMobiles: mention.mobiles, atUserIds: mention.userIds, isAtAll: mention.all},
  })
}

function withKeyword(title: string, keyword?: string): string {
  return keyword && !title.includes(keyword) ? `[${keyword}] ${title}` : title
}

export const sendDingTalk: Sender<DingTalkChannel> = async (channel, message, ctx): Promise<Delivery> => {
  const body = dingtalkBody(channel, message, ctx.name)
  const result = await withRetries(
    ctx.policy,
    async (signal) => {
      // signed afresh on every attempt: the timestamp must be current
      const a = await httpSend(dingtalkUrl(channel), {headers: {'content-type': 'application/json; charset=utf-8'}, body, signal})
      const t = httpVerdict(a, msg.hints)
      if (t) return {...t, httpStatus: a.status}
      if (!a.json || typeof a.json.errcode !== 'number') return {kind: 'fail', code: `HTTP ${a.status}`, message: a.text.slice(0, 200), hint: msg.hints.http, httpStatus: a.status}
      return {...dingtalkVerdict(a.json.errcode, String(a.json.errmsg ?? '')), httpStatus: a.status}
    },
    msg.hints,
  )
  return {channel: ctx.name, type: 'dingtalk', bytes: Buffer.byteLength(body), ...result}
}
