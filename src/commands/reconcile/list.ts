import {BaseCommand} from '../../lib/cli/base-command.js'
import {t} from '../../lib/i18n/index.js'
import {jobsOverview} from '../../lib/reconcile/job-history.js'
import {renderTable} from '../../lib/report/table.js'
import {formatTime, zoneLabel} from '../../lib/report/time.js'

export interface ReconcileListResult {
  jobs: Array<{
    job: string
    description: string | null
    left: string
    right: string
    keys: string[]
    fields: string[]
    lastRunId: number | null
    lastRunAt: string | null
    openFindings: number | null
  }>
}

export default class ReconcileList extends BaseCommand<typeof ReconcileList> {
  static summary = 'List the configured reconcile jobs with their last run and open findings.'
  static examples = ['<%= config.bin %> reconcile list', '<%= config.bin %> reconcile list --json']

  async run(): Promise<ReconcileListResult> {
    const {flags} = await this.parse(ReconcileList)
    const loaded = this.loadConfig(flags.config)
    const jobs = Object.entries(loaded.config.reconcile?.jobs ?? {})
    const store = await this.openStore(loaded)
    let overview
    try {
      overview = await jobsOverview(store.knex)
    } finally {
      await store.close()
    }
    const result: ReconcileListResult = {
      jobs: jobs.map(([name, j]) => {
        const o = overview.get(name)
        const side = (s: typeof j.left) => `${s.label ?? s.source}: ${s.source}.${s.table ?? '(query)'}`
        return {
          job: name,
          description: j.description ?? null,
          left: side(j.left),
          right: side(j.right),
          keys: j.link.keys.map((k) => k.name),
          fields: Object.keys(j.compare),
          lastRunId: o?.lastRunId ?? null,
          lastRunAt: o?.lastRunAt ?? null,
          openFindings: o?.openFindings ?? null,
        }
      }),
    }
    if (jobs.length === 0) this.warnOperator(t('reconcile.list.none', {file: loaded.path}))
    else if (!this.jsonEnabled()) {
      const {zone} = this.textOptions(loaded) // times in the plant's zone, labelled (--json keeps the stored UTC)
      this.log(
        renderTable(
          [
            {key: 'job', header: t('reconcile.list.job')},
            {key: 'left', header: t('reconcile.list.left')},
            {key: 'right', header: t('reconcile.list.right')},
            {key: 'keyText', header: t('reconcile.list.key')},
            {key: 'last', header: t('reconcile.list.lastRun', {zone: zoneLabel(zone)})},
            {key: 'open', header: t('reconcile.list.open'), kind: 'int'},
          ],
          result.jobs.map((j) => ({...j, keyText: j.keys.join(' × '), last: j.lastRunId === null ? t('reconcile.list.never') : `#${j.lastRunId} ${j.lastRunAt ? formatTime(j.lastRunAt, zone) : ''}`, open: j.openFindings ?? ''})),
          {color: this.color},
        ),
      )
    }
    return result
  }
}
