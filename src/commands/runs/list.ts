import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {t} from '../../lib/i18n/index.js'
import {listRuns, markOverdue, recordedJobs, type RunRecord, type RunStatus} from '../../lib/runs/run-history.js'
import {runsListText} from '../../lib/runs/view.js'

export interface RunsListResult {
  runs: RunRecord[]
}

export default class RunsList extends BaseCommand<typeof RunsList> {
  static summary = 'List recent runs: job, start, duration, status, exit code, rows read.'
  static examples = ['<%= config.bin %> runs list', '<%= config.bin %> runs list --job stock-diff --limit 5 --json']

  static flags = {
    job: Flags.string({summary: 'Only runs of this job (e.g. stock-diff, orders-import, count-sample, systems-audit).'}),
    status: Flags.string({summary: 'Only runs with this status.', options: ['running', 'ok', 'variance', 'failed']}),
    limit: Flags.integer({summary: 'How many runs to show.', default: 20, min: 1}),
    columns: Flags.string({summary: 'Only these columns, in this order (comma-separated keys or headers).'}),
  }

  async run(): Promise<RunsListResult> {
    const {flags} = await this.parse(RunsList)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const runs = markOverdue(await listRuns(store.knex, {job: flags.job, limit: flags.limit, status: flags.status as RunStatus | undefined}), loaded.config.runs)
      // a --job no run was ever recorded under is most likely misspelt: said, with the jobs that have runs
      if (runs.length === 0 && flags.job !== undefined) {
        const jobs = await recordedJobs(store.knex)
        if (!jobs.includes(flags.job)) this.warnOperator(t('runs.unknownJob', {job: flags.job, jobs: jobs.join(t('common.listSeparator')) || '-'}))
      }
      if (!this.jsonEnabled()) this.log(runsListText(runs, this.textOptions(loaded, flags.columns), loaded.config.runs))
      return {runs}
    } finally {
      await store.close()
    }
  }
}
