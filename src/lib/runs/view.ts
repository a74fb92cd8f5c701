import {label, t} from '../i18n/index.js'
import type {TextOptions} from '../report/emit.js'
import {renderKeyValue, renderTable} from '../report/table.js'
import {formatTime, zoneLabel} from '../report/time.js'
import {maxRunMinutes, type RunsConfig} from './config.js'
import {formatMinutes} from './duration.js'
import type {RunRecord} from './run-history.js'

/** The rows a run read, per source: `erp:20,000 wms:29,649`. */
function rowsRead(r: RunRecord, sep = ' '): string {
  return Object.entries(r.rowsRead)
    .map(([s, n]) => `${s}:${n}`)
    .join(sep)
}

/** A run's status in words (running, ok, variance, failed); the stored codes stay English (JSON, --status). */
export function runStatusLabel(status: string): string {
  const key = `runs.status.${status}` // i18n-dynamic: runs.status.*
  const text = label(key)
  return text === key ? status : text
}

/** `plantops runs list`: one line per run, times in the plant's zone (labelled). */
export function runsListText(runs: RunRecord[], o: TextOptions, cfg?: RunsConfig): string {
  if (runs.length === 0) return t('runs.none')
  const rows = runs.map((r) => ({
    id: r.id,
    job: r.job,
    started: formatTime(r.startedAt, o.zone),
    duration: r.durationMs === null ? (r.status === 'running' ? t('runs.soFar', {took: formatMinutes((Date.now() - Date.parse(r.startedAt)) / 60_000)}) : '') : t('runs.duration.seconds', {s: (r.durationMs / 1000).toFixed(1)}),
    status: r.overMaxRunTime ? t('runs.overdue', {max: formatMinutes(maxRunMinutes(cfg, r.job)), pid: r.pid, host: r.host}) : runStatusLabel(r.status),
    exit: r.exitCode ?? '',
    rows: rowsRead(r),
  }))
  return renderTable(
    [
      {key: 'id', header: t('runs.col.id'), kind: 'int', priority: 10},
      {key: 'job', header: t('runs.col.job'), priority: 10},
      {key: 'started', header: t('runs.col.started', {zone: zoneLabel(o.zone)}), priority: 9},
      {key: 'duration', header: t('runs.col.took'), kind: 'int', priority: 6},
      {key: 'status', header: t('runs.col.status'), priority: 10},
      {key: 'exit', header: t('runs.col.exit'), kind: 'int', priority: 8},
      {key: 'rows', header: t('runs.col.rows'), priority: 3, shrink: true, minWidth: 12},
    ],
    rows,
    {color: o.color, width: o.width, columns: o.columns},
  )
}

/**
 * A run's outcome for people: each figure under its label in the language in force (the key itself when the
 * catalog has none: a job's own figure), a group of counts as `code n` pairs (status and cause codes stay the stable
 * codes the reports use), anything else as its JSON. `--json` keeps the recorded keys.
 */
export function outcomeText(outcome: Record<string, unknown>): string {
  const value = (v: unknown): string => {
    if (v === null || v === undefined) return '-'
    if (Array.isArray(v)) return v.length === 0 ? '-' : JSON.stringify(v)
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
      if (entries.every(([, n]) => typeof n === 'number' || typeof n === 'string')) return entries.map(([k, n]) => `${k} ${String(n)}`).join(t('common.listSeparator')) || '-'
      return JSON.stringify(v)
    }
    return String(v)
  }
  return Object.entries(outcome)
    // i18n-dynamic: runs.outcome.*
    .map(([k, v]) => t('common.labelled', {label: t(`runs.outcome.${k}`, {defaultValue: k}), value: value(v)}))
    .join('\n')
}

/** `plantops runs show`: every recorded field, times in the plant's zone (labelled). */
export function runShowText(run: RunRecord, o: TextOptions, notifications: string[] = []): string {
  const zone = zoneLabel(o.zone)
  return renderKeyValue(
    [
      [t('runs.show.run'), run.id],
      [t('runs.show.job'), run.job],
      [t('runs.show.command'), `plantops ${run.command.replaceAll(':', ' ')} ${run.argv.join(' ')}`.trim()],
      [t('runs.show.status'), runStatusLabel(run.status)],
      [t('runs.show.exitCode'), run.exitCode ?? ''],
      [t('runs.show.started', {zone}), formatTime(run.startedAt, o.zone)],
      [t('runs.show.finished', {zone}), run.finishedAt ? formatTime(run.finishedAt, o.zone) : t('runs.show.notFinished')],
      [t('runs.show.duration'), run.durationMs === null ? '' : t('common.seconds', {s: (run.durationMs / 1000).toFixed(2)})],
      [t('runs.show.hostPidUser'), `${run.host} / ${run.pid} / ${run.user}`],
      [t('runs.show.rowsRead'), rowsRead(run, ', ').replaceAll(':', ': ')],
      [t('runs.show.outcome'), outcomeText(run.outcome)],
      [t('runs.show.outputs'), run.outputs.join('\n')],
      [t('runs.show.error'), run.error ?? ''],
      [t('runs.show.notifications'), notifications.join('\n')],
    ],
    {color: o.color, width: o.width},
  )
}
