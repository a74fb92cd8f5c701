import type {JobRunSummary} from './job-run.js'
import {statusNames, type JobFinding} from './job-types.js'
import {csvColumns, jobSummaryJson, jobSummaryPairs, reportLines, tableColumns, toTableLine, xlsxColumns, xlsxHighlight, xlsxLine, type JobFindingJson} from './job-view.js'
import {currentLanguage, t} from '../i18n/index.js'
import {withAtomicFile} from '../report/atomic.js'
import {emitRows, type OutputFormat} from '../report/emit.js'
import {renderKeyValue, renderTable} from '../report/table.js'
import {writeXlsx} from '../report/xlsx.js'

/** Lines of findings the terminal table shows; the rest go to --format csv/xlsx --output. */
export const TABLE_LIMIT = 200

/**
 * Write one job's report in the asked format: JSON (summary + rows), XLSX (one row per differing field, highlighted,
 * and a summary sheet), CSV (the documented contract, streamed), or the terminal summary and first lines. `rows` is
 * iterated exactly once whatever the format (with --json nothing is printed here: the command returns the result).
 */
export async function writeJobReport(opts: {
  name: string
  summary: JobRunSummary
  rows: Iterable<JobFinding>
  /** Findings kept for the JSON document, in its shape (filled while `rows` is iterated). */
  kept: JobFindingJson[]
  format: OutputFormat
  output?: string
  bom?: boolean
  json: boolean
  color: boolean
  log: (text: string) => void
}): Promise<void> {
  const {name, summary, rows, format, output} = opts
  const names = statusNames(summary)
  if (format === 'json') {
    for (const _ of rows);
    const text = `${JSON.stringify({summary: jobSummaryJson(summary), rows: opts.kept}, null, 2)}\n`
    if (output) await withAtomicFile(output, async (tmp) => (await import('node:fs/promises')).writeFile(tmp, text))
    else if (!opts.json) process.stdout.write(text)
  } else if (format === 'xlsx') {
    await writeXlsx(output!, [
      {name: name.slice(0, 31), columns: xlsxColumns(summary), rows: mapLines(reportLines(name, summary, rows, currentLanguage()), (l) => xlsxLine(names, l)), highlight: xlsxHighlight},
      {name: t('report.sheet.summary'), columns: [{key: 'k', header: t('report.summaryItem')}, {key: 'v', header: t('report.summaryValue')}], rows: jobSummaryPairs(summary).map(([k, v]) => ({k: k.trim(), v: String(v)}))},
    ])
  } else if (format === 'csv') {
    // the CSV is a contract: the detail in English whatever the language in force
    await emitRows({format, output, columns: csvColumns(summary.keyNames), rows: reportLines(name, summary, rows, 'en'), bom: opts.bom})
  } else if (opts.json) {
    for (const _ of rows);
  } else {
    const shown = []
    let n = 0
    for (const l of reportLines(name, summary, rows, currentLanguage())) if (n++ < TABLE_LIMIT) shown.push(toTableLine(names, l))
    opts.log(renderKeyValue(jobSummaryPairs(summary), {color: opts.color}))
    if (n === 0) opts.log(t('reconcile.noFindings'))
    else {
      opts.log(renderTable(tableColumns(summary), shown, {color: opts.color}))
      if (n > TABLE_LIMIT) opts.log(t('reconcile.moreLines', {count: n - TABLE_LIMIT}))
    }
  }
}

function* mapLines<A, B>(rows: Iterable<A>, fn: (a: A) => B): Generator<B> {
  for (const r of rows) yield fn(r)
}

/** Whether a job's run fails the command (--fail-on): with --only new, only what is new counts. */
export function jobFails(summary: JobRunSummary, failOn: string, onlyNew: boolean): boolean {
  const c = onlyNew ? {...summary.newByStatus, in_flight: 0} : summary.keys
  const findings = c.differs + c.only_in_left + c.only_in_right
  return failOn === 'any' ? findings + c.in_flight > 0 : failOn === 'differs' ? findings > 0 : false
}
