import {createHmac} from 'node:crypto'
import http from 'node:http'
import type {AddressInfo} from 'node:net'

/** Run the built CLI without blocking this process's event loop (the fake vendors live in it). */
export {runCliAsync} from '../helpers/cli.js'

/** A request the fake vendor received. */
export interface Received {
  method: string
  url: URL
  headers: http.IncomingHttpHeaders
  raw: Buffer
  body: any
  /** Why the fake vendor refused it (null: accepted). */
  refused: string | null
}

export type Answer = {status?: number; json?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number; hang?: boolean}

/**
 * A local server on 127.0.0.1 that plays a chat robot. It checks what the real vendor checks — DingTalk's and Feishu's
 * signatures computed here independently from the specification, keywords, body size, content type — and answers with
 * the vendor's own error bodies. `script` answers the nth request first (5xx, timeouts, rate limits), then the checks run.
 */
export class FakeVendor {
  readonly received: Received[] = []
  script: Answer[] = []
  private server!: http.Server
  port = 0

  constructor(
    readonly vendor: 'dingtalk' | 'wecom' | 'feishu' | 'webhook',
    readonly opts: {secret?: string; keywords?: string[]; now?: () => number} = {},
  ) {}

  get url(): string {
    const base = `http://127.0.0.1:${this.port}`
    if (this.vendor === 'dingtalk') return `${base}/robot/send?access_token=tok-dingtalk-0123456789`
    if (this.vendor === 'wecom') return `${base}/cgi-bin/webhook/send?key=wecom-key-0123456789`
    if (this.vendor === 'feishu') return `${base}/open-apis/bot/v2/hook/feishu-hook-0123456789`
    return `${base}/hooks/plantops`
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => void this.handle(req, Buffer.concat(chunks), res))
    })
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()))
    this.port = (this.server.address() as AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((r) => this.server.close(() => r()))
  }

  private async handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`)
    let body: any = null
    const isJson = /^application\/json/.test(req.headers['content-type'] ?? '')
    if (isJson) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        body = null
      }
    }
    const entry: Received = {method: req.method ?? '', url, headers: req.headers, raw, body, refused: null}
    this.received.push(entry)
    const scripted = this.script.shift()
    if (scripted) {
      if (scripted.hang) return // never answers: the client's timeout must fire
      if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs))
      res.writeHead(scripted.status ?? 200, {'content-type': 'application/json', ...scripted.headers})
      res.end(scripted.text ?? JSON.stringify(scripted.json ?? {}))
      return
    }
    const answer = this.check(entry, url, isJson)
    res.writeHead(answer.status ?? 200, {'content-type': 'application/json'})
    res.end(JSON.stringify(answer.json))
  }

  private refuse(e: Received, why: string, answer: Answer): Answer {
    e.refused = why
    return answer
  }

  /** The vendor's checks, in the vendor's order, with its error bodies. */
  private check(e: Received, url: URL, isJson: boolean): Answer {
    const text = e.raw.toString('utf8')
    if (this.vendor === 'dingtalk') {
      if (!isJson || !e.body) return this.refuse(e, 'content type', {json: {errcode: 40035, errmsg: '缺少参数 json'}})
      if (this.opts.secret) {
        const ts = url.searchParams.get('timestamp')
        const sign = url.searchParams.get('sign') // URLSearchParams decodes %2B → +, and a raw + → space
        const expected = createHmac('sha256', this.opts.secret).update(`${ts}\n${this.opts.secret}`).digest('base64')
        const now = this.opts.now?.() ?? Date.now()
        if (!ts || !/^\d{13}$/.test(ts) || Math.abs(now - Number(ts)) > 3_600_000) return this.refuse(e, 'timestamp', {json: {errcode: 310000, errmsg: 'invalid timestamp'}})
        if (sign !== expected) return this.refuse(e, 'sign', {json: {errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]'}})
      }
      if (this.opts.keywords && !this.opts.keywords.some((k) => text.includes(k) || JSON.stringify(e.body).includes(k))) {
        return this.refuse(e, 'keyword', {json: {errcode: 310000, errmsg: '关键词不匹配 keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]'}})
      }
      const content = e.body.markdown?.text ?? e.body.text?.content ?? ''
      if (Buffer.byteLength(content) > 20_000) return this.refuse(e, 'size', {json: {errcode: 460101, errmsg: 'message too long, exceed 20000 bytes'}})
      return {json: {errcode: 0, errmsg: 'ok'}}
    }
    if (this.vendor === 'wecom') {
      if (url.pathname.endsWith('/upload_media')) {
        if (!/^multipart\/form-data/.test(e.headers['content-type'] ?? '')) return this.refuse(e, 'content type', {json: {errcode: 40004, errmsg: 'invalid media type'}})
        if (url.searchParams.get('type') !== 'file' || !/name="media"/.test(text)) return this.refuse(e, 'media field', {json: {errcode: 41001, errmsg: 'missing media'}})
        return {json: {errcode: 0, errmsg: 'ok', type: 'file', media_id: 'media-123', created_at: '1380000000'}}
      }
      if (!isJson || !e.body) return this.refuse(e, 'content type', {json: {errcode: 40008, errmsg: 'invalid message type'}})
      if (e.body.msgtype === 'markdown' && Buffer.byteLength(e.body.markdown?.content ?? '') > 4096) return this.refuse(e, 'size', {json: {errcode: 40058, errmsg: 'markdown.content exceed max length 4096'}})
      if (e.body.msgtype === 'text' && Buffer.byteLength(e.body.text?.content ?? '') > 2048) return this.refuse(e, 'size', {json: {errcode: 40058, errmsg: 'text.content exceed max length 2048'}})
      return {json: {errcode: 0, errmsg: 'ok'}}
    }
    if (this.vendor === 'feishu') {
      if (!isJson || !e.body) return this.refuse(e, 'content type', {status: 400, json: {code: 9499, msg: 'Bad Request', data: {}}})
      if (e.raw.length > 20 * 1024) return this.refuse(e, 'size', {status: 400, json: {code: 9499, msg: 'request body too large', data: {}}})
      if (this.opts.secret) {
        const ts = String(e.body.timestamp ?? '')
        const expected = createHmac('sha256', `${ts}\n${this.opts.secret}`).update('').digest('base64')
        const now = Math.floor((this.opts.now?.() ?? Date.now()) / 1000)
        if (!/^\d{10}$/.test(ts) || Math.abs(now - Number(ts)) > 3600 || e.body.sign !== expected) {
          return this.refuse(e, 'sign', {json: {code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {}}})
        }
      }
      if (this.opts.keywords && !this.opts.keywords.some((k) => JSON.stringify(e.body).includes(k))) return this.refuse(e, 'keyword', {json: {code: 19024, msg: 'Key Words Not Found', data: {}}})
      return {json: {StatusCode: 0, StatusMessage: 'success', code: 0, msg: 'success', data: {}}}
    }
    return {status: 204, json: {}}
  }
}

