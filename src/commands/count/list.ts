import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {countSummaries, type CountSummary} from '../../lib/count/count-store.js'
import {renderTable} from '../../lib/report/table.js'

export interface CountListResult {
  counts: CountSummary[]
}

export default class CountList extends BaseCommand<typeof CountList> {
  static summary = 'List counts and recounts: when, how sampled, seed, lines counted so far (never a quantity).'
  static examples = ['<%= config.bin %> count list', '<%= config.bin %> count list --limit 5 --json']

  static flags = {
    limit: Flags.integer({summary: 'How many counts to show (newest first).', default: 20, min: 1}),
  }

  async run(): Promise<CountListResult> {
    const {flags} = await this.parse(CountList)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const counts = await countSummaries(store.knex, flags.limit)
      if (counts.length === 0) this.log('No counts yet: open one with `plantops count sample`.')
      else
        this.log(
          renderTable(
            [
              {key: 'id', header: 'Count', kind: 'int'},
              {key: 'kind', header: 'Kind'},
              {key: 'parentId', header: 'Of', kind: 'int'},
              {key: 'createdAt', header: 'Opened (UTC)'},
              {key: 'method', header: 'Method'},
              {key: 'seed', header: 'Seed'},
              {key: 'sampleSize', header: 'Lines', kind: 'int'},
              {key: 'counted', header: 'Counted', kind: 'int'},
              {key: 'found', header: 'Found', kind: 'int'},
              {key: 'status', header: 'Status'},
              {key: 'sheetsPath', header: 'Sheets'},
            ],
            counts.map((c) => ({...c, createdAt: c.createdAt.replace('T', ' ').slice(0, 19)})),
            {color: this.color},
          ),
        )
      return {counts}
    } finally {
      await store.close()
    }
  }
}
