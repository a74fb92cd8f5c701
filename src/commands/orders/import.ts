import {Args, Flags} from '@oclif/core'

import {BaseCommand, FAIL_ON_NEVER} from '../../lib/cli/base-command.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {t} from '../../lib/i18n/index.js'
import {notifyFlags} from '../../lib/notify/flags.js'
import {importOrders, type OrdersImportResult} from '../../lib/orders/import-orders.js'
import {ordersImportNotes, ordersImportText} from '../../lib/orders/view.js'

export type {OrdersImportResult} from '../../lib/orders/import-orders.js'

export default class OrdersImport extends BaseCommand<typeof OrdersImport> {
  static summary = 'Import order lines from Excel (.xlsx) or CSV files: validated, idempotent, bad rows to a rejects workbook.'
  static description = `Finds the header row (title rows above it are fine), maps headers to fields through orders.fields aliases, validates every row (required fields, numbers, dates, SKU and unit against the ERP item master, duplicate order lines), upserts the valid lines by (order_no, line_no) and writes the rest, with every problem in words, to a rejects workbook that can be fixed and imported again as is.
Each file is one transaction. Re-importing the same file changes nothing. Every import is recorded in the ledger (plantops orders imports).`

  static examples = [
    '<%= config.bin %> orders import fixtures/orders/orders-clean.xlsx',
    '<%= config.bin %> orders import orders.xlsx --sheet 订单 --rejects review.xlsx',
    '<%= config.bin %> orders import export.csv --encoding gb18030 --dry-run',
    '<%= config.bin %> orders import orders.rejects.xlsx --json',
  ]

  static strict = false
  static args = {
    file: Args.string({description: 'Order files (.xlsx or .csv); several may be given.', required: true}),
  }

  static flags = {
    sheet: Flags.string({summary: 'Sheet name or 1-based position (default: the first sheet holding the required headers).'}),
    'dry-run': Flags.boolean({summary: 'Validate and report; write nothing to the store (rejects only with --rejects).'}),
    rejects: Flags.string({summary: 'Rejects workbook (.xlsx) or directory (default: <file>.rejects.xlsx beside the file).'}),
    encoding: Flags.string({summary: 'CSV encoding, e.g. utf-8, gb18030, gbk (default: detected).'}),
    'fail-on': Flags.string({
      summary: 'Exit 1 when: rejects (any row rejected) or never.',
      options: [FAIL_ON_NEVER, 'rejects'],
      default: FAIL_ON_NEVER,
    }),
    ...notifyFlags,
  }

  async run(): Promise<OrdersImportResult> {
    const {flags, argv} = await this.parse(OrdersImport)
    const files = argv as string[]
    const loaded = this.loadConfig(flags.config)
    const interactive = this.isInteractive(flags)
    const progress = this.progress('orders import')
    const result = await this.withRun({job: 'orders-import', loaded}, async (ctx) => {
      const {promptColumnMapping, confirmSave} = await import('../../lib/orders/mapping-prompt.js')
      const r = await importOrders({
        files,
        config: loaded.config,
        configDir: loaded.dir,
        store: ctx.store.knex,
        sources: ctx.sources,
        sheet: flags.sheet,
        encoding: flags.encoding,
        dryRun: Boolean(flags['dry-run']),
        rejects: flags.rejects,
        runId: ctx.run.id,
        onProgress: (file, c) => progress.update(file, {rows: c.rows, rejected: c.rejected}),
        onWarning: (m) => this.warnOperator(m),
        resolveHeaders: interactive
          ? async (file, candidate, missing) => {
              progress.stop()
              const answer = await promptColumnMapping(file, candidate, missing)
              if (answer && (await confirmSave(loaded.path))) {
                const {saveAliases} = await import('../../lib/orders/save-aliases.js')
                const added = await saveAliases(loaded.path, answer)
                for (const a of added) this.logToStderr(t('orders.prompt.savedAlias', {alias: a.alias, field: a.field, path: loaded.path}))
              }
              return answer
            }
          : undefined,
      })
      progress.stop()
      ctx.run.outcome({...r.totals, files: r.files.length, failed: r.failed.length})
      for (const f of r.files) if (f.rejectsFile) ctx.run.output(f.rejectsFile)
      return r
    })
    const text = this.textOptions(loaded)
    if (!this.jsonEnabled()) {
      const out = ordersImportText(result, text)
      if (out) this.log(out)
      for (const note of ordersImportNotes(result, text)) this.logToStderr(note)
    }
    if (result.failed.length > 0) process.exitCode = ExitCode.USAGE
    else this.failWhen(flags['fail-on'] === 'rejects' && result.totals.rejected > 0)
    return result
  }
}
