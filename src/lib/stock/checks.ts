/** The guards of a stock diff: a broken replica or a mapping that lines nothing up stops the run instead of reporting it. */
import {PlantopsError, SourceError, UsageError} from '../cli/errors.js'
import {ExitCode} from '../cli/exit-codes.js'
import {t} from '../i18n/index.js'
import {warehouseMap} from '../reconcile/mapping.js'
import {codeText} from '../reconcile/keys.js'
import {buildSideRead} from '../reconcile/side-read.js'
import type {Source} from '../sources/source.js'
import type {StockConfig} from './config.js'
import type {StockHistory} from './history.js'
import type {EarlyStop} from './merge.js'
import type {ReadResult} from './read.js'
import {sideNormalizers} from './read-sides.js'
import type {VarianceFigures} from './variance-figures.js'

/** An empty side, or far fewer rows than last time, means a broken replica, not a warehouse fire. */
export function checkSides(cfg: StockConfig, read: ReadResult, history: StockHistory): void {
  for (const [side, r, source] of [
    ['ERP', read.erp, cfg.erp.source],
    ['WMS', read.wms, cfg.wms.source],
  ] as const) {
    if (r.rows === 0) {
      throw new SourceError(source, t('errors.stock.sideEmpty', {side, what: side === 'ERP' ? describe(cfg.erp) : describe(cfg.wms)}), {
        code: 'SOURCE_EMPTY',
        hints: [t('errors.stock.sideEmptyHint')],
      })
    }
    const prev = history.previousRows?.[side === 'ERP' ? 'erp' : 'wms']
    if (prev && r.rows < prev * cfg.safety.minRowsRatio) {
      throw new SourceError(source, t('errors.stock.sideShrunk', {side, rows: r.rows, pct: Math.round(cfg.safety.minRowsRatio * 100), previous: prev}), {
        code: 'SOURCE_SHRUNK',
        hints: [t('errors.stock.sideShrunkHint')],
      })
    }
  }
}

/**
 * `--warehouse` takes ERP warehouse codes; a WMS code is accepted through stock.warehouseMap and said so ("RM is the
 * WMS code of ERP warehouse WH01"). Returns the ERP codes (normalised like ERP codes).
 */
export function erpWarehouses(cfg: StockConfig, given: string[], warn: (key: string, vars: Record<string, unknown>) => void): string[] {
  const erpNorm = sideNormalizers(cfg.erp.normalize).code
  const wmsNorm = sideNormalizers(cfg.wms.normalize).code
  const map = warehouseMap(cfg, wmsNorm, erpNorm)
  const erpCodes = new Set(Object.values(cfg.warehouseMap).map((v) => erpNorm(v)))
  const out: string[] = []
  for (const w of given) {
    const e = erpNorm(w)
    const via = map.get(wmsNorm(w))
    if (via !== undefined && !erpCodes.has(e) && via !== e) {
      warn('stock.warn.wmsWarehouse', {code: w, erp: via})
      out.push(via)
    } else out.push(e)
  }
  return [...new Set(out)]
}

/**
 * Up to `limit` distinct values of a side's column (with `filters` applied when given), as text, in order: what an
 * error or a warning lists as the values there are. A query that fails throws (each caller decides what that means).
 */
async function distinctValues(src: Source, where: {table?: string; query?: string}, column: string, opts: {filters?: Record<string, Array<string | number>>; limit: number}): Promise<string[]> {
  const read = buildSideRead(src.builder(), {table: where.table, query: where.query, columns: {v: column}, filters: opts.filters})
  const rows = await src.query<{v: unknown}>(`SELECT DISTINCT v FROM (${read.sql}) AS plantops_known ORDER BY v LIMIT ${opts.limit}`, read.bindings)
  return rows.map((r) => codeText(r.v))
}

/** A --warehouse or --class that no reconciled key has is a usage error (exit 2) listing the known ones. */
export async function checkScope(cfg: StockConfig, sources: Map<string, Source>, warehouses: string[], classes: string[], totals: {seenWarehouses: string[]; seenClasses: string[]}): Promise<void> {
  const seenW = new Set(totals.seenWarehouses)
  const seenC = new Set(totals.seenClasses)
  const missingW = warehouses.filter((w) => !seenW.has(w))
  const missingC = classes.filter((c) => !seenC.has(c))
  if (missingW.length === 0 && missingC.length === 0) return
  const problems: string[] = []
  const distinct = async (source: string, where: {table?: string; query?: string}, column: string, filters?: Record<string, Array<string | number>>) => {
    const src = sources.get(source)
    if (!src) return []
    try {
      return (await distinctValues(src, where, column, {filters, limit: 50})).filter((v) => v !== '')
    } catch {
      return []
    }
  }
  if (missingW.length > 0) {
    const erpNorm = sideNormalizers(cfg.erp.normalize).code
    const wmsNorm = sideNormalizers(cfg.wms.normalize).code
    const map = warehouseMap(cfg, wmsNorm, erpNorm)
    const erp = (await distinct(cfg.erp.source, cfg.erp, cfg.erp.columns.warehouse, cfg.erp.filters)).map((w) => erpNorm(w))
    const wms = (await distinct(cfg.wms.source, cfg.wms, cfg.wms.columns.warehouse, cfg.wms.filters)).map((w) => {
      const e = map.get(wmsNorm(w))
      return e === undefined ? t('errors.stock.wmsUnmapped', {code: w}) : t('errors.stock.wmsMapped', {erp: e, code: w})
    })
    problems.push(
      t('errors.stock.noWarehouse', {codes: missingW.join(', ')}),
      t('errors.stock.erpWarehouses', {codes: [...new Set(erp)].join(', ') || '-'}),
      t('errors.stock.wmsWarehouses', {codes: [...new Set(wms)].join(', ') || '-'}),
    )
  }
  if (missingC.length > 0) {
    const it = cfg.items
    const known = it?.columns.class ? await distinct(it.source, it, it.columns.class) : []
    problems.push(t('errors.stock.noClass', {classes: missingC.join(', ')}), it?.columns.class ? t('errors.stock.itemClasses', {classes: known.join(', ') || '-'}) : t('errors.stock.noClassColumn'))
  }
  throw new UsageError(problems.join(t('errors.stock.problemSeparator')), {
    code: 'FILTER_MATCHES_NOTHING',
    hints: [t('errors.stock.scopeHint')],
  })
}

/**
 * Both sides have rows but almost no key is found on both: the mapping lines nothing up (codes formatted differently,
 * a missing warehouse map or cross-reference, a wrong column). Stop like the empty-side guard instead of reporting
 * every key as one-sided.
 */
export function checkLinesUp(cfg: StockConfig, keys: Record<string, number>, examples: VarianceFigures['examples'], erpRows: number, wmsRows: number): void {
  const ratio = cfg.safety.minMatchRatio
  const total = Object.values(keys).reduce((a, b) => a + b, 0)
  if (ratio <= 0 || erpRows === 0 || wmsRows === 0 || total === 0) return
  const paired = total - keys.only_in_erp - keys.only_in_wms
  if (paired / total >= ratio) return
  throw nothingLinesUp('errors.stock.nothingLinesUp', {paired, total, ratio}, examples)
}

/**
 * The reconcile stopped early (merge.ts linesUpFarBelow): the partitions it reconciled, a sample of the items, show
 * keys that do not line up. Said like checkLinesUp, with the sample's figures.
 */
export function checkEarlyStop(cfg: StockConfig, early: EarlyStop | null, examples: VarianceFigures['examples']): void {
  if (early === null) return
  throw nothingLinesUp('errors.stock.nothingLinesUpEarly', {paired: early.paired, total: early.keys, ratio: cfg.safety.minMatchRatio, done: early.done, partitions: early.partitions}, examples)
}

/** A stock.erp/wms filter value no row of its side has: where it is, and (up to 20) values the column holds there. */
export interface UnmatchedFilterValue {
  side: 'erp' | 'wms'
  source: string
  table: string | null
  column: string
  value: string
  known: string[]
}

/**
 * The values of stock.erp.filters / stock.wms.filters that match no row of their side. A misspelt value (`QC_HLOD`
 * for `QC_HOLD`) silently leaves those rows out, and the diff reports their keys as variances: on the demo plant
 * 1,956 rows instead of 262, exit 0, no word. A value can also rightly match nothing today (no stock on hold), so it
 * is a warning, with the values the column does hold. One `SELECT … LIMIT 1` per value, which stops at the first row
 * it finds (a value that matches nothing reads the side once, and only then are its distinct values asked for).
 * A query that fails says nothing here: the side's own read has already said what is wrong.
 */
export async function unmatchedFilterValues(cfg: StockConfig, sources: Map<string, Source>): Promise<UnmatchedFilterValue[]> {
  const out: UnmatchedFilterValue[] = []
  for (const side of ['erp', 'wms'] as const) {
    const s = cfg[side]
    const src = sources.get(s.source)
    if (!src) continue
    for (const [column, values] of Object.entries(s.filters)) {
      let known: string[] | null = null
      for (const value of values) {
        const read = buildSideRead(src.builder(), {table: s.table, query: s.query, columns: {v: column}, filters: {[column]: [value]}})
        try {
          const found = await src.query(`SELECT 1 AS found FROM (${read.sql}) AS plantops_filter LIMIT 1`, read.bindings)
          if (found.length > 0) continue
          known ??= await distinctValues(src, s, column, {limit: 20})
        } catch {
          continue
        }
        out.push({side, source: s.source, table: s.table ?? null, column, value: String(value), known})
      }
    }
  }
  return out
}

/**
 * stock.warehouseMap entries whose WMS code no WMS stock row has (after the side's filters), as `WMS → ERP` texts: a
 * code misspelt in the map, or a map written for another WMS. Codes are compared normalised, as the read maps them.
 */
export function unusedWarehouseMapEntries(cfg: StockConfig, seen: readonly string[]): string[] {
  const wmsNorm = sideNormalizers(cfg.wms.normalize).code
  const met = new Set(seen)
  if (met.size === 0) return []
  return Object.entries(cfg.warehouseMap)
    .filter(([wms]) => !met.has(wmsNorm(wms)))
    .map(([wms, erp]) => `${wms} → ${erp}`)
}

/** At most this many warehouses are named in the one-sided warning (the rest are counted). */
const ONE_SIDED_NAMED = 10

/**
 * Warehouses none of whose keys is found on the other side, every key only in the ERP or only in the WMS: the text of
 * a warning (in the language `tr` speaks), or null when there are none. The usual cause is a WMS warehouse code missing
 * from stock.warehouseMap: its keys are all only in the WMS under the WMS code, the ERP warehouse's all only in the
 * ERP (bins plant, 200,000 keys/side, RM mapped to a wrong code: 147,004 variances, and no word of why). Said once,
 * with the figures (warehouses with keys only in the ERP first, largest first); the run goes on (a warehouse one
 * system does not hold is not an error).
 */
export function oneSidedWarehouses(
  cfg: StockConfig,
  totals: {pairedWarehouses: string[]; oneSided: Array<[string, number, number]>},
  tr: (key: string, vars?: Record<string, unknown>) => string,
): string | null {
  const paired = new Set(totals.pairedWarehouses)
  // warehouses with keys only in the ERP first (ERP codes), then the others; largest first, then by code
  const rank = (x: [string, number, number]) => (x[1] > 0 ? 0 : 1)
  const lonely = totals.oneSided.filter(([wh]) => !paired.has(wh)).sort((a, b) => rank(a) - rank(b) || b[1] + b[2] - (a[1] + a[2]) || (a[0] < b[0] ? -1 : 1))
  if (lonely.length === 0) return null
  const erpNorm = sideNormalizers(cfg.erp.normalize).code
  const mapped = new Set(Object.values(cfg.warehouseMap).map((v) => erpNorm(v)))
  const unmapped = (wh: string) => (Object.keys(cfg.warehouseMap).length > 0 && !mapped.has(wh) ? tr('stock.warn.notInWarehouseMap') : '')
  const named = lonely.slice(0, ONE_SIDED_NAMED).map(([warehouse, erp, wms]) => {
    if (erp > 0 && wms > 0) return tr('stock.warn.warehouseBothSides', {warehouse, erp, wms})
    if (erp > 0) return tr('stock.warn.warehouseOnlyErp', {warehouse, count: erp})
    return tr('stock.warn.warehouseOnlyWms', {warehouse, count: wms, unmapped: unmapped(warehouse)})
  })
  if (lonely.length > ONE_SIDED_NAMED) named.push(tr('stock.warn.moreWarehouses', {count: lonely.length - ONE_SIDED_NAMED}))
  return tr('stock.warn.oneSidedWarehouses', {list: named.join(tr('common.listSeparator'))})
}

function nothingLinesUp(key: string, vars: {paired: number; total: number; ratio: number} & Record<string, unknown>, examples: VarianceFigures['examples']): PlantopsError {
  const ex = (status: 'only_in_erp' | 'only_in_wms') =>
    examples[status]
      .map(({item: v}) => (v.lot ? t('errors.stock.exampleKeyLot', {item: v.item, warehouse: v.warehouse, lot: v.lot}) : t('errors.stock.exampleKey', {item: v.item, warehouse: v.warehouse})))
      .join(t('common.listSeparator'))
  const pct = ((vars.paired / vars.total) * 100).toFixed(2)
  return new PlantopsError(t(key, {...vars, pct, onlyErp: ex('only_in_erp') || '-', onlyWms: ex('only_in_wms') || '-'}), {
    code: 'NOTHING_LINES_UP',
    exitCode: ExitCode.SOURCE,
    hints: [t('errors.stock.linesUpHintCodes'), t('errors.stock.linesUpHintWarehouses'), t('errors.stock.linesUpHintColumns'), t('errors.stock.linesUpHintRatio')],
  })
}

function describe(side: {table?: string; query?: string}): string {
  return side.table !== undefined ? t('errors.stock.sideTable', {table: side.table}) : t('errors.stock.sideQuery')
}

