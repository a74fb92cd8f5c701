import {currentLanguage, filler, label, t, type Language} from '../i18n/index.js'

/**
 * The vocabulary of a reconcile job's result (`plantops reconcile run`), shared by every entity pair: one status per
 * key, the differing fields with both values, and a probable cause where the evidence supports one.
 */

export const JOB_STATUSES = ['match', 'differs', 'only_in_left', 'only_in_right', 'in_flight'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

/**
 * Causes, in the order a key's cause is chosen when several fields differ:
 * - cancelled_not_propagated: closed/cancelled/blocked on the left, still active on the right;
 * - change_not_propagated: the left record changed after the right one was last updated;
 * - unit_factor: right = left × a known unit factor (1000, 12, a pack size...);
 * - code_format: the codes differ only in case, spaces or full-width characters;
 * - late: the right date is after the left (due) date;
 * - ambiguous_link: several records share a key the job says is one-to-one (reported, never double counted);
 * - bad_value: a date that does not parse (reported with its value).
 */
export const JOB_CAUSES = ['cancelled_not_propagated', 'change_not_propagated', 'unit_factor', 'code_format', 'late', 'ambiguous_link', 'bad_value'] as const
export type JobCause = (typeof JOB_CAUSES)[number]

/**
 * A status as people read it (terminal, XLSX, alerts): the job's configured display name (`names:` in the job's
 * config, e.g. missing_in_mes) as configured, else the status in the language in force, the one-sided ones with the
 * side's label ("only_in_left (ERP)", "仅ERP有"). CSV and JSON keep the status codes and the configured names.
 */
export function statusName(s: {names?: Partial<Record<JobStatus, string>>; left?: {label?: string; source: string}; right?: {label?: string; source: string}}, status: JobStatus): string {
  const named = s.names?.[status]
  if (named !== undefined && named !== status) return named
  if (status === 'only_in_left') return t('reconcile.status.only_in_left', {side: s.left?.label ?? s.left?.source ?? ''})
  if (status === 'only_in_right') return t('reconcile.status.only_in_right', {side: s.right?.label ?? s.right?.source ?? ''})
  return label(`reconcile.status.${status}`) // i18n-dynamic: reconcile.status.*
}

/** Every status's display name (statusName), worked out once for the lines of a report. */
export function statusNames(s: Parameters<typeof statusName>[0]): Record<JobStatus, string> {
  return Object.fromEntries(JOB_STATUSES.map((st) => [st, statusName(s, st)])) as Record<JobStatus, string>
}

/** A probable cause as people read it, in the language in force (codes stay in CSV and JSON); an unknown one as is. */
export function causeName(cause: string): string {
  const key = `reconcile.cause.${cause}` // i18n-dynamic: reconcile.cause.*
  const text = label(key)
  return text === key ? cause : text
}

export function causeRank(c: JobCause | null): number {
  return c === null ? JOB_CAUSES.length : JOB_CAUSES.indexOf(c)
}

/**
 * The evidence behind a differing field, as a code and its variables; rendered in a language by detailText (the
 * catalogs' reconcile.detail.CODE, with the sides' labels as {{left}} / {{right}}). The codes and their variables:
 * - late / early {days}: the right date is days after / before the left (due) date;
 * - diff {diff}: right − left, exact, in the left unit;
 * - unit_factor {factor}: right = left × factor;
 * - ambiguous_left {n}: n left records share a one-to-one key; ambiguous_right {n}: n right records link to one left record;
 * - bad_date_left / bad_date_right {value}: that side's date does not parse (value JSON-quoted, as read);
 * - cancelled {leftValue, rightValue}: inactive on the left, still active on the right;
 * - code_format: the codes differ only in case, spaces or full-width characters;
 * - changed_after {leftChanged, rightChanged}: the left record changed after the right one was last updated;
 * - stored {text}: text kept by an earlier plantops in the run history (before the codes), shown as stored.
 */
export const DETAIL_CODES = ['late', 'early', 'diff', 'unit_factor', 'ambiguous_left', 'ambiguous_right', 'bad_date_left', 'bad_date_right', 'cancelled', 'code_format', 'changed_after', 'stored'] as const
export type DetailCode = (typeof DETAIL_CODES)[number]

export interface JobDetail {
  code: DetailCode
  /** Absent for a code without variables (code_format). */
  vars?: Record<string, string | number>
}

/**
 * A finding's evidence as people read it: in `lang` (the language in force by default; English for the CSV and JSON
 * contracts), the side labels being data names (ERP, MES) in every language. Made for every differing field of a
 * report, so through filler() (a catalog text split once), not t().
 */
export function detailText(d: JobDetail | null, labels: {left: string; right: string}, lang: Language = currentLanguage()): string | null {
  if (d === null) return null
  return filler(lang, `reconcile.detail.${d.code}`)(d.vars, labels) // i18n-dynamic: reconcile.detail.*
}

/** The detail of a field from a stored history row: the code and variables, or the English text an earlier plantops stored. */
export function storedDetail(d: unknown): JobDetail | null {
  if (d === null || d === undefined) return null
  if (typeof d === 'string') return {code: 'stored', vars: {text: d}}
  return d as JobDetail
}

/** One differing field of a key. Values are display text (decimals exact, dates YYYY-MM-DD) in the left unit. */
export interface FieldDifference {
  field: string
  left: string | null
  right: string | null
  cause: JobCause | null
  /** Evidence: {code: 'late', vars: {days: 12}} ("12 days late"), changed_after with both timestamps, unit_factor with the factor. */
  detail: JobDetail | null
}

/** One reconciled key of a job. */
export interface JobFinding {
  /** Key values, in the order of the job's link.keys (left codes; right codes mapped to left ones). */
  key: string[]
  status: JobStatus
  cause: JobCause | null
  /** The differing fields (differs), or the record's compared values (only_in_left / only_in_right / in_flight, --all). */
  fields: FieldDifference[]
  /** Records on each side behind the key (after the right status filter). */
  leftRecords: number
  rightRecords: number
  /** Date (YYYY-MM-DD) of the first run of the current unbroken series that reported this key; null for matches. */
  first_seen: string | null
  runs_seen: number | null
}

/** Key order: the key values, by UTF-16 code units (the same everywhere, whatever the collation). */
export function compareFindings(a: Pick<JobFinding, 'key'>, b: Pick<JobFinding, 'key'>): number {
  for (let i = 0; i < a.key.length; i++) {
    if (a.key[i] !== b.key[i]) return a.key[i] < b.key[i] ? -1 : 1
  }
  return 0
}

export const KEY_SEP = '\u0001'
