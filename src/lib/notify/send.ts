import {UsageError} from '../cli/errors.js'
import type {ChannelConfig, Mention, NotifyConfig, NotifyEvent} from './config.js'
import type {Delivery, RetryPolicy} from './http.js'
import {msg} from './messages.js'
import type {NotifySummary} from './summary.js'
import {sendDingTalk} from './vendors/dingtalk.js'
import {sendEmail} from './vendors/email.js'
import {sendFeishu} from './vendors/feishu.js'
import {EMPTY_MENTION, type OutgoingMessage, type SendContext} from './vendors/types.js'
import {sendWeCom} from './vendors/wecom.js'
import {sendWebhook} from './vendors/webhook.js'

/** One channel to notify for a run: the conditions it is sent on, and whom to mention. */
export interface PlannedChannel {
  name: string
  channel: ChannelConfig
  /** null: the default (the exit code is non-zero and not 4). */
  on: NotifyEvent[] | null
  mention: Mention
}

export interface NotifySelection {
  /** --notify CHANNEL… (replaces the rules' channel list for this run). */
  channels?: string[]
  /** --no-notify */
  disabled?: boolean
  /** Channels that exist for this run only (e.g. `demo --notify-url`), always sent. */
  extra?: Record<string, ChannelConfig>
}

const jobMatches = (jobs: string[], job: string) => jobs.includes('*') || jobs.includes(job)

function mergeMentions(...ms: Array<Mention | undefined>): Mention {
  const out: Mention = {mobiles: [], userIds: [], all: false}
  for (const m of ms) {
    if (!m) continue
    out.mobiles.push(...m.mobiles.filter((x) => !out.mobiles.includes(x)))
    out.userIds.push(...m.userIds.filter((x) => !out.userIds.includes(x)))
    out.all ||= m.all
  }
  return out
}

/**
 * Which channels a run of `job` may notify, and on what: the rules naming the job (or "*"), or with --notify the
 * channels named (on the conditions of the job's rules naming them, else the default). One entry per channel however
 * many rules name it (their conditions and mentions merged): one message per run per channel.
 * An unknown channel in --notify is a usage error (checked before the job runs).
 */
export function planChannels(cfg: NotifyConfig | undefined, job: string, sel: NotifySelection): PlannedChannel[] {
  if (sel.disabled) return []
  const channels = cfg?.channels ?? {}
  const rules = (cfg?.rules ?? []).filter((r) => jobMatches(r.jobs, job))
  const plan = new Map<string, PlannedChannel>()
  const add = (name: string, on: NotifyEvent[] | null, mention?: Mention) => {
    const channel = channels[name]
    const prev = plan.get(name)
    const merged: NotifyEvent[] | null = prev === undefined ? on : prev.on === null || on === null ? null : [...new Set([...prev.on, ...on])]
    plan.set(name, {name, channel, on: merged, mention: mergeMentions(prev?.mention, channel.mention, mention)})
  }
  if (sel.channels && sel.channels.length > 0) {
    const names = sel.channels.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean)
    for (const name of names) {
      if (!channels[name]) throw new UsageError(msg.unknownChannel(name, Object.keys(channels)), {hints: [Object.keys(channels).length === 0 ? msg.noChannels : msg.channelsAre]})
      const named = rules.filter((r) => r.channels.includes(name))
      if (named.length === 0) add(name, null)
      for (const r of named) add(name, r.on ?? null, r.mention)
    }
  } else {
    for (const r of rules) for (const name of r.channels) add(name, r.on ?? null, r.mention)
  }
  for (const [name, channel] of Object.entries(sel.extra ?? {})) plan.set(name, {name, channel, on: ['always'], mention: mergeMentions(channel.mention)})
  return [...plan.values()]
}

/** Does this run meet a channel's conditions? Default: the exit code is non-zero and not 4 (locked). */
export function shouldSend(on: NotifyEvent[] | null, s: Pick<NotifySummary, 'exitCode' | 'events'>): boolean {
  if (on === null) return s.exitCode !== 0 && s.exitCode !== 4
  return on.some((e) => (e === 'always' ? true : e === 'over-tolerance' ? s.events.overTolerance : e === 'source-error' ? s.events.sourceError : s.events.findings))
}

export function policyOf(cfg: NotifyConfig | undefined): RetryPolicy {
  return {totalMs: (cfg?.timeoutSeconds ?? 20) * 1000, attempts: cfg?.attempts ?? 3, baseDelayMs: 500}
}

/** Send one message to one channel. Never throws: every failure is a Delivery with status failed and a hint. */
export async function sendToChannel(channel: ChannelConfig, message: OutgoingMessage, ctx: SendContext): Promise<Delivery> {
  const started = performance.now()
  try {
    switch (channel.type) {
      case 'dingtalk':
        return await sendDingTalk(channel, message, ctx)
      case 'wecom':
        return await sendWeCom(channel, message, ctx)
      case 'feishu':
        return await sendFeishu(channel, message, ctx)
      case 'webhook':
        return await sendWebhook(channel, message, ctx)
      case 'email':
        return await sendEmail(channel, message, ctx)
    }
  } catch (error) {
    return {
      channel: ctx.name,
      type: channel.type,
      status: 'failed',
      attempts: 1,
      httpStatus: null,
      vendorCode: 'ERROR',
      vendorMessage: (error as Error)?.message ?? String(error),
      hint: msg.hints.network,
      bytes: 0,
      elapsedMs: Math.round(performance.now() - started),
    }
  }
}

/** Send the run's summary to every planned channel whose conditions it meets, in parallel. */
export async function deliver(plan: PlannedChannel[], summary: NotifySummary, policy: RetryPolicy): Promise<Delivery[]> {
  const due = plan.filter((p) => shouldSend(p.on, summary))
  return Promise.all(due.map((p) => sendToChannel(p.channel, {summary, mention: p.mention ?? EMPTY_MENTION, test: false}, {name: p.name, policy})))
}
