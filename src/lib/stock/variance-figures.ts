import {Decimal} from '../decimal/decimal.js'
import {combineFirst, FirstByPartition, FirstInOrder, type InPartition} from '../reconcile/first-in-order.js'
import type {ResolvedVariance} from './history.js'
import {compareRows, type StockVarianceRow} from './types.js'

/**
 * What the summary says of the variances, counted while they stream past (in each reconciling thread, partition by
 * partition) instead of being held: a 2,000,000-key run whose warehouse mapping is wrong has ~1.5M variances, and
 * holding them as rows in the threads, across the threads' messages and in this thread took 2.8 GB. The figures of
 * several threads combine (combineFigures) into those of one thread that reconciled every partition.
 */
export interface VarianceFigures {
  /** Variances (every non-matching key). */
  variances: number
  /** Rows in the report (after --all / --only new). */
  reported: number
  newVariances: number
  newByStatus: {within_tolerance: number; over_tolerance: number; only_in_erp: number; only_in_wms: number}
  failing: {over_tolerance: number; only_in_erp: number; only_in_wms: number; explained: number}
  /** The top variances (TopVariances' order), each with |value| as text (null: no cost). */
  top: Array<{row: StockVarianceRow; value: string | null}>
  /** The first EXAMPLES one-sided keys of each side, in partition order (for the "nothing lines up" error). */
  examples: {only_in_erp: Array<InPartition<StockVarianceRow>>; only_in_wms: Array<InPartition<StockVarianceRow>>}
  /** Previous open variances this run no longer reports: how many, and the first RESOLVED_KEPT in report order. */
  resolved: {count: number; rows: ResolvedVariance[]}
}

export const EXAMPLES = 3
/** Resolved variances the summary lists (their count is exact). */
export const RESOLVED_KEPT = 100

/**
 * The `n` variances (not within tolerance) of the largest |value| (none last), then of the largest |diff|, then in
 * report order, kept in a small sorted list as variances are offered one by one. Each row's sort key is made once.
 */
export class TopVariances {
  private static readonly NONE = new Decimal(-1)
  private readonly best: FirstInOrder<{r: StockVarianceRow; v: Decimal; d: Decimal}>
  constructor(n: number) {
    this.best = new FirstInOrder(n, (x, y) => y.v.cmp(x.v) || y.d.cmp(x.d) || compareRows(x.r, y.r))
  }

  offer(r: StockVarianceRow, value: Decimal | undefined): void {
    if (r.status === 'within_tolerance') return
    this.best.offer({r, v: value ?? TopVariances.NONE, d: new Decimal(r.diff).abs()})
  }

  get rows(): StockVarianceRow[] {
    return this.best.items.map((x) => x.r)
  }

  /** The rows with their |value| as text (null: none), for combining the lists of several threads. */
  get entries(): VarianceFigures['top'] {
    return this.best.items.map((x) => ({row: x.r, value: x.v.isNegative() ? null : x.v.toFixed()}))
  }
}

/**
 * The figures of one thread's variances. `variance` is called for every non-matching key (a partition's keys one after
 * the other), `reportedRow` for every row the report gets, `resolved` for every previous variance gone.
 */
export class VarianceTally {
  private readonly f: Omit<VarianceFigures, 'top' | 'resolved' | 'examples'> & {resolved: number} = {
    variances: 0,
    reported: 0,
    newVariances: 0,
    newByStatus: {within_tolerance: 0, over_tolerance: 0, only_in_erp: 0, only_in_wms: 0},
    failing: {over_tolerance: 0, only_in_erp: 0, only_in_wms: 0, explained: 0},
    resolved: 0,
  }

  private readonly examples = {only_in_erp: new FirstByPartition<StockVarianceRow>(EXAMPLES), only_in_wms: new FirstByPartition<StockVarianceRow>(EXAMPLES)}

  private readonly top: TopVariances
  private readonly gone = new FirstInOrder<ResolvedVariance>(RESOLVED_KEPT, compareRows)

  constructor(
    top: number,
    /** --only new: `failing` counts the new variances only. */
    private readonly onlyNew: boolean,
    /** stock.failOn.oneSided: one-sided keys fail --fail-on over-tolerance. */
    private readonly failOneSided: boolean,
  ) {
    this.top = new TopVariances(top)
  }

  variance(v: StockVarianceRow, value: Decimal | undefined, partition: number): void {
    const f = this.f
    f.variances++
    const isNew = v.runs_seen === 1
    if (isNew) {
      f.newVariances++
      if (v.status !== 'match') f.newByStatus[v.status]++
    }
    if ((!this.onlyNew || isNew) && (v.status === 'over_tolerance' || v.status === 'only_in_erp' || v.status === 'only_in_wms')) {
      if (v.explained) f.failing.explained++
      else if (v.status === 'over_tolerance' || this.failOneSided) f.failing[v.status]++
    }
    if (v.status === 'only_in_erp' || v.status === 'only_in_wms') this.examples[v.status].add(v, partition)
    this.top.offer(v, value?.abs())
  }

  reportedRow(): void {
    this.f.reported++
  }

  resolved(r: ResolvedVariance): void {
    this.f.resolved++
    this.gone.offer(r)
  }

  figures(): VarianceFigures {
    const {resolved, ...f} = this.f
    return {...f, examples: {only_in_erp: this.examples.only_in_erp.items, only_in_wms: this.examples.only_in_wms.items}, top: this.top.entries, resolved: {count: resolved, rows: this.gone.items}}
  }
}

/** The figures of several threads as those of one thread that reconciled all their partitions. */
export function combineFigures(parts: VarianceFigures[], top: number): VarianceFigures {
  const out = new VarianceTally(top, false, false).figures()
  const best = new TopVariances(top)
  const gone = new FirstInOrder<ResolvedVariance>(RESOLVED_KEPT, compareRows)
  for (const p of parts) {
    out.variances += p.variances
    out.reported += p.reported
    out.newVariances += p.newVariances
    for (const k of Object.keys(out.newByStatus) as Array<keyof VarianceFigures['newByStatus']>) out.newByStatus[k] += p.newByStatus[k]
    for (const k of Object.keys(out.failing) as Array<keyof VarianceFigures['failing']>) out.failing[k] += p.failing[k]
    for (const e of p.top) best.offer(e.row, e.value === null ? undefined : new Decimal(e.value))
    out.resolved.count += p.resolved.count
    for (const r of p.resolved.rows) gone.offer(r)
  }
  for (const side of ['only_in_erp', 'only_in_wms'] as const)
    out.examples[side] = combineFirst(
      parts.map((p) => p.examples[side]),
      EXAMPLES,
    )
  out.top = best.entries
  out.resolved.rows = gone.items
  return out
}
