import {Args, Flags} from '@oclif/core'

import {t} from '../../lib/i18n/index.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {outputFlags} from '../../lib/cli/output-flags.js'
import {reportCount} from '../../lib/count/count-report.js'
import {requireCountConfig} from '../../lib/count/section.js'
import {ADJ_COLUMNS, adjColumns, countReportView, labelledAdjustment, type CountReportResult} from '../../lib/count/view.js'
import {notifyFlags} from '../../lib/notify/flags.js'
import {writeCsv} from '../../lib/report/csv.js'
import {emit, ignoredOutputFlags} from '../../lib/report/emit.js'
import {writeXlsx} from '../../lib/report/xlsx.js'

export type {CountReportResult} from '../../lib/count/view.js'

export default class CountReportCmd extends BaseCommand<typeof CountReportCmd> {
  static summary = 'Variance report of a count: counted vs WMS vs ERP, tolerance by class, IRA with its interval, recount list, proposed adjustments.'
  static description =
    'Movements between the snapshot and the count are applied (cut-off), so stock moved during the count is not a variance. IRA is the share of counted lines within tolerance, with a 95% Wilson score interval for the whole population. Lines not counted yet stay blind. Proposed adjustments are written to a file for review; plantops never writes to a source.'
  static examples = [
    '<%= config.bin %> count report 3',
    '<%= config.bin %> count report 3 --output count-3-report.xlsx --adjustments count-3-adjustments.xlsx',
    '<%= config.bin %> count report 3 --output variances.csv --fail-on over-tolerance',
  ]

  static args = {count: Args.integer({description: 'Count id.', required: true, min: 1})}

  static flags = {
    ...outputFlags({output: 'Write the report to this file (.csv, .xlsx or .json: the extension sets the format; csv without a file goes to stdout).'}),
    'fail-on': Flags.string({summary: 'Exit 1 when this is found (for cron).', options: ['over-tolerance', 'never'], default: 'never'}),
    adjustments: Flags.string({summary: 'Write proposed adjustments to this file (.csv or .xlsx) for review.'}),
    bom: Flags.boolean({summary: 'UTF-8 BOM on CSV (Excel on Chinese Windows).', default: true, allowNo: true}),
    ...notifyFlags,
  }

  async run(): Promise<CountReportResult> {
    const {args, flags} = await this.parse(CountReportCmd)
    const plan = this.planOutput(flags)
    if (flags.adjustments && !/\.(csv|xlsx)$/i.test(flags.adjustments)) throw new UsageError(t('errors.count.adjustments', {value: flags.adjustments}))
    const loaded = this.loadConfig(flags.config)
    const cfg = requireCountConfig(loaded)
    const text = this.textOptions(loaded, flags.columns)
    for (const w of ignoredOutputFlags(plan, {columns: text.columns, csvHeaders: flags['csv-headers']})) this.warnOperator(w)
    return this.withRun({job: 'count-report', loaded, lock: false}, async (ctx) => {
      const {header, report, recountId} = await reportCount(ctx.store.knex, ctx.sources, cfg, args.count)
      let adjustments: CountReportResult['adjustments'] = null
      if (flags.adjustments) {
        if (/\.csv$/i.test(flags.adjustments)) await writeCsv(flags.adjustments, ADJ_COLUMNS, report.adjustments, {bom: flags.bom, flag: '--adjustments'})
        else await writeXlsx(flags.adjustments, [{name: t('count.sheetName.adjustments'), columns: adjColumns(), rows: report.adjustments.map(labelledAdjustment)}], {zone: text.zone, flag: '--adjustments'})
        adjustments = {path: flags.adjustments, rows: report.adjustments.length}
        ctx.run.output(flags.adjustments)
      }
      const result: CountReportResult = {
        count: {id: header.id, kind: header.kind, parentId: header.parentId, status: header.status, method: header.method, seed: header.seed, snapshotAt: header.snapshotAt, populationSize: header.populationSize, sampleSize: header.sampleSize, recountId},
        totals: report.totals,
        ira: report.ira,
        cutoff: report.cutoff,
        lines: report.lines,
        recount: report.recount.map((r) => ({line: r.line, location: r.location, item: r.item, lot: r.lot, wmsStatus: r.wmsStatus, erpStatus: r.erpStatus})),
        uncounted: report.uncounted,
        adjustments,
        output: plan.output ?? null,
      }
      await emit({result, header, report}, countReportView, plan, {text, bom: flags.bom, csvHeaders: flags['csv-headers']})
      if (plan.output) ctx.run.output(plan.output)
      if (plan.output && !this.jsonEnabled()) process.stderr.write(`${t('count.report.written', {id: header.id, count: report.lines.length, file: plan.output})}\n`)
      if (adjustments && !this.jsonEnabled()) process.stderr.write(`${t('count.report.adjustmentsWritten', {count: adjustments.rows, file: adjustments.path})}\n`)
      ctx.run.outcome({count: header.id, counted: report.totals.counted, wmsOver: report.totals.wmsOver, erpOver: report.totals.erpOver, iraWms: report.ira.wms.ira, iraErp: report.ira.erp.ira})
      this.failWhen(flags['fail-on'] === 'over-tolerance' && report.recount.length > 0)
      return result
    })
  }
}
