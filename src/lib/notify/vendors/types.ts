import type {ChannelConfig, Mention} from '../config.js'
import type {Delivery, RetryPolicy} from '../http.js'
import type {NotifySummary} from '../summary.js'

/** One message for one channel: the run's summary (or a test), whom to mention, the report files. */
export interface OutgoingMessage {
  summary: NotifySummary
  mention: Mention
  /** A `plantops notify test` message instead of a run's summary. */
  test: boolean
}

export interface SendContext {
  name: string
  policy: RetryPolicy
}

export type Sender<C extends ChannelConfig = ChannelConfig> = (channel: C, message: OutgoingMessage, ctx: SendContext) => Promise<Delivery>

export const EMPTY_MENTION: Mention = {mobiles: [], userIds: [], all: false}

/**
 * Render a vendor body whose serialized size must stay within `maxBodyBytes`: render with a text budget, measure the
 * serialized body (JSON escaping grows it), shrink the budget by the excess and render again.
 */
export function fitBody(maxBodyBytes: number, build: (textBudget: number) => string): string {
  let budget = maxBodyBytes
  for (let i = 0; i < 8; i++) {
    const body = build(budget)
    const over = Buffer.byteLength(body) - maxBodyBytes
    if (over <= 0) return body
    budget -= over + 16
    if (budget <= 0) break
  }
  return build(0)
}
