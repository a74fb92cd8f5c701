import type {Knex} from 'knex'

import {SourceError} from '../cli/errors.js'
import {Decimal, toDecimal} from '../decimal/decimal.js'
import type {Reader, Source} from '../sources/source.js'
import type {SourceSet} from '../sources/source-set.js'
import {classifyByUsageValue, parseClass} from './abc.js'
import {erpKey, lineKey, normCode} from './codes.js'
import type {AbcClass, CountConfig} from './config.js'
import type {CountScope} from './count-store.js'
import {CountMapping, type LineMapping} from './mapping.js'
import {StockSectionMapping} from './stock-mapping.js'
import type {StockConfig} from '../stock/config.js'

/** One WMS stock line (location × item × lot) with its mapped ERP facts and private system quantities. */
export interface PopulationLine {
  key: string
  location: string
  zone: string | null
  wmsWarehouse: string
  sku: string
  lot: string | null
  unit: string | null
  item: string | null
  erpWarehouse: string | null
  description: string | null
  abcClass: AbcClass
  erpUnit: string | null
  factor: Decimal | null
  unitCost: Decimal | null
  wmsQty: Decimal
  erpKeyQty: Decimal | null
  wmsKeyQty: Decimal | null
  /** WMS locations.last_counted_at (YYYY-MM-DD) when configured. */
  wmsLastCounted: string | null
}

export interface Population {
  /** Lines in scope. */
  lines: PopulationLine[]
  /** Every line read (all zones/classes of the warehouses in scope), for the stock of sampled locations. */
  all: PopulationLine[]
  /** The WMS clock when the snapshot was taken ('YYYY-MM-DD HH:MM:SS', plant time like movement times). */
  snapshotAt: string
  warnings: string[]
  mapping: LineMapping
}

/** The `stock:` section (when configured) and the config file's directory, for the shared mappings. */
export interface MappingContext {
  stock?: StockConfig
  baseDir?: string
}

/**
 * The mapping a count uses: the `stock:` section's (same normalisation, cross-reference, warehouses and units as
 * `stock diff`) when there is one and count.mapping.fromStock is not false; else the count's own `mapping`.
 */
export async function openMapping(sources: SourceSet, cfg: CountConfig, opts: MappingContext): Promise<LineMapping> {
  if (opts.stock && cfg.mapping.fromStock) return StockSectionMapping.open(opts.stock, sources, opts.baseDir ?? process.cwd())
  let skuToItem: Map<string, string> | null = null
  const xref = cfg.mapping.items
  if (xref) {
    const src = await sources.get(xref.source)
    skuToItem = new Map()
    const {sql, bindings} = selectSql(src, xref.table, {wms: xref.columns.wms, erp: xref.columns.erp})
    for await (const r of src.stream<Row>(sql, bindings)) {
      const w = text(r.wms)
      const e = text(r.erp)
      if (w && e) skuToItem.set(normCode(w), e)
    }
  }
  return new CountMapping(skuToItem, cfg.mapping.warehouses, cfg.mapping.units)
}

type Row = Record<string, unknown>

/** A SELECT of `columns` (alias → column, null: left out) from `table`, built by knex and run through the Reader. */
export function selectSql(src: Source, table: string, columns: Record<string, string | null>, where?: (q: Knex.QueryBuilder) => void): {sql: string; bindings: readonly unknown[]} {
  const knex = src.builder()
  const cols = Object.entries(columns)
    .filter(([, c]) => c !== null)
    .map(([alias, c]) => ({[alias]: c as string}))
  const q = knex.select(cols).from(table)
  if (where) where(q)
  const s = q.toSQL()
  return {sql: s.sql, bindings: s.bindings}
}

async function clock(src: Source, reader: Reader): Promise<string> {
  const sql = src.dialect === 'mysql' ? "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s') AS t" : "SELECT datetime('now', 'localtime') AS t"
  const rows = await reader.query<{t: string}>(sql)
  return String(rows[0].t)
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null
  const s = String(v).trim()
  return s === '' ? null : s
}

function dateOnly(v: unknown): string | null {
  const s = text(v)
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null
}

function qty(v: unknown, source: string, what: string): Decimal {
  try {
    return toDecimal(v) ?? new Decimal(0)
  } catch {
    throw new SourceError(source, `${what}: quantity "${String(v)}" is not a number`)
  }
}

/**
 * Read the population: WMS bin stock (one consistent snapshot, statuses excluded), WMS locations, the item
 * cross-reference, ERP items, unit factors and balances; map WMS lines to ERP keys; class every line; then keep the
 * lines in scope. All of it in memory: a count population is one plant's bins (hundreds of thousands at most).
 */
export async function readPopulation(sources: SourceSet, cfg: CountConfig, scope: CountScope, opts: MappingContext = {}): Promise<Population> {
  const warnings: string[] = []
  const wms = await sources.get(cfg.wms.source)
  const stockCfg = cfg.wms.stock
  const c = stockCfg.columns

  const mapping = await openMapping(sources, cfg, opts)
  const warehouse = scope.warehouse ? mapping.wmsWarehouse(scope.warehouse) : undefined

  // WMS: locations, bins (one snapshot), and the clock the cut-off is measured against
  const locationInfo = new Map<string, {zone: string | null; lastCounted: string | null}>()
  const byKey = new Map<string, PopulationLine>()
  const snapshotAt = await wms.snapshot(async (snap) => {
    const at = await clock(wms, snap)
    if (cfg.wms.locations) {
      const lc = cfg.wms.locations.columns
      const {sql, bindings} = selectSql(wms, cfg.wms.locations.table, {location: lc.location, zone: lc.zone, last: lc.lastCounted})
      for await (const r of snap.stream<Row>(sql, bindings)) {
        const loc = text(r.location)
        if (loc) locationInfo.set(normCode(loc), {zone: text(r.zone), lastCounted: dateOnly(r.last)})
      }
    }
    const {sql, bindings} = selectSql(
      wms,
      stockCfg.table,
      {location: c.location, warehouse: c.warehouse, sku: c.item, lot: c.lot, qty: c.qty, unit: c.unit},
      (q) => {
        if (warehouse) q.where(c.warehouse, warehouse)
        if (c.status && stockCfg.excludeStatuses.length > 0) {
          const status = c.status
          q.where((w) => w.whereNotIn(status, stockCfg.excludeStatuses).orWhereNull(status))
        }
      },
    )
    for await (const r of snap.stream<Row>(sql, bindings)) {
      const location = text(r.location)
      const sku = text(r.sku)
      if (!location || !sku) continue
      const lot = text(r.lot)
      const key = lineKey(location, sku, lot)
      const q = qty(r.qty, wms.name, `${stockCfg.table} ${location}/${sku}`)
      const seen = byKey.get(key)
      if (seen) {
        seen.wmsQty = seen.wmsQty.plus(q)
        continue
      }
      const info = locationInfo.get(normCode(location))
      byKey.set(key, {
        key,
        location,
        zone: info?.zone ?? null,
        wmsWarehouse: text(r.warehouse) ?? '',
        sku,
        lot,
        unit: text(r.unit),
        item: null,
        erpWarehouse: null,
        description: null,
        abcClass: cfg.classes.fallback,
        erpUnit: null,
        factor: null,
        unitCost: null,
        wmsQty: q,
        erpKeyQty: null,
        wmsKeyQty: null,
        wmsLastCounted: info?.lastCounted ?? null,
      })
    }
    return at
  })
  const all = [...byKey.values()]

  // ERP: items (description, unit, cost, class), unit factors, balances of the keys we hold
  const items = new Map<string, {item: string; description: string | null; unit: string | null; cost: Decimal | null; cls: AbcClass | null; usage: Decimal | null}>()
  for (const l of all) l.item = mapping.item(l.sku)
  const unmapped = all.filter((l) => l.item === null).length
  if (unmapped > 0) warnings.push(`${unmapped} WMS line(s) have no ERP item in the cross-reference: compared with WMS only`)
  if (cfg.erp) {
    const erp = await sources.get(cfg.erp.source)
    const ic = cfg.erp.items.columns
    await erp.snapshot(async (snap) => {
      const q1 = selectSql(erp, cfg.erp!.items.table, {item: ic.item, description: ic.description, unit: ic.unit, cost: ic.unitCost, cls: ic.abcClass, usage: ic.annualUsage})
      for await (const r of snap.stream<Row>(q1.sql, q1.bindings)) {
        const item = text(r.item)
        if (!item) continue
        items.set(normCode(item), {
          item,
          description: text(r.description),
          unit: text(r.unit),
          cost: r.cost === undefined ? null : toDecimal(r.cost),
          cls: parseClass(r.cls),
          usage: r.usage === undefined ? null : toDecimal(r.usage),
        })
      }
      if (cfg.erp!.units) {
        const uc = cfg.erp!.units.columns
        const q2 = selectSql(erp, cfg.erp!.units.table, {item: uc.item, unit: uc.unit, factor: uc.factor})
        for await (const r of snap.stream<Row>(q2.sql, q2.bindings)) {
          const item = text(r.item)
          const unit = text(r.unit)
          const f = toDecimal(r.factor)
          if (item && unit && f) mapping.addItemFactor(item, unit, f)
        }
      }
      const needed = new Set<string>()
      for (const l of all) {
        l.erpWarehouse = mapping.erpWarehouse(l.wmsWarehouse)
        if (l.item) needed.add(erpKey(l.item, l.erpWarehouse, l.lot))
      }
      const sc = cfg.erp!.stock.columns
      const q3 = selectSql(erp, cfg.erp!.stock.table, {item: sc.item, warehouse: sc.warehouse, lot: sc.lot, qty: sc.qty})
      const balances = new Map<string, Decimal>()
      for await (const r of snap.stream<Row>(q3.sql, q3.bindings)) {
        const k = erpKey(text(r.item) ?? '', text(r.warehouse) ?? '', text(r.lot))
        if (!needed.has(k)) continue
        balances.set(k, (balances.get(k) ?? new Decimal(0)).plus(qty(r.qty, erp.name, `${cfg.erp!.stock.table} ${String(r.item)}`)))
      }
      // classes
      let computed: Map<string, AbcClass> | null = null
      if (cfg.classes.from === 'usage-value') {
        computed = classifyByUsageValue(
          [...items.values()].map((i) => ({item: normCode(i.item), value: (i.usage ?? new Decimal(0)).times(i.cost ?? new Decimal(0))})),
          cfg.classes.cutoffs,
        )
      } else if (!ic.abcClass) {
        warnings.push(`count.classes.from is "column" but count.erp.items.columns.abcClass is not set: every line is class ${cfg.classes.fallback}`)
      }
      const keyTotals = new Map<string, Decimal>()
      for (const l of all) {
        if (!l.item) continue
        const it = items.get(normCode(l.item))
        l.description = it?.description ?? null
        l.erpUnit = it?.unit ?? l.unit
        l.unitCost = it?.cost ?? null
        l.abcClass = (computed ? computed.get(normCode(l.item)) : it?.cls) ?? cfg.classes.fallback
        l.factor = mapping.factor(l.item, l.unit, l.erpUnit)
        const k = erpKey(l.item, l.erpWarehouse ?? '', l.lot)
        l.erpKeyQty = balances.get(k) ?? new Decimal(0)
        if (l.factor) keyTotals.set(k, (keyTotals.get(k) ?? new Decimal(0)).plus(l.wmsQty.times(l.factor)))
      }
      for (const l of all) {
        if (!l.item || !l.factor) continue
        l.wmsKeyQty = keyTotals.get(erpKey(l.item, l.erpWarehouse ?? '', l.lot)) ?? null
      }
      const noFactor = all.filter((l) => l.item && !l.factor).length
      if (noFactor > 0) warnings.push(`${noFactor} line(s) have a WMS unit with no known conversion to the ERP unit: compared with WMS only`)
    })
  } else {
    for (const l of all) l.erpWarehouse = mapping.erpWarehouse(l.wmsWarehouse)
  }

  const zone = scope.zone ? normCode(scope.zone) : null
  const lines = all.filter((l) => (zone === null || normCode(l.zone) === zone) && (!scope.class || l.abcClass === scope.class))
  return {lines, all, snapshotAt, warnings, mapping}
}
