import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ImportLedgerEntry, type LineChange, listChanges, listImports} from '../../lib/orders/ledger.js'
import {importLedgerText, lineChangesText} from '../../lib/orders/view.js'

export interface OrdersImportsResult {
  imports: ImportLedgerEntry[]
  /** With --changes ID: the field changes that import made to lines imported before. */
  changes?: LineChange[]
}

export default class OrdersImports extends BaseCommand<typeof OrdersImports> {
  static summary = 'List the import ledger: every imported order file with its SHA-256, counts, time and who ran it.'
  static examples = [
    '<%= config.bin %> orders imports',
    '<%= config.bin %> orders imports --file 2026-11 --limit 5 --json',
    '<%= config.bin %> orders imports --changes 12',
  ]

  static flags = {
    limit: Flags.integer({summary: 'How many imports to show (latest first).', default: 20, min: 1}),
    file: Flags.string({summary: 'Only files whose name contains this text.'}),
    changes: Flags.integer({summary: 'Show the field changes (old → new) import ID made to lines imported before.', min: 1}),
    columns: Flags.string({summary: 'Only these columns, in this order (comma-separated keys or headers).'}),
  }

  async run(): Promise<OrdersImportsResult> {
    const {flags} = await this.parse(OrdersImports)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    const text = this.textOptions(loaded, flags.columns)
    try {
      if (flags.changes !== undefined) {
        const changes = await listChanges(store.knex, flags.changes)
        if (!this.jsonEnabled()) this.log(lineChangesText(flags.changes, changes, text))
        return {imports: await listImports(store.knex, {limit: 1, id: flags.changes}), changes}
      }
      const imports = await listImports(store.knex, {limit: flags.limit, file: flags.file})
      if (!this.jsonEnabled()) this.log(importLedgerText(imports, text))
      return {imports}
    } finally {
      await store.close()
    }
  }
}
