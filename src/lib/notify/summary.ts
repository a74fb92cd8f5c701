import {msg, jobTitle} from './messages.js'

/** What a finished run tells the people in the group. Built per job by `summarizeRun` (jobs.ts); rendered per vendor. */
export interface NotifySummary {
  job: string
  plant: string | null
  runId: number | null
  startedAt: string
  exitCode: number
  /** The worst thing that happened, in words people act on. */
  status: 'ok' | 'findings' | 'over-tolerance' | 'source-error' | 'error'
  /** What the `on:` conditions test. */
  events: {overTolerance: boolean; findings: boolean; sourceError: boolean}
  lag: Array<{source: string; seconds: number | null}>
  /** Counts by status, in display order. */
  counts: Array<{label: string; value: number | string}>
  /** Only where the job was asked to show cost. */
  valueAtRisk: string | null
  /** The top entries by value (already worded, one line each) and how many there are in all. */
  top: {title: string; total: number; lines: string[]}
  /** What changed since the previous run (new, resolved…). */
  changes: string[]
  outputs: string[]
  error: string | null
}

/** The JSON body a generic webhook receives: stable like the CSV contract (add fields, never rename or remove). */
export interface WebhookPayload {
  schema: 'plantops.notify/1'
  title: string
  text: string
  summary: NotifySummary
  test: boolean
}

export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8')

/** The longest prefix of `s` that fits in `maxBytes` of UTF-8, never splitting a character (code point). */
export function cutUtf8(s: string, maxBytes: number): string {
  if (byteLength(s) <= maxBytes) return s
  let out = ''
  let used = 0
  for (const ch of s) {
    const b = byteLength(ch)
    if (used + b > maxBytes) break
    out += ch
    used += b
  }
  return out
}

/**
 * Lines of markdown cut to a byte budget without breaking a line or a character: the head (title, facts) stays, list
 * items are dropped from the end with "… and N more", the tail (report path) stays when it fits.
 * Only when the head alone is over the budget are head lines dropped (never cut mid-line, except a single first line
 * longer than the whole budget, which is cut at a character boundary).
 */
export function fitLines(parts: {head: string[]; items: string[]; itemsTotal?: number; tail: string[]}, maxBytes: number): {text: string; dropped: number} {
  const join = (lines: string[]) => lines.join('\n')
  const total = parts.itemsTotal ?? parts.items.length
  const hidden = total - parts.items.length
  const withItems = (k: number) => {
    const more = total - k > 0 ? [`- ${msg.more(total - k)}`] : []
    return join([...parts.head, ...parts.items.slice(0, k), ...more, ...parts.tail])
  }
  if (byteLength(withItems(parts.items.length)) <= maxBytes) return {text: withItems(parts.items.length), dropped: hidden}
  // binary search: the most items that fit
  let lo = 0
  let hi = parts.items.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (byteLength(withItems(mid)) <= maxBytes) lo = mid
    else hi = mid - 1
  }
  if (byteLength(withItems(lo)) <= maxBytes) return {text: withItems(lo), dropped: total - lo}
  // even the head does not fit: keep whole lines from the top
  const lines = [...parts.head, ...parts.tail]
  for (let n = lines.length - 1; n >= 1; n--) {
    const text = join([...lines.slice(0, n), msg.moreLines(lines.length - n)])
    if (byteLength(text) <= maxBytes) return {text, dropped: total}
  }
  return {text: cutUtf8(lines[0] ?? '', maxBytes), dropped: total}
}

export interface RenderOptions {
  /** Bytes the text may take. */
  maxBytes: number
  /** A keyword the text must contain (DingTalk/Feishu keyword security); put in the title. */
  keyword?: string
  /** Lines appended after the body (e.g. DingTalk "@138…" so the mention is highlighted). */
  mentionLine?: string
  /** Plain text instead of markdown (WeCom text messages, e-mail text part). */
  plain?: boolean
}

export function titleOf(s: NotifySummary, keyword?: string): string {
  const t = msg.title(s.job, s.plant)
  return keyword && !t.includes(keyword) ? `[${keyword}] ${t}` : t
}

/** The message: title, facts, counts, value at risk, top N, changes, report path; cut to the vendor's limit. */
export function renderSummary(s: NotifySummary, opts: RenderOptions): {title: string; text: string; dropped: number} {
  const title = titleOf(s, opts.keyword)
  // a fact's label and its colon (": " in English, "：" in Chinese); the value follows at once
  const b = (k: string) => (opts.plain ? `${k}${msg.colon}` : `**${k}**${msg.colon}`)
  const headline = msg.headline(s.status)
  const head: string[] = [opts.plain ? `${title} — ${headline}` : `### ${title}`]
  if (!opts.plain) head.push(`**${headline}**`, '')
  if (s.plant) head.push(`- ${b(msg.plant)}${s.plant}`)
  head.push(`- ${b(msg.job)}${jobTitle(s.job)}${s.runId === null ? '' : msg.run(s.runId)}`)
  head.push(`- ${b(msg.when)}${formatWhen(s.startedAt)}`)
  if (s.exitCode !== 0) head.push(`- ${b(msg.exitCode)}${s.exitCode}`)
  if (s.lag.length > 0) head.push(`- ${b(msg.lag)}${s.lag.map((l) => msg.lagValue(l.source, l.seconds)).join(msg.listSeparator)}`)
  if (s.counts.length > 0) head.push(`- ${b(msg.counts)}${s.counts.map((c) => `${c.label} ${c.value}`).join(' · ')}`)
  if (s.valueAtRisk !== null) head.push(`- ${b(msg.valueAtRisk)}${s.valueAtRisk}`)
  if (s.error) head.push(`- ${b(msg.error)}${oneLine(s.error)}`)
  if (s.changes.length > 0) head.push(`- ${b(msg.changes)}${s.changes.join(msg.changeSeparator)}`)
  const items = s.top.lines.map((l) => `- ${l}`)
  if (items.length > 0 || s.top.total > 0) head.push('', opts.plain ? `${s.top.title}${msg.colon.trim()}` : `**${s.top.title}**`)
  const tail: string[] = []
  if (s.outputs.length > 0) tail.push('', `${b(msg.output)}${s.outputs.map((o) => (opts.plain ? o : `\`${o}\``)).join(msg.listSeparator)}`)
  if (opts.mentionLine) tail.push('', opts.mentionLine)
  const fitted = fitLines({head, items, itemsTotal: Math.max(s.top.total, items.length), tail}, opts.maxBytes)
  return {title, text: fitted.text, dropped: fitted.dropped}
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').slice(0, 500)
}

/** "2026-12-02 21:03 UTC": readable in a group chat, unambiguous across time zones. */
export function formatWhen(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
