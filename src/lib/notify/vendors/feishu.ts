import {createHmac} from 'node:crypto'

import type {ChannelConfig} from '../config.js'
import {httpSend, httpVerdict, withRetries, type Delivery, type Verdict} from '../http.js'
import {msg} from '../messages.js'
import {renderSummary, titleOf} from '../summary.js'
import {fitBody, type Sender} from './types.js'

type FeishuChannel = Extract<ChannelConfig, {type: 'feishu'}>

/** Feishu/Lark custom bot: the request body must stay within 20 KB. */
export const FEISHU_MAX_BODY_BYTES = 20 * 1024

/**
 * Feishu signing ("签名校验"), the reverse of DingTalk's: timestamp in seconds; sign = base64 of HMAC-SHA256 with
 * key `timestamp + "\n" + secret` over an empty message.
 */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64')
}

export function feishuVerdict(code: number, message: string): Verdict {
  const c = String(code)
  if (code === 0) return {kind: 'ok', code: c, message}
  if (code === 19021) return {kind: 'fail', code: c, message, hint: msg.hints.sign}
  if (code === 19022) return {kind: 'fail', code: c, message, hint: msg.hints.ip}
  if (code === 19024) return {kind: 'fail', code: c, message, hint: msg.hints.keyword}
  if (code === 11232 || code === 9499 && /frequen|rate/i.test(message)) return {kind: 'retry', code: c, message, hint: msg.hints.rateLimited, waitMs: 1000}
  if (code === 19001 || code === 19002) return {kind: 'fail', code: c, message, hint: msg.hints.token}
  return {kind: 'fail', code: c, message, hint: msg.hints.badRequest}
}

/** An interactive card: the title in its header, the summary as a markdown element. */
export function feishuBody(channel: FeishuChannel, message: Parameters<Sender>[1], name: string, nowSec = Math.floor(Date.now() / 1000)): string {
  const keyword = channel.keywords?.[0]
  const {mention} = message
  const mentionLine = [...mention.userIds.map((u) => `<at id=${u}></at>`), ...(mention.all ? ['<at id=all></at>'] : [])].join(' ')
  const signing = channel.secret ? {timestamp: String(nowSec), sign: feishuSign(channel.secret, nowSec)} : {}
  return fitBody(FEISHU_MAX_BODY_BYTES, (budget) => {
    let title: string
    let text: string
    if (message.test) {
      title = keyword && !msg.testTitle.includes(keyword) ? `[${keyword}] ${msg.testTitle}` : msg.testTitle
      text = `${msg.testBody(name, new Date().toISOString())}${mentionLine ? `\n${mentionLine}` : ''}`
    } else {
      title = titleOf(message.summary, keyword)
      // the card header carries the title: the markdown starts at the headline
      const r = renderSummary(message.summary, {maxBytes: Math.max(0, budget - 600), keyword, mentionLine: mentionLine || undefined})
      text = r.text.replace(/^### .*\n/, '')
    }
    return JSON.stringify({
      ...signing,
      msg_type: 'interactive',
      card: {
        config: {wide_screen_mode: true},
        header: {title: {tag: 'plain_text', content: title}, template: message.test || message.summary.status === 'ok' ? 'green' : 'red'},
        elements: [{tag: 'markdown', content: text}],
      },
    })
  })
}

export const sendFeishu: Sender<FeishuChannel> = async (channel, message, ctx): Promise<Delivery> => {
  let bytes = 0
  const result = await withRetries(
    ctx.policy,
    async (signal) => {
      const body = feishuBody(channel, message, ctx.name) // signed afresh each attempt
      bytes = Buffer.byteLength(body)
      const a = await httpSend(channel.webhook, {headers: {'content-type': 'application/json; charset=utf-8'}, body, signal})
      const t = httpVerdict(a, msg.hints)
      if (t) return {...t, httpStatus: a.status}
      const code = a.json?.code ?? a.json?.StatusCode
      if (typeof code !== 'number') return {kind: 'fail', code: `HTTP ${a.status}`, message: a.text.slice(0, 200), hint: msg.hints.http, httpStatus: a.status}
      return {...feishuVerdict(code, String(a.json?.msg ?? a.json?.StatusMessage ?? '')), httpStatus: a.status}
    },
    msg.hints,
  )
  return {channel: ctx.name, type: 'feishu', bytes, ...result}
}
