import {Decimal} from '../decimal/decimal.js'
import {toleranceRule} from '../reconcile/classify.js'
import type {StockConfig} from './config.js'
import {crossPartitionCodeFormat, emptyTotals, reconcilePartition, rowValue, type HistoryEntry, type PartitionEnv, type PartitionTotals} from './reconcile-partition.js'
import {writeSortedRows} from './sorted-rows.js'
import type {Spill} from './spill.js'
import {compareRows, type StockVarianceRow} from './types.js'
import {UnitConverter} from '../reconcile/units.js'

/** Everything the reconcile phase needs besides the spill (plain data). */
export interface MergeSettings {
  cfg: StockConfig
  classes: string[]
  history: Map<string, HistoryEntry>
  today: string
  showCost: boolean
  all: boolean
  onlyNew: boolean
  /** A --warehouse or --class filter is active. */
  trackScope?: boolean
}

/** The reconciled partitions: plain data (sums as decimal text). */
export interface MergeShare {
  /** Causes found after the partitions were written (with --all, apply them to the spilled rows): key → cause. */
  patched: Map<string, string>
  variances: StockVarianceRow[]
  /** diff × unit cost of each variance (same order), for the top-by-value list. */
  values: Array<string | null>
  /** Report rows (without --all); with --all they are in the spill, sorted per partition. */
  rows: StockVarianceRow[]
  totals: {
    keys: PartitionTotals['keys']
    causes: Record<string, number>
    sumAbsErp: string
    sumAbsDiff: string
    valueAtRisk: string
    valueInDataErrors: string
    unitWarnings: PartitionTotals['unitWarnings']
    unitWarningCount: number
    seenWarehouses: string[]
    seenClasses: string[]
  }
}

export function partitionEnv(s: MergeSettings): PartitionEnv {
  const {cfg} = s
  return {
    cfg,
    units: new UnitConverter(cfg.units),
    extraFactors: cfg.causes.uomFactors.map((f) => new Decimal(f)),
    classes: new Set(s.classes),
    history: s.history,
    today: s.today,
    showCost: s.showCost,
    all: s.all,
    trackScope: s.trackScope ?? false,
    tolerance: toleranceRule(cfg.tolerance),
  }
}

export function keepRow(onlyNew: boolean): (r: StockVarianceRow) => boolean {
  return (r) => !onlyNew || (r.status !== 'match' && r.runs_seen === 1)
}

/** How long the reconcile loop may run before it lets the event loop breathe (signals, progress). */
const YIELD_MS = 50

/**
 * Reconcile every partition of the spill; with --all, each partition's sorted rows go back to the spill (kind `r`, read
 * by mergeSortedRows). Yields to the event loop every YIELD_MS so that SIGTERM/SIGINT are handled at once (the run is
 * marked interrupted and the spill removed).
 */
export async function mergePartitions(spill: Spill, s: MergeSettings, onPartition?: () => void): Promise<MergeShare> {
  const env = partitionEnv(s)
  const totals = emptyTotals()
  const keep = keepRow(s.onlyNew)
  const variances: StockVarianceRow[] = []
  const values: Array<string | null> = []
  const rows: StockVarianceRow[] = []
  let lastYield = performance.now()
  for (let p = 0; p < spill.partitions; p++) {
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      lastYield = performance.now()
    }
    const res = reconcilePartition(spill, p, env, totals)
    for (const v of res.variances) {
      variances.push(v)
      values.push(rowValue.get(v)?.toFixed() ?? null)
    }
    const kept = res.rows.filter(keep)
    if (s.all) writeSortedRows(spill, p, kept.sort(compareRows))
    else for (const r of kept) rows.push(r)
    onPartition?.()
  }
  spill.flush()
  const patched = crossPartitionCodeFormat(variances, totals)
  return {
    patched: new Map(patched.map((r) => [`${r.item}\t${r.warehouse}\t${r.lot}`, r.cause!])),
    variances,
    values,
    rows,
    totals: {
      keys: totals.keys,
      causes: totals.causes,
      sumAbsErp: totals.sumAbsErp.plus(new Decimal(totals.sumAbsErpScaled.v.toString()).div(new Decimal(10).pow(totals.sumAbsErpScaled.s))).toFixed(),
      sumAbsDiff: totals.sumAbsDiff.toFixed(),
      valueAtRisk: totals.valueAtRisk.toFixed(),
      valueInDataErrors: totals.valueInDataErrors.toFixed(),
      unitWarnings: totals.unitWarnings,
      unitWarningCount: totals.unitWarningCount,
      seenWarehouses: [...totals.seenWarehouses],
      seenClasses: [...totals.seenClasses],
    },
  }
}
