import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {notifyFlags} from '../../lib/notify/flags.js'
import {withAtomicFile} from '../../lib/report/atomic.js'
import {emitRows, OUTPUT_FORMATS, type OutputFormat} from '../../lib/report/emit.js'
import {renderKeyValue, renderTable} from '../../lib/report/table.js'
import {writeXlsx} from '../../lib/report/xlsx.js'
import {csvColumns, summaryPairs, tableColumns, toTableRow, xlsxColumns} from '../../lib/stock/report.js'
import {parseList, requireStockConfig, runStockDiff, type StockDiffSummary} from '../../lib/stock/stock-diff.js'
import type {StockVarianceRow} from '../../lib/stock/types.js'

export interface StockDiffResult {
  runId: number
  summary: StockDiffSummary
  /** The reported keys (variances; every key with --all; only new ones with --only new), sorted by warehouse, item, lot. */
  rows: StockVarianceRow[]
  output: string | null
  failed: boolean
}

const TABLE_LIMIT = 500

export default class StockDiff extends BaseCommand<typeof StockDiff> {
  static summary = 'Compare ERP stock with WMS stock, exactly, and report the variances with a probable cause.'
  static description =
    'Reads both sides from their read-only replicas (each in one consistent snapshot), normalises and maps codes and units, and classifies every item × warehouse × lot key as match, within_tolerance, over_tolerance, only_in_erp or only_in_wms.'

  static examples = [
    '<%= config.bin %> stock diff',
    '<%= config.bin %> stock diff --format csv --output variances.csv --fail-on over-tolerance',
    '<%= config.bin %> stock diff --warehouse WH01 --class A,B --format xlsx --output 差异.xlsx --show-cost',
    '<%= config.bin %> stock diff --only new --format csv --bom',
  ]

  static flags = {
    warehouse: Flags.string({char: 'w', summary: 'Only this ERP warehouse (repeatable, or comma-separated).', multiple: true}),
    class: Flags.string({summary: 'Only items of these classes, e.g. A,B.'}),
    grain: Flags.string({summary: 'Comparison grain (default from the config: item-warehouse-lot).', options: ['item-warehouse-lot', 'item-warehouse']}),
    format: Flags.string({char: 'f', summary: 'Output format.', options: [...OUTPUT_FORMATS], default: 'table'}),
    output: Flags.string({char: 'o', summary: 'Write the report to this file (csv, xlsx, json).'}),
    all: Flags.boolean({summary: 'List every key, matches included (default: variances only).'}),
    'fail-on': Flags.string({summary: 'Exit 1 when variances of this kind exist.', options: ['over-tolerance', 'any', 'never'], default: 'never'}),
    'allow-stale': Flags.boolean({summary: 'Reconcile even when a replica lags more than its maxLagSeconds.'}),
    'show-cost': Flags.boolean({summary: 'Show valuation (value_diff, value at risk).'}),
    only: Flags.string({summary: 'Only variances first seen in this run.', options: ['new']}),
    bom: Flags.boolean({summary: 'Start the CSV with a UTF-8 BOM (for Excel on Chinese Windows).'}),
    top: Flags.integer({summary: 'How many top variances by value the summary lists.', default: 10, min: 0}),
    ...notifyFlags,
  }

  async run(): Promise<StockDiffResult> {
    const {flags} = await this.parse(StockDiff)
    const format = flags.format as OutputFormat
    if (format === 'xlsx' && !flags.output) throw new UsageError('--format xlsx needs --output FILE.xlsx', {hints: ['e.g. --format xlsx --output variances.xlsx']})
    const loaded = this.loadConfig(flags.config)
    const cfg = requireStockConfig(loaded.config.stock, loaded.path)
    const warehouses = parseList(flags.warehouse, '--warehouse')
    const classes = parseList(flags.class === undefined ? undefined : [flags.class], '--class')

    return this.withRun({job: 'stock-diff', loaded}, async (ctx) => {
      const progress = this.progress('stock diff')
      const outcome = await runStockDiff({
        cfg,
        baseDir: loaded.dir,
        sources: ctx.sources,
        store: ctx.store.knex,
        runId: ctx.run.id,
        options: {
          warehouses,
          classes,
          grain: flags.grain as 'item-warehouse-lot' | 'item-warehouse' | undefined,
          all: flags.all,
          showCost: flags['show-cost'],
          allowStale: flags['allow-stale'],
          onlyNew: flags.only === 'new',
          top: flags.top,
          onProgress: (phase, counters) => progress.update(phase, counters),
          onWarning: (m) => this.warnOperator(m),
        },
      }).finally(() => progress.stop())
      const {summary} = outcome
      const keep: StockVarianceRow[] = []
      const rows = this.jsonEnabled() || format === 'json' ? collect(outcome.rows, keep) : outcome.rows
      try {
        if (format === 'json') {
          for (const _ of rows);
          const text = `${JSON.stringify({summary, rows: keep}, null, 2)}\n`
          if (flags.output) await withAtomicFile(flags.output, async (tmp) => (await import('node:fs/promises')).writeFile(tmp, text))
          else if (!this.jsonEnabled()) process.stdout.write(text)
        } else if (format === 'xlsx') {
          await writeXlsx(flags.output!, [
            {name: 'variances', columns: xlsxColumns(flags['show-cost']), rows},
            {name: 'summary', columns: [{key: 'k', header: 'item'}, {key: 'v', header: 'value'}], rows: summaryPairs(summary).map(([k, v]) => ({k: k.trim(), v: String(v)}))},
          ])
        } else if (format === 'csv') {
          await emitRows({format, output: flags.output, columns: csvColumns(), rows, bom: flags.bom})
        } else if (!this.jsonEnabled()) {
          const names = {items: Boolean(cfg.items?.columns.description), warehouses: Boolean(cfg.warehouses)}
          const shown: StockVarianceRow[] = []
          let n = 0
          for (const r of rows) if (n++ < TABLE_LIMIT) shown.push(r)
          this.log(renderKeyValue(summaryPairs(summary), {color: this.color}))
          if (flags['show-cost'] && summary.topVariances.length > 0) {
            this.log('Top variances by value:')
            this.log(renderTable(tableColumns(true, names).filter((c) => c.key !== 'seen' && c.key !== 'pct'), summary.topVariances.map(toTableRow), {color: this.color}))
          }
          if (n === 0) this.log('No variances.')
          else {
            this.log(renderTable(tableColumns(flags['show-cost'], names), shown.map(toTableRow), {color: this.color}))
            if (n > TABLE_LIMIT) this.log(`… ${n - TABLE_LIMIT} more rows: use --format csv or xlsx with --output for the full list.`)
          }
        } else for (const _ of rows);
      } finally {
        outcome.close()
      }
      await outcome.commit()
      if (flags.output) ctx.run.output(flags.output)
      if (flags.output && !this.jsonEnabled() && format !== 'table') {
        this.logToStderr(`${summary.reported} rows written to ${flags.output} · keys ${summary.keys.total} · over tolerance ${summary.keys.over_tolerance} · only in ERP ${summary.keys.only_in_erp} · only in WMS ${summary.keys.only_in_wms}`)
      }
      ctx.run.outcome({warnings: summary.warnings.length, keys: summary.keys, causes: summary.causes, recordAccuracyPct: summary.recordAccuracyPct, newVariances: summary.newVariances, resolved: summary.resolved.count})

      const failOn = flags['fail-on']
      // with --only new, a cron job fails only on what is new
      const counts = flags.only === 'new' ? summary.newByStatus : summary.keys
      const overish = counts.over_tolerance + counts.only_in_erp + counts.only_in_wms
      // over-tolerance: differences exactly explained by goods in transit do not fail; one-sided keys per stock.failOn.oneSided
      const f = summary.failing
      const failed = failOn === 'any' ? overish + counts.within_tolerance > 0 : failOn === 'over-tolerance' ? f.over_tolerance + f.only_in_erp + f.only_in_wms > 0 : false
      this.failWhen(failed)
      return {runId: ctx.run.id, summary, rows: keep, output: flags.output ?? null, failed}
    })
  }
}

function* collect<T>(rows: Iterable<T>, into: T[]): Generator<T> {
  for (const r of rows) {
    into.push(r)
    yield r
  }
}

