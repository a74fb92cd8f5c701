import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {describeDelivery, listDeliveries, type DeliveryRecord} from '../../lib/notify/history.js'
import {renderKeyValue} from '../../lib/report/table.js'
import {getRun, type RunRecord} from '../../lib/runs/run-history.js'

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
      if (!run) throw new UsageError(`no run with ID ${args.id}`, {hints: ['`plantops runs list` shows the recorded runs.']})
      const notifications = await listDeliveries(store.knex, run.id)
      this.log(
        renderKeyValue(
          [
            ['Run', run.id],
            ['Job', run.job],
            ['Command', `plantops ${run.command.replaceAll(':', ' ')} ${run.argv.join(' ')}`.trim()],
            ['Status', run.status],
            ['Exit code', run.exitCode ?? ''],
            ['Started', run.startedAt],
            ['Finished', run.finishedAt ?? '(not finished)'],
            ['Duration', run.durationMs === null ? '' : `${(run.durationMs / 1000).toFixed(2)} s`],
            ['Host / pid / user', `${run.host} / ${run.pid} / ${run.user}`],
            ['Rows read', Object.entries(run.rowsRead).map(([s, n]) => `${s}: ${n}`).join(', ')],
            ['Outcome', Object.entries(run.outcome).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n')],
            ['Outputs', run.outputs.join('\n')],
            ['Error', run.error ?? ''],
            ['Notifications', notifications.map((d) => describeDelivery(d)).join('\n')],
          ],
          {color: this.color},
        ),
      )
      return {...run, notifications}
    } finally {
      await store.close()
    }
  }
}
