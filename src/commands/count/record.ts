import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {t} from '../../lib/i18n/index.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {getCount} from '../../lib/count/count-store.js'
import {readCountWorkbook, type SheetEntry, type SheetProblem} from '../../lib/count/read-sheets.js'
import {checkCountedAt, localNow, recordEntries, type RecordResult} from '../../lib/count/record.js'
import {countRecordText} from '../../lib/count/view.js'

export type CountRecordResult = RecordResult

export default class CountRecord extends BaseCommand<typeof CountRecord> {
  static summary = 'Record filled count sheets: validate every row, store the counts, list what is still uncounted.'
  static description =
    'Reads the sheets written by `count sample`, also when edited by hand (rows reordered, blank rows, counts typed as text or with a unit like "12 PCS"). Rows for lines not in the count, non-numeric or negative counts, and a line counted twice with different results are rejected with file:sheet:row; the other rows are recorded (exit 2 when anything was rejected). Rows with no line number but a location of the count, an item and a count are recorded as found stock. Re-running with the same files changes nothing.'
  static examples = ['<%= config.bin %> count record 3 count-3.xlsx', '<%= config.bin %> count record 3 counter1.xlsx counter2.xlsx --counted-at "2026-11-21 10:30:00"']
  static strict = false

  static args = {
    count: Args.integer({description: 'Count id (from `count sample`).', required: true, min: 1}),
    file: Args.string({description: 'Filled count sheet(s) (.xlsx); more than one may be given.', required: true}),
  }

  static flags = {
    'counted-at': Flags.string({summary: 'When the counting was done, plant time "YYYY-MM-DD HH:MM[:SS]" (default: now; not before the count snapshot); movements after the snapshot and up to this time are the cut-off.'}),
    replace: Flags.boolean({summary: 'Replace counts already recorded with different values (a corrected sheet).'}),
  }

  async run(): Promise<CountRecordResult> {
    const {args, argv, flags} = await this.parse(CountRecord)
    const files = (argv as string[]).slice(1)
    if (files.length === 0) throw new UsageError(t('count.record.error.noFile'), {hints: [`plantops count record ${args.count} count-${args.count}.xlsx`]})
    const countedAt = parseCountedAt(flags['counted-at'])
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      const header = await getCount(store.knex, args.count)
      if (flags['counted-at'] !== undefined) checkCountedAt(header, countedAt)
      const entries: SheetEntry[] = []
      const problems: SheetProblem[] = []
      for (const f of files) {
        const r = await readCountWorkbook(f, header.id)
        entries.push(...r.entries)
        problems.push(...r.problems)
      }
      const result = await recordEntries(store.knex, header, entries, {countedAt, replace: flags.replace, sheetProblems: problems})
      for (const w of result.warnings) this.warnOperator(w)
      if (!this.jsonEnabled()) this.log(countRecordText(result, this.textOptions(loaded)))
      if (result.rejected.length > 0) process.exitCode = ExitCode.USAGE
      return result
    } finally {
      await store.close()
    }
  }
}

export function parseCountedAt(text: string | undefined): string {
  if (text === undefined) return localNow()
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(text.trim())
  if (!m) throw new UsageError(t('count.record.error.countedAtFormat', {text}))
  return `${m[1]} ${m[2]}${m[3] ?? ':00'}`
}
