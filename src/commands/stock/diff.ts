import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {allowStaleFlag, bomFlag, outputFlags} from '../../lib/cli/output-flags.js'
import {t} from '../../lib/i18n/index.js'
import {emit, ignoredOutputFlags} from '../../lib/report/emit.js'
import {stockDiffJob} from '../../lib/stock/job.js'
import {staleText} from '../../lib/stock/report.js'
import {parseList, requireStockConfig} from '../../lib/stock/stock-diff.js'
import {failsOn} from '../../lib/stock/summary.js'
import {stockDiffView, type StockDiffResult} from '../../lib/stock/view.js'
import {notifyFlags} from '../../lib/notify/flags.js'

export type {StockDiffResult} from '../../lib/stock/view.js'

export default class StockDiff extends BaseCommand<typeof StockDiff> {
  static summary = 'Compare ERP stock with WMS stock, exactly, and report the variances with a probable cause.'
  static description =
    'Reads both sides from their read-only replicas (each in one consistent snapshot), normalises and maps codes and units, and classifies every item × warehouse × lot key as match, within_tolerance, over_tolerance, only_in_erp or only_in_wms.'

  static examples = [
    '<%= config.bin %> stock diff',
    '<%= config.bin %> stock diff --output variances.csv --fail-on over-tolerance',
    '<%= config.bin %> stock diff --warehouse WH01 --class A,B --output 差异.xlsx --show-cost',
    '<%= config.bin %> stock diff --only new --format csv --bom',
  ]

  static flags = {
    warehouse: Flags.string({char: 'w', summary: 'Only this ERP warehouse (repeatable, or comma-separated).', multiple: true}),
    class: Flags.string({summary: 'Only items of these classes, e.g. A,B.'}),
    grain: Flags.string({summary: 'Comparison grain (default from the config: item-warehouse-lot).', options: ['item-warehouse-lot', 'item-warehouse']}),
    ...outputFlags({output: 'Write the report to this file (.csv, .xlsx or .json: the extension sets the format).'}),
    all: Flags.boolean({summary: 'List every key, matches included (default: variances only).'}),
    'fail-on': Flags.string({summary: 'Exit 1 when variances of this kind exist.', options: ['over-tolerance', 'any', 'never'], default: 'never'}),
    'allow-stale': allowStaleFlag(),
    'show-cost': Flags.boolean({summary: 'Show valuation (value_diff, value at risk).'}),
    only: Flags.string({summary: 'Only variances first seen in this run.', options: ['new']}),
    bom: bomFlag(),
    top: Flags.integer({summary: 'How many top variances by value the summary lists.', default: 10, min: 0}),
    ...notifyFlags,
  }

  async run(): Promise<StockDiffResult> {
    const {flags} = await this.parse(StockDiff)
    const plan = this.planOutput(flags)
    const loaded = this.loadConfig(flags.config)
    const cfg = requireStockConfig(loaded.config.stock, loaded.path)
    const warehouses = parseList(flags.warehouse, '--warehouse')
    const classes = parseList(flags.class === undefined ? undefined : [flags.class], '--class')
    const text = this.textOptions(loaded, flags.columns)
    for (const w of ignoredOutputFlags(plan, {columns: text.columns, csvHeaders: flags['csv-headers'], bom: flags.bom})) this.warnOperator(w)

    return this.withRun({job: 'stock-diff', loaded}, async (ctx) => {
      const progress = this.progress('stock diff')
      let result: StockDiffResult | undefined
      const options = {
        warehouses,
        classes,
        grain: flags.grain as 'item-warehouse-lot' | 'item-warehouse' | undefined,
        all: flags.all,
        showCost: flags['show-cost'],
        allowStale: flags['allow-stale'],
        onlyNew: flags.only === 'new',
        top: flags.top,
        onProgress: (phase: string, counters: Record<string, number>) => progress.update(phase, counters),
        onWarning: (m: string) => this.warnOperator(m),
      }
      const keepRows = plan.json || plan.format === 'json'
      await stockDiffJob(ctx, {cfg, baseDir: loaded.dir, options, keepRows, output: plan.output}, async (summary, rows, kept) => {
        progress.stop()
        // one rule (summary.failing's): explained differences (goods in transit) never fail; --only new: new keys only
        const failed = failsOn(summary, flags['fail-on'], flags.only === 'new')
        result = {runId: ctx.run.id, summary, rows: kept, output: plan.output ?? null, failed}
        await emit({result, rows, showCost: flags['show-cost'], names: {items: Boolean(cfg.items?.columns.description), warehouses: Boolean(cfg.warehouses)}}, stockDiffView, plan, {text, bom: flags.bom, csvHeaders: flags['csv-headers']})
      }).finally(() => progress.stop())
      const {summary, failed} = result!
      if (plan.output && !this.jsonEnabled()) {
        this.logToStderr(t('stock.written', {count: summary.reported, file: plan.output, keys: summary.keys.total, over: summary.keys.over_tolerance, onlyErp: summary.keys.only_in_erp, onlyWms: summary.keys.only_in_wms}) + (summary.stale.length > 0 ? t('stock.writtenStale', {stale: staleText(summary.stale)}) : ''))
      }
      this.failWhen(failed)
      return result!
    })
  }
}
