import {UsageError} from '../cli/errors.js'
import type {Column} from './columns.js'
import {pipeCsv, writeCsv} from './csv.js'
import {renderTable} from './table.js'
import {writeXlsx} from './xlsx.js'

export const OUTPUT_FORMATS = ['table', 'csv', 'xlsx', 'json'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export interface EmitOptions<R> {
  format: OutputFormat
  /** File to write; CSV without a file goes to stdout, XLSX needs one. */
  output?: string
  columns: Column<R>[]
  rows: Iterable<R> | AsyncIterable<R>
  bom?: boolean
  sheetName?: string
  color?: boolean
}

export type EmitResult = {kind: 'text'; text: string} | {kind: 'file'; path: string; rows?: number} | {kind: 'stdout'; rows: number} | {kind: 'none'}

/** The one switch commands use for table | csv | xlsx | json rows. JSON itself is the command's return value. */
export async function emitRows<R>(opts: EmitOptions<R>): Promise<EmitResult> {
  switch (opts.format) {
    case 'table': {
      const rows: R[] = []
      for await (const r of opts.rows as AsyncIterable<R>) rows.push(r)
      return {kind: 'text', text: renderTable(opts.columns, rows, {color: opts.color})}
    }
    case 'csv': {
      if (opts.output) return {kind: 'file', path: opts.output, rows: await writeCsv(opts.output, opts.columns, opts.rows, {bom: opts.bom})}
      return {kind: 'stdout', rows: await pipeCsv(process.stdout, opts.columns, opts.rows, {bom: opts.bom})}
    }
    case 'xlsx': {
      if (!opts.output) throw new UsageError('--format xlsx needs --output FILE.xlsx', {hints: ['e.g. --format xlsx --output variances.xlsx']})
      await writeXlsx(opts.output, [{name: opts.sheetName ?? 'Sheet1', columns: opts.columns, rows: opts.rows}])
      return {kind: 'file', path: opts.output}
    }
    case 'json':
      return {kind: 'none'}
    default:
      throw new UsageError(`unknown format ${String(opts.format)}`)
  }
}
