import {describe, expect, it} from 'vitest'

import {resolveFields} from '../../src/lib/orders/fields.js'
import {matchHeaderRow} from '../../src/lib/orders/header-match.js'
import {createRowParser} from '../../src/lib/orders/parse-row.js'
import {type Cell, numberCell} from '../../src/lib/sheets/cells.js'

const fields = resolveFields(undefined)
const text = (s: string): Cell => ({text: s})
const header = matchHeaderRow(1, ['order_no', 'line_no', 'sku', 'qty', 'uom', 'unit_price', 'due_date', 'status', 'note'].map(text), fields)

describe('row parser: remembered field results are the results of each cell', () => {
  it('repeated numbers, short texts and long texts parse as they would alone, problems included', () => {
    const p = createRowParser({fields, header, dateSystem: 1900})
    const rows = [
      ['SO-1', numberCell('1'), 'FG-1', numberCell('0'), ' pcs ', numberCell('12.5'), numberCell('46357'), '\u3000已付款\u3000', 'a note longer than twelve'],
      ['SO-1', numberCell('2'), 'FG-1', numberCell('0'), ' pcs ', numberCell('-1'), '2026/12/01', '已付款', '\uFEFF  a note longer than twelve  '],
      ['SO-1', '３', 'ＦＧ－１', numberCell('7'), 'pcs', '¥1,280.50', '2026-13-45', 'x', '\uFEFFshort '],
      ['SO-1', numberCell('1.5'), 'FG-1', numberCell('7'), 'pcs', numberCell('-1'), '2026-13-45', 'x', numberCell('46357')],
    ].map((cells, i) => p.parse(i + 2, cells.map((c) => (typeof c === 'string' ? text(c) : c)))!)
    expect(rows.map((r) => r.values)).toEqual([
      {order_no: 'SO-1', line_no: '1', sku: 'FG-1', qty: '0', uom: 'pcs', unit_price: '12.5', due_date: '2026-12-01', status: '已付款', note: 'a note longer than twelve'},
      {order_no: 'SO-1', line_no: '2', sku: 'FG-1', qty: '0', uom: 'pcs', unit_price: '-1', due_date: '2026-12-01', status: '已付款', note: 'a note longer than twelve'},
      {order_no: 'SO-1', line_no: '3', sku: 'FG-1', qty: '7', uom: 'pcs', unit_price: '1280.5', due_date: null, status: 'x', note: 'short'},
      {order_no: 'SO-1', line_no: '1.5', sku: 'FG-1', qty: '7', uom: 'pcs', unit_price: '-1', due_date: null, status: 'x', note: '46357'},
    ])
    expect(rows.map((r) => r.problems.map((x) => `${x.field}@${x.column}: ${x.message}`))).toEqual([
      ['qty@3: must be greater than 0'],
      ['qty@3: must be greater than 0', 'unit_price@5: must be at least 0'],
      ['due_date@6: not a valid date: "2026-13-45" (use 2026-11-21, 2026/11/21, 2026年11月21日 or 21.11.2026)'],
      ['unit_price@5: must be at least 0', 'due_date@6: not a valid date: "2026-13-45" (use 2026-11-21, 2026/11/21, 2026年11月21日 or 21.11.2026)'],
    ])
  })
})
