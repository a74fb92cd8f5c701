import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {countSummaries, type CountSummary} from '../../lib/count/count-store.js'
import {countListText} from '../../lib/count/view.js'

export interface CountListResult {
  counts: CountSummary[]
}

export default class CountList extends BaseCommand<typeof CountList> {
  static summary = 'List counts and recounts: when, how sampled, seed, lines counted so far (never a quantity).'
  static examples = ['<%= config.bin %> count list', '<%= config.bin %> count list --limit 5 --json']

  static flags = {
    limit: Flags.integer({summary: 'How many counts to show (newest first).', default: 20, min: 1}),
    columns: Flags.string({summary: 'Only these columns, in this order (comma-separated keys or headers).'}),
  }

  async run(): Promise<CountListResult> {
    const {flags} = await this.parse(CountList)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const counts = await countSummaries(store.knex, flags.limit)
      if (!this.jsonEnabled()) this.log(countListText(counts, this.textOptions(loaded, flags.columns)))
      return {counts}
    } finally {
      await store.close()
    }
  }
}
