import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {t} from '../../lib/i18n/index.js'
import {describeDelivery, listDeliveries, type DeliveryRecord} from '../../lib/notify/history.js'
import {getRun, type RunRecord} from '../../lib/runs/run-history.js'
import {runShowText} from '../../lib/runs/view.js'

export type RunsShowResult = RunRecord & {notifications: DeliveryRecord[]}

export default class RunsShow extends BaseCommand<typeof RunsShow> {
  static summary = 'Show one run: command line (secrets redacted), times, rows read per source, outcome, output files, error.'
  static examples = ['<%= config.bin %> runs show 12', '<%= config.bin %> runs show 12 --json']

  static args = {
    id: Args.integer({description: 'Run ID (see `plantops runs list`).', required: true}),
  }

  async run(): Promise<RunsShowResult> {
    const {args, flags} = await this.parse(RunsShow)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const run = await getRun(store.knex, args.id)
      if (!run) throw new UsageError(t('runs.noRun', {id: args.id}), {hints: [t('runs.noRunHint')]})
      const notifications = await listDeliveries(store.knex, run.id)
      if (!this.jsonEnabled()) this.log(runShowText(run, this.textOptions(loaded), notifications.map((d) => describeDelivery(d))))
      return {...run, notifications}
    } finally {
      await store.close()
    }
  }
}
