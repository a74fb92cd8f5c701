import type {Knex} from 'knex'

import {goneSince, lastRun, loadOpenFindings, saveRunHistory, type HistoryTables} from './history.js'
import {KEY_SEP, storedDetail, type FieldDifference, type JobFinding} from './job-types.js'

/** Where reconcile jobs keep their history (scope: the job name). */
const TABLES: HistoryTables = {findings: 'reconcile_findings', runs: 'reconcile_runs'}

/** What the previous run of a job left behind. */
export interface JobHistory {
  /** Open findings of the previous run, by key text. */
  open: Map<string, {key: string[]; status: string; cause: string | null; fields: FieldDifference[]; firstSeen: string; runsSeen: number}>
  /** Rows read per side by the previous run of the job: the baseline of the shrink check. */
  previousRows: {left: number; right: number; runId: number} | null
}

/** A finding the previous run reported that is gone now. */
export interface ResolvedFinding {
  key: string[]
  status: string
  cause: string | null
  fields: FieldDifference[]
  first_seen: string
  runs_seen: number
}

export async function loadJobHistory(knex: Knex, job: string): Promise<JobHistory> {
  const rows = await loadOpenFindings<{key_text: string; status: string; cause: string | null; fields: string; first_seen: string; runs_seen: number | string}>(knex, TABLES, {job}, ['key_text', 'status', 'cause', 'fields', 'first_seen', 'runs_seen'])
  const open: JobHistory['open'] = new Map()
  for (const r of rows) {
    open.set(r.key_text, {key: r.key_text.split(KEY_SEP), status: r.status, cause: r.cause, fields: storedFields(r.fields), firstSeen: r.first_seen, runsSeen: Number(r.runs_seen)})
  }
  const prev = await lastRun<{run_id: number; left_rows: number | string; right_rows: number | string}>(knex, TABLES, {job}, ['run_id', 'left_rows', 'right_rows'])
  return {open, previousRows: prev ? {left: Number(prev.left_rows), right: Number(prev.right_rows), runId: Number(prev.run_id)} : null}
}

/**
 * A stored finding's fields: each detail as its code and variables (rendered in the language in force when shown), or,
 * in rows an earlier plantops saved before the codes, the English text it stored (kept as a `stored` detail).
 */
export function storedFields(json: string): FieldDifference[] {
  const fields = JSON.parse(json) as Array<Omit<FieldDifference, 'detail'> & {detail?: unknown}>
  return fields.map((f) => ({...f, detail: storedDetail(f.detail)}))
}

/** Previous open findings this run no longer reports. */
export function resolvedFindings(history: JobHistory, current: JobFinding[]): ResolvedFinding[] {
  return goneSince(
    history.open,
    current.map((f) => f.key.join(KEY_SEP)),
    (h) => ({key: h.key, status: h.status, cause: h.cause, fields: h.fields, first_seen: h.firstSeen, runs_seen: h.runsSeen}),
  )
}

/** Replace the job's open findings with this run's and record its row counts (one transaction). */
export async function saveJobHistory(knex: Knex, opts: {job: string; runId: number; leftRows: number; rightRows: number; keys: number; findings: JobFinding[]}): Promise<void> {
  await saveRunHistory(knex, TABLES, {
    scope: {job: opts.job},
    items: opts.findings,
    finding: (f) => ({
      key_text: f.key.join(KEY_SEP).slice(0, 512),
      status: f.status,
      cause: f.cause,
      fields: JSON.stringify(f.fields),
      first_seen: f.first_seen ?? '',
      runs_seen: f.runs_seen ?? 1,
      last_run_id: opts.runId,
    }),
    run: {run_id: opts.runId, left_rows: opts.leftRows, right_rows: opts.rightRows, keys: opts.keys, findings: opts.findings.length},
  })
}

/** Per job: the last run and its open findings (for `reconcile list`). */
export async function jobsOverview(knex: Knex): Promise<Map<string, {lastRunId: number; lastRunAt: string; openFindings: number}>> {
  const out = new Map<string, {lastRunId: number; lastRunAt: string; openFindings: number}>()
  const runs = (await knex(TABLES.runs).select('job', 'run_id', 'created_at', 'findings').orderBy('id', 'asc')) as Array<{job: string; run_id: number; created_at: string; findings: number | string}>
  for (const r of runs) out.set(r.job, {lastRunId: Number(r.run_id), lastRunAt: r.created_at, openFindings: Number(r.findings)})
  return out
}
