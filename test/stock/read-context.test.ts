import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {configSchema} from '../../src/lib/config/schema.js'
import {CodeMap} from '../../src/lib/reconcile/mapping.js'
import {readContext} from '../../src/lib/stock/read-context.js'
import {Spill} from '../../src/lib/stock/spill.js'

// readContext: the one builder of a side read's context (this thread, the reader threads, raw-read.test.ts)

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'pt-readctx-'))
afterAll(() => rmSync(tempDir, {recursive: true, force: true}))

const cfg = configSchema.parse({
  sources: {erp: {role: 'erp', client: 'sqlite', connection: {filename: 'erp.db'}}, wms: {role: 'wms', client: 'sqlite', connection: {filename: 'wms.db'}}},
  stock: {
    erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}, normalize: {trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: true}},
    wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q', uom: 'u'}, normalize: {trim: true, caseFold: 'lower', fullWidth: false, nullLotIsEmpty: false}},
    warehouseMap: {' rm ': 'wh1'},
  },
}).stock!

describe('readContext', () => {
  it("normalises each side by its own rules, maps warehouses and filters on ERP-normalised codes; the item map and callbacks are the caller's", () => {
    const spill = new Spill({partitions: 4, tempDir})
    try {
      const itemMap = new CodeMap(true)
      const onRows = () => {}
      const ctx = readContext({cfg, spill, itemMap, warehouses: [' ｗｈ1 ', 'wh2'], noLots: false, onRows})
      expect(ctx.cfg).toBe(cfg)
      expect(ctx.spill).toBe(spill)
      expect(ctx.itemMap).toBe(itemMap)
      expect(ctx.onRows).toBe(onRows)
      expect(ctx.noLots).toBe(false)
      expect(ctx.rawRows).toBeUndefined()
      expect(ctx.erpNorm.code(' ａb1 ')).toBe('AB1')
      expect(ctx.wmsNorm.code(' AB1 ')).toBe('ab1')
      expect(ctx.erpNorm.lot(' l1 ')).toBe('L1')
      expect(ctx.wmsNorm.lot(' L1 ')).toBe('l1')
      // --warehouse as typed, normalised like ERP codes
      expect([...ctx.warehouses]).toEqual(['WH1', 'WH2'])
      // the warehouse map: WMS code normalised by the WMS rules, ERP code by the ERP rules
      expect(ctx.whMap.get('rm')).toBe('WH1')
    } finally {
      spill.dispose()
    }
  })

  it('without lots (item × warehouse) both sides read every lot as empty; rawRows is passed on', () => {
    const spill = new Spill({partitions: 4, tempDir})
    try {
      const ctx = readContext({cfg, spill, itemMap: new CodeMap(true), warehouses: [], noLots: true, rawRows: false})
      expect(ctx.noLots).toBe(true)
      expect(ctx.rawRows).toBe(false)
      expect(ctx.erpNorm.lot('L1')).toBe('')
      expect(ctx.wmsNorm.lot('L1')).toBe('')
      expect(ctx.erpNorm.code(' x ')).toBe('X')
      expect(ctx.warehouses.size).toBe(0)
    } finally {
      spill.dispose()
    }
  })
})
