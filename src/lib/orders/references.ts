import type {SourceReference} from '../config/references.js'
import type {OrdersConfig} from './config.js'
import {msg} from '../systems/message.js'

/** What the orders import reads from the sources: the ERP item master (and its alternative units table). */
export function ordersReferences(section: OrdersConfig | undefined): SourceReference[] {
  const im = section?.itemMaster
  if (!im) return []
  const refs: SourceReference[] = [
    {
      source: im.source,
      table: im.table,
      configPath: 'orders.itemMaster.table',
      columns: [
        {column: im.skuColumn, configPath: 'orders.itemMaster.skuColumn', expected: 'text', keyed: true},
        {column: im.uomColumn, configPath: 'orders.itemMaster.uomColumn', expected: 'text'},
      ],
      purpose: msg('references.purpose.ordersItemMaster'),
    },
  ]
  if (im.uoms) {
    refs.push({
      source: im.source,
      table: im.uoms.table,
      configPath: 'orders.itemMaster.uoms.table',
      columns: [
        {column: im.uoms.skuColumn, configPath: 'orders.itemMaster.uoms.skuColumn', expected: 'text', keyed: true},
        {column: im.uoms.uomColumn, configPath: 'orders.itemMaster.uoms.uomColumn', expected: 'text'},
      ],
      purpose: msg('references.purpose.ordersUoms'),
    })
  }
  return refs
}
