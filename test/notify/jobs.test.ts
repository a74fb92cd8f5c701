import {describe, expect, it} from 'vitest'

import {registerJobSummarizer, summarizeRun, type FinishedRun} from '../../src/lib/notify/jobs.js'
import {renderSummary} from '../../src/lib/notify/summary.js'

const run = (over: Partial<FinishedRun>): FinishedRun => ({job: 'stock-diff', plant: 'P1', runId: 3, startedAt: '2026-12-02T02:30:00.000Z', exitCode: 0, outputs: [], outcome: {}, ...over})

describe('a finished run becomes a summary people act on', () => {
  it('stock diff: counts by status, value at risk, top lines with item names, what changed since the last run', () => {
    const top = {item: 'RM-10279', warehouse: 'WH01', lot: 'L1', erp_qty: '3160.6', wms_qty: '3160600', diff: '3157439.4', uom: 'KG', status: 'over_tolerance', cause: 'uom_factor', first_seen: '2026-12-01', value_diff: '260078283.38'}
    const summary = {
      erp: {source: 'erp', lagSeconds: 4},
      wms: {source: 'wms', lagSeconds: null},
      keys: {total: 100, match: 90, within_tolerance: 4, over_tolerance: 3, only_in_erp: 2, only_in_wms: 1},
      recordAccuracyPct: '90',
      valueAtRisk: '1234.50',
      topVariances: [top],
      resolved: {count: 2, rows: []},
      newVariances: 3,
      newByStatus: {within_tolerance: 1, over_tolerance: 2, only_in_erp: 0, only_in_wms: 0},
    }
    const s = summarizeRun(run({result: {summary, output: 'v.csv', itemNames: {'RM-10279': '漆包铜线 QZ-2 1.0mm'}}}), 10)
    expect(s.status).toBe('over-tolerance')
    expect(s.top).toEqual({
      title: 'Top 1 variances by value',
      total: 6,
      lines: ['RM-10279 漆包铜线 QZ-2 1.0mm @ WH01 lot L1: ERP 3160.6 → WMS 3160600 KG (diff 3157439.4, value 260078283.38) over tolerance, probable cause uom_factor, since 2026-12-01'],
    })
    expect(s.changes).toEqual(['3 new', '2 resolved', 'new over tolerance/one-sided: 2'])
    expect(s.lag).toEqual([{source: 'erp', seconds: 4}, {source: 'wms', seconds: null}])
    expect(s.outputs).toEqual(['v.csv'])
    const first = summarizeRun(run({result: {summary: {...summary, newVariances: 10, resolved: {count: 0, rows: []}}}}), 10)
    expect(first.changes).toEqual(['all 10 variances are new (no earlier run of this scope, or everything changed)'])
    const clean = summarizeRun(run({result: {summary: {...summary, keys: {total: 5, match: 5, within_tolerance: 0, over_tolerance: 0, only_in_erp: 0, only_in_wms: 0}, topVariances: [], valueAtRisk: null}}}), 10)
    expect(clean.status).toBe('ok')
    // variances exactly explained by goods in transit are findings, not an over-tolerance alert (the --fail-on rule)
    const transit = {...summary, keys: {total: 5, match: 2, within_tolerance: 0, over_tolerance: 3, only_in_erp: 0, only_in_wms: 0}, failing: {over_tolerance: 0, only_in_erp: 0, only_in_wms: 0, explained: 3}}
    expect(summarizeRun(run({result: {summary: transit}}), 10).status).toBe('findings')
    expect(summarizeRun(run({result: {summary: {...transit, failing: {...transit.failing, over_tolerance: 1}}}}), 10).status).toBe('over-tolerance')
  })

  it('count report: recount lines with item descriptions; over-tolerance when there is a recount', () => {
    const result = {
      totals: {counted: 40, found: 0, uncounted: 2, wmsOver: 3, erpOver: 1, wmsDiffValue: '0', erpDiffValue: '0'},
      ira: {wms: {ira: 0.925}, erp: {ira: 0.975}},
      lines: [{line: 7, description: '深沟球轴承 6305-2RS'}],
      recount: [{line: 7, location: 'A-01-02', item: 'RM-10125', lot: 'L1', wmsStatus: 'over_tolerance', erpStatus: 'within_tolerance'}],
      output: 'count-3.xlsx',
      adjustments: null,
    }
    const s = summarizeRun(run({job: 'count-report', result}), 10)
    expect(s.status).toBe('over-tolerance')
    expect(s.top.lines).toEqual(['line 7 A-01-02: RM-10125 深沟球轴承 6305-2RS lot L1 (WMS over_tolerance, ERP within_tolerance)'])
    expect(s.counts).toContainEqual({label: 'IRA WMS', value: '92.5%'})
    expect(s.outputs).toEqual(['count-3.xlsx'])
  })

  it('systems audit: critical findings first; findings even at exit 0', () => {
    const result = {
      systems: [{source: 'erp', replica: {isReplica: true, lagSeconds: 12}}],
      findings: [
        {severity: 'warning', system: 'wms', message: 'no index on bins.sku', fix: 'add an index'},
        {severity: 'critical', system: 'erp', message: 'account can write', fix: null},
      ],
      counts: {critical: 1, warning: 1, info: 0},
      sinceLast: {new: [{}], resolved: []},
    }
    const s = summarizeRun(run({job: 'systems-audit', result}), 10)
    expect(s.status).toBe('over-tolerance')
    expect(s.top.lines[0]).toBe('[critical] erp: account can write')
    expect(s.lag).toEqual([{source: 'erp', seconds: 12}])
    expect(s.changes).toEqual(['1 new', '0 resolved'])
  })

  it('orders import: rejected rows are findings, with the rejects workbook', () => {
    const result = {files: [{file: 'o.xlsx', rejected: 5, rejectsFile: 'o.rejects.xlsx'}], failed: [], totals: {rowsRead: 10, imported: 5, updated: 0, unchanged: 0, skipped: 0, rejected: 5}}
    const s = summarizeRun(run({job: 'orders-import', result}), 10)
    expect(s.events.findings).toBe(true)
    expect(s.top.lines).toEqual(['o.xlsx: 5 row(s) rejected → o.rejects.xlsx'])
    expect(s.outputs).toEqual(['o.rejects.xlsx'])
  })

  it('a job without a summarizer (e.g. a new job before it registers one) is summarised from its recorded outcome', () => {
    const s = summarizeRun(run({job: 'custom-job', result: {}, exitCode: 1, outcome: {matched: 10, mismatched: 2, nested: {a: 1}}}), 10)
    expect(s.counts).toEqual([{label: 'matched', value: 10}, {label: 'mismatched', value: 2}])
    expect(s.status).toBe('over-tolerance')
    registerJobSummarizer('custom-job', () => ({counts: [{label: 'rules', value: 4}], events: {overTolerance: false, findings: true, sourceError: false}}))
    expect(summarizeRun(run({job: 'custom-job', result: {}}), 10)).toMatchObject({status: 'findings', counts: [{label: 'rules', value: 4}]})
  })

  it('reconcile run: the job, counts under its display names, match and deviation rates, causes by count; all clear without findings', () => {
    const summary = {
      job: 'orders-mes',
      names: {match: 'match', differs: 'differs', only_in_left: 'missing_in_mes', only_in_right: 'orphan_in_mes', in_flight: 'in_flight'},
      left: {source: 'erp', lagSeconds: 2},
      right: {source: 'mes', lagSeconds: null},
      keys: {total: 20, match: 15, differs: 3, only_in_left: 1, only_in_right: 0, in_flight: 1},
      causes: {late: 2, change_not_propagated: 1, unit_factor: 0},
      deviationRatePct: {qty: '0.7812', weight: null},
      matchRatePct: '75',
      newByStatus: {differs: 1, only_in_left: 0, only_in_right: 0},
      resolved: {count: 2, rows: []},
    }
    const s = summarizeRun(run({job: 'reconcile-run', result: {job: 'orders-mes', summary, rows: [], output: 'f.csv'}}), 10)
    expect(s.status).toBe('over-tolerance')
    expect(s.counts).toEqual([
      {label: 'job', value: 'orders-mes'},
      {label: 'keys', value: 20},
      {label: 'match', value: 15},
      {label: 'differs', value: 3},
      {label: 'missing_in_mes', value: 1},
      {label: 'orphan_in_mes', value: 0},
      {label: 'in_flight', value: 1},
      {label: 'match rate', value: '75%'},
      {label: 'deviation rate qty', value: '0.7812%'},
      {label: 'deviation rate weight', value: '—'},
    ])
    expect(s.top).toEqual({title: 'Probable causes', total: 2, lines: ['late: 2', 'change not propagated: 1']})
    expect(s.changes).toEqual(['1 new', '2 resolved'])
    expect(s.lag).toEqual([{source: 'erp', seconds: 2}, {source: 'mes', seconds: null}])
    expect(s.outputs).toEqual(['f.csv'])
    const clear = {...summary, keys: {total: 20, match: 19, differs: 0, only_in_left: 0, only_in_right: 0, in_flight: 1}, causes: {}}
    expect(summarizeRun(run({job: 'reconcile-run', result: {job: 'orders-mes', summary: clear}}), 10).status).toBe('ok')
  })

  it('a failed run: source error (exit 3) with the (redacted) message', () => {
    const s = summarizeRun(run({exitCode: 3, error: {message: 'source "erp": connection refused', exitCode: 3}}), 10)
    expect(s.status).toBe('source-error')
    const {text} = renderSummary(s, {maxBytes: 4096})
    expect(text).toContain('**a source could not be read**')
    expect(text).toContain('**Error**: source "erp": connection refused')
    expect(text).toContain('**Exit code**: 3')
  })
})
