import {redact} from '../cli/secrets.js'
import {t} from '../i18n/index.js'

/** What one delivery ended with, as recorded in the run history and printed by `notify test`. */
export interface Delivery {
  channel: string
  type: string
  status: 'sent' | 'failed'
  attempts: number
  httpStatus: number | null
  /** The vendor's own code and message (errcode/errmsg, code/msg, SMTP reply), redacted. */
  vendorCode: string | null
  vendorMessage: string | null
  /** What to fix, in words (null when sent). */
  hint: string | null
  bytes: number
  elapsedMs: number
}

export interface HttpAnswer {
  status: number
  headers: Headers
  text: string
  json: Record<string, unknown> | null
}

/** How a vendor reads an HTTP answer: ok, retry (transient / rate limited), or fail for good. */
export type Verdict =
  | {kind: 'ok'; code?: string; message?: string}
  | {kind: 'retry'; code?: string; message?: string; hint: string; waitMs?: number}
  | {kind: 'fail'; code?: string; message?: string; hint: string}

export interface RetryPolicy {
  /** Total budget for every attempt and wait, ms. */
  totalMs: number
  attempts: number
  /** First backoff, doubled each time (default 500 ms). */
  baseDelayMs?: number
}

export type Attempt = (signal: AbortSignal) => Promise<Verdict & {httpStatus?: number | null}>

/**
 * Run `attempt` until it is ok, fails for good, runs out of attempts or of the total budget. Timeouts, network errors,
 * 5xx and rate-limit answers are retried with exponential backoff; a vendor's Retry-After (or equivalent) is honoured
 * when it fits the budget, otherwise the delivery fails now as rate limited (never waiting minutes in a nightly job).
 */
export async function withRetries(policy: RetryPolicy, attempt: Attempt, hints: {timeout: string; network: string}): Promise<Omit<Delivery, 'channel' | 'type' | 'bytes'>> {
  const started = performance.now()
  const deadline = started + policy.totalMs
  let delay = policy.baseDelayMs ?? 500
  let last: Omit<Delivery, 'channel' | 'type' | 'bytes' | 'elapsedMs'> = {status: 'failed', attempts: 0, httpStatus: null, vendorCode: null, vendorMessage: null, hint: null}
  for (let n = 1; n <= policy.attempts; n++) {
    const left = deadline - performance.now()
    if (left <= 0) break
    let verdict: Verdict & {httpStatus?: number | null}
    const controller = new AbortController()
    // each attempt gets its share of the budget, so a hung connection still leaves time to retry
    const timer = setTimeout(() => controller.abort(new Error('timeout')), Math.max(1, Math.min(left, Math.ceil(policy.totalMs / policy.attempts))))
    try {
      verdict = await attempt(controller.signal)
    } catch (error) {
      const timedOut = controller.signal.aborted || (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError'
      const cause = (error as {cause?: {code?: string; message?: string}})?.cause
      verdict = {
        kind: 'retry',
        code: timedOut ? 'TIMEOUT' : (cause?.code ?? 'NETWORK'),
        message: timedOut ? t('notify.noAnswerWithin', {s: (Math.ceil(policy.totalMs / policy.attempts) / 1000).toFixed(1)}) : (cause?.message ?? (error as Error)?.message ?? String(error)),
        hint: timedOut ? hints.timeout : hints.network,
      }
    } finally {
      clearTimeout(timer)
    }
    last = {
      status: verdict.kind === 'ok' ? 'sent' : 'failed',
      attempts: n,
      httpStatus: verdict.httpStatus ?? null,
      vendorCode: verdict.code ?? null,
      vendorMessage: verdict.message === undefined ? null : redact(verdict.message).slice(0, 500),
      hint: verdict.kind === 'ok' ? null : verdict.hint,
    }
    if (verdict.kind !== 'retry') break
    if (n === policy.attempts) break
    const wait = Math.max(verdict.waitMs ?? 0, delay)
    if (performance.now() + wait >= deadline) break
    await new Promise((r) => setTimeout(r, wait))
    delay *= 2
  }
  return {...last, elapsedMs: Math.round(performance.now() - started)}
}

/** POST a body and read the answer (JSON when it parses). Redirects are not followed (a robot URL never redirects). */
export async function httpSend(url: string, init: {method?: string; headers?: Record<string, string>; body: string | FormData; signal: AbortSignal}): Promise<HttpAnswer> {
  const res = await fetch(url, {method: init.method ?? 'POST', headers: init.headers, body: init.body, signal: init.signal, redirect: 'manual'})
  const text = await res.text()
  let json: Record<string, unknown> | null = null
  try {
    const parsed = JSON.parse(text) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>
  } catch {
    json = null
  }
  return {status: res.status, headers: res.headers, text, json}
}

/** Retry-After (seconds or HTTP date) in ms, if the answer carries one. */
export function retryAfterMs(headers: Headers): number | undefined {
  const v = headers.get('retry-after')
  if (!v) return undefined
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

/** The common part of every robot's verdict: transport-level answers (5xx, 429, non-JSON). */
export function httpVerdict(a: HttpAnswer, hints: {server: string; rateLimited: string; http: string}): Verdict | null {
  if (a.status === 429) return {kind: 'retry', code: 'HTTP 429', message: a.text.slice(0, 200), hint: hints.rateLimited, waitMs: retryAfterMs(a.headers)}
  if (a.status >= 500) return {kind: 'retry', code: `HTTP ${a.status}`, message: a.text.slice(0, 200), hint: hints.server, waitMs: retryAfterMs(a.headers)}
  if (a.status >= 300 && a.status < 400) return {kind: 'fail', code: `HTTP ${a.status}`, message: t('notify.redirectTo', {location: a.headers.get('location') ?? '?'}), hint: hints.http}
  return null
}
