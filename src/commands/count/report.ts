import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {reportCount} from '../../lib/count/count-report.js'
import type {CountHeader} from '../../lib/count/count-store.js'
import type {Proportion} from '../../lib/count/ira.js'
import type {AdjustmentRow, CountReport, IraSummary, ReportLine, UncountedLine} from '../../lib/count/report.js'
import {requireCountConfig} from '../../lib/count/section.js'
import {notifyFlags} from '../../lib/notify/flags.js'
import type {Column} from '../../lib/report/columns.js'
import {writeCsv} from '../../lib/report/csv.js'
import {emitRows, OUTPUT_FORMATS, type OutputFormat} from '../../lib/report/emit.js'
import {renderKeyValue, renderTable} from '../../lib/report/table.js'
import {writeXlsx} from '../../lib/report/xlsx.js'

export interface CountReportResult {
  count: Pick<CountHeader, 'id' | 'kind' | 'parentId' | 'status' | 'method' | 'seed' | 'snapshotAt' | 'populationSize' | 'sampleSize'> & {recountId: number | null}
  totals: CountReport['totals']
  ira: IraSummary
  cutoff: CountReport['cutoff']
  lines: ReportLine[]
  recount: Array<Pick<ReportLine, 'line' | 'location' | 'item' | 'lot' | 'wmsStatus' | 'erpStatus'>>
  uncounted: UncountedLine[]
  adjustments: {path: string; rows: number} | null
  output: string | null
}

const LINE_COLUMNS: Column<ReportLine>[] = [
  {key: 'line', header: 'Line', kind: 'int'},
  {key: 'location', header: 'Location'},
  {key: 'item', header: 'Item'},
  {key: 'description', header: 'Description'},
  {key: 'lot', header: 'Lot'},
  {key: 'abcClass', header: 'Class'},
  {key: 'unit', header: 'Unit'},
  {key: 'counted', header: 'Counted', kind: 'qty'},
  {key: 'wmsExpected', header: 'WMS', kind: 'qty'},
  {key: 'cutoff', header: 'Cut-off', kind: 'qty'},
  {key: 'wmsDiff', header: 'WMS diff', kind: 'qty'},
  {key: 'wmsStatus', header: 'WMS status'},
  {key: 'erpUnit', header: 'ERP unit'},
  {key: 'countedErpUnit', header: 'Counted (ERP unit)', kind: 'qty'},
  {key: 'erpExpected', header: 'ERP', kind: 'qty'},
  {key: 'erpDiff', header: 'ERP diff', kind: 'qty'},
  {key: 'erpStatus', header: 'ERP status'},
  {key: 'erpDiffValue', header: 'ERP diff value', kind: 'money'},
  {key: 'tolerancePct', header: 'Tol %', kind: 'int'},
]

const TABLE_COLUMNS = LINE_COLUMNS.filter((c) => !['description', 'tolerancePct', 'cutoff'].includes(c.key))

const ADJ_COLUMNS: Column<AdjustmentRow>[] = [
  {key: 'system', header: 'System'},
  {key: 'warehouse', header: 'Warehouse'},
  {key: 'location', header: 'Location'},
  {key: 'item', header: 'Item'},
  {key: 'lot', header: 'Lot'},
  {key: 'unit', header: 'Unit'},
  {key: 'systemQty', header: 'System qty', kind: 'qty'},
  {key: 'countedQty', header: 'Counted qty', kind: 'qty'},
  {key: 'adjustQty', header: 'Proposed adjustment', kind: 'qty'},
  {key: 'value', header: 'Value', kind: 'money'},
  {key: 'status', header: 'Status'},
  {key: 'note', header: 'Note'},
]

interface IraRow {
  scope: string
  population: number | null
  counted: number
  wms: string
  wmsInterval: string
  erp: string
  erpInterval: string
}

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)}%`)
const interval = (p: Proportion) => (p.low === null ? '' : `${pct(p.low)} – ${pct(p.high)}${p.fpcApplied ? ' (fpc)' : ''}`)

function iraRows(ira: IraSummary, population: number): IraRow[] {
  const row = (scope: string, pop: number | null, w: Proportion, e: Proportion): IraRow => ({
    scope,
    population: pop,
    counted: w.counted,
    wms: pct(w.ira),
    wmsInterval: interval(w),
    erp: e.counted ? pct(e.ira) : 'n/a',
    erpInterval: interval(e),
  })
  return [row('all lines', population, ira.wms, ira.erp), ...ira.byClass.map((b) => row(`class ${b.abcClass}`, b.population, b.wms, b.erp))]
}

export default class CountReportCmd extends BaseCommand<typeof CountReportCmd> {
  static summary = 'Variance report of a count: counted vs WMS vs ERP, tolerance by class, IRA with its interval, recount list, proposed adjustments.'
  static description =
    'Movements between the snapshot and the count are applied (cut-off), so stock moved during the count is not a variance. IRA is the share of counted lines within tolerance, with a 95% Wilson score interval for the whole population. Lines not counted yet stay blind. Proposed adjustments are written to a file for review; plantops never writes to a source.'
  static examples = [
    '<%= config.bin %> count report 3',
    '<%= config.bin %> count report 3 --format xlsx --output count-3-report.xlsx --adjustments count-3-adjustments.xlsx',
    '<%= config.bin %> count report 3 --format csv --output variances.csv --fail-on over-tolerance',
  ]

  static args = {count: Args.integer({description: 'Count id.', required: true, min: 1})}

  static flags = {
    format: Flags.string({summary: 'Output format for the lines.', options: [...OUTPUT_FORMATS], default: 'table'}),
    output: Flags.string({char: 'o', summary: 'File for csv/xlsx (csv without it goes to stdout).'}),
    'fail-on': Flags.string({summary: 'Exit 1 when this is found (for cron).', options: ['over-tolerance', 'never'], default: 'never'}),
    adjustments: Flags.string({summary: 'Write proposed adjustments to this file (.csv or .xlsx) for review.'}),
    bom: Flags.boolean({summary: 'UTF-8 BOM on CSV (Excel on Chinese Windows).', default: true, allowNo: true}),
    ...notifyFlags,
  }

  async run(): Promise<CountReportResult> {
    const {args, flags} = await this.parse(CountReportCmd)
    const format = flags.format as OutputFormat
    if (flags.adjustments && !/\.(csv|xlsx)$/i.test(flags.adjustments)) throw new UsageError(`--adjustments must end in .csv or .xlsx, got ${flags.adjustments}`)
    const loaded = this.loadConfig(flags.config)
    const cfg = requireCountConfig(loaded)
    return this.withRun({job: 'count-report', loaded, lock: false}, async (ctx) => {
      const {header, report, recountId} = await reportCount(ctx.store.knex, ctx.sources, cfg, args.count)
      let output: string | null = null
      if (format === 'xlsx') {
        if (!flags.output) throw new UsageError('--format xlsx needs --output FILE.xlsx')
        await writeXlsx(flags.output, [
          {name: 'Lines', columns: LINE_COLUMNS, rows: report.lines, highlight: (r: ReportLine) => [...(r.wmsStatus === 'over' ? ['wmsDiff'] : []), ...(r.erpStatus === 'over' ? ['erpDiff'] : [])]},
          {name: 'IRA', columns: IRA_COLUMNS, rows: iraRows(report.ira, header.populationSize)},
          {name: 'Recount', columns: LINE_COLUMNS, rows: report.recount},
          {name: 'Adjustments', columns: ADJ_COLUMNS, rows: report.adjustments},
        ])
        output = flags.output
      } else if (format === 'csv' || (format === 'table' && !this.jsonEnabled())) {
        const emitted = await emitRows({format, output: flags.output, columns: format === 'table' ? TABLE_COLUMNS : LINE_COLUMNS, rows: report.lines, bom: flags.bom, color: this.color})
        if (emitted.kind === 'text') this.renderSummary(header, report, emitted.text, recountId)
        if (emitted.kind === 'file') output = emitted.path
      }
      if (output) ctx.run.output(output)
      let adjustments: CountReportResult['adjustments'] = null
      if (flags.adjustments) {
        if (/\.csv$/i.test(flags.adjustments)) await writeCsv(flags.adjustments, ADJ_COLUMNS, report.adjustments, {bom: flags.bom})
        else await writeXlsx(flags.adjustments, [{name: 'Adjustments', columns: ADJ_COLUMNS, rows: report.adjustments}])
        adjustments = {path: flags.adjustments, rows: report.adjustments.length}
        ctx.run.output(flags.adjustments)
        if (!this.jsonEnabled()) process.stderr.write(`Proposed adjustments (${report.adjustments.length}) written to ${flags.adjustments}: for review, nothing was changed in any system.\n`)
      }
      ctx.run.outcome({count: header.id, counted: report.totals.counted, wmsOver: report.totals.wmsOver, erpOver: report.totals.erpOver, iraWms: report.ira.wms.ira, iraErp: report.ira.erp.ira})
      this.failWhen(flags['fail-on'] === 'over-tolerance' && report.recount.length > 0)
      const result: CountReportResult = {
        count: {id: header.id, kind: header.kind, parentId: header.parentId, status: header.status, method: header.method, seed: header.seed, snapshotAt: header.snapshotAt, populationSize: header.populationSize, sampleSize: header.sampleSize, recountId},
        totals: report.totals,
        ira: report.ira,
        cutoff: report.cutoff,
        lines: report.lines,
        recount: report.recount.map((r) => ({line: r.line, location: r.location, item: r.item, lot: r.lot, wmsStatus: r.wmsStatus, erpStatus: r.erpStatus})),
        uncounted: report.uncounted,
        adjustments,
        output,
      }
      // --format json without --json: the same document on stdout
      if (format === 'json' && !this.jsonEnabled()) this.log(JSON.stringify(result, null, 2))
      return result
    })
  }

  private renderSummary(header: CountHeader, report: CountReport, table: string, recountId: number | null): void {
    const t = report.totals
    this.log(`Count ${header.id}${header.kind === 'recount' ? ` (recount of ${header.parentId})` : ''}: ${t.counted} counted, ${t.found} found, ${t.uncounted} uncounted; over tolerance WMS ${t.wmsOver}, ERP ${t.erpOver}.`)
    this.log(table)
    this.log('\nInventory record accuracy (share of counted lines within tolerance, 95% Wilson interval):')
    this.log(renderTable(IRA_COLUMNS, iraRows(report.ira, header.populationSize), {color: this.color}))
    if (report.ira.weighted) this.log(`Population estimate (classes weighted by population): WMS ${pct(report.ira.weighted.wms)}, ERP ${pct(report.ira.weighted.erp)}`)
    this.log(
      renderKeyValue(
        [
          ['value of differences (WMS)', t.wmsDiffValue],
          ['value of differences (ERP)', t.erpDiffValue],
          ['cut-off', `${report.cutoff.applied} movement(s) applied to ${report.cutoff.linesMoved} line(s)`],
        ],
        {color: this.color},
      ),
    )
    if (report.recount.length > 0) {
      this.log(`\nRecount list: ${report.recount.length} line(s) over tolerance (${report.recount.map((r) => r.line).join(', ')}).`)
      this.log(recountId ? `Recount ${recountId} is already open.` : `Open the recount (a different counter, still blind): plantops count sample --recount ${header.id}`)
    }
    if (report.uncounted.length > 0) this.log(`${report.uncounted.length} line(s) not counted yet (shown without quantities until counted).`)
  }
}

const IRA_COLUMNS: Column<IraRow>[] = [
  {key: 'scope', header: 'Scope'},
  {key: 'population', header: 'Population', kind: 'int'},
  {key: 'counted', header: 'Counted', kind: 'int'},
  {key: 'wms', header: 'IRA WMS'},
  {key: 'wmsInterval', header: 'WMS 95% CI'},
  {key: 'erp', header: 'IRA ERP'},
  {key: 'erpInterval', header: 'ERP 95% CI'},
]
