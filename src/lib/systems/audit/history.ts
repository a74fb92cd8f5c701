import type {Knex} from 'knex'

import type {Health} from '../map/model.js'
import {findingTextJson, withStoredText, type Finding} from './findings.js'
import type {AuditReport} from './run-audit.js'

export interface StoredAudit {
  id: number
  runId: number | null
  startedAt: string
  findings: Finding[]
  health: Record<string, Health>
}

export interface SinceLast {
  previousAuditId: number
  previousAt: string
  /** Findings this audit has that the previous one did not. */
  new: Finding[]
  /** Findings of the previous audit that are gone. */
  resolved: Finding[]
  /** Present in both (possibly with new numbers in the message). */
  unchanged: number
  /** Findings whose severity changed (same key). */
  changedSeverity: Array<{finding: Finding; was: Finding['severity']}>
}

/** Store one audit: its findings and each audited system's health. Returns the audit id. */
export async function recordAudit(knex: Knex, report: AuditReport, runId: number | null): Promise<number> {
  return knex.transaction(async (trx) => {
    const [inserted] = await trx('systems_audits').insert(
      {
        run_id: runId,
        started_at: report.startedAt,
        finished_at: report.finishedAt,
        critical: report.counts.critical,
        warning: report.counts.warning,
        info: report.counts.info,
        systems: JSON.stringify(report.systems),
      },
      ['id'],
    )
    const id = typeof inserted === 'object' ? Number((inserted as {id: number}).id) : Number(inserted)
    const rows = report.findings.map((f) => ({
      audit_id: id,
      finding_key: f.key.slice(0, 512),
      severity: f.severity,
      system: f.system,
      source: f.source,
      check_name: f.check,
      message: f.message,
      fix: f.fix,
      config_path: f.configPath,
      // the messages as catalog keys and variables: shown in the reader's language when read back
      text_json: findingTextJson(f),
    }))
    for (let i = 0; i < rows.length; i += 200) await trx('systems_findings').insert(rows.slice(i, i + 200))
    const health = report.systems.map((s) => ({audit_id: id, system: s.system, health: s.health}))
    if (health.length > 0) await trx('systems_health').insert(health)
    return id
  })
}

/** The latest audit before `beforeId` (or the latest of all), with its findings. */
export async function loadAudit(knex: Knex, opts: {beforeId?: number} = {}): Promise<StoredAudit | null> {
  let q = knex('systems_audits').orderBy('id', 'desc').first('id', 'run_id', 'started_at')
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId)
  const row = (await q) as {id: number; run_id: number | null; started_at: string} | undefined
  if (!row) return null
  const findings = (await knex('systems_findings').where({audit_id: row.id}).orderBy('id')) as Array<Record<string, string | null>>
  const health = (await knex('systems_health').where({audit_id: row.id})) as Array<{system: string; health: Health}>
  return {
    id: Number(row.id),
    runId: row.run_id === null ? null : Number(row.run_id),
    startedAt: row.started_at,
    findings: findings.map((f) =>
      withStoredText(
        {
          key: String(f.finding_key),
          severity: f.severity as Finding['severity'],
          system: String(f.system),
          source: f.source,
          check: f.check_name as Finding['check'],
          message: String(f.message),
          fix: f.fix,
          configPath: f.config_path,
        },
        f.text_json,
      ),
    ),
    health: Object.fromEntries(health.map((h) => [h.system, h.health])),
  }
}

/** What changed between two audits, by finding identity (check + system + config path + subject). */
export function diffFindings(previous: StoredAudit, current: Finding[]): SinceLast {
  const before = new Map(previous.findings.map((f) => [f.key, f]))
  const now = new Map(current.map((f) => [f.key, f]))
  const changedSeverity: SinceLast['changedSeverity'] = []
  let unchanged = 0
  for (const [k, f] of now) {
    const b = before.get(k)
    if (!b) continue
    unchanged++
    if (b.severity !== f.severity) changedSeverity.push({finding: f, was: b.severity})
  }
  return {
    previousAuditId: previous.id,
    previousAt: previous.startedAt,
    new: current.filter((f) => !before.has(f.key)),
    resolved: previous.findings.filter((f) => !now.has(f.key)),
    unchanged,
    changedSeverity,
  }
}
