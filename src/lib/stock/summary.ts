import {Decimal} from '../decimal/decimal.js'
import type {MergeShare} from './merge.js'
import type {SideSummary, StaleSource, StockDiffSummary} from './stock-diff.js'
import type {StockGrain} from './config.js'
import type {StockVarianceRow} from './types.js'
import {TopVariances} from './variance-figures.js'

/** The summary of one stock diff from the merged partitions (pure: no I/O). */
export function summarize(a: {
  grain: StockGrain
  erp: SideSummary
  wms: SideSummary
  stale?: StaleSource[]
  share: MergeShare
  transit: {rows: number; from: string; to: string} | null
  warnings: string[]
  options: {showCost: boolean}
  timing: {elapsedMs: number; mergeMs: number; mergeCpuMs: number}
}): StockDiffSummary {
  const {share, options} = a
  const {figures, totals} = share
  const keys = {total: 0, ...totals.keys}
  keys.total = totals.keys.match + totals.keys.within_tolerance + totals.keys.over_tolerance + totals.keys.only_in_erp + totals.keys.only_in_wms
  const sumErp = new Decimal(totals.sumAbsErp)
  const sumAbsDiff = new Decimal(totals.sumAbsDiff)
  const ti = a.transit
  return {
    grain: a.grain,
    erp: a.erp,
    wms: a.wms,
    keys,
    causes: totals.causes,
    recordAccuracyPct: keys.total === 0 ? '100' : new Decimal(keys.match).div(keys.total).times(100).toDecimalPlaces(4).toFixed(),
    deviationRatePct: sumErp.isZero() ? null : sumAbsDiff.div(sumErp).times(100).toDecimalPlaces(4).toFixed(),
    valueAtRisk: options.showCost ? new Decimal(totals.valueAtRisk).toFixed(2) : null,
    valueInDataErrors: options.showCost ? new Decimal(totals.valueInDataErrors).toFixed(2) : null,
    failing: figures.failing,
    topVariances: figures.top.map((e) => e.row),
    resolved: figures.resolved,
    newVariances: figures.newVariances,
    newByStatus: figures.newByStatus,
    inTransitWindow: ti ? {from: ti.from, to: ti.to, movements: ti.rows} : null,
    stale: a.stale ?? [],
    warnings: a.warnings,
    reported: figures.reported,
    elapsedMs: Math.round(a.timing.elapsedMs),
    mergeMs: Math.round(a.timing.mergeMs),
    mergeCpuMs: Math.round(a.timing.mergeCpuMs),
  }
}

/**
 * The `n` variances (not within tolerance) of the largest |value| (none last), then of the largest |diff|, then in
 * report order (variance-figures.ts TopVariances, which the reconciling threads keep as the variances stream past).
 */
export function topVariances(variances: StockVarianceRow[], value: Map<StockVarianceRow, Decimal>, n: number): StockVarianceRow[] {
  const top = new TopVariances(n)
  for (const r of variances) top.offer(r, value.get(r))
  return top.rows
}

/**
 * Does this run fail `--fail-on`? One rule, the one `summary.failing` counts: over-tolerance fails on the keys over
 * tolerance that are not exactly explained (goods in transit) and, with stock.failOn.oneSided, on one-sided keys;
 * `any` on any variance. With --only new (`onlyNew`) the same rule over the new keys only (`failing` was counted so).
 */
export function failsOn(summary: Pick<StockDiffSummary, 'failing' | 'keys' | 'newByStatus'>, failOn: string, onlyNew: boolean): boolean {
  if (failOn === 'over-tolerance') return summary.failing.over_tolerance + summary.failing.only_in_erp + summary.failing.only_in_wms > 0
  if (failOn !== 'any') return false
  const c = onlyNew ? summary.newByStatus : summary.keys
  return c.within_tolerance + c.over_tolerance + c.only_in_erp + c.only_in_wms > 0
}
