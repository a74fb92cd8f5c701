import type {ColumnReference, SourceReference} from '../config/references.js'
import type {StockConfig} from './config.js'

type Expected = ColumnReference['expected']

function ref(
  source: string,
  where: {table?: string; query?: string},
  configPath: string,
  columns: Array<[string | undefined, string, Expected, boolean?]>,
  purpose: string,
): SourceReference {
  return {
    source,
    ...(where.table === undefined ? {query: where.query} : {table: where.table}),
    configPath: `${configPath}.${where.table === undefined ? 'query' : 'table'}`,
    columns: columns
      .filter((c): c is [string, string, Expected, boolean?] => c[0] !== undefined)
      .map(([column, key, expected, keyed]) => ({column, configPath: `${configPath}.columns.${key}`, expected, ...(keyed ? {keyed} : {})})),
    purpose,
  }
}

/** Every table and column the `stock` section reads, for `plantops systems audit` (schema drift, missing indexes). */
export function stockReferences(section: StockConfig | undefined): SourceReference[] {
  if (!section) return []
  const out: SourceReference[] = []
  const {erp, wms} = section
  const filterCols = (filters: Record<string, unknown>, path: string): ColumnReference[] =>
    Object.keys(filters).map((c) => ({column: c, configPath: `${path}.filters.${c}`, expected: 'any' as const, keyed: true}))

  // both sides name the same key columns; the WMS side adds its bin-level ones
  const side = (cfg: typeof erp | typeof wms, path: string, extra: Array<[string | undefined, string, Expected]>, purpose: string) => {
    const r = ref(
      cfg.source,
      cfg,
      path,
      [
        [cfg.columns.item, 'item', 'text'],
        [cfg.columns.warehouse, 'warehouse', 'text'],
        [cfg.columns.lot, 'lot', 'text'],
        [cfg.columns.qty, 'qty', 'number'],
        [cfg.columns.uom, 'uom', 'text'],
        ...extra,
      ],
      purpose,
    )
    r.columns.push(...filterCols(cfg.filters, path))
    return r
  }
  out.push(side(erp, 'stock.erp', [], 'nightly stock reconciliation, ERP side'))
  out.push(
    side(
      wms,
      'stock.wms',
      [
        [wms.columns.location, 'location', 'text'],
        [wms.columns.status, 'status', 'text'],
      ],
      'nightly stock reconciliation, WMS side',
    ),
  )

  const m = section.itemMap
  if (m && 'source' in m) {
    out.push(ref(m.source, m, 'stock.itemMap', [[m.columns.wms, 'wms', 'text'], [m.columns.erp, 'erp', 'text']], 'stock reconciliation: WMS → ERP item codes'))
  }
  const it = section.items
  if (it) {
    out.push(
      ref(
        it.source,
        it,
        'stock.items',
        [
          [it.columns.item, 'item', 'text'],
          [it.columns.uom, 'uom', 'text'],
          [it.columns.class, 'class', 'text'],
          [it.columns.category, 'category', 'text'],
          [it.columns.unitCost, 'unitCost', 'number'],
          [it.columns.packSize, 'packSize', 'number'],
          [it.columns.description, 'description', 'text'],
          [it.columns.annualUsage, 'annualUsage', 'number'],
        ],
        'stock reconciliation: item master (unit, class, category, cost)',
      ),
    )
  }
  const wh = section.warehouses
  if (wh) out.push(ref(wh.source, wh, 'stock.warehouses', [[wh.columns.code, 'code', 'text'], [wh.columns.name, 'name', 'text']], 'stock reconciliation: ERP warehouse names'))
  const iu = section.units.itemUnits
  if (iu) {
    out.push(
      ref(
        iu.source,
        iu,
        'stock.units.itemUnits',
        [
          [iu.columns.item, 'item', 'text'],
          [iu.columns.uom, 'uom', 'text'],
          [iu.columns.factor, 'factor', 'number'],
        ],
        'stock reconciliation: per-item unit factors',
      ),
    )
  }
  const t = section.inTransit
  if (t) {
    const r = ref(
      t.source,
      t,
      'stock.inTransit',
      [
        [t.columns.item, 'item', 'text'],
        [t.columns.warehouse, 'warehouse', 'text'],
        [t.columns.lot, 'lot', 'text'],
        [t.columns.qty, 'qty', 'number'],
        [t.columns.uom, 'uom', 'text'],
        [t.columns.movedAt, 'movedAt', 'date', true],
        [t.columns.type, 'type', 'text'],
      ],
      'stock reconciliation: movements in transit',
    )
    r.columns.push(...filterCols(t.filters, 'stock.inTransit'))
    out.push(r)
  }
  return out
}
