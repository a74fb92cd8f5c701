import {describe, expect, it} from 'vitest'

import {registerJobSummarizer, summarizeRun, type FinishedRun} from '../../src/lib/notify/jobs.js'
import {renderSummary} from '../../src/lib/notify/summary.js'

const run = (over: Partial<FinishedRun>): FinishedRun => ({job: 'stock-diff', plant: 'P1', runId: 3, startedAt: '2026-12-02T02:30:00.000Z', exitCode: 0, outputs: [], outcome: {}, ...over})

describe('a finished run becomes a summary people act on', () => {
  it('count report: recount lines with item descriptions; over-tolerance when there is a recount', () => {
    const result = {
      totals: {counted: 40, found: 0, uncounted: 2, wmsOver: 3, erpOver: 1, wmsDiffValue: '0', erpDiffValue: '0'},
      ira: {wms: {ira: 0.925}, erp: {ira: 0.975}},
      lines: [{line: 7, description: '深沟球轴承 6305-2RS'}],
      recount: [{line: 7, location: 'A-01-02', item: 'RM-10125', lot: 'L1', wmsStatus: 'over', erpStatus: 'within'}],
      output: 'count-3.xlsx',
      adjustments: null,
    }
    const s = summarizeRun(run({job: 'count-report', result}), 10)
    expect(s.status).toBe('over-tolerance')
    expect(s.top.lines).toEqual(['line 7 A-01-02: RM-10125 深沟球轴承 6305-2RS lot L1 (WMS over, ERP within)'])
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

  it('a job without a summarizer (e.g. reconcile run before it registers one) is summarised from its recorded outcome', () => {
    const s = summarizeRun(run({job: 'reconcile-run', result: {}, exitCode: 1, outcome: {matched: 10, mismatched: 2, nested: {a: 1}}}), 10)
    expect(s.counts).toEqual([{label: 'matched', value: 10}, {label: 'mismatched', value: 2}])
    expect(s.status).toBe('over-tolerance')
    registerJobSummarizer('reconcile-run', () => ({counts: [{label: 'rules', value: 4}], events: {overTolerance: false, findings: true, sourceError: false}}))
    expect(summarizeRun(run({job: 'reconcile-run', result: {}}), 10)).toMatchObject({status: 'findings', counts: [{label: 'rules', value: 4}]})
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
