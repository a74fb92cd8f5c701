import {describe, expect, it} from 'vitest'

import {Decimal} from '../../src/lib/decimal/decimal.js'
import {classify, classifyCounted, COUNT_STATUSES, diffPct, isWithin, STATUSES, toleranceRule, withinTolerance} from '../../src/lib/reconcile/classify.js'
import {buildReport, countTolerance} from '../../src/lib/count/report.js'
import type {CountHeader, CountLine} from '../../src/lib/count/count-store.js'

const d = (s: string) => new Decimal(s)

describe('classify and tolerance', () => {
  it('gives the five statuses', () => {
    expect(classify(d('5'), d('5'), {})).toBe('match')
    expect(classify(d('100'), d('97'), {pct: d('5')})).toBe('within_tolerance')
    expect(classify(d('100'), d('94'), {pct: d('5')})).toBe('over_tolerance')
    expect(classify(d('50'), d('52'), {abs: d('2')})).toBe('within_tolerance')
    expect(classify(d('1'), null, {abs: d('2')})).toBe('only_in_erp')
    expect(classify(null, d('1'), {})).toBe('only_in_wms')
    expect(classify(d('0'), null, {})).toBe('match')
    expect(diffPct(d('-3'), d('100'))!.toFixed()).toBe('-3')
    expect(diffPct(d('1'), d('0'))).toBeNull()
    expect(STATUSES).toEqual(['match', 'within_tolerance', 'over_tolerance', 'only_in_erp', 'only_in_wms'])
  })
  it('abs OR pct; a zero reference tolerates no percentage', () => {
    expect(withinTolerance(d('3'), d('10'), {abs: d('1'), pct: d('30')})).toBe(true)
    expect(withinTolerance(d('3'), d('10'), {abs: d('1'), pct: d('20')})).toBe(false)
    expect(withinTolerance(d('-1'), d('0'), {pct: d('50')})).toBe(false)
    expect(withinTolerance(d('-1'), d('0'), {abs: d('1')})).toBe(true)
  })
})

describe('the tolerance rule: category wins over class, class over the default', () => {
  const rule = toleranceRule({default: {abs: '1'}, byClass: {A: {pct: '0'}, C: {pct: '5'}}, byCategory: {BULK: {pct: '10'}}})
  it('picks the limit by category, then class, then default', () => {
    expect(rule({cls: 'C', cat: 'BULK'}).pct!.toFixed()).toBe('10')
    expect(rule({cls: 'C', cat: 'OTHER'}).pct!.toFixed()).toBe('5')
    expect(rule({cls: 'B'}).abs!.toFixed()).toBe('1')
    expect(rule(undefined)).toBe(rule({cls: 'Z'})) // parsed once, shared
    expect(classify(d('100'), d('108'), rule({cls: 'C', cat: 'BULK'}))).toBe('within_tolerance')
    expect(classify(d('100'), d('108'), rule({cls: 'C'}))).toBe('over_tolerance')
  })
  it('no rule at all is zero tolerance', () => {
    expect(classify(d('100'), d('100.001'), toleranceRule({})())).toBe('over_tolerance')
  })
})

describe('counted against a system quantity (count report)', () => {
  it('uses the same vocabulary; not_compared when the system has no comparable quantity', () => {
    expect(COUNT_STATUSES).toEqual(['match', 'within_tolerance', 'over_tolerance', 'not_compared'])
    const tol = countTolerance({A: 0, B: 2, C: 5})
    expect(classifyCounted(d('100'), d('100'), tol('A'))).toBe('match')
    expect(classifyCounted(d('100'), d('99'), tol('A'))).toBe('over_tolerance')
    expect(classifyCounted(d('100'), d('98'), tol('B'))).toBe('within_tolerance')
    expect(classifyCounted(d('100'), d('105'), tol('C'))).toBe('within_tolerance')
    expect(classifyCounted(d('100'), d('105.5'), tol('C'))).toBe('over_tolerance')
    expect(classifyCounted(d('0'), d('3'), tol('C'))).toBe('over_tolerance') // nothing expected: any stock is over
    expect(classifyCounted(null, d('3'), tol('C'))).toBe('not_compared')
    expect(isWithin('match') && isWithin('within_tolerance') && !isWithin('over_tolerance') && !isWithin('not_compared')).toBe(true)
  })
  it('count report statuses, IRA and the recount list come from the engine classify', () => {
    const header = {id: 1, kind: 'count', parentId: null, status: 'recorded', createdAt: '', snapshotAt: '2026-01-01 00:00:00', method: 'random', seed: '1', scope: {}, populationSize: 3, populationByClass: {A: 1, B: 1, C: 1}, sampleSize: 3, confidence: null, margin: null, counters: null, runId: null, sheetsPath: null, recordedAt: null} as CountHeader
    const line = (id: number, abcClass: 'A' | 'B' | 'C', wms: string, counted: string, erp: string | null): CountLine => ({
      id, countId: 1, lineNo: id, sampled: true, found: false, sheet: null, countedAt: null, countedBy: null, countedFrom: null, remarks: null, recountOf: null,
      location: `L${id}`, zone: null, wmsWarehouse: 'W', sku: `S${id}`, lot: null, unit: 'PCS', item: erp === null ? null : `I${id}`, erpWarehouse: 'W', description: null, abcClass, erpUnit: 'PCS',
      factor: erp === null ? null : d('1'), unitCost: null, wmsQty: d(wms), erpKeyQty: erp === null ? null : d(erp), wmsKeyQty: erp === null ? null : d(wms), countedQty: d(counted),
    })
    const r = buildReport(header, [line(1, 'A', '10', '10', '10'), line(2, 'B', '100', '98', '100'), line(3, 'C', '20', '25', null)], {byLine: new Map(), applied: 0, ignoredTypes: {}}, {tolerancePct: {A: 0, B: 2, C: 5}})
    expect(r.lines.map((l) => [l.wmsStatus, l.erpStatus])).toEqual([['match', 'match'], ['within_tolerance', 'within_tolerance'], ['over_tolerance', 'not_compared']])
    expect(r.recount.map((l) => l.line)).toEqual([3])
    expect([r.ira.wms.within, r.ira.wms.counted, r.ira.erp.within, r.ira.erp.counted]).toEqual([2, 3, 2, 2])
    expect(r.totals).toMatchObject({wmsOver: 1, erpOver: 0})
    expect(r.adjustments.find((a) => a.system === 'WMS' && a.location === 'L3')).toMatchObject({status: 'over_tolerance', adjustQty: '5'})
  })
})
