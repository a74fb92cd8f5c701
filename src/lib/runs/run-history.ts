import os from 'node:os'

import type {Knex} from 'knex'

import {redact, redactValue} from '../cli/secrets.js'
import {maxRunMinutes, type RunsConfig} from './config.js'
import {isProcessAlive} from './job-lock.js'

export type RunStatus = 'running' | 'ok' | 'variance' | 'failed'

export interface RunRecord {
  id: number
  job: string
  command: string
  argv: string[]
  status: RunStatus
  exitCode: number | null
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
  pid: number
  host: string
  user: string
  rowsRead: Record<string, number>
  outcome: Record<string, unknown>
  outputs: string[]
  error: string | null
  /** A run still `running` past its job's maximum run time (runs.maxMinutes): it holds the lock and may be hung. */
  overMaxRunTime?: boolean
}

interface RunRow {
  id: number
  job: string
  command: string
  argv: string
  status: RunStatus
  exit_code: number | null
  started_at: string
  finished_at: string | null
  pid: number
  host: string
  user: string
  rows_read: string | null
  outcome: string | null
  outputs: string | null
  error: string | null
}

/** Redact flag values that carry secrets: --password=x, --password x, and any registered secret. */
export function redactArgv(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const m = /^(--?[\w-]*(pass|secret|token|key)[\w-]*)(=.*)?$/i.exec(a)
    if (m) {
      out.push(m[3] ? `${m[1]}=***` : a)
      if (!m[3] && i + 1 < argv.length) {
        out.push('***')
        i++
      }
    } else out.push(redact(a))
  }
  return out
}

/** Records one command run in the store: started, what it read, how it ended. */
export class RunRecorder {
  private readonly rowsRead: Record<string, number> = {}
  private outcomeData: Record<string, unknown> = {}
  private readonly outputFiles: string[] = []
  private finished = false

  private constructor(
    private readonly knex: Knex,
    readonly id: number,
    readonly job: string,
    readonly startedAt: string,
  ) {}

  static async start(knex: Knex, opts: {job: string; command: string; argv: string[]}): Promise<RunRecorder> {
    const startedAt = new Date().toISOString()
    const row = {
      job: opts.job,
      command: opts.command,
      argv: JSON.stringify(redactArgv(opts.argv)),
      status: 'running',
      started_at: startedAt,
      pid: process.pid,
      host: os.hostname(),
      user: safeUser(),
    }
    const [inserted] = await knex('runs').insert(row, ['id'])
    const id = typeof inserted === 'object' ? Number((inserted as {id: number}).id) : Number(inserted)
    return new RunRecorder(knex, id, opts.job, startedAt)
  }

  addRowsRead(source: string, rows: number): void {
    this.rowsRead[source] = (this.rowsRead[source] ?? 0) + rows
  }

  setRowsRead(rows: Record<string, number>): void {
    Object.assign(this.rowsRead, rows)
  }

  /** Outcome counts of the job (keys per status, rows imported…), merged into what was set before. */
  outcome(data: Record<string, unknown>): void {
    this.outcomeData = {...this.outcomeData, ...data}
  }

  output(file: string): void {
    this.outputFiles.push(file)
  }

  async finish(opts: {exitCode: number; error?: string}): Promise<void> {
    if (this.finished) return
    this.finished = true
    const status: RunStatus = opts.error !== undefined ? 'failed' : opts.exitCode === 1 ? 'variance' : opts.exitCode === 0 ? 'ok' : 'failed'
    await this.knex('runs')
      .where({id: this.id})
      .update({
        status,
        exit_code: opts.exitCode,
        finished_at: new Date().toISOString(),
        rows_read: JSON.stringify(this.rowsRead),
        outcome: JSON.stringify(redactValue(this.outcomeData)),
        outputs: JSON.stringify(this.outputFiles),
        error: opts.error === undefined ? null : redact(opts.error).slice(0, 4000),
      })
  }

  /** Synchronous-enough marker for signal handlers: best effort, awaited by the handler before exiting. */
  async markInterrupted(signal: string): Promise<void> {
    await this.finish({exitCode: 130, error: `interrupted by ${signal}`})
  }
}

/** Runs left "running" by a process that no longer exists on this host become failed: no silent gaps. */
export async function sweepAbandonedRuns(knex: Knex): Promise<number> {
  const host = os.hostname()
  const running = (await knex('runs').where({status: 'running', host}).select('id', 'pid')) as Array<{id: number; pid: number}>
  let swept = 0
  for (const r of running) {
    if (r.pid === process.pid || isProcessAlive(r.pid)) continue
    await knex('runs')
      .where({id: r.id, status: 'running'})
      .update({status: 'failed', finished_at: new Date().toISOString(), error: 'the process ended without finishing (killed or crashed); found by a later run'})
    swept++
  }
  return swept
}

export async function listRuns(knex: Knex, opts: {job?: string; limit?: number; status?: RunStatus} = {}): Promise<RunRecord[]> {
  let q = knex<RunRow>('runs').orderBy('id', 'desc').limit(opts.limit ?? 20)
  if (opts.job) q = q.where({job: opts.job})
  if (opts.status) q = q.where({status: opts.status})
  return ((await q) as RunRow[]).map(toRecord)
}

/** The job names with at least one recorded run, in name order. */
export async function recordedJobs(knex: Knex): Promise<string[]> {
  return ((await knex('runs').distinct('job').orderBy('job')) as Array<{job: string}>).map((r) => r.job)
}

/** Mark the runs still running past their job's maximum run time (as of `now`). */
export function markOverdue(runs: RunRecord[], cfg: RunsConfig | undefined, now = Date.now()): RunRecord[] {
  return runs.map((r) => (r.status === 'running' ? {...r, overMaxRunTime: now - Date.parse(r.startedAt) > maxRunMinutes(cfg, r.job) * 60_000} : r))
}

export async function getRun(knex: Knex, id: number): Promise<RunRecord | undefined> {
  const row = (await knex<RunRow>('runs').where({id}).first()) as RunRow | undefined
  return row ? toRecord(row) : undefined
}

/** The newest finished run of a job before `beforeId` (for "since last run" comparisons). */
export async function previousRun(knex: Knex, job: string, beforeId?: number): Promise<RunRecord | undefined> {
  let q = knex<RunRow>('runs').where({job}).whereIn('status', ['ok', 'variance']).orderBy('id', 'desc')
  if (beforeId !== undefined) q = q.where('id', '<', beforeId)
  const row = (await q.first()) as RunRow | undefined
  return row ? toRecord(row) : undefined
}

function toRecord(r: RunRow): RunRecord {
  const parse = <T>(s: string | null, d: T): T => {
    if (!s) return d
    try {
      return JSON.parse(s) as T
    } catch {
      return d
    }
  }
  return {
    id: Number(r.id),
    job: r.job,
    command: r.command,
    argv: parse(r.argv, []),
    status: r.status,
    exitCode: r.exit_code === null ? null : Number(r.exit_code),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : null,
    pid: Number(r.pid),
    host: r.host,
    user: r.user,
    rowsRead: parse(r.rows_read, {}),
    outcome: parse(r.outcome, {}),
    outputs: parse(r.outputs, []),
    error: r.error,
  }
}

function safeUser(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}
