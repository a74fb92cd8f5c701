import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {t} from '../../lib/i18n/index.js'
import {notifyFlags} from '../../lib/notify/flags.js'
import {collectReferences} from '../../lib/systems/all-references.js'
import {meetsFailOn, type FailOn} from '../../lib/systems/audit/findings.js'
import {diffFindings, loadAudit, recordAudit, type SinceLast} from '../../lib/systems/audit/history.js'
import {runAudit, type AuditReport} from '../../lib/systems/audit/run-audit.js'
import {renderCounts, renderFindings, renderSinceLast, renderSystemsTable} from '../../lib/systems/audit/text.js'
import {local, TEXT} from '../../lib/systems/message.js'

export interface SystemsAuditResult extends AuditReport {
  auditId: number
  runId: number
  /** Compared with the previous audit; null when this is the first. */
  sinceLast: SinceLast | null
  failOn: FailOn
  failed: boolean
}

export default class SystemsAudit extends BaseCommand<typeof SystemsAudit> {
  static summary = 'Audit every source plantops reads: reachable, replica lag, read-only account, schema drift, indexes, freshness.'
  static description = `Each source is checked in parallel with a short connect timeout. An unreachable source is a critical finding, not an error: the audit always completes, records its findings, and exits 0, or 1 when --fail-on is met (never 3).`
  static examples = [
    '<%= config.bin %> systems audit',
    '<%= config.bin %> systems audit --fail-on critical --json   # cron / monitoring',
    '<%= config.bin %> systems audit --since-last                 # what is new or resolved since the previous audit',
  ]

  static flags = {
    'fail-on': Flags.string({summary: 'Exit 1 when a finding of this severity (or worse) exists.', options: ['critical', 'warning', 'never'], default: 'never'}),
    'since-last': Flags.boolean({summary: 'Show only what changed since the previous audit (new and resolved findings).'}),
    ...notifyFlags,
  }

  async run(): Promise<SystemsAuditResult> {
    const {flags} = await this.parse(SystemsAudit)
    const loaded = this.loadConfig(flags.config)
    const failOn = flags['fail-on'] as FailOn
    return this.withRun({job: 'systems-audit', loaded}, async (ctx) => {
      const {references, skipped} = await collectReferences(loaded.config)
      const progress = this.progress(t('audit.progress.label'))
      const report = await runAudit({
        config: loaded.config,
        baseDir: loaded.dir,
        references,
        skippedAreas: skipped,
        onRowsRead: (source, rows) => ctx.run.addRowsRead(source, rows),
        onProgress: (done, total) => progress.update(t('audit.progress.checking', {done, total})),
      })
      progress.stop()
      const previous = await loadAudit(ctx.store.knex)
      const auditId = await recordAudit(ctx.store.knex, report, ctx.run.id)
      const sinceLast = previous ? diffFindings(previous, report.findings) : null
      const failed = meetsFailOn(report.findings, failOn)
      ctx.run.outcome({auditId, ...report.counts, systems: report.systems.length, new: sinceLast?.new.length ?? null, resolved: sinceLast?.resolved.length ?? null})
      if (!this.jsonEnabled()) this.render(report, sinceLast, flags['since-last'], this.textOptions(loaded).zone)
      this.failWhen(failed)
      return {auditId, runId: ctx.run.id, ...report, sinceLast, failOn, failed}
    })
  }

  private render(report: Awaited<ReturnType<typeof runAudit>>, sinceLast: SinceLast | null, onlyChanges: boolean, zone: string): void {
    if (onlyChanges) {
      this.log(renderSinceLast(sinceLast, zone))
      if (sinceLast && sinceLast.new.length > 0) this.log(`\n${t('audit.title.new')}\n${renderFindings(sinceLast.new, this.color)}`)
      if (sinceLast && sinceLast.resolved.length > 0) this.log(`\n${t('audit.title.resolved')}\n${renderFindings(sinceLast.resolved, this.color)}`)
      return
    }
    this.log(renderSystemsTable(report, this.color, this.textOptions().width))
    this.log(`\n${renderCounts(report.counts)}`)
    if (report.findings.length > 0) this.log(`\n${renderFindings(report.findings, this.color)}`)
    for (const s of report.skippedAreas) this.logToStderr(t('audit.skipped.note', {area: s.area, reason: s[TEXT] ? local(s[TEXT]) : s.reason}))
    if (sinceLast) this.log(renderSinceLast(sinceLast, zone))
  }
}
