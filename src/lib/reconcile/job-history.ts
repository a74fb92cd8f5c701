import type {Knex} from 'knex'

import {nullableField, nullableValue, partitionOf, type Spill} from '../stock/spill.js'
import {eachOpenFinding, lastRun, saveRunHistory, type HistoryTables} from './history.js'
import {KEY_SEP, storedDetail, type FieldDifference, type JobFinding} from './job-types.js'

/** Where reconcile jobs keep their history (scope: the job name). */
const TABLES: HistoryTables = {findings: 'reconcile_findings', runs: 'reconcile_runs'}

/** What the previous run of a job left behind. */
export interface JobHistory {
  /**
   * How many open findings the previous run left: they are in the spill under JOB_KIND_HISTORY, each in its key's
   * partition (previousFindings reads a partition's).
   */
  open: number
  /** Rows read per side by the previous run of the job: the baseline of the shrink check. */
  previousRows: {left: number; right: number; runId: number} | null
}

/** An open finding of the previous run. */
export interface PreviousFinding {
  key: string[]
  status: string
  cause: string | null
  fields: FieldDifference[]
  firstSeen: string
  runsSeen: number
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

/** The spill kind of the previous run's open findings. */
export const JOB_KIND_HISTORY = 'h'

/**
 * Load the previous run of a job: its row counts, and its open findings written to `into` (the run's spill, before
 * the sides are read) page by page, each in its key's partition: memory stays flat whatever their number.
 */
export async function loadJobHistory(knex: Knex, job: string, into: Spill): Promise<JobHistory> {
  const columns = ['key_text', 'status', 'cause', 'fields', 'first_seen', 'runs_seen']
  const open = spillPreviousFindings(into, eachOpenFinding<StoredFinding>(knex, TABLES, {job}, columns))
  const prev = await lastRun<{run_id: number; left_rows: number | string; right_rows: number | string}>(knex, TABLES, {job}, ['run_id', 'left_rows', 'right_rows'])
  return {open: await open, previousRows: prev ? {left: Number(prev.left_rows), right: Number(prev.right_rows), runId: Number(prev.run_id)} : null}
}

/** A finding as the store keeps it. */
export interface StoredFinding {
  key_text: string
  status: string
  cause: string | null
  fields: string
  first_seen: string
  runs_seen: number | string
}

/** Write stored findings to the spill under JOB_KIND_HISTORY, each in its key's partition; returns how many. */
export async function spillPreviousFindings(into: Spill, rows: AsyncIterable<StoredFinding> | Iterable<StoredFinding>): Promise<number> {
  let n = 0
  for await (const r of rows) {
    const line = [r.key_text, r.status, r.cause, r.fields, r.first_seen, String(r.runs_seen)].map(nullableField).join('\t')
    into.write(JOB_KIND_HISTORY, partitionOf(r.key_text, into.partitions), line)
    n++
  }
  return n
}

/** The previous run's open findings of one partition (loadJobHistory), by key text. */
export function previousFindings(spill: Spill, partition: number): Map<string, PreviousFinding> {
  const out = new Map<string, PreviousFinding>()
  for (const line of spill.lines(JOB_KIND_HISTORY, partition)) {
    const f = line.split('\t').map(nullableValue)
    const keyText = f[0]!
    out.set(keyText, {key: keyText.split(KEY_SEP), status: f[1]!, cause: f[2], fields: storedFields(f[3]!), firstSeen: f[4]!, runsSeen: Number(f[5])})
  }
  return out
}

/** A previous finding as the summary lists it once resolved. */
export function resolvedFinding(h: PreviousFinding): ResolvedFinding {
  return {key: h.key, status: h.status, cause: h.cause, fields: h.fields, first_seen: h.firstSeen, runs_seen: h.runsSeen}
}

/**
 * A stored finding's fields: each detail as its code and variables (rendered in the language in force when shown), or,
 * in rows an earlier plantops saved before the codes, the English text it stored (kept as a `stored` detail).
 */
export function storedFields(json: string): FieldDifference[] {
  const fields = JSON.parse(json) as Array<Omit<FieldDifference, 'detail'> & {detail?: unknown}>
  return fields.map((f) => ({...f, detail: storedDetail(f.detail)}))
}

/** Replace the job's open findings with this run's and record its row counts (one transaction). */
export async function saveJobHistory(knex: Knex, opts: {job: string; runId: number; leftRows: number; rightRows: number; keys: number; findings: Iterable<JobFinding>; count: number}): Promise<void> {
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
    run: {run_id: opts.runId, left_rows: opts.leftRows, right_rows: opts.rightRows, keys: opts.keys, findings: opts.count},
  })
}

/** Per job: the last run and its open findings (for `reconcile list`). */
export async function jobsOverview(knex: Knex): Promise<Map<string, {lastRunId: number; lastRunAt: string; openFindings: number}>> {
  const out = new Map<string, {lastRunId: number; lastRunAt: string; openFindings: number}>()
  const runs = (await knex(TABLES.runs).select('job', 'run_id', 'created_at', 'findings').orderBy('id', 'asc')) as Array<{job: string; run_id: number; created_at: string; findings: number | string}>
  for (const r of runs) out.set(r.job, {lastRunId: Number(r.run_id), lastRunAt: r.created_at, openFindings: Number(r.findings)})
  return out
}
