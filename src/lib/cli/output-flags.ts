import {Flags} from '@oclif/core'

import {OUTPUT_FORMATS} from '../report/emit.js'

/** The output flags every reporting command shares: --format, --output, --columns. */
export function outputFlags(opts: {output: string; formats?: readonly string[]}) {
  return {
    format: Flags.string({char: 'f', summary: 'Output format (default: from the --output extension .csv/.xlsx/.json, else a table).', options: [...(opts.formats ?? OUTPUT_FORMATS)]}),
    output: Flags.string({char: 'o', summary: opts.output}),
    columns: Flags.string({summary: 'Terminal table: only these columns, in this order (comma-separated keys or headers).'}),
    'csv-headers': Flags.string({
      summary: 'CSV header row: codes (the column names, a stable contract) or labels (the column titles in the --lang language, for people opening the file in Excel; not a contract).',
      options: ['codes', 'labels'],
      default: 'codes',
    }),
  }
}

export function parseColumns(value: string | undefined): string[] | undefined {
  const list = value?.split(',').map((s) => s.trim()).filter(Boolean)
  return list && list.length > 0 ? list : undefined
}

/** --bom: a UTF-8 BOM before the CSV (default off; `count report` turns it on by default with its own flag). */
export const bomFlag = () => Flags.boolean({summary: 'Start the CSV with a UTF-8 BOM (for Excel on Chinese Windows).'})

/** --allow-stale: for commands that read replicas and refuse lagging ones. */
export const allowStaleFlag = () => Flags.boolean({summary: 'Reconcile even when a replica lags more than its maxLagSeconds.'})
