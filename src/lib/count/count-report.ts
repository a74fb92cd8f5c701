import type {Knex} from 'knex'

import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
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
    throw new UsageError(t('errors.count.notRecorded', {id: countId}), {
      code: 'COUNT_NOT_RECORDED',
      hints: [t('errors.count.recordHint', {id: countId, file: header.sheetsPath ?? `count-${countId}.xlsx`}), t('errors.count.enterHint', {id: countId})],
    })
  }
  let cut: CutoffResult = {byLine: new Map(), applied: 0, ignoredTypes: {}}
  if (cfg.wms.movements) cut = await readCutoffs(await sources.get(cfg.wms.source), cfg.wms.movements, header.snapshotAt, lines)
  const report = buildReport(header, lines, cut, {tolerancePct: cfg.tolerancePct})
  return {header, report, recountId: await recountOf(knex, countId)}
}
