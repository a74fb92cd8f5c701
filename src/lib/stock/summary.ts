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
  const top = topVariances(variances, value, options.top)
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
 * The `n` variances (not within tolerance) of the largest |value| (none last), then of the largest |diff|, then in
 * report order: the first `n` of that order, kept in a small sorted list while the variances are walked once. Each
 * row's sort key is made once (the sort it replaces made four Decimals per comparison: ~0.3 s for the ~8,000
 * variances of the same-shape bench at 2,000,000 keys/side, on the run's single-threaded tail).
 */
export function topVariances(variances: StockVarianceRow[], value: Map<StockVarianceRow, Decimal>, n: number): StockVarianceRow[] {
  const none = new Decimal(-1)
  const best: Array<{r: StockVarianceRow; v: Decimal; d: Decimal}> = []
  const before = (x: (typeof best)[number], y: (typeof best)[number]) => y.v.cmp(x.v) || y.d.cmp(x.d) || compareRows(x.r, y.r)
  if (n <= 0) return []
  for (const r of variances) {
    if (r.status === 'within_tolerance') continue
    const e = {r, v: value.get(r) ?? none, d: new Decimal(r.diff).abs()}
    if (best.length === n && before(e, best[n - 1]) >= 0) continue
    let at = best.length === n ? n - 1 : best.length
    while (at > 0 && before(e, best[at - 1]) < 0) {
      best[at] = best[at - 1]
      at--
    }
    best[at] = e
  }
  return best.map((x) => x.r)
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

