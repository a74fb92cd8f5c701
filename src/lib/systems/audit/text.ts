import {renderTable} from '../../report/table.js'
import type {Finding} from './findings.js'
import type {SinceLast} from './history.js'
import type {AuditReport} from './run-audit.js'

export function renderSystemsTable(report: AuditReport, color?: boolean): string {
  return renderTable(
    [
      {key: 'system', header: 'System'},
      {key: 'source', header: 'Source'},
      {key: 'reachable', header: 'Reachable'},
      {key: 'server', header: 'Server'},
      {key: 'lag', header: 'Replica lag'},
      {key: 'ro', header: 'Read-only'},
      {key: 'fresh', header: 'Newest change'},
      {key: 'health', header: 'Health'},
    ],
    report.systems.map((s) => ({
      system: s.system,
      source: s.source,
      reachable: s.reachable ? 'yes' : 'NO',
      server: s.server ? `${s.server.flavor} ${s.server.version}` : '',
      lag: s.replica ? (s.replica.isReplica ? (s.replica.lagSeconds === null ? 'stopped' : `${s.replica.lagSeconds} s`) : 'not a replica') : '',
      ro: s.readOnlySession === null ? '' : s.readOnlySession && s.writePrivileges.length === 0 ? 'yes' : s.writePrivileges.length > 0 ? `NO: ${s.writePrivileges.join(',')}` : 'session not read-only',
      fresh: s.freshness ? `${s.freshness.newest ?? '-'}${s.freshness.ageHours === null ? '' : ` (${s.freshness.ageHours.toFixed(1)} h)`} · ${s.freshness.rowsEstimated ? '≈' : ''}${s.freshness.rows} rows` : '',
      health: s.health,
    })),
    {color},
  )
}

export function renderFindings(findings: Finding[], color?: boolean): string {
  return renderTable(
    [
      {key: 'severity', header: 'Severity'},
      {key: 'system', header: 'System'},
      {key: 'check', header: 'Check'},
      {key: 'message', header: 'Finding'},
      {key: 'fix', header: 'Suggested fix'},
      {key: 'configPath', header: 'Config path'},
    ],
    findings,
    {color, maxWidth: 90},
  )
}

export function renderSinceLast(diff: SinceLast | null): string {
  if (!diff) return 'No previous audit to compare with: this is the first.'
  return `Since audit ${diff.previousAuditId} (${diff.previousAt}): ${diff.new.length} new, ${diff.resolved.length} resolved, ${diff.unchanged} unchanged${diff.changedSeverity.length ? `, ${diff.changedSeverity.length} changed severity` : ''}.`
}
