import {renderTable} from '../../report/table.js'
import {formatTime, zoneLabel} from '../../report/time.js'
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

/**
 * Findings as blocks, not a table: messages and fixes are sentences that must be read whole (a table would cut them).
 */
export function renderFindings(findings: Finding[], color?: boolean): string {
  const paint = (sev: Finding['severity'], text: string): string => {
    if (!color) return text
    const code = sev === 'critical' ? 31 : sev === 'warning' ? 33 : 36
    return `\u001B[${code}m${text}\u001B[39m`
  }
  return findings
    .map((f) => {
      const head = `${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${f.system} · ${f.check}${f.configPath ? `  (${f.configPath})` : ''}`
      const lines = [head, `  ${f.message}`]
      if (f.fix) lines.push(`  fix: ${f.fix}`)
      return lines.join('\n')
    })
    .join('\n\n')
}

/** What changed since the previous audit; its time in the plant's zone, labelled. */
export function renderSinceLast(diff: SinceLast | null, zone: string): string {
  if (!diff) return 'No previous audit to compare with: this is the first.'
  return `Since audit ${diff.previousAuditId} (${formatTime(diff.previousAt, zone)} ${zoneLabel(zone)}): ${diff.new.length} new, ${diff.resolved.length} resolved, ${diff.unchanged} unchanged${diff.changedSeverity.length ? `, ${diff.changedSeverity.length} changed severity` : ''}.`
}
