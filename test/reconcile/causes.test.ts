import {describe, expect, it} from 'vitest'

import {cancellingLots, DATA_ERROR_CAUSES, suggestedAction} from '../../src/lib/reconcile/causes.js'
import {codeText, looseCode} from '../../src/lib/reconcile/keys.js'
import {CodeMap} from '../../src/lib/reconcile/mapping.js'

describe('causes: lot swap on any set of cancelling lots', () => {
  it('takes the whole group when it nets to zero', () => {
    expect([...cancellingLots(['10', '-10'])].sort()).toEqual([0, 1])
    expect([...cancellingLots(['4', '-1', '-3'])].sort()).toEqual([0, 1, 2])
  })
  it('finds pairs whatever the other lots do', () => {
    expect([...cancellingLots(['10', '-10', '4'])].sort()).toEqual([0, 1])
    expect([...cancellingLots(['0.5', '7', '-0.50', '1'])].sort()).toEqual([0, 2])
  })
  it('finds larger cancelling sets among the rest, and nothing when nothing cancels', () => {
    expect([...cancellingLots(['1', '1', '-2', '5'])].sort()).toEqual([0, 1, 2])
    expect(cancellingLots(['1', '2', '4']).size).toBe(0)
    expect(cancellingLots(['3']).size).toBe(0)
    expect(cancellingLots(['0', '0']).size).toBe(0)
  })
})

describe('causes: suggested actions and data errors', () => {
  it('says what to do beside each cause', () => {
    expect(suggestedAction({status: 'over_tolerance', cause: 'uom_factor', erp_qty: '4', wms_qty: '4000'})).toBe('fix the unit conversion for this item (WMS is ×1000 the ERP)')
    expect(suggestedAction({status: 'over_tolerance', cause: 'uom_factor', erp_qty: '36', wms_qty: '3'})).toContain('÷12')
    expect(suggestedAction({status: 'over_tolerance', cause: 'in_transit', erp_qty: '50', wms_qty: '42'})).toMatch(/clears when the movement is posted/)
    expect(suggestedAction({status: 'over_tolerance', cause: 'lot_swap', erp_qty: '1', wms_qty: '2'})).toMatch(/transfer between the lots/)
    expect(suggestedAction({status: 'only_in_wms', cause: null, erp_qty: null, wms_qty: '2'})).toMatch(/unposted receipt/)
    expect(suggestedAction({status: 'only_in_erp', cause: 'code_format', erp_qty: '2', wms_qty: null})).toMatch(/normalisation/)
    expect(suggestedAction({status: 'match', cause: null, erp_qty: '2', wms_qty: '2'})).toBeNull()
    expect([...DATA_ERROR_CAUSES].sort()).toEqual(['code_format', 'sign', 'uom_factor'])
  })
})

describe('keys and mapping', () => {
  it('reads binary codes that are not UTF-8 as hex, valid UTF-8 as text', () => {
    expect(codeText(Buffer.from([0x42, 0xff]))).toBe('0x42FF')
    expect(codeText(Buffer.from([0x42, 0xfe]))).toBe('0x42FE')
    expect(codeText(Buffer.from('电机', 'utf8'))).toBe('电机')
    expect(looseCode(' ab 1 ')).toBe('AB1')
  })
  it('records a WMS code mapped to two ERP codes instead of last-wins', () => {
    const m = new CodeMap()
    m.set('AMB', 'E1', 'row 1')
    m.set('AMB', 'E1', 'row 2')
    m.set('AMB', 'E2', 'row 3')
    expect(m.get('AMB')).toBe('E1')
    expect(m.conflictLines()).toEqual(['WMS code "AMB": row 1 | row 3'])
  })
})
