import {warningText} from '../cli/warnings.js'
import type {StockConfig} from '../stock/config.js'
import {type CountConfig, erpItemsSchema, erpStockSchema} from './config.js'

/** A table or a read-only SELECT in a source. */
export interface ReadOrigin {
  source: string
  table?: string
  query?: string
  /** Where it is configured, for messages. */
  configPath: string
}

/**
 * What a count reads from the ERP, resolved once: with a stock section and `count.mapping.fromStock` (the default),
 * the balances come through `stock.erp` (table or SELECT, columns, filters), the item facts through `stock.items`
 * (description, uom, unitCost, class, annualUsage; the deprecated `count.erp.items` still wins while it is there),
 * and unit factors and code maps through the stock section's mapping; without a stock section, from the
 * (deprecated) `count.erp.*` keys.
 */
export interface ErpReads {
  /** nullQty: what a NULL balance is (stock.nullQty through the stock section; zero for the deprecated keys). */
  balances: ReadOrigin & {columns: {item: string; warehouse: string; lot: string | null; qty: string}; filters: Record<string, Array<string | number>>; nullQty: 'zero' | 'error'}
  items: (ReadOrigin & {columns: {item: string; description: string | null; unit: string | null; unitCost: string | null; abcClass: string | null; annualUsage: string | null}}) | null
  /** Per-item unit factors read by the count itself (deprecated count.erp.units); null when the stock mapping loads them. */
  units: (ReadOrigin & {table: string; columns: {item: string; unit: string; factor: string}}) | null
}

export function usesStockSection(cfg: CountConfig, stock: StockConfig | undefined): stock is StockConfig {
  return stock !== undefined && cfg.mapping.fromStock
}

export function erpReads(cfg: CountConfig, stock: StockConfig | undefined): ErpReads | null {
  const legacyItems = cfg.erp?.items
  const items: ErpReads['items'] = legacyItems && cfg.erp ? {source: cfg.erp.source, table: legacyItems.table, columns: legacyItems.columns, configPath: 'count.erp.items'} : null
  if (usesStockSection(cfg, stock)) {
    const e = stock.erp
    const si = stock.items
    return {
      balances: {source: e.source, table: e.table, query: e.query, columns: {item: e.columns.item, warehouse: e.columns.warehouse, lot: e.columns.lot ?? null, qty: e.columns.qty}, filters: e.filters, nullQty: stock.nullQty, configPath: 'stock.erp'},
      items:
        items ??
        (si
          ? {
              source: si.source,
              table: si.table,
              query: si.query,
              columns: {
                item: si.columns.item,
                description: si.columns.description ?? null,
                unit: si.columns.uom ?? null,
                unitCost: si.columns.unitCost ?? null,
                abcClass: si.columns.class ?? null,
                annualUsage: si.columns.annualUsage ?? null,
              },
              configPath: 'stock.items',
            }
          : null),
      units: null,
    }
  }
  if (!cfg.erp) return null
  const b = cfg.erp.stock ?? erpStockSchema.parse({})
  return {
    balances: {source: cfg.erp.source, table: b.table, columns: b.columns, filters: {}, nullQty: 'zero', configPath: 'count.erp.stock'},
    items: items ?? {source: cfg.erp.source, ...erpItemsSchema.parse({}), configPath: 'count.erp.items'},
    units: cfg.erp.units ? {source: cfg.erp.source, table: cfg.erp.units.table, columns: cfg.erp.units.columns, configPath: 'count.erp.units'} : null,
  }
}

/**
 * Deprecation warnings for count keys that restate the stock section, each naming its replacement. `raw` is the
 * count section as written (before defaults); `hasStock`: plantops.yaml has a stock section.
 */
export function countConfigDeprecations(raw: unknown, hasStock: boolean): string[] {
  if (!raw || typeof raw !== 'object') return []
  const r = raw as {erp?: Record<string, unknown>; mapping?: Record<string, unknown>}
  const fromStock = hasStock && r.mapping?.fromStock !== false
  const out: string[] = []
  // `what` names a key nested in the message ($t(…)) so each language says it // i18n-dynamic: count.reasons.deprecatedWhat.*
  const old: Array<[unknown, string, string, string]> = [
    [r.erp?.items, 'count.erp.items', 'stock.items', 'items'],
    [r.erp?.stock, 'count.erp.stock', 'stock.erp', 'stock'],
    [r.erp?.units, 'count.erp.units', 'stock.units.itemUnits', 'units'],
    [r.mapping?.items, 'count.mapping.items', 'stock.itemMap', 'itemMap'],
    [r.mapping?.warehouses, 'count.mapping.warehouses', 'stock.warehouseMap', 'warehouseMap'],
    [r.mapping?.units, 'count.mapping.units', 'stock.units.conversions', 'conversions'],
  ]
  for (const [value, key, replacement, what] of old) {
    if (value === undefined) continue
    const vars = {key, replacement, what}
    // English in results (JSON, run history), shown in the language in force (cli/warnings.ts)
    if (fromStock && key === 'count.erp.items') out.push(warningText('count.reasons.deprecatedStillRead', vars))
    else if (fromStock) out.push(warningText('count.reasons.deprecatedIgnored', vars))
    else out.push(warningText('count.reasons.deprecatedDefine', vars))
  }
  return out
}
