import type {Knex} from 'knex'

import {redact} from '../cli/secrets.js'
import {label, t} from '../i18n/index.js'
import type {Delivery} from './http.js'

export interface DeliveryRecord extends Delivery {
  id: number
  runId: number | null
  sentAt: string
}

interface DeliveryRow {
  id: number
  run_id: number | null
  channel: string
  type: string
  status: 'sent' | 'failed'
  attempts: number
  http_status: number | null
  vendor_code: string | null
  vendor_message: string | null
  hint: string | null
  bytes: number
  elapsed_ms: number
  sent_at: string
}

/** Remember what a run's alerts ended with (the vendor's answer redacted), for `runs show`. */
export async function recordDeliveries(knex: Knex, runId: number | null, deliveries: Delivery[]): Promise<void> {
  if (deliveries.length === 0) return
  const sentAt = new Date().toISOString()
  await knex('notify_deliveries').insert(
    deliveries.map((d) => ({
      run_id: runId,
      channel: d.channel,
      type: d.type,
      status: d.status,
      attempts: d.attempts,
      http_status: d.httpStatus,
      vendor_code: d.vendorCode === null ? null : redact(d.vendorCode).slice(0, 64),
      vendor_message: d.vendorMessage === null ? null : redact(d.vendorMessage).slice(0, 2000),
      hint: d.hint,
      bytes: d.bytes,
      elapsed_ms: d.elapsedMs,
      sent_at: sentAt,
    })),
  )
}

export async function listDeliveries(knex: Knex, runId: number): Promise<DeliveryRecord[]> {
  if (!(await knex.schema.hasTable('notify_deliveries'))) return []
  const rows = (await knex<DeliveryRow>('notify_deliveries').where({run_id: runId}).orderBy('id')) as DeliveryRow[]
  return rows.map((r) => ({
    id: Number(r.id),
    runId: r.run_id === null ? null : Number(r.run_id),
    channel: r.channel,
    type: r.type,
    status: r.status,
    attempts: Number(r.attempts),
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    vendorCode: r.vendor_code,
    vendorMessage: r.vendor_message,
    hint: r.hint,
    bytes: Number(r.bytes),
    elapsedMs: Number(r.elapsed_ms),
    sentAt: r.sent_at,
  }))
}

/**
 * The answer a delivery got, as one text: "HTTP 200 0 ok", the HTTP status once. A vendor code that only repeats the
 * status ("HTTP 500" from a generic HTTP verdict, "HTTP 200" recorded by older webhook deliveries) is not repeated.
 */
export function deliveryAnswer(d: Pick<Delivery, 'httpStatus' | 'vendorCode' | 'vendorMessage'>): string {
  const status = d.httpStatus === null ? null : `HTTP ${d.httpStatus}`
  const code = d.vendorCode === status ? null : d.vendorCode
  return [status, code, d.vendorMessage].filter(Boolean).join(' ')
}

/** One line per delivery for `runs show`: "dingtalk-plant (dingtalk): sent, 1 attempt, 812 bytes, 143 ms, answer 0 ok". */
export function describeDelivery(d: Delivery): string {
  const answer = deliveryAnswer(d)
  const statusKey = `notify.delivery.status.${d.status}` // i18n-dynamic: notify.delivery.status.*
  const status = label(statusKey) === statusKey ? d.status : label(statusKey)
  const parts = [t('notify.delivery.head', {channel: d.channel, type: d.type, status}), t('notify.delivery.attempts', {count: d.attempts}), t('notify.delivery.bytes', {n: d.bytes}), t('notify.delivery.ms', {n: d.elapsedMs})]
  if (answer) parts.push(t('notify.delivery.answer', {answer}))
  return `${parts.join(label('common.listSeparator'))}${d.hint ? `\n  ${t('notify.delivery.fix', {hint: d.hint})}` : ''}`
}
