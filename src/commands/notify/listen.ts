import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {t} from '../../lib/i18n/index.js'

export interface NotifyListenResult {
  port: number
  received: Array<{method: string; path: string; contentType: string | null; bytes: number; body: string}>
}

export default class NotifyListen extends BaseCommand<typeof NotifyListen> {
  static summary = 'A local robot: listen on 127.0.0.1 and print every alert plantops sends to it (to try notify without a real group).'
  static description = `Answers like a DingTalk/WeCom/Feishu robot that accepted the message ({"errcode":0,"code":0}). Point a
channel's webhook (or \`plantops demo --notify-url\`) at http://127.0.0.1:PORT/robot/send and watch the messages arrive.`

  static examples = [
    '<%= config.bin %> notify listen --port 8931 &\n<%= config.bin %> demo --notify-url http://127.0.0.1:8931/robot/send',
    '<%= config.bin %> notify listen --port 8931 --count 1 --json',
  ]

  static flags = {
    port: Flags.integer({summary: 'Port on 127.0.0.1 (0: any free port, printed on stderr).', default: 8931, min: 0, max: 65535}),
    count: Flags.integer({summary: 'Exit after this many messages (default: run until interrupted).', min: 1}),
  }

  async run(): Promise<NotifyListenResult> {
    const {flags} = await this.parse(NotifyListen)
    const http = await import('node:http')
    const received: NotifyListenResult['received'] = []
    let port = flags.port
    const host = '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          const raw = Buffer.concat(chunks)
          const body = raw.toString('utf8')
          const entry = {method: req.method ?? '', path: (req.url ?? '').replace(/([?&](access_token|key|sign)=)[^&]+/g, '$1***'), contentType: req.headers['content-type'] ?? null, bytes: raw.length, body}
          received.push(entry)
          res.writeHead(200, {'content-type': 'application/json'})
          res.end(JSON.stringify({errcode: 0, errmsg: 'ok', code: 0, msg: 'success'}))
          if (!this.jsonEnabled()) this.log(describe(entry))
          if (flags.count && received.length >= flags.count) server.close(() => resolve())
        })
      })
      server.on('error', (error) => reject(listenError(error, port, host)))
      server.listen(port, host, () => {
        const addr = server.address()
        port = typeof addr === 'object' && addr ? addr.port : port
        process.stderr.write(`${t('notify.listen.listening', {port})}\n`)
      })
    })
    return {port, received}
  }
}

/**
 * A port that cannot be had is the operator's choice to change (exit 2), not a defect: taken by another process
 * (EADDRINUSE), or below 1024 without the privilege to bind it (EACCES; EPERM on some systems). Anything else as is.
 */
function listenError(error: Error & {code?: string}, port: number, host: string): Error {
  if (error.code === 'EADDRINUSE') {
    return new UsageError(t('notify.listen.portInUse', {port, host}), {code: 'PORT_IN_USE', hints: [t('notify.listen.anyPortHint')], cause: error})
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new UsageError(t('notify.listen.portDenied', {port, host}), {code: 'PORT_DENIED', hints: [t('notify.listen.anyPortHint')], cause: error})
  }
  return error
}

function describe(e: NotifyListenResult['received'][number]): string {
  let text = e.body
  try {
    const j = JSON.parse(e.body) as Record<string, any>
    text = j.markdown?.text ?? j.markdown?.content ?? j.text?.content ?? j.card?.elements?.[0]?.content ?? j.text ?? JSON.stringify(j, null, 2)
  } catch {
    // not JSON: printed as is
  }
  return `── ${e.method} ${e.path} · ${e.contentType ?? t('notify.listen.noContentType')} · ${t('notify.listen.bytes', {n: e.bytes})}\n${text}\n`
}
