import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {stockReferences} from '../../src/lib/stock/references.js'
import {escapeField, partitionOf, Spill, unescapeField} from '../../src/lib/stock/spill.js'

// the engine modules stock diff runs on (scaled, classify, keys, units) are tested in test/reconcile/

describe('spill files', () => {
  it('escapes fields, partitions stably, reads lines back, merges line readers over chunk edges', () => {
    expect(unescapeField(escapeField('a\tb\\c\nd'))).toBe('a\tb\\c\nd')
    expect(partitionOf('RM-10023', 64)).toBe(partitionOf('RM-10023', 64))
    const spill = new Spill({partitions: 4})
    try {
      const long = 'x'.repeat(70_000)
      spill.write('k', 1, 'first')
      spill.write('k', 1, long)
      spill.write('k', 1, '电机-甲')
      expect(spill.lines('k', 1)).toEqual(['first', long, '电机-甲'])
      expect(spill.lines('k', 2)).toEqual([])
      // a partition of many pieces (lines() decodes ~32 KB at a time, cut at line ends): every line back, in order
      const many = Array.from({length: 20_000}, (_, i) => (i % 3 === 0 ? `电机-${i}-甲` : `RM-${i}\t${'q'.repeat(i % 50)}`))
      for (const l of many) spill.write('m', 3, l)
      expect(spill.lines('m', 3)).toEqual(many)
      spill.write('r', 0, '甲'.repeat(40_000))
      spill.write('r', 0, 'end')
      const reader = spill.reader('r', 0)
      expect(reader.next()).toBe('甲'.repeat(40_000))
      expect(reader.next()).toBe('end')
      expect(reader.next()).toBeUndefined()
      reader.close()
    } finally {
      spill.dispose()
    }
  })
})

describe('stock config and references', () => {
  const base = {
    erp: {source: 'erp', table: 'stock_balance', columns: {item: 'item_code', warehouse: 'warehouse_code', lot: 'lot_no', qty: 'qty', uom: 'uom'}},
    wms: {source: 'wms', query: 'SELECT * FROM bin_stock', columns: {item: 'sku', warehouse: 'wh_code', qty: 'qty'}, filters: {status: ['AVAILABLE']}},
    inTransit: {source: 'wms', table: 'movements', columns: {item: 'sku', warehouse: 'wh_code', qty: 'qty', movedAt: 'moved_at'}},
  }
  it('fills defaults and refuses table + query together', () => {
    const cfg = stockConfigSchema.parse(base)
    expect(cfg.grain).toBe('item-warehouse-lot')
    expect(cfg.erp.normalize).toEqual({trim: true, caseFold: false, fullWidth: false, nullLotIsEmpty: true})
    expect(cfg.safety.minRowsRatio).toBe(0.5)
    const bad = stockConfigSchema.safeParse({...base, erp: {...base.erp, query: 'SELECT 1'}})
    expect(bad.success).toBe(false)
    expect(stockConfigSchema.safeParse({...base, tolerance: {default: {pct: 'x'}}}).success).toBe(false)
  })
  it('names every table and column the section reads', () => {
    const refs = stockReferences(stockConfigSchema.parse(base))
    expect(refs.map((r) => `${r.source}:${r.table ?? 'query'}:${r.configPath}`)).toEqual([
      'erp:stock_balance:stock.erp.table',
      'wms:query:stock.wms.query',
      'wms:movements:stock.inTransit.table',
    ])
    expect(refs[0].columns.map((c) => c.column)).toEqual(['item_code', 'warehouse_code', 'lot_no', 'qty', 'uom'])
    expect(refs[1].columns.find((c) => c.column === 'status')).toMatchObject({configPath: 'stock.wms.filters.status', keyed: true})
    expect(refs[2].columns.find((c) => c.column === 'moved_at')).toMatchObject({expected: 'date', keyed: true})
  })
})

describe('the read plan (who reads what, in which snapshot)', () => {
  it('puts each lookup in the snapshot of the side on its source, else alone', async () => {
    const {planReads} = await import('../../src/lib/stock/stock-diff.js')
    const base = {
      erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', qty: 'q'}},
      wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', qty: 'q'}},
    }
    const transit = (source: string, side: 'erp' | 'wms') => ({source, table: 'm', side, columns: {item: 'i', warehouse: 'w', qty: 'q', movedAt: 't'}})
    const plan = (extra: Record<string, unknown>) => planReads(stockConfigSchema.parse({...base, ...extra}))
    expect(plan({})).toEqual({items: null, units: null, transit: null, itemMap: null})
    expect(plan({items: {source: 'erp', table: 'it', columns: {item: 'i'}}, inTransit: transit('wms', 'wms'), itemMap: {source: 'wms', table: 'x', columns: {wms: 'a', erp: 'b'}}})).toEqual({items: 'erp', units: null, transit: 'wms', itemMap: 'wms'})
    expect(plan({items: {source: 'mes', table: 'it', columns: {item: 'i'}}, inTransit: transit('erp', 'wms'), itemMap: {file: 'x.csv'}})).toEqual({items: 'alone', units: null, transit: 'alone', itemMap: 'file'})
    expect(plan({inTransit: transit('erp', 'erp'), itemMap: {source: 'mes', table: 'x', columns: {wms: 'a', erp: 'b'}}})).toMatchObject({transit: 'erp', itemMap: 'alone'})
  })
})
