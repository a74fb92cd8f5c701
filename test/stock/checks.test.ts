import {describe, expect, it} from 'vitest'

import {tIn} from '../../src/lib/i18n/index.js'
import {oneSidedWarehouses, unusedWarehouseMapEntries} from '../../src/lib/stock/checks.js'
import {stockConfigSchema} from '../../src/lib/stock/config.js'

const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 'stock', columns: {item: 'item', warehouse: 'wh', lot: 'lot', qty: 'qty'}, normalize: {caseFold: 'upper'}},
  wms: {source: 'wms', table: 'bins', columns: {item: 'sku', warehouse: 'wh', lot: 'lot', qty: 'qty'}},
  // FG's ERP code as written in the map, normalised like ERP codes (upper case) before it is compared
  warehouseMap: {RM: 'WH01', FG: 'wh03'},
})
const en = (k: string, v?: Record<string, unknown>) => tIn('en', k, v)
const zh = (k: string, v?: Record<string, unknown>) => tIn('zh-CN', k, v)

describe('oneSidedWarehouses', () => {
  it('says nothing when every warehouse with one-sided keys also has a key found on both sides', () => {
    expect(oneSidedWarehouses(cfg, {pairedWarehouses: ['WH01', 'WH02'], oneSided: [['WH01', 3, 0], ['WH02', 0, 7]]}, en)).toBeNull()
    expect(oneSidedWarehouses(cfg, {pairedWarehouses: ['WH01'], oneSided: []}, en)).toBeNull()
  })

  it('names the warehouses none of whose keys lines up: ERP ones first, largest first; a WMS code is said to be unmapped unless the map gives it', () => {
    const text = oneSidedWarehouses(cfg, {pairedWarehouses: ['WH02'], oneSided: [['WH02', 4, 4], ['RMX', 0, 9], ['WH03', 0, 2], ['WH09', 1, 0], ['WH01', 12, 0], ['WH05', 2, 3]]}, en)
    expect(text).toBe(
      'no key of these warehouses is found on the other side: WH01 (12 keys only in the ERP), WH05 (2 keys only in the ERP, 3 only in the WMS), WH09 (1 key only in the ERP), ' +
        "RMX (9 keys only in the WMS, a WMS code not in stock.warehouseMap), WH03 (2 keys only in the WMS). A WMS warehouse code missing from stock.warehouseMap looks like this (map it to its ERP code); a warehouse only one system holds belongs in that side's stock filters",
    )
    expect(oneSidedWarehouses(cfg, {pairedWarehouses: [], oneSided: [['WH01', 12, 0], ['RMX', 0, 9]]}, zh)).toBe(
      '以下仓库没有任何键能在另一方找到：WH01（12 个键仅在 ERP），RMX（9 个键仅在 WMS，该 WMS 编码不在 stock.warehouseMap 中）。WMS 仓库编码未写入 stock.warehouseMap 时就是这样（请把它映射到 ERP 仓库编码）；只有一个系统管理的仓库，请用该方的库存过滤条件排除',
    )
  })

  it('without a warehouse map, no code is called unmapped; past 10 warehouses the rest are counted', () => {
    const plain = stockConfigSchema.parse({...cfg, warehouseMap: {}})
    const many: Array<[string, number, number]> = Array.from({length: 13}, (_, i) => [`W${String(i).padStart(2, '0')}`, 0, 20 - i])
    const text = oneSidedWarehouses(plain, {pairedWarehouses: [], oneSided: many}, en)!
    expect(text).toContain('W00 (20 keys only in the WMS), W01 (19 keys only in the WMS)')
    expect(text).toContain('W09 (11 keys only in the WMS), 3 more.')
    expect(text).not.toContain('W10')
    expect(text).not.toContain('not in stock.warehouseMap')
  })
})

describe('unusedWarehouseMapEntries', () => {
  it('names the entries whose WMS code no WMS row has, comparing codes normalised as the read maps them', () => {
    const c = stockConfigSchema.parse({...cfg, wms: {...cfg.wms, normalize: {caseFold: 'upper'}}, warehouseMap: {' rm': 'WH01', FG: 'WH03', XX: 'WH01'}})
    expect(unusedWarehouseMapEntries(c, ['RM', 'FG', 'SP'])).toEqual(['XX → WH01'])
    expect(unusedWarehouseMapEntries(c, ['RM', 'FG', 'XX'])).toEqual([])
    // a WMS side that read nothing says nothing here (the empty-side guard speaks)
    expect(unusedWarehouseMapEntries(c, [])).toEqual([])
  })
})
