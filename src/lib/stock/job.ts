import type {RunContext} from '../cli/base-command.js'
import type {StockConfig} from './config.js'
import {runStockDiff, type StockDiffOptions, type StockDiffSummary} from './stock-diff.js'
import type {StockVarianceRow} from './types.js'

/**
 * The nightly stock diff as a job, the one `plantops stock diff` and `plantops demo` both run: reconcile, hand the
 * rows to `report` (they stream from the spill files; with `keepRows` they are also kept for the JSON
 * document), then remember the variances (first_seen / resolved) only once the report is written, and record the
 * run's outcome and output file.
 */
export async function stockDiffJob(
  ctx: Pick<RunContext, 'sources' | 'store' | 'run'>,
  opts: {cfg: StockConfig; baseDir: string; options: StockDiffOptions; keepRows: boolean; output?: string | null},
  report: (summary: StockDiffSummary, rows: Iterable<StockVarianceRow>, kept: StockVarianceRow[]) => Promise<void>,
): Promise<{summary: StockDiffSummary; rows: StockVarianceRow[]}> {
  const outcome = await runStockDiff({cfg: opts.cfg, baseDir: opts.baseDir, sources: ctx.sources, store: ctx.store.knex, runId: ctx.run.id, options: opts.options})
  const {summary} = outcome
  const kept: StockVarianceRow[] = []
  try {
    if (opts.keepRows) {
      for (const r of outcome.rows) kept.push(r)
      await report(summary, kept, kept)
    } else await report(summary, outcome.rows, kept)
    // the history reads the spilled rows again: before close()
    await outcome.commit()
  } finally {
    outcome.close()
  }
  if (opts.output) ctx.run.output(opts.output)
  ctx.run.outcome({warnings: summary.warnings.length, keys: summary.keys, causes: summary.causes, recordAccuracyPct: summary.recordAccuracyPct, newVariances: summary.newVariances, resolved: summary.resolved.count, stale: summary.stale})
  return {summary, rows: kept}
}
