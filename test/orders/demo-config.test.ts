import path from 'node:path'

import {stringify} from 'yaml'
import {describe, expect, it} from 'vitest'

import {parseConfigText} from '../../src/lib/config/load.js'
import {demoOrdersConfig} from '../../src/lib/demo/orders-config.js'
import type {DemoPlant} from '../../src/lib/demo/types.js'
import {ordersReferences} from '../../src/lib/orders/references.js'

describe('the demo plant orders section', () => {
  it('validates against the orders schema and names the ERP item master for the schema-drift audit', () => {
    const section = demoOrdersConfig({} as DemoPlant)
    const text = stringify({sources: {erp: {role: 'erp', client: 'sqlite', connection: {filename: './erp.db'}}}, orders: section})
    const loaded = parseConfigText(text, path.join('/tmp', 'plantops.yaml'), {})
    const orders = loaded.config.orders!
    expect(orders.trigger).toEqual({field: 'status', in: ['已付款', 'paid']})
    expect(ordersReferences(orders)).toEqual([
      expect.objectContaining({source: 'erp', table: 'items', configPath: 'orders.itemMaster.table', columns: [expect.objectContaining({column: 'item_code', keyed: true}), expect.objectContaining({column: 'uom'})]}),
      expect.objectContaining({source: 'erp', table: 'item_uoms', configPath: 'orders.itemMaster.uoms.table'}),
    ])
  })

  it('rejects a typo in the section with a located message', () => {
    const text = 'sources: {}\norders:\n  trigger: {field: status, in: [paid]}\n  itemMastr: {source: erp}\n'
    expect(() => parseConfigText(text, '/tmp/plantops.yaml', {})).toThrow(/plantops\.yaml has/)
    try {
      parseConfigText(text, '/tmp/plantops.yaml', {})
    } catch (error) {
      expect((error as {problems: string[]}).problems.join('\n')).toMatch(/plantops\.yaml:\d+:\d+ orders: unknown key "itemMastr"/)
    }
  })
})
