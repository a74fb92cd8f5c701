import {isPlantopsError} from '../cli/errors.js'
import {redact} from '../cli/secrets.js'
import type {LoadedConfig} from '../config/load.js'
import type {ChannelConfig} from './config.js'
import type {NotifyFlagValues} from './flags.js'
import type {Delivery} from './http.js'
import {summarizeRun, type FinishedRun} from './jobs.js'
import {msg} from './messages.js'
import {deliver, planChannels, policyOf, shouldSend, type PlannedChannel} from './send.js'
import type {NotifySummary} from './summary.js'

/**
 * The run lifecycle's alerting, in one place. BaseCommand.withRun prepares it before the job runs (an unknown
 * --notify channel is a usage error then, not after a two-hour job), tells it how the job ended, and the command's
 * `finally` delivers once the exit code is final. Delivering never throws and never touches the exit code: a failed
 * alert is a warning on stderr and a row in the run history.
 */
export class RunNotifier {
  private ended?: {runId: number | null; startedAt: string; result?: unknown; error?: {message: string; exitCode: number}}
  /** The summary of the last delivery (for tests and the demo's report). */
  summary?: NotifySummary

  private constructor(
    private readonly loaded: LoadedConfig,
    private readonly job: string,
    private readonly plan: PlannedChannel[],
  ) {}

  static prepare(opts: {loaded: LoadedConfig; job: string; flags: NotifyFlagValues; extra?: Record<string, ChannelConfig>}): RunNotifier {
    const plan = planChannels(opts.loaded.config.notify, opts.job, {channels: opts.flags.notify, disabled: opts.flags['no-notify'], extra: opts.extra})
    return new RunNotifier(opts.loaded, opts.job, plan)
  }

  get planned(): number {
    return this.plan.length
  }

  finished(run: {id: number; startedAt: string} | undefined, result: unknown): void {
    this.ended = {runId: run?.id ?? null, startedAt: run?.startedAt ?? new Date().toISOString(), result}
  }

  failed(run: {id: number; startedAt: string} | undefined, error: unknown): void {
    const exitCode = isPlantopsError(error) ? error.exitCode : 70
    this.ended = {runId: run?.id ?? null, startedAt: run?.startedAt ?? new Date().toISOString(), error: {message: redact(error instanceof Error ? error.message : String(error)), exitCode}}
  }

  /**
   * Send the alerts the run's outcome calls for and record each in the run history. Returns the deliveries.
   * `warn` receives one line per failed channel; `info` one per sent channel.
   */
  async deliver(exitCode: number, io: {warn: (m: string) => void; info: (m: string) => void}): Promise<Delivery[]> {
    if (!this.ended || this.plan.length === 0) return []
    // a locked job (exit 4) has no run: another run of the job is in progress and alerts for itself
    if (this.ended.runId === null) return []
    try {
      const cfg = this.loaded.config.notify
      const {openStore} = await import('../store/store.js')
      const store = await openStore(this.loaded.config.store, this.loaded.dir)
      try {
        const {getRun} = await import('../runs/run-history.js')
        const record = await getRun(store.knex, this.ended.runId)
        const code = this.ended.error?.exitCode ?? exitCode
        const finished: FinishedRun = {
          job: this.job,
          plant: this.loaded.config.plant ?? null,
          runId: this.ended.runId,
          startedAt: this.ended.startedAt,
          exitCode: code,
          result: this.ended.result,
          error: this.ended.error,
          outputs: record?.outputs ?? [],
          outcome: record?.outcome ?? {},
        }
        const top = Math.max(...this.plan.map((p) => p.channel.top ?? 10))
        let summary = summarizeRun(finished, top)
        if (!this.plan.some((p) => shouldSend(p.on, summary))) return []
        const itemNames = await lookupItemNames(this.loaded, finished)
        if (itemNames) summary = summarizeRun({...finished, result: {...(finished.result as object), itemNames}}, top)
        this.summary = summary
        const deliveries = await deliver(this.plan, summary, policyOf(cfg))
        for (const d of deliveries) {
          if (d.status === 'sent') io.info(msg.sent(d.channel, d.elapsedMs, d.bytes))
          else io.warn(msg.failed(d.channel, [d.vendorCode, d.vendorMessage].filter(Boolean).join(' ') + (d.hint ? `. ${d.hint}` : '')))
        }
        const {recordDeliveries} = await import('./history.js')
        await recordDeliveries(store.knex, this.ended.runId, deliveries)
        return deliveries
      } finally {
        await store.close().catch(() => {})
      }
    } catch (error) {
      io.warn(msg.failed(msg.allChannels, redact((error as Error)?.message ?? String(error))))
      return []
    }
  }
}

/**
 * Item names for the top variances of a stock diff (notify.itemNames): one read-only lookup of at most 100 codes.
 * A failed lookup leaves the codes alone (the message goes out anyway).
 */
async function lookupItemNames(loaded: LoadedConfig, run: FinishedRun): Promise<Record<string, string> | null> {
  const spec = loaded.config.notify?.itemNames
  const result = run.result as {summary?: {topVariances?: Array<{item: string}>}} | undefined
  const items = [...new Set(result?.summary?.topVariances?.map((v) => v.item) ?? [])].slice(0, 100)
  if (!spec || items.length === 0) return null
  const {SourceSet} = await import('../sources/source-set.js')
  const sources = new SourceSet(loaded.config, loaded.dir)
  try {
    const src = await sources.get(spec.source)
    const table = spec.table.split('.').map((p) => src.quoteId(p)).join('.')
    const sql = `SELECT ${src.quoteId(spec.columns.item)} AS item, ${src.quoteId(spec.columns.name)} AS name FROM ${table} WHERE ${src.quoteId(spec.columns.item)} IN (${items.map(() => '?').join(', ')})`
    const rows = await src.query<{item: string; name: string | null}>(sql, items)
    return Object.fromEntries(rows.filter((r) => r.name).map((r) => [String(r.item), String(r.name)]))
  } catch {
    return null // names are a courtesy: the alert goes out with the codes
  } finally {
    await sources.closeAll().catch(() => {})
  }
}
