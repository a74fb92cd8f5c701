import {Args, Flags} from '@oclif/core'

import {t} from '../../lib/i18n/index.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {getCount} from '../../lib/count/count-store.js'
import {enterCounts, type AskCount} from '../../lib/count/enter.js'
import {localNow, type RecordResult} from '../../lib/count/record.js'

export type CountEnterResult = RecordResult & {typed: number; skipped: number}

export default class CountEnter extends BaseCommand<typeof CountEnter> {
  static summary = 'Type counts line by line on a terminal (blind: no system quantity is shown).'
  static examples = ['<%= config.bin %> count enter 3 --counter 张三']

  static args = {
    count: Args.integer({description: 'Count id.', required: true, min: 1}),
  }

  static flags = {
    counter: Flags.string({summary: 'Who counted (stored with each line).'}),
  }

  async run(): Promise<CountEnterResult> {
    const {args, flags} = await this.parse(CountEnter)
    if (!this.isInteractive(flags)) {
      throw new UsageError(t('errors.count.enterNoTerminal'), {
        code: 'NOT_INTERACTIVE',
        hints: [t('errors.count.enterNoTerminalHint', {id: args.count})],
      })
    }
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const header = await getCount(store.knex, args.count)
      const {input} = await import('@inquirer/prompts')
      const ask: AskCount = (q) => input({message: q.message, validate: q.validate})
      const counter = flags.counter ?? ((await input({message: t('count.enter.counterPrompt')})).trim() || null)
      const result = await enterCounts(store.knex, header, {ask, counter, countedAt: () => localNow()})
      // i18n-dynamic: count.countStatus.*
      this.log(t('count.enter.totals', {id: header.id, typed: result.typed, skipped: result.skipped, uncounted: result.uncounted.length, status: t(`count.countStatus.${result.status}`)}))
      for (const r of result.rejected) process.stderr.write(`${t('count.enter.rejected', {where: r.where, reason: r.reason})}\n`)
      return result
    } finally {
      await store.close()
    }
  }
}
