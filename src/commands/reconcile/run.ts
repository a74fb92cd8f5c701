import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {isPlantopsError, UsageError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {redact} from '../../lib/cli/secrets.js'
import {t} from '../../lib/i18n/index.js'
import {allowStaleFlag, bomFlag} from '../../lib/cli/output-flags.js'
import {requireJob, runReconcileJob} from '../../lib/reconcile/job-run.js'
import {statusName} from '../../lib/reconcile/job-types.js'
import {jobFails, writeJobReport} from '../../lib/reconcile/job-report.js'
import {findingJson, jobSummaryJson, type JobFindingJson, type JobRunSummaryJson} from '../../lib/reconcile/job-view.js'
import {notifyFlags} from '../../lib/notify/flags.js'
import {ignoredOutputFlags, OUTPUT_FORMATS} from '../../lib/report/emit.js'

export interface ReconcileJobResult {
  job: string
  runId: number
  summary: JobRunSummaryJson
  /** The reported keys (findings; every key with --all; only new ones with --only new), sorted by key; details in English with their code. */
  rows: JobFindingJson[]
  output: string | null
  failed: boolean
}

/** A job of several (`reconcile run A B`) that could not run: its error, as the JSON error document words one. */
export interface ReconcileJobError {
  job: string
  code: string
  message: string
  hints: string[]
  exitCode: number
}

export interface ReconcileRunResult {
  jobs: ReconcileJobResult[]
  failed: boolean
  /** The jobs (of several) that stopped with an error; the others ran. Empty when every job ran. */
  errors: ReconcileJobError[]
}

export default class ReconcileRun extends BaseCommand<typeof ReconcileRun> {
  static summary = 'Run reconcile jobs: compare two systems record by record (orders ↔ work orders, outbound ↔ shipments, item masters).'
  static description =
    'Each job reads its two sides in one read-only snapshot each, links the records by key (one-to-one or one-to-many), compares the configured fields and reports every key as match, differs (with the fields and both values), only_in_left, only_in_right or in_flight, with a probable cause.'

  static examples = [
    '<%= config.bin %> reconcile run orders-mes',
    '<%= config.bin %> reconcile run orders-mes shipments --format csv --output "findings-{job}.csv" --fail-on differs',
    '<%= config.bin %> reconcile run items --format xlsx --output items.xlsx --only new',
    '<%= config.bin %> reconcile run orders-mes --fail-on differs --notify plant-group',
  ]

  static strict = false
  static args = {job: Args.string({description: 'Job name(s) from the reconcile section.', required: true})}

  static flags = {
    format: Flags.string({char: 'f', summary: 'Output format (default: from the --output extension .csv/.xlsx/.json, else a table).', options: [...OUTPUT_FORMATS]}),
    output: Flags.string({char: 'o', summary: 'Write the report to this file; with several jobs put {job} in the name.'}),
    all: Flags.boolean({summary: 'List every key, matches included (default: findings and in-flight keys).'}),
    only: Flags.string({summary: 'Only findings first seen in this run.', options: ['new']}),
    'fail-on': Flags.string({summary: 'Exit 1 when findings of this kind exist (differs: differs or one-sided; any: also in flight).', options: ['differs', 'any', 'never'], default: 'never'}),
    'allow-stale': allowStaleFlag(),
    bom: bomFlag(),
    ...notifyFlags,
  }

  async run(): Promise<ReconcileRunResult> {
    const {argv, flags} = await this.parse(ReconcileRun)
    const names = [...new Set(argv as string[])]
    // --format, else the --output extension (an --output the format cannot be told from is exit 2, never ignored)
    const plan = this.planOutput(flags)
    const {format} = plan
    for (const w of ignoredOutputFlags(plan, {bom: flags.bom})) this.warnOperator(w)
    if (names.length > 1 && flags.output && !flags.output.includes('{job}')) {
      throw new UsageError(t('reconcile.run.needJobInOutput'), {hints: [t('reconcile.run.needJobInOutputHint')]})
    }
    if (names.length > 1 && format === 'csv' && !flags.output) throw new UsageError(t('reconcile.run.csvNeedsOutput'))
    const loaded = this.loadConfig(flags.config)
    const jobs = names.map((n) => [n, requireJob(loaded.config.reconcile, n, loaded.path)] as const)
    const results: ReconcileJobResult[] = []
    const errors: ReconcileJobError[] = []
    for (const [name, job] of jobs) {
      const output = flags.output?.replaceAll('{job}', name)
      // lock and run history per job (reconcile-JOB); alerts under the notify job name reconcile-run, one per job
      const res = await this.withRun({job: `reconcile-${name}`, loaded, notifyJob: 'reconcile-run'}, async (ctx) => {
        const progress = this.progress(t('reconcile.run.progress', {name}))
        const outcome = await runReconcileJob({
          name,
          job,
          stock: loaded.config.stock,
          baseDir: loaded.dir,
          sources: ctx.sources,
          store: ctx.store.knex,
          runId: ctx.run.id,
          options: {all: flags.all, onlyNew: flags.only === 'new', allowStale: flags['allow-stale'], onProgress: (p, c) => progress.update(p, c), onWarning: (m) => this.warnOperator(m)},
        }).finally(() => progress.stop())
        const {summary} = outcome
        const keep: JobFindingJson[] = []
        const rows = this.jsonEnabled() || format === 'json' ? collect(outcome.rows, keep, (f) => findingJson(f, summary)) : outcome.rows
        try {
          await writeJobReport({name, summary, rows, kept: keep, format, output, bom: flags.bom, json: this.jsonEnabled(), color: this.color, log: (t) => this.log(t)})
          // the history reads the spilled findings again: before close()
          await outcome.commit()
        } finally {
          outcome.close()
        }
        if (output) ctx.run.output(output)
        if (output && !this.jsonEnabled() && format !== 'table') {
          this.logToStderr(t('reconcile.run.written', {count: summary.reported, file: output, name, keys: summary.keys.total, differs: `${statusName(summary, 'differs')} ${summary.keys.differs}`, onlyLeft: `${statusName(summary, 'only_in_left')} ${summary.keys.only_in_left}`, onlyRight: `${statusName(summary, 'only_in_right')} ${summary.keys.only_in_right}`}))
        }
        ctx.run.outcome({job: name, keys: summary.keys, causes: summary.causes, deviationRatePct: summary.deviationRatePct, newFindings: summary.newFindings, resolved: summary.resolved.count, warnings: summary.warnings.length})
        const failed = jobFails(summary, flags['fail-on'], flags.only === 'new')
        return {job: name, runId: ctx.run.id, summary: jobSummaryJson(summary), rows: keep, output: output ?? null, failed}
      }).catch(async (error: unknown) => {
        // one job of several that cannot run (a source down, a lock held) does not stop the others: said now, run
        // recorded as failed (withRun), alerted with its own exit code, and the run's exit code is the gravest
        if (names.length === 1 || !isPlantopsError(error)) throw error
        const e = {job: name, code: error.code, message: redact(error.message), hints: error.hints.map(redact), exitCode: error.exitCode}
        errors.push(e)
        if (!this.jsonEnabled()) this.logToStderr([t('cli.error', {message: t('reconcile.run.jobFailed', {name, message: e.message})}), ...e.hints.map((hint) => t('cli.hint', {hint}))].join('\n'))
        await this.deliverAlerts(e.exitCode)
        return null
      })
      if (res === null) continue
      results.push(res)
      await this.deliverAlerts(res.failed ? 1 : 0)
    }
    const failed = results.some((r) => r.failed)
    this.failWhen(failed)
    if (errors.length > 0) process.exitCode = gravest(errors.map((e) => e.exitCode))
    return {jobs: results, failed, errors}
  }
}

/** The exit code that says most of several: a defect, then a lock, a source, a usage error, a --fail-on. */
function gravest(codes: number[]): number {
  const order = [ExitCode.INTERNAL, ExitCode.LOCKED, ExitCode.SOURCE, ExitCode.USAGE, ExitCode.VARIANCE]
  return order.find((c) => codes.includes(c)) ?? Math.max(...codes)
}

function* collect<T, J>(rows: Iterable<T>, into: J[], shape: (r: T) => J): Generator<T> {
  for (const r of rows) {
    into.push(shape(r))
    yield r
  }
}
