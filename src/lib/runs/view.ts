import type {TextOptions} from '../report/emit.js'
import {renderKeyValue, renderTable} from '../report/table.js'
import {formatTime, zoneLabel} from '../report/time.js'
import {formatMinutes, maxRunMinutes, type RunsConfig} from './config.js'
import type {RunRecord} from './run-history.js'

/** The rows a run read, per source: `erp:20,000 wms:29,649`. */
function rowsRead(r: RunRecord, sep = ' '): string {
  return Object.entries(r.rowsRead)
    .map(([s, n]) => `${s}:${n}`)
    .join(sep)
}

/** `plantops runs list`: one line per run, times in the plant's zone (labelled). */
export function runsListText(runs: RunRecord[], o: TextOptions, cfg?: RunsConfig): string {
  if (runs.length === 0) return 'No runs recorded yet.'
  const rows = runs.map((r) => ({
    id: r.id,
    job: r.job,
    started: formatTime(r.startedAt, o.zone),
    duration: r.durationMs === null ? (r.status === 'running' ? `${formatMinutes((Date.now() - Date.parse(r.startedAt)) / 60_000)} so far` : '') : `${(r.durationMs / 1000).toFixed(1)}s`,
    status: r.overMaxRunTime ? `running, over the maximum run time ${formatMinutes(maxRunMinutes(cfg, r.job))} (pid ${r.pid} on ${r.host}: hung?)` : r.status,
    exit: r.exitCode ?? '',
    rows: rowsRead(r),
  }))
  return renderTable(
    [
      {key: 'id', header: 'ID', kind: 'int', priority: 10},
      {key: 'job', header: 'Job', priority: 10},
      {key: 'started', header: `Started (${zoneLabel(o.zone)})`, priority: 9},
      {key: 'duration', header: 'Took', kind: 'int', priority: 6},
      {key: 'status', header: 'Status', priority: 10},
      {key: 'exit', header: 'Exit', kind: 'int', priority: 8},
      {key: 'rows', header: 'Rows read', priority: 3, shrink: true, minWidth: 12},
    ],
    rows,
    {color: o.color, width: o.width, columns: o.columns},
  )
}

/** `plantops runs show`: every recorded field, times in the plant's zone (labelled). */
export function runShowText(run: RunRecord, o: TextOptions, notifications: string[] = []): string {
  const zone = zoneLabel(o.zone)
  return renderKeyValue(
    [
      ['Run', run.id],
      ['Job', run.job],
      ['Command', `plantops ${run.command.replaceAll(':', ' ')} ${run.argv.join(' ')}`.trim()],
      ['Status', run.status],
      ['Exit code', run.exitCode ?? ''],
      [`Started (${zone})`, formatTime(run.startedAt, o.zone)],
      [`Finished (${zone})`, run.finishedAt ? formatTime(run.finishedAt, o.zone) : '(not finished)'],
      ['Duration', run.durationMs === null ? '' : `${(run.durationMs / 1000).toFixed(2)} s`],
      ['Host / pid / user', `${run.host} / ${run.pid} / ${run.user}`],
      ['Rows read', rowsRead(run, ', ').replaceAll(':', ': ')],
      ['Outcome', Object.entries(run.outcome).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n')],
      ['Outputs', run.outputs.join('\n')],
      ['Error', run.error ?? ''],
      ['Notifications', notifications.join('\n')],
    ],
    {color: o.color, width: o.width},
  )
}
