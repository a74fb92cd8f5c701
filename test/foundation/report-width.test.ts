import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'

import type {Column} from '../../src/lib/report/columns.js'
import {renderTable} from '../../src/lib/report/table.js'
import {formatTime, wallClockDate, zoneLabel} from '../../src/lib/report/time.js'
import {fitColumns, terminalWidth, truncateToWidth} from '../../src/lib/report/width.js'
import {numberFormat} from '../../src/lib/report/xlsx.js'

type R = {item: string; name: string; qty: string; note: string}
const columns: Column<R>[] = [
  {key: 'item', header: 'Item', priority: 10},
  {key: 'name', header: 'Customer', shrink: true, minWidth: 10, priority: 9},
  {key: 'qty', header: 'Qty', kind: 'qty', priority: 9},
  {key: 'note', header: 'Note', priority: 2},
]
const rows: R[] = [
  {item: 'RM-1', name: '无锡精密铸造有限公司华东销售分公司', qty: '12', note: 'a long note that nobody needs on a narrow terminal'},
  {item: 'RM-2', name: 'Wuxi Precision Casting Co., Ltd. East China Sales', qty: '3.5', note: ''},
]

describe('tables fit the terminal', () => {
  it('truncates by display width: a CJK character counts two columns and is never split', () => {
    const cut = truncateToWidth('无锡精密铸造有限公司', 9)
    expect(stringWidth(cut)).toBeLessThanOrEqual(9)
    expect(cut).toBe('无锡精密…')
    expect(truncateToWidth('short', 9)).toBe('short')
  })

  it('leaves out low-value columns first, then shortens names; every line fits', () => {
    for (const width of [40, 60, 80]) {
      const text = renderTable(columns, rows, {color: false, width})
      for (const line of text.split('\n')) expect(stringWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width)
      expect(text).toContain('RM-1')
    }
    const fit = fitColumns(columns, rows.map((r) => [r.item, r.name, r.qty, r.note]), 60)
    expect(fit.dropped).toEqual(['Note'])
    expect(fit.columns.map((c) => c.key)).toEqual(['item', 'name', 'qty'])
  })

  it('full width without a limit; --columns picks and orders', () => {
    const text = renderTable(columns, rows, {color: false})
    expect(text).toContain('无锡精密铸造有限公司华东销售分公司')
    const picked = renderTable(columns, rows, {color: false, columns: ['qty', 'Item']})
    expect(picked.split('\n')[1].split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['Qty', 'Item'])
  })

  it('reads the width from PLANTOPS_COLUMNS, else a TTY, else none', () => {
    expect(terminalWidth({PLANTOPS_COLUMNS: '80'}, {isTTY: false} as NodeJS.WriteStream)).toBe(80)
    expect(terminalWidth({}, {isTTY: true, columns: 120} as NodeJS.WriteStream)).toBe(120)
    expect(terminalWidth({}, {isTTY: false} as NodeJS.WriteStream)).toBeUndefined()
  })
})

describe('XLSX number formats and plant-local times', () => {
  it('whole numbers have no trailing dot; decimals show exactly their places', () => {
    expect(numberFormat('qty', '3567')).toBe('#,##0')
    expect(numberFormat('qty', '3567.250')).toBe('#,##0.00')
    expect(numberFormat('qty', '0.001')).toBe('#,##0.000')
    expect(numberFormat('money', '260078283.38')).toBe('#,##0.00')
  })

  it('shows stored UTC instants in the plant zone; values without a zone stay as they are', () => {
    expect(formatTime('2026-12-02T20:20:03.123Z', 'Asia/Shanghai')).toBe('2026-12-03 04:20:03')
    expect(formatTime('2026-12-02T20:20:03.123Z', 'UTC')).toBe('2026-12-02 20:20:03')
    expect(formatTime('2026-11-20 22:00:00', 'Asia/Shanghai')).toBe('2026-11-20 22:00:00')
    expect(zoneLabel('Asia/Shanghai')).toBe('Asia/Shanghai, UTC+8')
    expect(wallClockDate('2026-12-02T20:20:03Z', 'Asia/Shanghai')!.toISOString()).toBe('2026-12-03T04:20:03.000Z')
  })
})
