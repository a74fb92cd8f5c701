import {readFileSync} from 'node:fs'
import path from 'node:path'

import {z} from 'zod'

import {registerSecret} from '../cli/secrets.js'
import {t} from '../i18n/index.js'

/**
 * The `notify` section of plantops.yaml: named channels (DingTalk, WeCom and Feishu group robots, any webhook, email)
 * and rules saying which job notifies which channel, when, and whom to @-mention.
 *
 * Secrets (robot webhook URLs carry their access token, signing secrets, WeCom keys, SMTP passwords, auth headers) are
 * accepted only by reference: `${ENV_VAR}` in the value, or `<field>File: PATH` (a file holding the value). A literal
 * secret in the file is a config error. Every resolved secret is registered for redaction.
 * This module imports only zod and node built-ins (it loads with every command).
 */

export const NOTIFY_EVENTS = ['over-tolerance', 'source-error', 'findings', 'always'] as const
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number]

export const CHANNEL_TYPES = ['dingtalk', 'wecom', 'feishu', 'webhook', 'email'] as const
export type ChannelType = (typeof CHANNEL_TYPES)[number]

const name = z.string().regex(/^[A-Za-z][\w-]*$/, 'channel names are letters, digits, "-" and "_", starting with a letter')
const httpUrl = z.string().regex(/^https?:\/\/\S+$/i, 'expected an http(s):// URL')

const mentionSchema = z.strictObject({
  /** DingTalk (and WeCom text) mobiles to @-mention. */
  mobiles: z.array(z.string().min(1)).default([]),
  /** DingTalk userIds, WeCom userids, Feishu open_ids (ou_…). */
  userIds: z.array(z.string().min(1)).default([]),
  /** @all (everyone in the group). */
  all: z.boolean().default(false),
})
export type Mention = z.infer<typeof mentionSchema>

const common = {
  description: z.string().optional(),
  /** How many top variances by value the message lists (default 10). */
  top: z.number().int().min(0).max(100).optional(),
  /** Who to @-mention on every message of this channel (rules may add more). */
  mention: mentionSchema.optional(),
}

const dingtalk = z.strictObject({
  type: z.literal('dingtalk'),
  /** https://oapi.dingtalk.com/robot/send?access_token=… (by reference: ${ENV} or webhookFile). */
  webhook: httpUrl,
  /** Signing secret (SEC…): "加签". */
  secret: z.string().min(1).optional(),
  /** Custom keywords ("自定义关键词") set on the robot: every message must contain one; plantops puts the first in the title. */
  keywords: z.array(z.string().min(1)).max(10).optional(),
  ...common,
})

const wecom = z
  .strictObject({
    type: z.literal('wecom'),
    /** https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (by reference). */
    webhook: httpUrl.optional(),
    /** Or only the robot key (by reference); the webhook is then qyapi.weixin.qq.com's. */
    key: z.string().min(1).optional(),
    /** markdown (≤ 4096 bytes, @ by <@userid>) or text (≤ 2048 bytes, @ by mobile / userid / @all). */
    msgtype: z.enum(['markdown', 'text']).default('markdown'),
    /** Also send the job's report file (≤ 20 MB) as a file message, through upload_media. */
    attachReport: z.boolean().default(false),
    ...common,
  })
  .refine((c) => (c.webhook === undefined) !== (c.key === undefined), {message: 'a wecom channel needs exactly one of webhook or key'})

const feishu = z.strictObject({
  type: z.literal('feishu'),
  /** https://open.feishu.cn/open-apis/bot/v2/hook/… (by reference). */
  webhook: httpUrl,
  /** Signature verification secret ("签名校验"). */
  secret: z.string().min(1).optional(),
  /** Custom keywords set on the bot: plantops puts the first in the title. */
  keywords: z.array(z.string().min(1)).max(10).optional(),
  ...common,
})

const webhook = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  method: z.enum(['POST', 'PUT']).default('POST'),
  /** Extra headers; values are secrets (by reference), e.g. Authorization: ${ALERT_TOKEN}. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and "-"'), z.string()).default({}),
  ...common,
})

const email = z.strictObject({
  type: z.literal('email'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the start (port 465); false: STARTTLS when the server offers it (587/25). */
  tls: z.boolean().default(false),
  /** Refuse to send without STARTTLS (default true unless tls is set or the host is localhost). */
  requireTls: z.boolean().optional(),
  user: z.string().min(1).optional(),
  /** By reference only: ${ENV} or passwordFile. */
  password: z.string().optional(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  /** Attach the job's report file (default true). */
  attachReport: z.boolean().default(true),
  ...common,
})

export const channelSchema = z.discriminatedUnion('type', [dingtalk, wecom, feishu, webhook, email])
export type ChannelConfig = z.infer<typeof channelSchema>

const ruleSchema = z.strictObject({
  /** Job names (stock-diff, reconcile-run, count-report, systems-audit, orders-import) or "*" (default: every job). */
  jobs: z.array(z.string().min(1)).default(['*']),
  channels: z.array(name).min(1),
  /** When to send; default: whenever the job's exit code is non-zero except 4 (locked). */
  on: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional(),
  mention: mentionSchema.optional(),
})
export type NotifyRule = z.infer<typeof ruleSchema>

export const notifyConfigSchema = z
  .strictObject({
    channels: z.record(name, channelSchema).default({}),
    rules: z.array(ruleSchema).default([]),
    /** Total time budget per channel, retries included (default 20 s): an alert never holds a nightly job for long. */
    timeoutSeconds: z.number().positive().max(300).default(20),
    /** Attempts per channel on timeouts, 5xx and rate-limit answers (default 3). */
    attempts: z.number().int().min(1).max(10).default(3),
    /** Where the message finds item names for the top variances (a read-only lookup of at most `top` codes). */
    itemNames: z
      .strictObject({
        source: z.string().min(1),
        table: z.string().regex(/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/, 'a table name (schema.table allowed)'),
        columns: z.strictObject({item: z.string().min(1), name: z.string().min(1)}),
      })
      .optional(),
  })
  .superRefine((cfg, ctx) => {
    const names = Object.keys(cfg.channels)
    cfg.rules.forEach((r, i) =>
      r.channels.forEach((c, j) => {
        if (!names.includes(c)) ctx.addIssue({code: 'custom', path: ['rules', i, 'channels', j], message: t('notify.config.noChannel', {channel: c, configured: names.join(', ') || t('notify.config.none')})})
      }),
    )
  })

export type NotifyConfig = z.infer<typeof notifyConfigSchema>

/** Fields holding a secret, per channel type. `headers` values are all secret. */
const SECRET_FIELDS: Record<ChannelType, string[]> = {
  dingtalk: ['webhook', 'secret'],
  wecom: ['webhook', 'key'],
  feishu: ['webhook', 'secret'],
  webhook: [],
  email: ['password'],
}

const REF_ONLY = /^\s*\$\{[A-Za-z_][A-Za-z0-9_]*\}\s*$/
const HAS_REF = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/

/**
 * Secrets by reference only. Runs on the raw (not yet interpolated) section and the interpolated one, before schema
 * validation: a literal secret is a problem; `<field>File: PATH` is read (relative to the config's directory) into
 * `<field>`; every resolved secret (and the token inside a robot URL) is registered for redaction.
 * Returns the problems, located like the schema's.
 */
export function resolveNotifySecrets(
  raw: unknown,
  resolved: unknown,
  dir: string,
  locate: (p: readonly PropertyKey[]) => string,
): string[] {
  const problems: string[] = []
  const rawChannels = (raw as {channels?: unknown} | undefined)?.channels
  const outChannels = (resolved as {channels?: unknown} | undefined)?.channels
  if (!isObject(rawChannels) || !isObject(outChannels)) return problems
  for (const [chName, rawCh] of Object.entries(rawChannels)) {
    const out = outChannels[chName]
    if (!isObject(rawCh) || !isObject(out)) continue
    const type = rawCh.type as ChannelType
    const fields = SECRET_FIELDS[type] ?? []
    const where = (f: string) => ['notify', 'channels', chName, f]
    const say = (f: string, m: string) => problems.push(`${locate(where(f))} ${where(f).join('.')}: ${m}`)
    for (const f of fields) {
      const fileKey = `${f}File`
      if (rawCh[fileKey] !== undefined) {
        if (rawCh[f] !== undefined) say(fileKey, `give ${f} or ${fileKey}, not both`)
        else if (typeof out[fileKey] === 'string') {
          const file = path.resolve(dir, out[fileKey] as string)
          try {
            out[f] = readFileSync(file, 'utf8').replace(/\r?\n$/, '')
          } catch (error) {
            say(fileKey, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
          }
        }
        delete out[fileKey]
      } else if (typeof rawCh[f] === 'string' && rawCh[f] !== '' && !(f === 'webhook' || f === 'password' ? HAS_REF : REF_ONLY).test(rawCh[f] as string)) {
        say(f, `a secret must not be written in the config file: use ${f}: \${ENV_VAR} or ${fileKey}: PATH`)
      }
      if (typeof out[f] === 'string') registerChannelSecret(out[f] as string)
    }
    if (type === 'webhook') {
      if (typeof out.url === 'string') registerUrlTokens(out.url)
      const rawHeaders = rawCh.headers
      if (isObject(rawHeaders) && isObject(out.headers)) {
        for (const [h, v] of Object.entries(rawHeaders)) {
          const sensitive = /^(authorization|cookie|.*(token|key|secret|signature|auth).*)$/i.test(h)
          if (sensitive && typeof v === 'string' && !HAS_REF.test(v)) problems.push(`${locate(['notify', 'channels', chName, 'headers', h])} notify.channels.${chName}.headers.${h}: ${t('notify.config.secretHeader')}`)
          const value = out.headers[h]
          if (typeof value === 'string' && (sensitive || HAS_REF.test(String(v)))) registerChannelSecret(value)
        }
      }
    }
  }
  return problems
}

/** A robot URL is a secret, and so is the token inside it (it may be printed alone, e.g. in a vendor's answer). */
export function registerChannelSecret(value: string): void {
  registerSecret(value)
  registerUrlTokens(value)
}

function registerUrlTokens(value: string): void {
  if (!/^https?:\/\//i.test(value)) return
  try {
    const u = new URL(value)
    for (const [k, v] of u.searchParams) if (/token|key|secret|sign|auth/i.test(k)) registerSecret(v)
    // Feishu: …/bot/v2/hook/<id>; WeCom/DingTalk carry theirs in the query
    const hook = /\/hook\/([^/?#]+)/.exec(u.pathname)
    if (hook) registerSecret(hook[1])
    if (u.password) registerSecret(decodeURIComponent(u.password))
  } catch {
    // not a URL: registered whole by the caller
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
