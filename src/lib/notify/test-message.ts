import type {NotifySummary} from './summary.js'

/** The summary a `notify test` message carries (webhook/email receivers see the same shape as a real run's). */
export function testSummary(plant: string | null): NotifySummary {
  return {
    job: 'notify-test',
    plant,
    runId: null,
    startedAt: new Date().toISOString(),
    exitCode: 0,
    status: 'ok',
    events: {overTolerance: false, findings: false, sourceError: false},
    lag: [],
    counts: [],
    valueAtRisk: null,
    top: {title: '', total: 0, lines: []},
    changes: [],
    outputs: [],
    error: null,
  }
}
