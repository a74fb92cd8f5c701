import type {Knex} from 'knex'

import {UsageError} from '../cli/errors.js'
import type {SourceSet} from '../sources/source-set.js'
import type {CountConfig} from './config.js'
import {getCount, getLines, recountOf, type CountHeader} from './count-store.js'
import {readCutoffs, type CutoffResult} from './cutoff.js'
import {buildReport, type CountReport} from './report.js'

/**
 * The variance report of a count. Blind until recorded: with nothing counted yet it refuses, and lines still
 * uncounted are listed without any quantity.
 */
export async function reportCount(knex: Knex, sources: SourceSet, cfg: CountConfig, countId: number): Promise<{header: CountHeader; report: CountReport; recountId: number | null}> {
  const header = await getCount(knex, countId)
  const lines = await getLines(knex, countId)
  if (!lines.some((l) => l.countedQty !== null)) {
    throw new UsageError(`count ${countId} has no recorded counts yet: the report stays blind until counts are recorded`, {
      code: 'COUNT_NOT_RECORDED',
      hints: [`Record the filled sheets: plantops count record ${countId} ${header.sheetsPath ?? 'count-' + countId + '.xlsx'}`, `or type them in: plantops count enter ${countId}`],
    })
  }
  let cut: CutoffResult = {byLine: new Map(), applied: 0, ignoredTypes: {}}
  if (cfg.wms.movements) cut = await readCutoffs(await sources.get(cfg.wms.source), cfg.wms.movements, header.snapshotAt, lines)
  const report = buildReport(header, lines, cut, {tolerancePct: cfg.tolerancePct})
  return {header, report, recountId: await recountOf(knex, countId)}
}
