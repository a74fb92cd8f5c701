import {channelSchema, type ChannelConfig} from '../../src/lib/notify/config.js'
import type {RetryPolicy} from '../../src/lib/notify/http.js'
import type {NotifySummary} from '../../src/lib/notify/summary.js'
import type {OutgoingMessage} from '../../src/lib/notify/vendors/types.js'

export const fastPolicy: RetryPolicy = {totalMs: 3000, attempts: 3, baseDelayMs: 20}

export function channel(c: Record<string, unknown>): ChannelConfig {
  return channelSchema.parse(c)
}

/** A stock-diff-like summary with `items` top lines of CJK item names (3 bytes a character in UTF-8). */
export function bigSummary(items = 200, over: Partial<NotifySummary> = {}): NotifySummary {
  return {
    job: 'stock-diff',
    plant: '示范工厂 Demo Plant',
    runId: 7,
    startedAt: '2026-12-02T21:00:00.000Z',
    exitCode: 1,
    status: 'over-tolerance',
    events: {overTolerance: true, findings: true, sourceError: false},
    lag: [{source: 'erp', seconds: 3}, {source: 'wms', seconds: null}],
    counts: [
      {label: 'keys', value: 20_000},
      {label: 'over tolerance', value: items},
    ],
    valueAtRisk: '123456.78',
    top: {
      title: `Top ${items} variances by value`,
      total: items + 50,
      lines: Array.from({length: items}, (_, i) => `RM-${10_000 + i} 漆包铜线 QZ-2 1.0mm 深沟球轴承 @ WH01 lot L${i}: ERP 3160.6 → WMS 3160600 KG (diff 3157439.4, value ${i}.00) over tolerance`),
    },
    changes: ['12 new', '3 resolved'],
    outputs: ['/srv/plantops/out/variances-2026-12-02.xlsx'],
    error: null,
    ...over,
  }
}

export function message(summary: NotifySummary, mention: Partial<OutgoingMessage['mention']> = {}): OutgoingMessage {
  return {summary, mention: {mobiles: [], userIds: [], all: false, ...mention}, test: false}
}
