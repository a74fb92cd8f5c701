import type {Knex} from 'knex'

import {KEY_SEP, type FieldDifference, type JobFinding} from './job-types.js'

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
  const rows = (await knex('reconcile_findings').where({job}).select('key_text', 'status', 'cause', 'fields', 'first_seen', 'runs_seen')) as Array<{key_text: string; status: string; cause: string | null; fields: string; first_seen: string; runs_seen: number | string}>
  const open: JobHistory['open'] = new Map()
  for (const r of rows) {
    open.set(r.key_text, {key: r.key_text.split(KEY_SEP), status: r.status, cause: r.cause, fields: JSON.parse(r.fields) as FieldDifference[], firstSeen: r.first_seen, runsSeen: Number(r.runs_seen)})
  }
  const prev = (await knex('reconcile_runs').where({job}).orderBy('id', 'desc').first('run_id', 'left_rows', 'right_rows')) as {run_id: number; left_rows: number | string; right_rows: number | string} | undefined
  return {open, previousRows: prev ? {left: Number(prev.left_rows), right: Number(prev.right_rows), runId: Number(prev.run_id)} : null}
}

/** Previous open findings this run no longer reports. */
export function resolvedFindings(history: JobHistory, current: JobFinding[]): ResolvedFinding[] {
  const now = new Set(current.map((f) => f.key.join(KEY_SEP)))
  const out: ResolvedFinding[] = []
  for (const [k, h] of history.open) if (!now.has(k)) out.push({key: h.key, status: h.status, cause: h.cause, fields: h.fields, first_seen: h.firstSeen, runs_seen: h.runsSeen})
  return out
}

/** Replace the job's open findings with this run's and record its row counts (one transaction). */
export async function saveJobHistory(knex: Knex, opts: {job: string; runId: number; leftRows: number; rightRows: number; keys: number; findings: JobFinding[]}): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('reconcile_findings').where({job: opts.job}).delete()
    const rows = opts.findings.map((f) => ({
      job: opts.job,
      key_text: f.key.join(KEY_SEP).slice(0, 512),
      status: f.status,
      cause: f.cause,
      fields: JSON.stringify(f.fields),
      first_seen: f.first_seen ?? '',
      runs_seen: f.runs_seen ?? 1,
      last_run_id: opts.runId,
    }))
    for (let i = 0; i < rows.length; i += 200) await trx('reconcile_findings').insert(rows.slice(i, i + 200))
    await trx('reconcile_runs').insert({
      run_id: opts.runId,
      job: opts.job,
      created_at: new Date().toISOString(),
      left_rows: opts.leftRows,
      right_rows: opts.rightRows,
      keys: opts.keys,
      findings: opts.findings.length,
    })
  })
}

/** Per job: the last run and its open findings (for `reconcile list`). */
export async function jobsOverview(knex: Knex): Promise<Map<string, {lastRunId: number; lastRunAt: string; openFindings: number}>> {
  const out = new Map<string, {lastRunId: number; lastRunAt: string; openFindings: number}>()
  const runs = (await knex('reconcile_runs').select('job', 'run_id', 'created_at', 'findings').orderBy('id', 'asc')) as Array<{job: string; run_id: number; created_at: string; findings: number | string}>
  for (const r of runs) out.set(r.job, {lastRunId: Number(r.run_id), lastRunAt: r.created_at, openFindings: Number(r.findings)})
  return out
}
