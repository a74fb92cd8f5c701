import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {UsageError} from '../lib/cli/errors.js'
import {t} from '../lib/i18n/index.js'
import {loadConfig} from '../lib/config/load.js'
import {demoConfigArg, demoJobTitle, demoNextSteps, demoNextText, demoPlantText, demoStockTitle, demoVariancesTitle} from '../lib/demo/view.js'
import {renderKeyValue} from '../lib/report/table.js'
import type {JobRunSummaryJson} from '../lib/reconcile/job-view.js'
import type {StockDiffSummary} from '../lib/stock/stock-diff.js'

export interface DemoResult {
  dir: string
  config: string
  backend: 'sqlite' | 'mysql'
  databases: Record<string, string>
  rows: Record<string, number>
  seededDiscrepancies: Record<string, number>
  buildMs: number
  /** The nightly stock reconciliation run on the plant (absent with --no-diff). */
  stockDiff?: {runId: number; summary: StockDiffSummary}
  /** The reconcile jobs run on the plant after the stock diff (absent with --no-diff). */
  reconcileJobs?: Array<{job: string; runId: number; summary: JobRunSummaryJson}>
  next: string[]
}

const SHOWN_VARIANCES = 15

export default class Demo extends BaseCommand<typeof Demo> {
  static summary = 'Build a realistic demo plant (ERP, WMS, MES with seeded discrepancies) and run the nightly stock reconciliation on it.'
  static description = `Builds a deterministic demo plant in embedded SQLite files (or, with --mysql, in MariaDB databases),
writes a plantops.yaml for it, and runs \`plantops stock diff\` on it so you see the main job work end to end.
No server is needed for the default SQLite plant.`

  static examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --dir /tmp/plant --rows 200000 --no-diff',
    '<%= config.bin %> demo --mysql --mysql-host 127.0.0.1 --mysql-user root',
  ]

  static flags = {
    dir: Flags.string({summary: 'Where to write the plant (SQLite files, manifest, plantops.yaml).', default: 'demo-plant'}),
    rows: Flags.integer({summary: 'ERP stock balance rows (WMS bins are about 1.5x).', default: 20_000, min: 100}),
    seed: Flags.integer({summary: 'Seed of the generator: the same seed builds the same plant.', default: 20_261_120}),
    mysql: Flags.boolean({summary: 'Load the plant into MariaDB/MySQL databases instead of SQLite files.'}),
    'mysql-host': Flags.string({summary: 'MySQL host for --mysql.', default: '127.0.0.1'}),
    'mysql-port': Flags.integer({summary: 'MySQL port for --mysql.', default: 3306}),
    'mysql-user': Flags.string({summary: 'MySQL user for --mysql (needs CREATE/DROP on the demo databases).', default: 'root'}),
    'mysql-prefix': Flags.string({summary: 'Database name prefix for --mysql.', default: 'plantops_demo_'}),
    force: Flags.boolean({summary: 'With --mysql: drop existing databases of those names even if plantops demo did not create them.'}),
    'no-diff': Flags.boolean({summary: 'Only build the plant; do not run the stock reconciliation.'}),
    'notify-url': Flags.string({summary: 'Send the stock diff\'s alert to this robot/webhook URL (e.g. a local listener: plantops notify listen).', helpGroup: 'NOTIFY'}),
    'notify-type': Flags.string({summary: 'How --notify-url speaks.', options: ['dingtalk', 'wecom', 'feishu', 'webhook'], default: 'dingtalk', helpGroup: 'NOTIFY'}),
  }

  async run(): Promise<DemoResult> {
    const {flags} = await this.parse(Demo)
    const {buildDemoPlant, DEMO_MYSQL_PASSWORD_ENV} = await import('../lib/demo/index.js')
    const {writeDemoConfig} = await import('../lib/demo/plant-config.js')
    const progress = this.progress('demo')
    const dir = path.resolve(flags.dir)
    const plant = await buildDemoPlant({
      dir,
      stockRows: flags.rows,
      seed: flags.seed,
      mysql: flags.mysql
        ? {host: flags['mysql-host'], port: flags['mysql-port'], user: flags['mysql-user'], password: process.env[DEMO_MYSQL_PASSWORD_ENV], prefix: flags['mysql-prefix'], force: flags.force}
        : undefined,
      onProgress: (p) => progress.update(`building (${p.phase})`, {rows: p.rows}),
    })
    progress.stop()
    const config = await writeDemoConfig(plant, dir)

    const seeded: Record<string, number> = {...plant.manifest.countsByKind, ...plant.manifest.reconcile.countsByKind}
    const databases = Object.fromEntries(
      Object.entries(plant.systems).map(([k, db]) => [k, db.client === 'sqlite' ? path.relative(process.cwd(), db.filename) : `mysql ${db.host}:${db.port}/${db.database}`]),
    )
    const rel = path.relative(process.cwd(), config) || config
    const next = demoNextSteps(demoConfigArg(config))
    if (!this.jsonEnabled()) this.log(demoPlantText({dir, config: rel, databases, rows: plant.counts, seeded, buildMs: plant.elapsedMs}, this.textOptions()))
    let stockDiff: DemoResult['stockDiff']
    if (flags['notify-url'] && flags['no-diff']) throw new UsageError(t('errors.demo.notifyNoDiff'), {hints: [t('errors.demo.notifyNoDiffHint')]})
    if (flags['notify-url']) {
      const {channelSchema, registerChannelSecret} = await import('../lib/notify/config.js')
      registerChannelSecret(flags['notify-url']) // a robot URL carries its token: never in output or run history
      const type = flags['notify-type']
      const url = flags['notify-url']
      this.notifyExtra = {demo: channelSchema.parse(type === 'webhook' ? {type, url} : {type, webhook: url, ...(type === 'wecom' ? {} : {keywords: ['plantops']})})}
    }
    let reconcileJobs: DemoResult['reconcileJobs']
    if (!flags['no-diff']) {
      stockDiff = await this.reconcile(config)
      const stockAlert = this.notifier // the demo's alert is the stock diff's; the jobs' runs must not replace it
      reconcileJobs = await this.runJobs(config)
      this.notifier = stockAlert
    }
    this.log(demoNextText(next))
    return {dir, config, backend: flags.mysql ? 'mysql' : 'sqlite', databases, rows: plant.counts, seededDiscrepancies: seeded, buildMs: plant.elapsedMs, stockDiff, reconcileJobs, next}
  }

  /** The nightly job on the fresh plant: the same job `plantops stock diff --show-cost` runs, recorded in its run history. */
  private async reconcile(configPath: string): Promise<DemoResult['stockDiff']> {
    const {requireStockConfig} = await import('../lib/stock/stock-diff.js')
    const {stockDiffJob} = await import('../lib/stock/job.js')
    const {stockDiffText} = await import('../lib/stock/view.js')
    const loaded = loadConfig({configPath})
    const cfg = requireStockConfig(loaded.config.stock, loaded.path)
    const text = this.textOptions(loaded)
    return this.withRun({job: 'stock-diff', loaded}, async (ctx) => {
      const progress = this.progress('stock diff')
      const options = {showCost: true, onProgress: (phase: string, counters: Record<string, number>) => progress.update(phase, counters), onWarning: (m: string) => this.warnOperator(m)}
      const {summary} = await stockDiffJob(ctx, {cfg, baseDir: loaded.dir, options, keepRows: false}, async (summary, rows) => {
        progress.stop()
        if (this.jsonEnabled()) return
        const title = (shown: number, total: number) => demoVariancesTitle(demoConfigArg(configPath), shown, total)
        this.log(demoStockTitle())
        this.log(stockDiffText({result: {runId: ctx.run.id, summary, rows: [], output: null, failed: false}, rows, showCost: true, tableLimit: SHOWN_VARIANCES, tableTitle: title}, text))
      }).finally(() => progress.stop())
      return {runId: ctx.run.id, summary}
    })
  }

  /** The reconcile jobs of the demo config, each recorded like any `reconcile run` (history, lock, run record). */
  private async runJobs(configPath: string): Promise<NonNullable<DemoResult['reconcileJobs']>> {
    const {requireJob, runReconcileJob} = await import('../lib/reconcile/job-run.js')
    const {jobSummaryJson, jobSummaryPairs} = await import('../lib/reconcile/job-view.js')
    const loaded = loadConfig({configPath})
    const out: NonNullable<DemoResult['reconcileJobs']> = []
    for (const name of Object.keys(loaded.config.reconcile?.jobs ?? {})) {
      const job = requireJob(loaded.config.reconcile, name, loaded.path)
      out.push(
        await this.withRun({job: `reconcile-${name}`, loaded}, async (ctx) => {
          const outcome = await runReconcileJob({name, job, stock: loaded.config.stock, baseDir: loaded.dir, sources: ctx.sources, store: ctx.store.knex, runId: ctx.run.id, options: {onWarning: (m) => this.warnOperator(m)}})
          try {
            // the demo shows the summary only; the history reads the spilled findings: before close()
            await outcome.commit()
          } finally {
            outcome.close()
          }
          const {summary} = outcome
          ctx.run.outcome({job: name, keys: summary.keys, causes: summary.causes, deviationRatePct: summary.deviationRatePct})
          this.log(demoJobTitle(demoConfigArg(configPath), name))
          this.log(renderKeyValue(jobSummaryPairs(summary), {color: this.color}))
          return {job: name, runId: ctx.run.id, summary: jobSummaryJson(summary)}
        }),
      )
    }
    return out
  }
}
