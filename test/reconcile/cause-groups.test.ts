import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {groupCause, looseVarianceKey, lotSwaps, type OpenVariance} from '../../src/lib/reconcile/cause-groups.js'
import {NULL_LOT} from '../../src/lib/reconcile/keys.js'

const open = (item: string, warehouse: string, erp: string, wms: string, cause: string | null = null): OpenVariance => ({row: {item, warehouse, cause}, erpD: new Decimal(erp), wmsD: new Decimal(wms)})

describe('cause groups: code_format', () => {
  it('the loose key ignores case, spaces and full width; a WMS-only key uses the ERP codes it resembles', () => {
    expect(looseVarianceKey({item: 'ab-1', wh: 'wh 01', lot: NULL_LOT}, true)).toBe('AB-1\tWH01\t')
    expect(looseVarianceKey({item: 'ＡＢ－１', wh: 'WH01', lot: 'l1'}, true)).toBe('AB-1\tWH01\tL1')
    expect(looseVarianceKey({item: 's100', wh: 'RM', lot: '', looseItem: 'IT-100', looseWh: 'WH01'}, false)).toBe('IT-100\tWH01\t')
    expect(looseVarianceKey({item: 's100', wh: 'RM', lot: ''}, false)).toBe('S100\tRM\t')
  })
  it('gives the cause to a group of two or more keys that nets to zero, keeping causes already found', () => {
    const a = open('AB-1', 'W', '10', '0')
    const b = open('ab-1', 'W', '0', '10')
    const c = open('X', 'W', '5', '0')
    const d = open('x ', 'W', '0', '4')
    const e = open('Y', 'W', '3', '0', 'sign')
    const f = open('y', 'W', '0', '3')
    const rows = [a, b, c, d, e, f]
    groupCause(rows, (o) => o.row.item.trim().toUpperCase(), 'code_format')
    expect(rows.map((o) => o.row.cause)).toEqual(['code_format', 'code_format', null, null, 'sign', 'code_format'])
  })
})

describe('cause groups: lot_swap', () => {
  it('marks the lots of one item × warehouse whose differences cancel, not other items or explained keys', () => {
    const l1 = open('I', 'W', '10', '6')
    const l2 = open('I', 'W', '0', '4')
    const l3 = open('I', 'W', '3', '2')
    const other = open('J', 'W', '0', '-1')
    const explained = open('I', 'W', '0', '1', 'in_transit')
    const rows = [l1, l2, l3, other, explained]
    lotSwaps(rows)
    expect(rows.map((o) => o.row.cause)).toEqual(['lot_swap', 'lot_swap', null, null, 'in_transit'])
  })
})
