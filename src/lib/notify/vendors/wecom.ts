import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import type {ChannelConfig} from '../config.js'
import {httpSend, httpVerdict, withRetries, type Delivery, type Verdict} from '../http.js'
import {t} from '../../i18n/index.js'
import {msg} from '../messages.js'
import {renderSummary} from '../summary.js'
import type {Sender} from './types.js'

type WeComChannel = Extract<ChannelConfig, {type: 'wecom'}>

/** WeCom group robot limits: markdown content ≤ 4096 bytes, text content ≤ 2048 bytes, a file ≤ 20 MB. */
export const WECOM_MARKDOWN_MAX_BYTES = 4096
export const WECOM_TEXT_MAX_BYTES = 2048
export const WECOM_FILE_MAX_BYTES = 20 * 1024 * 1024
const DEFAULT_BASE = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send'

export function wecomSendUrl(channel: Pick<WeComChannel, 'webhook' | 'key'>): string {
  return channel.webhook ?? `${DEFAULT_BASE}?key=${encodeURIComponent(channel.key ?? '')}`
}

/** …/webhook/send?key=K → …/webhook/upload_media?key=K&type=file */
export function wecomUploadUrl(channel: Pick<WeComChannel, 'webhook' | 'key'>): string {
  const u = new URL(wecomSendUrl(channel))
  u.pathname = u.pathname.replace(/\/send$/, '/upload_media')
  u.searchParams.set('type', 'file')
  return u.toString()
}

export function wecomVerdict(errcode: number, errmsg: string): Verdict {
  const code = String(errcode)
  if (errcode === 0) return {kind: 'ok', code, message: errmsg}
  if (errcode === 45009 || errcode === 45033) return {kind: 'retry', code, message: errmsg, hint: msg.hints.rateLimited, waitMs: 60_000}
  if (errcode === -1) return {kind: 'retry', code, message: errmsg, hint: msg.hints.server}
  if (errcode === 93000 || errcode === 93008) return {kind: 'fail', code, message: errmsg, hint: msg.hints.token}
  if (errcode === 93004) return {kind: 'fail', code, message: errmsg, hint: msg.hints.disabled}
  if (errcode === 301002 || (/\bip\b/i.test(errmsg) && /not allow|whitelist|white list/i.test(errmsg))) return {kind: 'fail', code, message: errmsg, hint: msg.hints.ip}
  if (errcode === 45002 || (errcode === 40058 && /length|long|size/i.test(errmsg))) return {kind: 'fail', code, message: errmsg, hint: msg.hints.tooLong}
  return {kind: 'fail', code, message: errmsg, hint: msg.hints.badRequest}
}

export function wecomBody(channel: WeComChannel, message: Parameters<Sender>[1], name: string): string {
  const {mention} = message
  if (channel.msgtype === 'text') {
    const text = message.test ? `${msg.testTitle}\n${msg.testBody(name, new Date().toISOString()).replaceAll('**', '')}` : renderSummary(message.summary, {maxBytes: WECOM_TEXT_MAX_BYTES, plain: true}).text
    return JSON.stringify({msgtype: 'text', text: {content: text, mentioned_list: [...mention.userIds, ...(mention.all ? ['@all'] : [])], mentioned_mobile_list: mention.mobiles}})
  }
  // markdown: mentions by <@userid> in the content (WeCom markdown has no mobile or @all mention)
  const mentionLine = mention.userIds.map((u) => `<@${u}>`).join(' ')
  const text = message.test
    ? `### ${msg.testTitle}\n${msg.testBody(name, new Date().toISOString())}${mentionLine ? `\n${mentionLine}` : ''}`
    : renderSummary(message.summary, {maxBytes: WECOM_MARKDOWN_MAX_BYTES, mentionLine: mentionLine || undefined}).text
  return JSON.stringify({msgtype: 'markdown', markdown: {content: text}})
}

async function post(url: string, body: string | FormData, headers: Record<string, string>, ctx: Parameters<Sender>[2]) {
  let mediaId: string | null = null
  const result = await withRetries(
    ctx.policy,
    async (signal) => {
      const a = await httpSend(url, {headers, body, signal})
      const t = httpVerdict(a, msg.hints)
      if (t) return {...t, httpStatus: a.status}
      if (!a.json || typeof a.json.errcode !== 'number') return {kind: 'fail', code: `HTTP ${a.status}`, message: a.text.slice(0, 200), hint: msg.hints.http, httpStatus: a.status}
      if (typeof a.json.media_id === 'string') mediaId = a.json.media_id
      return {...wecomVerdict(a.json.errcode, String(a.json.errmsg ?? '')), httpStatus: a.status}
    },
    msg.hints,
  )
  return {result, mediaId: mediaId as string | null}
}

export const sendWeCom: Sender<WeComChannel> = async (channel, message, ctx): Promise<Delivery> => {
  const body = wecomBody(channel, message, ctx.name)
  const json = {'content-type': 'application/json; charset=utf-8'}
  const {result} = await post(wecomSendUrl(channel), body, json, ctx)
  const delivery: Delivery = {channel: ctx.name, type: 'wecom', bytes: Buffer.byteLength(body), ...result}
  if (delivery.status !== 'sent' || !channel.attachReport || message.test) return delivery
  const file = message.summary.outputs.at(0)
  if (!file) return delivery
  // the report as a file message: upload_media (multipart field "media"), then msgtype file
  try {
    const size = (await stat(file)).size
    if (size > WECOM_FILE_MAX_BYTES) throw new Error(t('notify.fileTooBig', {file, n: size}))
    const form = new FormData()
    form.append('media', new Blob([await readFile(file)]), path.basename(file))
    const up = await post(wecomUploadUrl(channel), form, {}, ctx)
    if (up.result.status !== 'sent' || !up.mediaId) throw new Error(`upload_media: ${up.result.vendorCode ?? ''} ${up.result.vendorMessage ?? ''}`.trim())
    const fileBody = JSON.stringify({msgtype: 'file', file: {media_id: up.mediaId}})
    const sent = await post(wecomSendUrl(channel), fileBody, json, ctx)
    if (sent.result.status !== 'sent') throw new Error(`file message: ${sent.result.vendorCode ?? ''} ${sent.result.vendorMessage ?? ''}`.trim())
    delivery.bytes += size + Buffer.byteLength(fileBody)
    delivery.elapsedMs += up.result.elapsedMs + sent.result.elapsedMs
  } catch (error) {
    delivery.vendorMessage = msg.attachmentFailed((error as Error).message)
  }
  return delivery
}
