import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import {writeFileAtomic} from './atomic.js'
import type {Column} from './columns.js'
import {pipeCsv, writeCsv} from './csv.js'
import {resolveFormat} from './format.js'
import {renderTable} from './table.js'
import {writeXlsx, type SheetSpec} from './xlsx.js'

export const OUTPUT_FORMATS = ['table', 'csv', 'xlsx', 'json'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** What the terminal rendering of a result may use. */
export interface TextOptions {
  color: boolean
  /** Fit tables into this many display columns (none: full width). */
  width?: number
  /** `--columns`: the columns of the main table. */
  columns?: string[]
  /** Zone every time is shown in (labelled). */
  zone: string
}

/**
 * How one area's result is shown, beside the result type in `src/lib/<area>/view.ts`: the terminal text, the rows
 * of its CSV, the sheets of its workbook, and its JSON document (default: the result itself). Commands pass the
 * result and its view to `emit`.
 */
export interface View<T> {
  text(result: T, o: TextOptions): string
  csv?(result: T, o: {zone: string}): {columns: Column<any>[]; rows: Iterable<any> | AsyncIterable<any>}
  xlsx?(result: T, o: {zone: string}): SheetSpec<any>[]
  /** The JSON document (`--json` on stdout, or `--format json`): the same either way. */
  json?(result: T): unknown
  /** `--csv-headers labels`: a CSV column's title in the language in force (default: the column name). */
  csvLabel?(key: string): string
}

export interface OutputPlan {
  format: OutputFormat
  output: string | undefined
  /** --json: the JSON document goes to stdout (printed by the command framework). */
  json: boolean
}

/**
 * Decide the output before any work is done: `--format`, else the `--output` extension, else the table; refuse
 * what cannot work (XLSX to the terminal, CSV and --json both on stdout) with exit 2.
 */
export function planOutput(flags: {format?: string; output?: string}, json: boolean, formats: readonly OutputFormat[] = OUTPUT_FORMATS): OutputPlan {
  const format = resolveFormat({format: flags.format, output: flags.output, formats})
  if (format === 'xlsx' && !flags.output) throw new UsageError(t('errors.report.xlsxNeedsOutput'), {hints: [t('errors.report.xlsxNeedsOutputHint')]})
  if (format === 'csv' && !flags.output && json) {
    throw new UsageError(t('errors.report.jsonAndCsv'), {hints: [t('errors.report.jsonAndCsvHint')]})
  }
  return {format, output: flags.output, json}
}

/**
 * Output flags this output does not use, said instead of silently ignored: --columns shapes the terminal table only
 * (CSV, XLSX and JSON keep every column: a contract), --csv-headers labels and --bom the CSV only. `--bom` is given
 * here only when the operator set it (a command whose BOM is on by default passes none).
 */
export function ignoredOutputFlags(plan: OutputPlan, o: {columns?: string[]; csvHeaders?: string; bom?: boolean}): string[] {
  // with --json and --output the file is still written in its format; without --output the JSON is the output
  const format = plan.json && !plan.output ? 'json' : plan.format
  const out: string[] = []
  if (o.columns !== undefined && format !== 'table') out.push(t('errors.report.columnsIgnored', {format}))
  if (o.csvHeaders === 'labels' && format !== 'csv') out.push(t('errors.report.csvHeadersIgnored', {format}))
  if (o.bom === true && format !== 'csv') out.push(t('errors.report.bomIgnored', {format}))
  return out
}

/** The JSON text of a document: exactly what `--json` prints. */
export function jsonText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}

/**
 * The one output layer: a result in table, CSV, XLSX or JSON, to the terminal, stdout or an atomic file. The JSON
 * written by `--format json [--output F]` is the document `--json` prints. Returns the file written, if any.
 */
export async function emit<T>(result: T, view: View<T>, plan: OutputPlan, o: {text: TextOptions; bom?: boolean; csvHeaders?: string}): Promise<{path: string | null; rows?: number}> {
  const zone = o.text.zone
  switch (plan.format) {
    case 'json': {
      const text = jsonText(view.json ? view.json(result) : result)
      if (plan.output) {
        await writeFileAtomic(plan.output, text, {flag: '--output'})
        return {path: plan.output}
      }
      if (!plan.json) process.stdout.write(text)
      return {path: null}
    }
    case 'csv': {
      if (!view.csv) throw new UsageError(t('errors.report.noCsv'))
      const csv = view.csv(result, {zone})
      const {rows} = csv
      // --csv-headers labels: only the header row changes (documented as not a contract); the values keep their codes
      const columns = o.csvHeaders === 'labels' ? csv.columns.map((c) => ({...c, header: view.csvLabel ? view.csvLabel(c.key) : c.header})) : csv.columns
      if (plan.output) return {path: plan.output, rows: await writeCsv(plan.output, columns, rows, {bom: o.bom, flag: '--output'})}
      return {path: null, rows: await pipeCsv(process.stdout, columns, rows, {bom: o.bom})}
    }
    case 'xlsx': {
      if (!view.xlsx) throw new UsageError(t('errors.report.noXlsx'))
      await writeXlsx(plan.output!, view.xlsx(result, {zone}), {zone, flag: '--output'})
      return {path: plan.output!}
    }
    default: {
      // --json prints the document instead: the table is not rendered at all (on 8,000 variances that is most of a run)
      if (plan.json) return {path: null}
      const text = view.text(result, o.text)
      if (text !== '') process.stdout.write(`${text}\n`)
      return {path: null}
    }
  }
}

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

/** One table of rows as table | csv | xlsx (JSON is the command's result): for commands with a single row list. */
export async function emitRows<R>(opts: EmitOptions<R>): Promise<EmitResult> {
  switch (opts.format) {
    case 'table': {
      const rows: R[] = []
      for await (const r of opts.rows as AsyncIterable<R>) rows.push(r)
      return {kind: 'text', text: renderTable(opts.columns, rows, {color: opts.color})}
    }
    case 'csv': {
      if (opts.output) return {kind: 'file', path: opts.output, rows: await writeCsv(opts.output, opts.columns, opts.rows, {bom: opts.bom, flag: '--output'})}
      return {kind: 'stdout', rows: await pipeCsv(process.stdout, opts.columns, opts.rows, {bom: opts.bom})}
    }
    case 'xlsx': {
      if (!opts.output) throw new UsageError(t('errors.report.xlsxNeedsOutput'), {hints: [t('errors.report.xlsxNeedsOutputExample')]})
      await writeXlsx(opts.output, [{name: opts.sheetName ?? 'Sheet1', columns: opts.columns, rows: opts.rows}], {flag: '--output'})
      return {kind: 'file', path: opts.output}
    }
    case 'json':
      return {kind: 'none'}
    default:
      throw new UsageError(t('errors.report.unknownFormat', {format: String(opts.format)}))
  }
}
