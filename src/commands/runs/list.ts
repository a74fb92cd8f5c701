import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderTable} from '../../lib/report/table.js'
import {formatMinutes, maxRunMinutes} from '../../lib/runs/config.js'
import {listRuns, markOverdue, type RunRecord, type RunStatus} from '../../lib/runs/run-history.js'

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
  }

  async run(): Promise<RunsListResult> {
    const {flags} = await this.parse(RunsList)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const runs = markOverdue(await listRuns(store.knex, {job: flags.job, limit: flags.limit, status: flags.status as RunStatus | undefined}), loaded.config.runs)
      if (runs.length === 0) this.log('No runs recorded yet.')
      else {
        const rows = runs.map((r) => ({
          id: r.id,
          job: r.job,
          started: r.startedAt.replace('T', ' ').slice(0, 19),
          duration: r.durationMs === null ? (r.status === 'running' ? `${formatMinutes((Date.now() - Date.parse(r.startedAt)) / 60_000)} so far` : '') : `${(r.durationMs / 1000).toFixed(1)}s`,
          status: r.overMaxRunTime ? `running, over the maximum run time ${formatMinutes(maxRunMinutes(loaded.config.runs, r.job))} (pid ${r.pid} on ${r.host}: hung?)` : r.status,
          exit: r.exitCode ?? '',
          rows: Object.entries(r.rowsRead)
            .map(([s, n]) => `${s}:${n}`)
            .join(' '),
        }))
        this.log(
          renderTable(
            [
              {key: 'id', header: 'ID', kind: 'int'},
              {key: 'job', header: 'Job'},
              {key: 'started', header: 'Started (UTC)'},
              {key: 'duration', header: 'Took', kind: 'int'},
              {key: 'status', header: 'Status'},
              {key: 'exit', header: 'Exit', kind: 'int'},
              {key: 'rows', header: 'Rows read'},
            ],
            rows,
            {color: this.color},
          ),
        )
      }
      return {runs}
    } finally {
      await store.close()
    }
  }
}
