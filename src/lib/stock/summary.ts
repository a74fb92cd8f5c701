import {Decimal} from '../decimal/decimal.js'
import {resolvedSince, type StockHistory} from './history.js'
import type {MergeShare} from './merge.js'
import type {SideSummary, StaleSource, StockDiffSummary} from './stock-diff.js'
import type {StockGrain} from './config.js'
import {compareRows, type StockVarianceRow} from './types.js'

/** The summary of one stock diff from the merged partitions (pure: no I/O). */
export function summarize(a: {
  grain: StockGrain
  erp: SideSummary
  wms: SideSummary
  stale?: StaleSource[]
  share: MergeShare
  history: StockHistory
  transit: {rows: number; from: string; to: string} | null
  warnings: string[]
  reported: number
  options: {top: number; showCost: boolean; onlyNew: boolean; failOneSided: boolean}
  timing: {elapsedMs: number; mergeMs: number; mergeCpuMs: number}
}): StockDiffSummary {
  const {share, options} = a
  const {variances, totals} = share
  const keys = {total: 0, ...totals.keys}
  keys.total = totals.keys.match + totals.keys.within_tolerance + totals.keys.over_tolerance + totals.keys.only_in_erp + totals.keys.only_in_wms
  const sumErp = new Decimal(totals.sumAbsErp)
  const sumAbsDiff = new Decimal(totals.sumAbsDiff)
  const value = new Map<StockVarianceRow, Decimal>()
  share.values.forEach((v, i) => {
    if (v !== null) value.set(variances[i], new Decimal(v).abs())
  })
  const top = [...variances]
    .filter((r) => r.status !== 'within_tolerance')
    .sort((x, y) => {
      const vx = value.get(x) ?? new Decimal(-1)
      const vy = value.get(y) ?? new Decimal(-1)
      const c = vy.cmp(vx)
      return c !== 0 ? c : new Decimal(y.diff).abs().cmp(new Decimal(x.diff).abs()) || compareRows(x, y)
    })
    .slice(0, options.top)
  const resolved = resolvedSince(a.history, variances)
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
    failing: failingCounts(variances, options.onlyNew, options.failOneSided),
    topVariances: top,
    resolved: {count: resolved.length, rows: resolved.slice(0, 100)},
    newVariances: variances.filter((v) => v.runs_seen === 1).length,
    newByStatus: countNew(variances),
    inTransitWindow: ti ? {from: ti.from, to: ti.to, movements: ti.rows} : null,
    stale: a.stale ?? [],
    warnings: a.warnings,
    reported: a.reported,
    elapsedMs: Math.round(a.timing.elapsedMs),
    mergeMs: Math.round(a.timing.mergeMs),
    mergeCpuMs: Math.round(a.timing.mergeCpuMs),
  }
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

function failingCounts(variances: StockVarianceRow[], onlyNew: boolean, oneSided: boolean): StockDiffSummary['failing'] {
  const out = {over_tolerance: 0, only_in_erp: 0, only_in_wms: 0, explained: 0}
  for (const v of variances) {
    if (onlyNew && v.runs_seen !== 1) continue
    if (v.status !== 'over_tolerance' && v.status !== 'only_in_erp' && v.status !== 'only_in_wms') continue
    if (v.explained) out.explained++
    else if (v.status === 'over_tolerance' || oneSided) out[v.status]++
  }
  return out
}

function countNew(variances: StockVarianceRow[]): StockDiffSummary['newByStatus'] {
  const out = {within_tolerance: 0, over_tolerance: 0, only_in_erp: 0, only_in_wms: 0}
  for (const v of variances) if (v.runs_seen === 1 && v.status !== 'match') out[v.status]++
  return out
}

