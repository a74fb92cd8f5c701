import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {codeNormalizer, looseCode} from '../../src/lib/reconcile/keys.js'
import {CodeMap, itemMapFromFile, warehouseMap} from '../../src/lib/reconcile/mapping.js'
import {stockConfigSchema} from '../../src/lib/stock/config.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-mapping-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const upper = codeNormalizer({trim: true, caseFold: 'upper', fullWidth: true, nullLotIsEmpty: true})

describe('code maps', () => {
  it('maps exactly, names the ERP code a malformed WMS code meant (loose target), and records conflicts', () => {
    const m = new CodeMap()
    m.set('S-1', 'RM-1', 'row 1')
    m.set('S-2', 'RM-2', 'row 2')
    expect(m.get('S-1')).toBe('RM-1')
    expect(m.get('s-1')).toBeUndefined()
    expect(m.looseTarget('s 1'.replace(' ', '-'))).toBe('RM-1')
    m.set('S-1', 'RM-9', 'row 3')
    expect(m.get('S-1')).toBe('RM-1')
    expect(m.conflictLines()).toEqual(['WMS code "S-1": row 1 | row 3'])
    const id = new CodeMap(true)
    expect(id.get('ANY')).toBe('ANY')
    expect(id.looseTarget('any')).toBeUndefined()
  })
  it('builds the warehouse map with each side normaliser and refuses two targets for one code', () => {
    const base = {erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', qty: 'q'}}, wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', qty: 'q'}}}
    const cfg = stockConfigSchema.parse({...base, warehouseMap: {rm: 'WH01', FG: 'WH02'}})
    expect(warehouseMap(cfg, upper).get('RM')).toBe('WH01')
    const bad = stockConfigSchema.parse({...base, warehouseMap: {rm: 'WH01', RM: 'WH09'}})
    expect(() => warehouseMap(bad, upper)).toThrow(/maps one WMS warehouse code to two ERP warehouses/)
  })
  it('reads the item cross-reference from a CSV (BOM, header names), refusing an ambiguous one', async () => {
    const good = path.join(dir, 'xref.csv')
    writeFileSync(good, '\uFEFFwms_sku,erp_item\n s-1 ,RM-1\nS-2,RM-2\n')
    const m = await itemMapFromFile({file: 'xref.csv', columns: {wms: 'wms_sku', erp: 'erp_item'}}, dir, upper, looseCode)
    expect(m.entries()).toEqual([['S-1', 'RM-1'], ['S-2', 'RM-2']])
    writeFileSync(path.join(dir, 'bad.csv'), 'wms,erp\nS-1,RM-1\ns-1,RM-2\n')
    await expect(itemMapFromFile({file: 'bad.csv', columns: {wms: 'wms', erp: 'erp'}}, dir, upper, looseCode)).rejects.toThrow(/maps one WMS item code to two ERP items/)
    await expect(itemMapFromFile({file: 'xref.csv', columns: {wms: 'sku', erp: 'item'}}, dir, upper, looseCode)).rejects.toThrow(/has no "sku" or "item" column/)
  })
})
