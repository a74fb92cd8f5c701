import {describe, expect, it} from 'vitest'

import type {CountHeader, CountLine} from '../../src/lib/count/count-store.js'
import {applyMovements, type Movement} from '../../src/lib/count/cutoff.js'
import {buildReport} from '../../src/lib/count/report.js'
import {Decimal} from '../../src/lib/decimal/decimal.js'

const D = (s: string | number) => new Decimal(String(s))

function countLine(id: number, over: Partial<CountLine>): CountLine {
  return {
    id, countId: 1, lineNo: id, sampled: true, found: false, location: `L${id}`, zone: 'A', wmsWarehouse: 'RM', sku: `S${id}`, lot: null, unit: 'PCS',
    item: `RM-${id}`, erpWarehouse: 'WH01', description: null, abcClass: 'B', erpUnit: 'PCS', factor: D(1), unitCost: D(10),
    wmsQty: D(100), erpKeyQty: D(100), wmsKeyQty: D(100), sheet: 'S', countedQty: D(100), countedAt: '2026-11-21 12:00:00', countedBy: 'Ana',
    countedFrom: 'f:s:1', remarks: null, recountOf: null, ...over,
  }
}

const header: CountHeader = {
  id: 1, kind: 'count', parentId: null, status: 'recorded', createdAt: '2026-11-21T08:00:00Z', snapshotAt: '2026-11-21 08:00:00', method: 'random', seed: '1',
  scope: {}, populationSize: 1000, populationByClass: {A: 100, B: 300, C: 600}, sampleSize: 3, confidence: 95, margin: 5, counters: null, runId: null, sheetsPath: null, recordedAt: null,
}

const mv = (at: string, type: string, loc: string, sku: string, qty: number, erpPosted: boolean | null = null): Movement => ({at, type, location: loc, sku, lot: null, qty: D(qty), erpPosted})

describe('cut-off: stock moved between snapshot and count is not a variance', () => {
  const direction = {RECEIVE: 1, SHIP: -1, PICK: -1, ADJ: 'signed'} as const

  it('applies only movements after the snapshot and up to each line\'s count time', () => {
    const lines = [countLine(1, {countedQty: D(70)}), countLine(2, {countedQty: D(125), countedAt: '2026-11-21 09:00:00'}), countLine(3, {countedQty: D(100)})]
    const cut = applyMovements(
      lines,
      [
        mv('2026-11-21 07:59:59', 'PICK', 'L1', 'S1', 50), // before the snapshot: already in it
        mv('2026-11-21 09:30:00', 'PICK', 'L1', 'S1', 30), // during the count
        mv('2026-11-21 08:30:00', 'RECEIVE', 'L2', 'S2', 25), // before line 2 was counted
        mv('2026-11-21 09:30:00', 'RECEIVE', 'L2', 'S2', 999), // after line 2 was counted
        mv('2026-11-21 10:00:00', 'CYCLE', 'L3', 'S3', 5), // a type with no direction: ignored and reported
        mv('2026-11-21T10:00:00', 'ADJ', 'L1', 's1', 0), // ISO 'T' and a lower-case sku still match
      ],
      header.snapshotAt,
      direction,
    )
    expect(cut.byLine.get(1)).toEqual({wms: D(-30), erp: D(-30), movements: 2})
    expect(cut.byLine.get(2)?.wms.toString()).toBe('25')
    expect(cut.byLine.has(3)).toBe(false)
    expect(cut.ignoredTypes).toEqual({CYCLE: 1})
    const report = buildReport(header, lines, cut, {tolerancePct: {A: 0, B: 2, C: 5}})
    expect(report.lines.map((l) => [l.line, l.wmsExpected, l.wmsDiff, l.wmsStatus, l.moved])).toEqual([
      [1, '70', '0', 'match', true],
      [2, '125', '0', 'match', true],
      [3, '100', '0', 'match', false],
    ])
    // without the cut-off, line 1 would be 30 short and line 2 25 over: both over a 2% tolerance
    const naive = buildReport(header, lines, {byLine: new Map(), applied: 0, ignoredTypes: {}}, {tolerancePct: {A: 0, B: 2, C: 5}})
    expect(naive.recount.map((r) => r.line)).toEqual([1, 2])
  })

  it('moves the ERP expectation only for movements already posted in the ERP', () => {
    const lines = [countLine(1, {countedQty: D(60)})]
    const cut = applyMovements(lines, [mv('2026-11-21 09:00:00', 'SHIP', 'L1', 'S1', 40, false)], header.snapshotAt, direction)
    const r = buildReport(header, lines, cut, {tolerancePct: {A: 0, B: 2, C: 5}}).lines[0]
    expect([r.wmsExpected, r.wmsStatus]).toEqual(['60', 'match'])
    expect([r.erpExpected, r.erpDiff, r.erpStatus]).toEqual(['100', '-40', 'over_tolerance']) // shipped, not yet booked in the ERP
  })

  it('values differences, applies tolerance by class, and attributes ERP balances to bins', () => {
    // ERP holds 250 for the key, WMS holds 100 here and 140 in other bins: ERP for this bin = 250 − 140 = 110
    const lines = [countLine(1, {abcClass: 'C', countedQty: D(104), wmsKeyQty: D(240), erpKeyQty: D(250)})]
    const r = buildReport(header, lines, {byLine: new Map(), applied: 0, ignoredTypes: {}}, {tolerancePct: {A: 0, B: 2, C: 5}}).lines[0]
    expect([r.wmsDiff, r.wmsStatus, r.wmsDiffValue]).toEqual(['4', 'within_tolerance', '40.00'])
    expect([r.erpExpected, r.erpDiff, r.erpStatus, r.erpDiffValue]).toEqual(['110', '-6', 'over_tolerance', '-60.00'])
  })
})
