import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ImportLedgerEntry, type LineChange, listChanges, listImports} from '../../lib/orders/ledger.js'
import {renderTable} from '../../lib/report/table.js'

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
  }

  async run(): Promise<OrdersImportsResult> {
    const {flags} = await this.parse(OrdersImports)
    const loaded = this.loadConfig(flags.config)
    const store = await this.openStore(loaded)
    try {
      if (flags.changes !== undefined) {
        const changes = await listChanges(store.knex, flags.changes)
        if (!this.jsonEnabled()) {
          if (changes.length === 0) this.log(`Import ${flags.changes} changed no line imported before.`)
          else {
            this.log(
              renderTable(
                [
                  {key: 'orderNo', header: 'Order'},
                  {key: 'lineNo', header: 'Line'},
                  {key: 'field', header: 'Field'},
                  {key: 'oldValue', header: 'Was'},
                  {key: 'newValue', header: 'Now'},
                ],
                changes,
                {color: this.color},
              ),
            )
          }
        }
        return {imports: await listImports(store.knex, {limit: 1, id: flags.changes}), changes}
      }
      const imports = await listImports(store.knex, {limit: flags.limit, file: flags.file})
      if (!this.jsonEnabled()) {
        if (imports.length === 0) this.log('No order files imported yet.')
        else {
          this.log(
            renderTable(
              [
                {key: 'id', header: 'ID', kind: 'int'},
                {key: 'at', header: 'Imported (UTC)'},
                {key: 'user', header: 'By'},
                {key: 'fileName', header: 'File'},
                {key: 'sha', header: 'SHA-256'},
                {key: 'rowsRead', header: 'Read', kind: 'int'},
                {key: 'imported', header: 'New', kind: 'int'},
                {key: 'updated', header: 'Updated', kind: 'int'},
                {key: 'unchanged', header: 'Unchanged', kind: 'int'},
                {key: 'skipped', header: 'Skipped', kind: 'int'},
                {key: 'rejected', header: 'Rejected', kind: 'int'},
              ],
              imports.map((i) => ({...i, at: i.startedAt.slice(0, 19).replace('T', ' '), sha: i.sha256.slice(0, 12)})),
              {color: this.color},
            ),
          )
        }
      }
      return {imports}
    } finally {
      await store.close()
    }
  }
}
