import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {getCount} from '../../lib/count/count-store.js'
import {readCountWorkbook, type SheetEntry, type SheetProblem} from '../../lib/count/read-sheets.js'
import {checkCountedAt, localNow, recordEntries, type RecordResult} from '../../lib/count/record.js'
import {renderTable} from '../../lib/report/table.js'

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
    if (files.length === 0) throw new UsageError('name at least one filled count sheet', {hints: [`plantops count record ${args.count} count-${args.count}.xlsx`]})
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
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`)
      if (!this.jsonEnabled()) this.render(result)
      if (result.rejected.length > 0) process.exitCode = ExitCode.USAGE
      return result
    } finally {
      await store.close()
    }
  }

  private render(r: RecordResult): void {
    this.log(`Count ${r.count}: ${r.recorded} line(s) recorded, ${r.unchanged} unchanged, ${r.found} found, ${r.rejected.length} rejected, ${r.uncounted.length} still uncounted (status ${r.status}).`)
    if (r.rejected.length > 0) {
      this.log('\nRejected (fix these rows and record the file again; recorded rows are not duplicated):')
      this.log(renderTable([{key: 'where', header: 'Where'}, {key: 'line', header: 'Line', kind: 'int'}, {key: 'reason', header: 'Why'}], r.rejected, {color: this.color, maxWidth: 110}))
    }
    if (r.uncounted.length > 0) {
      this.log('\nStill uncounted:')
      this.log(
        renderTable(
          [
            {key: 'line', header: 'Line', kind: 'int'},
            {key: 'sheet', header: 'Sheet'},
            {key: 'location', header: 'Location'},
            {key: 'item', header: 'Item'},
            {key: 'lot', header: 'Lot'},
          ],
          r.uncounted.slice(0, 50),
          {color: this.color},
        ),
      )
      if (r.uncounted.length > 50) this.log(`… and ${r.uncounted.length - 50} more.`)
    } else if (r.rejected.length === 0) this.log(`All lines counted: plantops count report ${r.count}`)
  }
}

export function parseCountedAt(text: string | undefined): string {
  if (text === undefined) return localNow()
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(text.trim())
  if (!m) throw new UsageError(`--counted-at must be "YYYY-MM-DD HH:MM[:SS]" (plant time), got "${text}"`)
  return `${m[1]} ${m[2]}${m[3] ?? ':00'}`
}
