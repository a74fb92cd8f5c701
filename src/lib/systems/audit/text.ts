import {label, t} from '../../i18n/index.js'
import {renderTable} from '../../report/table.js'
import {formatTime, zoneLabel} from '../../report/time.js'
import {healthLabel} from '../map/labels.js'
import {padDisplay} from '../message.js'
import {findingFix, findingMessage, type Finding, type Severity} from './findings.js'
import type {SinceLast} from './history.js'
import type {AuditReport} from './run-audit.js'

/** A severity as people read it (critical, warning, info: 严重, 警告, 提示). */
export function severityLabel(severity: Severity): string {
  // i18n-dynamic: audit.severity.*
  return label(`audit.severity.${severity}`)
}

/** A check's name (English: its code, e.g. replica-lag; Chinese: 副本延迟). */
export function checkLabel(check: string): string {
  // i18n-dynamic: audit.check.*
  return label(`audit.check.${check}`)
}

export function renderSystemsTable(report: AuditReport, color?: boolean, width?: number): string {
  return renderTable(
    [
      {key: 'system', header: t('audit.col.system'), priority: 10},
      {key: 'source', header: t('audit.col.source'), priority: 5},
      {key: 'reachable', header: t('audit.col.reachable'), priority: 9},
      {key: 'server', header: t('audit.col.server'), priority: 3, shrink: true},
      {key: 'lag', header: t('audit.col.lag'), priority: 8},
      {key: 'ro', header: t('audit.col.readOnly'), priority: 8, shrink: true},
      {key: 'fresh', header: t('audit.col.newest'), priority: 6, shrink: true, minWidth: 19},
      {key: 'health', header: t('audit.col.health'), priority: 10},
    ],
    report.systems.map((s) => ({
      system: s.system,
      source: s.source,
      reachable: s.reachable ? t('audit.cell.yes') : t('audit.cell.no'),
      server: s.server ? `${s.server.flavor} ${s.server.version}` : '',
      lag: s.replica ? (s.replica.isReplica ? (s.replica.lagSeconds === null ? t('audit.cell.replicationStopped') : t('common.seconds', {s: s.replica.lagSeconds})) : t('audit.cell.notReplica')) : '',
      ro:
        s.readOnlySession === null
          ? ''
          : s.readOnlySession && s.writePrivileges.length === 0
            ? t('audit.cell.yes')
            : s.writePrivileges.length > 0
              ? t('audit.cell.writes', {privileges: s.writePrivileges.join(',')})
              : t('audit.cell.sessionNotReadOnly'),
      fresh: s.freshness
        ? t('audit.cell.freshness', {
            newest: s.freshness.newest ?? '-',
            age: s.freshness.ageHours === null ? '' : t('audit.cell.age', {hours: s.freshness.ageHours.toFixed(1)}),
            rows: `${s.freshness.rowsEstimated ? '≈' : ''}${s.freshness.rows}`,
          })
        : '',
      health: healthLabel(s.health),
    })),
    {color, width},
  )
}

/** "2 critical, 1 warning, 0 info" */
export function renderCounts(counts: Record<Severity, number>): string {
  return t('audit.counts', counts)
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
      const head = `${paint(f.severity, padDisplay(severityLabel(f.severity).toUpperCase(), 8))} ${f.system} · ${checkLabel(f.check)}${f.configPath ? `  (${f.configPath})` : ''}`
      const lines = [head, `  ${findingMessage(f)}`]
      const fix = findingFix(f)
      if (fix) lines.push(`  ${t('audit.fixLine', {fix})}`)
      return lines.join('\n')
    })
    .join('\n\n')
}

/** What changed since the previous audit; its time in the plant's zone, labelled. */
export function renderSinceLast(diff: SinceLast | null, zone: string): string {
  if (!diff) return t('audit.sinceLast.first')
  return t('audit.sinceLast.summary', {
    id: diff.previousAuditId,
    time: `${formatTime(diff.previousAt, zone)} ${zoneLabel(zone)}`,
    new: diff.new.length,
    resolved: diff.resolved.length,
    unchanged: diff.unchanged,
    changed: diff.changedSeverity.length ? t('audit.sinceLast.changedSeverity', {count: diff.changedSeverity.length}) : '',
  })
}
