/** The guards of a stock diff: a broken replica or a mapping that lines nothing up stops the run instead of reporting it. */
import {PlantopsError, SourceError, UsageError} from '../cli/errors.js'
import {ExitCode} from '../cli/exit-codes.js'
import {warehouseMap} from '../reconcile/mapping.js'
import {codeText} from '../reconcile/keys.js'
import {buildSideRead} from '../reconcile/side-read.js'
import type {Source} from '../sources/source.js'
import type {StockConfig} from './config.js'
import type {StockHistory} from './history.js'
import type {ReadResult} from './read.js'
import {sideNormalizers} from './read-sides.js'
import type {StockVarianceRow} from './types.js'

/** An empty side, or far fewer rows than last time, means a broken replica, not a warehouse fire. */
export function checkSides(cfg: StockConfig, read: ReadResult, history: StockHistory): void {
  for (const [side, r, source] of [
    ['ERP', read.erp, cfg.erp.source],
    ['WMS', read.wms, cfg.wms.source],
  ] as const) {
    if (r.rows === 0) {
      throw new SourceError(source, `the ${side} side (${side === 'ERP' ? describe(cfg.erp) : describe(cfg.wms)}) returned no rows; refusing to report every key as only on the other side`, {
        code: 'SOURCE_EMPTY',
        hints: ['Check the replica (a rebuild in progress?) and the side\'s table/query and filters in plantops.yaml.'],
      })
    }
    const prev = history.previousRows?.[side === 'ERP' ? 'erp' : 'wms']
    if (prev && r.rows < prev * cfg.safety.minRowsRatio) {
      throw new SourceError(source, `the ${side} side returned ${r.rows} rows, fewer than ${Math.round(cfg.safety.minRowsRatio * 100)}% of the previous run's ${prev}; refusing to report a half-loaded replica`, {
        code: 'SOURCE_SHRUNK',
        hints: ['Check the replica; if the drop is real, lower stock.safety.minRowsRatio in plantops.yaml for one run.'],
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
    const knex = src.builder()
    const read = buildSideRead(knex, {table: where.table, query: where.query, columns: {v: column}, filters})
    try {
      const rows = await src.query<{v: unknown}>(`SELECT DISTINCT v FROM (${read.sql}) AS plantops_known ORDER BY v LIMIT 50`, read.bindings)
      return rows.map((r) => codeText(r.v)).filter((v) => v !== '')
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
      return e === undefined ? `${w} (WMS, unmapped)` : `${e} (WMS ${w})`
    })
    problems.push(`--warehouse ${missingW.join(', ')}: no key in this warehouse on either side`, `ERP warehouses: ${[...new Set(erp)].join(', ') || '-'}`, `WMS warehouses: ${[...new Set(wms)].join(', ') || '-'}`)
  }
  if (missingC.length > 0) {
    const it = cfg.items
    const known = it?.columns.class ? await distinct(it.source, it, it.columns.class) : []
    problems.push(`--class ${missingC.join(', ')}: no item of this class has stock`, it?.columns.class ? `item classes: ${known.join(', ') || '-'}` : 'no item class is configured (stock.items.columns.class)')
  }
  throw new UsageError(`${problems[0]}${problems.length > 1 ? `; ${problems.slice(1).join('; ')}` : ''}`, {
    code: 'FILTER_MATCHES_NOTHING',
    hints: ['--warehouse takes ERP warehouse codes (or WMS codes listed in stock.warehouseMap); --class takes item classes of stock.items.'],
  })
}

/**
 * Both sides have rows but almost no key is found on both: the mapping lines nothing up (codes formatted differently,
 * a missing warehouse map or cross-reference, a wrong column). Stop like the empty-side guard instead of reporting
 * every key as one-sided.
 */
export function checkLinesUp(cfg: StockConfig, keys: Record<string, number>, variances: StockVarianceRow[], erpRows: number, wmsRows: number): void {
  const ratio = cfg.safety.minMatchRatio
  const total = Object.values(keys).reduce((a, b) => a + b, 0)
  if (ratio <= 0 || erpRows === 0 || wmsRows === 0 || total === 0) return
  const paired = total - keys.only_in_erp - keys.only_in_wms
  if (paired / total >= ratio) return
  const ex = (status: string) =>
    variances
      .filter((v) => v.status === status)
      .slice(0, 3)
      .map((v) => `${v.item} @ ${v.warehouse}${v.lot ? ` lot ${v.lot}` : ''}`)
      .join(', ')
  const pct = ((paired / total) * 100).toFixed(2)
  throw new PlantopsError(
    `only ${paired} of ${total} keys (${pct}%) are found on both sides, below stock.safety.minMatchRatio ${ratio}: the codes probably do not line up (e.g. only in ERP: ${ex('only_in_erp') || '-'}; only in WMS: ${ex('only_in_wms') || '-'})`,
    {
      code: 'NOTHING_LINES_UP',
      exitCode: ExitCode.SOURCE,
      hints: [
        'Compare the example keys: item codes need stock.wms.normalize (trim, caseFold, fullWidth) or a cross-reference (stock.itemMap).',
        'Warehouse codes that differ need stock.warehouseMap (WMS code → ERP code).',
        'Check that stock.erp/wms.columns point at the right columns, and units (stock.units) if quantities are in different units.',
        'If the plant really shares so few keys, lower stock.safety.minMatchRatio (0 turns the check off).',
      ],
    },
  )
}

function describe(side: {table?: string; query?: string}): string {
  return side.table !== undefined ? `table ${side.table}` : 'its query'
}

