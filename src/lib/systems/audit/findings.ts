import {english, isMessage, local, TEXT, withText, type Msg} from '../message.js'

export const SEVERITIES = ['critical', 'warning', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

export const AUDIT_CHECKS = [
  'reachable',
  'replica-lag',
  'read-only-session',
  'grants',
  'schema-table',
  'schema-column',
  'column-type',
  'query',
  'index',
  'freshness',
  'coverage',
] as const
export type AuditCheck = (typeof AUDIT_CHECKS)[number]

export interface Finding {
  /** Stable identity across audits (check + system + config path + subject), for --since-last. */
  key: string
  severity: Severity
  /** System key in systems.systems (or the source name, for a source that is on no system). */
  system: string
  source: string | null
  check: AuditCheck
  message: string
  /** What to do about it. */
  fix: string | null
  /** Where in plantops.yaml the checked thing is configured. */
  configPath: string | null
  /** message and fix as catalog messages, for the operator's language (never in JSON or the store: English there). */
  [TEXT]?: {message: Msg | string; fix: Msg | string | null}
}

/** A finding: `message` and `fix` in English (JSON, history), their catalog messages kept for the terminal. */
export function makeFinding(
  f: Omit<Finding, 'key' | 'fix' | 'configPath' | 'source' | 'message'> & {message: Msg | string; source?: string | null; fix?: Msg | string | null; configPath?: string | null; subject?: string},
): Finding {
  const {subject, ...rest} = f
  const fix = rest.fix ?? null
  const finding: Finding = {
    key: [f.check, f.system, f.configPath ?? '', subject ?? ''].join('|'),
    severity: f.severity,
    system: f.system,
    source: rest.source ?? null,
    check: f.check,
    message: english(f.message),
    fix: fix === null ? null : english(fix),
    configPath: rest.configPath ?? null,
  }
  return withText(finding, {message: f.message, fix})
}

/**
 * A finding's catalog messages as JSON, for the store (systems_findings.text_json), so a finding read back (the
 * resolved ones of `--since-last`) is shown in the language in force too. null when it has none.
 */
export function findingTextJson(f: Finding): string | null {
  const text = f[TEXT]
  return text ? JSON.stringify({message: text.message, fix: text.fix}) : null
}

/**
 * A finding read back from the store with its stored messages (findingTextJson) attached; a row stored before they
 * were kept (null), or a value that is not messages, leaves the English text to be shown.
 */
export function withStoredText(f: Finding, json: unknown): Finding {
  if (typeof json !== 'string' || json === '') return f
  try {
    const v = JSON.parse(json) as {message?: unknown; fix?: unknown}
    if (!v || !isMessage(v.message) || !(v.fix === null || isMessage(v.fix))) return f
    return withText(f, {message: v.message, fix: v.fix})
  } catch {
    return f
  }
}

/** The finding's message in the language in force (a finding read back from the store has its English text only). */
export function findingMessage(f: Finding): string {
  const text = f[TEXT]
  return text ? local(text.message) : f.message
}

/** What to do about it, in the language in force. */
export function findingFix(f: Finding): string | null {
  if (f.fix === null) return null
  const text = f[TEXT]
  return text?.fix ? local(text.fix) : f.fix
}

const RANK: Record<Severity, number> = {critical: 0, warning: 1, info: 2}

export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.system.localeCompare(b.system) || a.check.localeCompare(b.check) || a.key.localeCompare(b.key))
}

export function countBySeverity(list: Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = {critical: 0, warning: 0, info: 0}
  for (const f of list) out[f.severity]++
  return out
}

export type FailOn = 'critical' | 'warning' | 'never'

/** --fail-on: critical fails on a critical finding; warning on a warning or worse; never never. */
export function meetsFailOn(list: Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false
  return list.some((f) => f.severity === 'critical' || (failOn === 'warning' && f.severity === 'warning'))
}
