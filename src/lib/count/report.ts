import {Decimal, formatDecimal, formatFixed} from '../decimal/decimal.js'
import {classifyCounted, isWithin, toleranceRule, type CountedStatus, type Tolerance} from '../reconcile/classify.js'
import {tIn} from '../i18n/index.js'
import {ABC_CLASSES, type AbcClass} from './config.js'
import {erpKey} from './codes.js'
import type {CountHeader, CountLine} from './count-store.js'
import type {CutoffResult, LineCutoff} from './cutoff.js'
import {wilsonInterval, type Proportion} from './ira.js'

/** One counted line compared with the WMS and ERP snapshots (after cut-off). Only counted lines are ever revealed. */
export interface ReportLine {
  line: number | null
  location: string
  item: string
  sku: string
  description: string
  lot: string
  abcClass: AbcClass
  found: boolean
  unit: string
  counted: string
  wmsSnapshot: string
  cutoff: string
  wmsExpected: string
  wmsDiff: string
  wmsStatus: CountedStatus
  erpUnit: string
  countedErpUnit: string | null
  erpExpected: string | null
  erpDiff: string | null
  erpStatus: CountedStatus
  unitCost: string | null
  /** Value of the WMS difference (in ERP unit × unit cost). */
  wmsDiffValue: string | null
  erpDiffValue: string | null
  tolerancePct: number
  /** Stock moved at this bin between snapshot and count (the cut-off was applied). */
  moved: boolean
  countedBy: string | null
  countedAt: string | null
}

export interface UncountedLine {
  line: number
  location: string
  item: string
  lot: string
  unit: string
  sheet: string | null
}

export interface IraSummary {
  wms: Proportion
  erp: Proportion
  byClass: Array<{abcClass: AbcClass; population: number; wms: Proportion; erp: Proportion}>
  /** For stratified samples: class IRAs weighted by class population (the population estimate). */
  weighted: {wms: number | null; erp: number | null} | null
}

export interface AdjustmentRow {
  system: 'WMS' | 'ERP'
  warehouse: string
  location: string
  item: string
  lot: string
  unit: string
  systemQty: string
  countedQty: string
  adjustQty: string
  value: string | null
  status: CountedStatus
  /** The note in English (the CSV adjustments file). */
  note: string
  /** The note as a catalog message (the XLSX adjustments, in the language in force). */
  noteKey?: {key: string; vars?: Record<string, unknown>}
}

/** An adjustment note: English text for the CSV, its key for the workbook. */
function note(key: string | null, vars?: Record<string, unknown>): {note: string; noteKey?: {key: string; vars?: Record<string, unknown>}} {
  return key === null ? {note: ''} : {note: tIn('en', key, vars), noteKey: {key, vars}}
}

export interface CountReport {
  lines: ReportLine[]
  uncounted: UncountedLine[]
  ira: IraSummary
  recount: ReportLine[]
  adjustments: AdjustmentRow[]
  totals: {counted: number; found: number; uncounted: number; wmsOver: number; erpOver: number; wmsDiffValue: string; erpDiffValue: string}
  cutoff: {applied: number; linesMoved: number; ignoredTypes: Record<string, number>}
}

const ZERO = new Decimal(0)
const show = (d: Decimal | null): string | null => (d === null ? null : formatDecimal(d))
const money = (d: Decimal | null): string | null => (d === null ? null : formatFixed(d, 2))

export function displayItem(l: Pick<CountLine, 'item' | 'sku'>): string {
  return l.item ?? l.sku
}

/** How a count line is labelled wherever it is shown (sheets, sample, report): the ERP item (else the SKU), NULL as blank. */
export function lineLabels(l: Pick<CountLine, 'location' | 'item' | 'sku' | 'description' | 'lot' | 'unit' | 'abcClass'>) {
  return {location: l.location, item: displayItem(l), sku: l.sku, description: l.description ?? '', lot: l.lot ?? '', unit: l.unit ?? '', abcClass: l.abcClass}
}

/** A sampled line not counted yet, as listed (no quantity: the count stays blind). */
export function uncountedLine(l: CountLine): UncountedLine {
  return {line: l.lineNo as number, location: l.location, item: displayItem(l), lot: l.lot ?? '', unit: l.unit ?? '', sheet: l.sheet}
}

/** ERP quantity for one bin: the ERP balance of its key minus what WMS holds of that key in the other bins. */
export function erpExpectedForLine(l: CountLine): Decimal | null {
  if (l.erpKeyQty === null || l.wmsKeyQty === null || l.factor === null) return null
  return l.erpKeyQty.minus(l.wmsKeyQty.minus(l.wmsQty.times(l.factor)))
}

/** A count's tolerance: the engine's rule with the count's percent limits by ABC class (count.tolerancePct). */
export function countTolerance(tolerancePct: Record<AbcClass, number>): (cls: AbcClass) => Tolerance {
  const byClass: Record<string, {pct: string}> = {}
  for (const c of ABC_CLASSES) byClass[c] = {pct: new Decimal(tolerancePct[c]).toFixed()}
  const rule = toleranceRule({byClass})
  return (cls) => rule({cls})
}

export function buildReport(
  header: CountHeader,
  lines: readonly CountLine[],
  cutoffs: CutoffResult,
  opts: {tolerancePct: Record<AbcClass, number>; confidence?: number},
): CountReport {
  const out: ReportLine[] = []
  const uncounted: UncountedLine[] = []
  const tolerance = countTolerance(opts.tolerancePct)
  for (const l of lines) {
    if (!l.sampled && !l.found) continue
    if (l.countedQty === null) {
      if (l.sampled && l.lineNo !== null) uncounted.push(uncountedLine(l))
      continue
    }
    const cut: LineCutoff = cutoffs.byLine.get(l.id) ?? {wms: ZERO, erp: ZERO, movements: 0}
    const pct = opts.tolerancePct[l.abcClass]
    const wmsExpected = l.wmsQty.plus(cut.wms)
    const wmsDiff = l.countedQty.minus(wmsExpected)
    const erpBase = erpExpectedForLine(l)
    const erpExpected = erpBase === null ? null : erpBase.plus(cut.erp)
    const countedErp = l.factor === null ? null : l.countedQty.times(l.factor)
    const erpDiff = erpExpected === null || countedErp === null ? null : countedErp.minus(erpExpected)
    out.push({
      line: l.lineNo,
      ...lineLabels(l),
      found: l.found,
      counted: formatDecimal(l.countedQty),
      wmsSnapshot: formatDecimal(l.wmsQty),
      cutoff: formatDecimal(cut.wms),
      wmsExpected: formatDecimal(wmsExpected),
      wmsDiff: formatDecimal(wmsDiff),
      wmsStatus: classifyCounted(wmsExpected, l.countedQty, tolerance(l.abcClass)),
      erpUnit: l.erpUnit ?? '',
      countedErpUnit: show(countedErp),
      erpExpected: show(erpExpected),
      erpDiff: show(erpDiff),
      erpStatus: classifyCounted(erpExpected, countedErp, tolerance(l.abcClass)),
      unitCost: show(l.unitCost),
      wmsDiffValue: l.unitCost && l.factor ? money(wmsDiff.times(l.factor).times(l.unitCost)) : null,
      erpDiffValue: l.unitCost && erpDiff ? money(erpDiff.times(l.unitCost)) : null,
      tolerancePct: pct,
      moved: cut.movements > 0,
      countedBy: l.countedBy,
      countedAt: l.countedAt,
    })
  }
  const sampledCounted = out.filter((r) => !r.found)
  const conf = opts.confidence ?? 95
  const prop = (rows: ReportLine[], side: 'wms' | 'erp', population: number | null) => {
    const rel = side === 'wms' ? rows : rows.filter((r) => r.erpStatus !== 'not_compared')
    const ok = rel.filter((r) => isWithin(side === 'wms' ? r.wmsStatus : r.erpStatus)).length
    return wilsonInterval(ok, rel.length, {population, confidence: conf})
  }
  const byClass = ABC_CLASSES.filter((c) => (header.populationByClass[c] ?? 0) > 0 || sampledCounted.some((r) => r.abcClass === c)).map((c) => {
    const rows = sampledCounted.filter((r) => r.abcClass === c)
    const population = header.populationByClass[c] ?? 0
    return {abcClass: c, population, wms: prop(rows, 'wms', population || null), erp: prop(rows, 'erp', population || null)}
  })
  let weighted: IraSummary['weighted'] = null
  if (header.method === 'abc') {
    const w = (side: 'wms' | 'erp') => {
      let total = 0
      let acc = 0
      for (const b of byClass) {
        const p = b[side].ira
        if (p === null) continue
        total += b.population
        acc += b.population * p
      }
      return total > 0 ? acc / total : null
    }
    weighted = {wms: w('wms'), erp: w('erp')}
  }
  // a recount is not a sample of the population: its share is reported without claiming a population interval
  const popAll = header.kind === 'recount' ? null : header.populationSize || null
  const ira: IraSummary = {
    wms: prop(sampledCounted, 'wms', popAll),
    erp: prop(sampledCounted, 'erp', popAll),
    byClass,
    weighted,
  }
  const recount = out.filter((r) => r.wmsStatus === 'over_tolerance' || r.erpStatus === 'over_tolerance')
  const adjustments = buildAdjustments(lines, cutoffs, out)
  const sum = (xs: Array<string | null>) => xs.reduce((s, x) => (x === null ? s : s.plus(x)), new Decimal(0))
  return {
    lines: out,
    uncounted,
    ira,
    recount,
    adjustments,
    totals: {
      counted: sampledCounted.length,
      found: out.length - sampledCounted.length,
      uncounted: uncounted.length,
      wmsOver: out.filter((r) => r.wmsStatus === 'over_tolerance').length,
      erpOver: out.filter((r) => r.erpStatus === 'over_tolerance').length,
      wmsDiffValue: formatFixed(sum(out.map((r) => r.wmsDiffValue)), 2),
      erpDiffValue: formatFixed(sum(out.map((r) => r.erpDiffValue)), 2),
    },
    cutoff: {applied: cutoffs.applied, linesMoved: out.filter((r) => r.moved).length, ignoredTypes: cutoffs.ignoredTypes},
  }
}

/**
 * Proposed adjustments for the ERP and WMS teams to review (plantops never writes them anywhere but a file):
 * WMS per counted bin with a difference; ERP per item × warehouse × lot, where the counted key total is the WMS
 * total of the key corrected by the differences found in its counted bins.
 */
function buildAdjustments(lines: readonly CountLine[], cutoffs: CutoffResult, report: ReportLine[]): AdjustmentRow[] {
  const rows: AdjustmentRow[] = []
  const byLine = new Map(report.map((r) => [`${r.line}|${r.location}|${r.sku}|${r.lot}`, r]))
  const erpKeys = new Map<string, {l: CountLine; expected: Decimal; counted: Decimal; status: CountedStatus; lines: number[]}>()
  for (const l of lines) {
    if (l.countedQty === null || (!l.sampled && !l.found)) continue
    const r = byLine.get(`${l.lineNo}|${l.location}|${l.sku}|${l.lot ?? ''}`)
    if (!r) continue
    const diff = new Decimal(r.wmsDiff)
    if (!diff.isZero()) {
      rows.push({
        system: 'WMS',
        warehouse: l.wmsWarehouse,
        location: l.location,
        item: l.sku,
        lot: l.lot ?? '',
        unit: l.unit ?? '',
        systemQty: r.wmsExpected,
        countedQty: r.counted,
        adjustQty: formatDecimal(diff),
        value: r.wmsDiffValue,
        status: r.wmsStatus,
        ...note(r.wmsStatus === 'over_tolerance' ? 'count.note.overRecount' : r.moved ? 'count.note.moved' : null),
      })
    }
    if (r.erpExpected === null || r.erpDiff === null || !l.item || !l.factor || l.erpKeyQty === null || l.wmsKeyQty === null) continue
    const k = erpKey(l.item, l.erpWarehouse ?? '', l.lot)
    const cut = cutoffs.byLine.get(l.id)?.erp ?? ZERO
    const wmsDelta = new Decimal(r.wmsDiff).times(l.factor)
    const e = erpKeys.get(k)
    if (e) {
      e.counted = e.counted.plus(wmsDelta).plus(cut)
      e.expected = e.expected.plus(cut)
      e.lines.push(l.lineNo ?? 0)
      if (r.erpStatus === 'over_tolerance') e.status = 'over_tolerance'
    } else {
      erpKeys.set(k, {l, expected: l.erpKeyQty.plus(cut), counted: l.wmsKeyQty.plus(wmsDelta).plus(cut), status: r.erpStatus === 'not_compared' ? 'match' : r.erpStatus, lines: [l.lineNo ?? 0]})
    }
  }
  for (const e of erpKeys.values()) {
    const diff = e.counted.minus(e.expected)
    if (diff.isZero()) continue
    rows.push({
      system: 'ERP',
      warehouse: e.l.erpWarehouse ?? '',
      location: '',
      item: e.l.item ?? '',
      lot: e.l.lot ?? '',
      unit: e.l.erpUnit ?? '',
      systemQty: formatDecimal(e.expected),
      countedQty: formatDecimal(e.counted),
      adjustQty: formatDecimal(diff),
      value: e.l.unitCost ? formatFixed(diff.times(e.l.unitCost), 2) : null,
      status: e.status,
      ...note(e.status === 'over_tolerance' ? 'count.note.erpOver' : 'count.note.erp', {count: e.lines.length, lines: e.lines.join(', ')}),
    })
  }
  return rows
}
