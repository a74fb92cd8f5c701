import type {Knex} from 'knex'

import {warningText} from '../cli/warnings.js'
import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {decimalReader, optionalDecimalReader} from '../reconcile/quantity.js'
import type {Reader, Source} from '../sources/source.js'
import type {SourceSet} from '../sources/source-set.js'
import {classifyByUsageValue, parseClass} from './abc.js'
import {erpKey, lineKey} from './codes.js'
import {looseCode} from '../reconcile/keys.js'
import type {AbcClass, CountConfig} from './config.js'
import type {CountScope} from './count-store.js'
import {CountMapping, type LineMapping} from './mapping.js'
import {StockSectionMapping} from './stock-mapping.js'
import {erpReads, type ErpReads} from './erp-reads.js'
import type {StockConfig} from '../stock/config.js'
import {buildSideRead} from '../reconcile/side-read.js'

/** The facts of one WMS stock line (location × item × lot): mapped ERP facts and the private system quantities. */
export interface StockLineFacts {
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
  /** PRIVATE until counted: the WMS quantity at snapshot time (WMS unit). */
  wmsQty: Decimal
  /** PRIVATE: the ERP balance of the line's item × warehouse × lot (ERP unit); null when the item is not mapped. */
  erpKeyQty: Decimal | null
  /** PRIVATE: what WMS holds for that ERP key over all its bins (ERP unit). */
  wmsKeyQty: Decimal | null
}

/** One WMS stock line of the population. */
export interface PopulationLine extends StockLineFacts {
  key: string
  /** WMS locations.last_counted_at (YYYY-MM-DD) when configured. */
  wmsLastCounted: string | null
}

/** A line as the scan sees it: mapped and classed, no quantity yet (wmsQty 0), the location code exactly as the WMS spells it. */
export interface ScannedLine extends PopulationLine {
  sourceLocation: string
}

export interface Population {
  /** Lines in scope. */
  lines: PopulationLine[]
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
    const {sql, bindings} = buildSideRead(src.builder(), {table: xref.table, columns: {wms: xref.columns.wms, erp: xref.columns.erp}})
    for await (const r of src.stream<Row>(sql, bindings)) {
      const w = text(r.wms)
      const e = text(r.erp)
      if (w && e) skuToItem.set(looseCode(w), e)
    }
  }
  return new CountMapping(skuToItem, cfg.mapping.warehouses, cfg.mapping.units)
}

type Row = Record<string, unknown>

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

const ZERO = new Decimal(0)

/** Locations per `WHERE … IN (…)` batch (and ERP items per batch). */
export const LOOKUP_BATCH = 500

interface ErpItem {
  item: string
  description: string | null
  unit: string | null
  cost: Decimal | null
  cls: AbcClass | null
}

/** How a read goes: an optional scan of every line in scope, then the locations whose whole stock is snapshotted. */
export interface ReadPlan {
  /** Stream every line in scope once, location by location (left out: no scan, e.g. a recount of known lines). */
  scan?: {
    /** Read WMS locations.last_counted_at for the scanned lines (a compact location → date map). */
    lastCounted?: boolean
    /** The snapshot's clock, before the first line. */
    begin?(snapshotAt: string): void
    /** The distinct lines in scope of one location (never empty). */
    location(lines: ScannedLine[]): void
  }
  /**
   * After the scan: the WMS location codes whose whole stock goes into the snapshot, and the chosen lines themselves
   * (kept even if the location read missed them). Called inside the WMS snapshot. Codes as the WMS spells them
   * (ScannedLine.sourceLocation) are looked up in batches; codes from elsewhere (`normalized`: e.g. a count's stored
   * lines) are matched after normalisation in one streamed pass, as spelling may differ.
   */
  choose(): {locations: Iterable<string>; lines?: Iterable<ScannedLine>; normalized?: boolean}
}

export interface PopulationSnapshot {
  snapshotAt: string
  /** Every line of the chosen locations (all zones/classes of the warehouse scope), with zone and system quantities. */
  lines: PopulationLine[]
  /** Whether a snapshot line is in the scope (zone, class). */
  inScope(line: PopulationLine): boolean
  warnings: string[]
  mapping: LineMapping
}

/**
 * Reads a count's population in bounded memory. Opening it reads the small tables (mapping, ERP items and classes,
 * unit factors: they grow with items, not stock lines). `read` then streams the WMS bin stock in one snapshot, ordered
 * by location so that the rows of one line (several statuses or pallets) are merged within their location, hands every
 * line in scope to the plan's scan, and only for the locations the plan chooses reads the whole stock (batched by
 * location), the WMS totals of their ERP keys (batched by SKU) and the ERP balances of those keys (batched by item).
 */
export class PopulationReader {
  readonly warnings: string[] = []
  /** ERP item details of the last read's lines. */
  private details: Map<string, ErpItem> | null = null
  private readonly zone: string | null
  private readonly warehouse: string | undefined
  private wmsQtyReader: {source: string; read: (value: unknown, key: () => string) => Decimal} | undefined

  private constructor(
    private readonly sources: SourceSet,
    private readonly cfg: CountConfig,
    private readonly scope: CountScope,
    readonly mapping: LineMapping,
    /** ERP item (normalised) → ABC class: small (one entry per item), held for the scan. */
    private readonly classes: Map<string, AbcClass>,
    /** What is read from the ERP (through the stock section or the count's own keys); null: WMS only. */
    private readonly erp: ErpReads | null,
  ) {
    this.zone = scope.zone ? looseCode(scope.zone) : null
    this.warehouse = scope.warehouse ? mapping.wmsWarehouse(scope.warehouse) : undefined
  }

  static async open(sources: SourceSet, cfg: CountConfig, scope: CountScope, opts: MappingContext = {}): Promise<PopulationReader> {
    const mapping = await openMapping(sources, cfg, opts)
    const erpCfg = erpReads(cfg, opts.stock)
    // the scan needs only each item's class: descriptions, units, costs and unit factors are read for the count's items
    const classes = new Map<string, AbcClass>()
    const warnings: string[] = []
    if (erpCfg?.items) {
      const items = erpCfg.items
      const erp = await sources.get(items.source)
      const ic = items.columns
      const byUsage = cfg.classes.from === 'usage-value'
      if (!byUsage && !ic.abcClass) warnings.push(warningText('count.warn.noClassColumn', {path: items.configPath, fallback: cfg.classes.fallback}))
      const usage = new Map<string, Decimal>()
      const q = buildSideRead(erp.builder(), {table: items.table, query: items.query, columns: {item: ic.item, cls: byUsage ? null : ic.abcClass, cost: byUsage ? ic.unitCost : null, usage: byUsage ? ic.annualUsage : null}})
      const usageOf = optionalDecimalReader({source: erp.name, table: items.table, query: items.query, column: ic.annualUsage ?? ''})
      const costOf = optionalDecimalReader({source: erp.name, table: items.table, query: items.query, column: ic.unitCost ?? ''})
      if (byUsage || ic.abcClass) {
        for await (const r of erp.stream<Row>(q.sql, q.bindings)) {
          const item = text(r.item)
          if (!item) continue
          if (byUsage) {
            const annual = usageOf(r.usage, () => `item ${JSON.stringify(item)}`)
            const cost = costOf(r.cost, () => `item ${JSON.stringify(item)}`)
            usage.set(looseCode(item), (annual ?? new Decimal(0)).times(cost ?? new Decimal(0)))
          } else {
            const cls = parseClass(r.cls)
            if (cls) classes.set(looseCode(item), cls)
          }
        }
      }
      if (byUsage) for (const [item, cls] of classifyByUsageValue([...usage].map(([i, value]) => ({item: i, value})), cfg.classes.cutoffs)) classes.set(item, cls)
    }
    const reader = new PopulationReader(sources, cfg, scope, mapping, classes, erpCfg)
    reader.warnings.push(...warnings)
    return reader
  }

  /** Whether a line (with its zone known) is in the scope. */
  inScope(line: PopulationLine): boolean {
    return (this.zone === null || looseCode(line.zone) === this.zone) && (!this.scope.class || line.abcClass === this.scope.class)
  }

  async read(plan: ReadPlan): Promise<PopulationSnapshot> {
    const cfg = this.cfg
    const wms = await this.sources.get(cfg.wms.source)
    let unmapped: number | null = null
    let unitSums = new Map<string, Map<string, {item: string; unit: string | null; qty: Decimal}>>()
    const {snapshotAt, lines} = await wms.snapshot(async (snap) => {
      const at = await clock(wms, snap)
      let skusOfItem: Map<string, string | string[]> | null = null
      if (plan.scan) {
        plan.scan.begin?.(at)
        skusOfItem = new Map()
        unmapped = await this.scan(wms, snap, plan.scan, skusOfItem)
      }
      const chosen = plan.choose()
      const byKey = new Map<string, PopulationLine>()
      await this.readLocations(wms, snap, [...new Set(chosen.locations)], byKey, chosen.normalized ?? false)
      for (const l of chosen.lines ?? []) if (!byKey.has(l.key)) byKey.set(l.key, stripScan(l))
      const lines = [...byKey.values()]
      await this.zones(wms, snap, lines)
      if (this.erp) unitSums = await this.wmsKeyUnitSums(wms, snap, lines, skusOfItem)
      return {snapshotAt: at, lines}
    })
    // the rest is read for the count's own lines only: item details and unit facts, WMS totals per key, ERP balances
    const warnings = [...this.warnings]
    unmapped ??= lines.filter((l) => l.item === null).length
    if (unmapped > 0) warnings.push(warningText('count.warn.unmapped', {count: unmapped}))
    if (this.erp) {
      const details = await this.itemDetails(lines)
      for (const l of lines) {
        if (!l.item) continue
        const it = details.get(looseCode(l.item))
        l.description = it?.description ?? null
        l.erpUnit = it?.unit ?? l.unit
        l.unitCost = it?.cost ?? null
        l.factor = this.mapping.factor(l.item, l.unit, l.erpUnit)
      }
      const totals = new Map<string, Decimal>()
      for (const [k, byUnit] of unitSums) {
        for (const u of byUnit.values()) {
          const it = details.get(looseCode(u.item))
          const f = this.mapping.factor(u.item, u.unit, it?.unit ?? u.unit)
          if (f) totals.set(k, (totals.get(k) ?? new Decimal(0)).plus(u.qty.times(f)))
        }
      }
      for (const l of lines) if (l.item && l.factor) l.wmsKeyQty = totals.get(erpKey(l.item, l.erpWarehouse ?? '', l.lot)) ?? null
      await this.erpBalances(lines)
      const noFactor = lines.filter((l) => l.item && !l.factor).length
      if (noFactor > 0) warnings.push(warningText('count.warn.noFactor', {count: noFactor}))
    }
    return {snapshotAt, lines, inScope: (l) => this.inScope(l), warnings, mapping: this.mapping}
  }

  /** ERP item details of the lines' items (items table streamed, only those kept), and their unit factors loaded into the mapping. */
  private async itemDetails(lines: PopulationLine[]): Promise<Map<string, ErpItem>> {
    const erpCfg = this.erp!
    const wanted = new Set<string>()
    const codes = new Set<string>()
    for (const l of lines) {
      if (!l.item) continue
      wanted.add(looseCode(l.item))
      codes.add(l.item)
    }
    const details = new Map<string, ErpItem>()
    this.details = details
    if (wanted.size === 0) return details
    if (erpCfg.items) {
      const erp = await this.sources.get(erpCfg.items.source)
      const ic = erpCfg.items.columns
      const q1 = buildSideRead(erp.builder(), {table: erpCfg.items.table, query: erpCfg.items.query, columns: {item: ic.item, description: ic.description, unit: ic.unit, cost: ic.unitCost}})
      const costOf = optionalDecimalReader({source: erp.name, table: erpCfg.items.table, query: erpCfg.items.query, column: ic.unitCost ?? ''})
      for await (const r of erp.stream<Row>(q1.sql, q1.bindings)) {
        const item = text(r.item)
        if (!item || !wanted.has(looseCode(item))) continue
        details.set(looseCode(item), {item, description: text(r.description), unit: text(r.unit), cost: costOf(r.cost, () => `item ${JSON.stringify(item)}`), cls: null})
      }
    }
    await this.mapping.loadItemFacts?.(codes)
    if (erpCfg.units) {
      const erp = await this.sources.get(erpCfg.units.source)
      const uc = erpCfg.units.columns
      const q2 = buildSideRead(erp.builder(), {table: erpCfg.units.table, columns: {item: uc.item, unit: uc.unit, factor: uc.factor}})
      const factorOf = optionalDecimalReader({source: erp.name, table: erpCfg.units.table, column: uc.factor})
      for await (const r of erp.stream<Row>(q2.sql, q2.bindings)) {
        const item = text(r.item)
        const unit = text(r.unit)
        if (!item || !unit || !wanted.has(looseCode(item))) continue
        const f = factorOf(r.factor, () => `item ${JSON.stringify(item)} · unit ${JSON.stringify(unit)}`)
        if (f) this.mapping.addItemFactor(item, unit, f)
      }
    }
    return details
  }

  /** The bin stock query (warehouse scope, excluded statuses), narrowed by `where`. */
  private stockSql(wms: Source, where?: (q: Knex.QueryBuilder) => void, scan = false): {sql: string; bindings: readonly unknown[]} {
    const stockCfg = this.cfg.wms.stock
    const c = stockCfg.columns
    // the scan needs no quantity (the chosen locations are read again): less to transfer, nothing to parse
    return buildSideRead(wms.builder(), {table: stockCfg.table, columns: {location: c.location, warehouse: c.warehouse, sku: c.item, lot: c.lot, qty: scan ? null : c.qty, unit: c.unit}, refine: (q) => {
      if (this.warehouse) q.where(c.warehouse, this.warehouse)
      if (c.status && stockCfg.excludeStatuses.length > 0) {
        const status = c.status
        q.where((w) => w.whereNotIn(status, stockCfg.excludeStatuses).orWhereNull(status))
      }
      if (where) where(q)
      if (scan) q.orderBy(c.location)
    }})
  }

  /** The WMS quantity column's reader (a bad value: exit 3 naming source, table, column, line and value). */
  private wmsQty(source: string): (value: unknown, key: () => string) => Decimal {
    if (this.wmsQtyReader?.source !== source) {
      const st = this.cfg.wms.stock
      this.wmsQtyReader = {source, read: decimalReader({source, table: st.table, column: st.columns.qty, nullQty: 'zero'})}
    }
    return this.wmsQtyReader.read
  }

  /** A WMS stock row as a line (quantity of this row only; ERP unit, factor, description, cost filled in later), or null when it has no location or SKU. */
  private lineOf(r: Row, source: string, lastCounted: Map<string, string> | null): ScannedLine | null {
    const location = text(r.location)
    const sku = text(r.sku)
    if (!location || !sku) return null
    const lot = text(r.lot)
    const wmsWarehouse = text(r.warehouse) ?? ''
    const item = this.mapping.item(sku)
    return {
      key: lineKey(location, sku, lot),
      location,
      sourceLocation: String(r.location),
      zone: null,
      wmsWarehouse,
      sku,
      lot,
      unit: text(r.unit),
      item,
      erpWarehouse: this.mapping.erpWarehouse(wmsWarehouse),
      description: null,
      abcClass: (item && this.erp ? this.classes.get(looseCode(item)) : undefined) ?? this.cfg.classes.fallback,
      erpUnit: null,
      factor: null,
      unitCost: null,
      wmsQty: r.qty === undefined ? ZERO : this.wmsQty(source)(r.qty, () => lineName(location, sku, lot)),
      erpKeyQty: null,
      wmsKeyQty: null,
      wmsLastCounted: lastCounted?.get(looseCode(location)) ?? null,
    }
  }

  /**
   * Pass 1: every line in scope, location by location (rows ordered by location; one line's rows are one line).
   * Scanned lines carry no quantity (wmsQty 0): only the chosen locations' stock is read with quantities.
   */
  private async scan(wms: Source, snap: Reader, scan: NonNullable<ReadPlan['scan']>, skusOfItem: Map<string, string | string[]>): Promise<number> {
    const cfg = this.cfg
    let inZone: Set<string> | null = null
    let lastCounted: Map<string, string> | null = null
    if (cfg.wms.locations && (this.zone !== null || scan.lastCounted)) {
      const lc = cfg.wms.locations.columns
      if (this.zone !== null) inZone = new Set()
      if (scan.lastCounted && lc.lastCounted) lastCounted = new Map()
      const {sql, bindings} = buildSideRead(wms.builder(), {table: cfg.wms.locations.table, columns: {location: lc.location, zone: lc.zone, last: lastCounted ? lc.lastCounted : null}})
      for await (const r of snap.stream<Row>(sql, bindings)) {
        const loc = text(r.location)
        if (!loc) continue
        if (inZone && looseCode(text(r.zone)) === this.zone) inZone.add(looseCode(loc))
        const last = lastCounted ? dateOnly(r.last) : null
        if (last) lastCounted!.set(looseCode(loc), last)
      }
    } else if (this.zone !== null) {
      inZone = new Set() // no locations table: no line has a zone, so none is in a zone
    }
    let unmapped = 0
    let groupLoc: string | null = null
    let group = new Map<string, ScannedLine>()
    const flush = () => {
      const inScope: ScannedLine[] = []
      for (const l of group.values()) {
        if (l.item === null) unmapped++
        if ((inZone === null || inZone.has(looseCode(l.location))) && (!this.scope.class || l.abcClass === this.scope.class)) inScope.push(l)
      }
      group = new Map()
      if (inScope.length > 0) scan.location(inScope)
    }
    const {sql, bindings} = this.stockSql(wms, undefined, true)
    for await (const r of snap.stream<Row>(sql, bindings)) {
      const l = this.lineOf(r, wms.name, lastCounted)
      if (!l) continue
      if (l.item) {
        // most items have one SKU: a string, an array only for the few with more
        const k = looseCode(l.item)
        const sku = String(r.sku)
        const skus = skusOfItem.get(k)
        if (skus === undefined) skusOfItem.set(k, sku)
        else if (typeof skus === 'string') {
          if (skus !== sku) skusOfItem.set(k, [skus, sku])
        } else if (!skus.includes(sku)) skus.push(sku)
      }
      const loc = looseCode(l.location)
      if (loc !== groupLoc) {
        flush()
        groupLoc = loc
      }
      if (!group.has(l.key)) group.set(l.key, l)
    }
    flush()
    return unmapped
  }

  /** Pass 2: the whole stock of the chosen locations (batched by location code), lines merged by key. */
  private async readLocations(wms: Source, snap: Reader, locations: string[], byKey: Map<string, PopulationLine>, normalized: boolean): Promise<void> {
    const c = this.cfg.wms.stock.columns
    if (normalized) {
      if (locations.length === 0) return
      const wanted = new Set(locations.map((l) => looseCode(l)))
      const {sql, bindings} = this.stockSql(wms)
      for await (const r of snap.stream<Row>(sql, bindings)) {
        if (!wanted.has(looseCode(text(r.location)))) continue
        const l = this.lineOf(r, wms.name, null)
        if (!l) continue
        const seen = byKey.get(l.key)
        if (seen) seen.wmsQty = seen.wmsQty.plus(l.wmsQty)
        else byKey.set(l.key, stripScan(l))
      }
      return
    }
    for (let i = 0; i < locations.length; i += LOOKUP_BATCH) {
      const batch = locations.slice(i, i + LOOKUP_BATCH)
      const {sql, bindings} = this.stockSql(wms, (q) => q.whereIn(c.location, batch))
      for await (const r of snap.stream<Row>(sql, bindings)) {
        const l = this.lineOf(r, wms.name, null)
        if (!l) continue
        const seen = byKey.get(l.key)
        if (seen) seen.wmsQty = seen.wmsQty.plus(l.wmsQty)
        else byKey.set(l.key, stripScan(l))
      }
    }
  }

  /** Zone and WMS last count date of the snapshot lines: the locations table streamed, kept only for their locations. */
  private async zones(wms: Source, snap: Reader, lines: PopulationLine[]): Promise<void> {
    const loc = this.cfg.wms.locations
    if (!loc || lines.length === 0) return
    const wanted = new Map<string, PopulationLine[]>()
    for (const l of lines) {
      const k = looseCode(l.location)
      const ls = wanted.get(k)
      if (ls) ls.push(l)
      else wanted.set(k, [l])
    }
    const lc = loc.columns
    const {sql, bindings} = buildSideRead(wms.builder(), {table: loc.table, columns: {location: lc.location, zone: lc.zone, last: lc.lastCounted}})
    for await (const r of snap.stream<Row>(sql, bindings)) {
      const ls = wanted.get(looseCode(text(r.location)))
      if (!ls) continue
      for (const l of ls) {
        l.zone = text(r.zone)
        l.wmsLastCounted = dateOnly(r.last)
      }
    }
  }

  /**
   * WMS quantity per ERP key (item × ERP warehouse × lot) and WMS unit, for the lines' keys, over the whole warehouse
   * scope: read batched by the SKUs the scan saw for those items, else (no scan) in one streamed pass. Converted to
   * ERP units once the items' unit facts are known.
   */
  private async wmsKeyUnitSums(wms: Source, snap: Reader, lines: PopulationLine[], skusOfItem: Map<string, string | string[]> | null): Promise<Map<string, Map<string, {item: string; unit: string | null; qty: Decimal}>>> {
    const sums = new Map<string, Map<string, {item: string; unit: string | null; qty: Decimal}>>()
    const items = new Set<string>()
    for (const l of lines) {
      if (!l.item) continue
      sums.set(erpKey(l.item, l.erpWarehouse ?? '', l.lot), new Map())
      items.add(looseCode(l.item))
    }
    if (sums.size === 0) return sums
    const add = (r: Row) => {
      const l = this.lineOf(r, wms.name, null)
      if (!l || !l.item) return
      const byUnit = sums.get(erpKey(l.item, l.erpWarehouse ?? '', l.lot))
      if (!byUnit) return
      const u = l.unit ?? ''
      const seen = byUnit.get(u)
      if (seen) seen.qty = seen.qty.plus(l.wmsQty)
      else byUnit.set(u, {item: l.item, unit: l.unit, qty: l.wmsQty})
    }
    if (skusOfItem) {
      const skus = new Set<string>()
      for (const i of items) {
        const of = skusOfItem.get(i)
        if (typeof of === 'string') skus.add(of)
        else for (const sku of of ?? []) skus.add(sku)
      }
      const list = [...skus]
      const c = this.cfg.wms.stock.columns
      for (let i = 0; i < list.length; i += LOOKUP_BATCH) {
        const batch = list.slice(i, i + LOOKUP_BATCH)
        const {sql, bindings} = this.stockSql(wms, (q) => q.whereIn(c.item, batch))
        for await (const r of snap.stream<Row>(sql, bindings)) add(r)
      }
    } else {
      const {sql, bindings} = this.stockSql(wms)
      for await (const r of snap.stream<Row>(sql, bindings)) add(r)
    }
    return sums
  }

  /** ERP balance of each line's key, read in one ERP snapshot batched by item (both the mapped and the item master spelling). */
  private async erpBalances(lines: PopulationLine[]): Promise<void> {
    const bal = this.erp!.balances
    const byKey = new Map<string, PopulationLine[]>()
    const spellings = new Set<string>()
    for (const l of lines) {
      if (!l.item) continue
      const k = erpKey(l.item, l.erpWarehouse ?? '', l.lot)
      const ls = byKey.get(k)
      if (ls) ls.push(l)
      else byKey.set(k, [l])
      spellings.add(l.item)
      const master = this.details?.get(looseCode(l.item))
      if (master) spellings.add(master.item)
    }
    if (byKey.size === 0) return
    const erp = await this.sources.get(bal.source)
    const sc = bal.columns
    const list = [...spellings]
    const balances = new Map<string, Decimal>()
    const qtyOf = decimalReader({source: erp.name, table: bal.table, query: bal.query, column: sc.qty, nullQty: bal.nullQty})
    await erp.snapshot(async (snap) => {
      for (let i = 0; i < list.length; i += LOOKUP_BATCH) {
        const batch = list.slice(i, i + LOOKUP_BATCH)
        const q = buildSideRead(erp.builder(), {table: bal.table, query: bal.query, columns: {item: sc.item, warehouse: sc.warehouse, lot: sc.lot, qty: sc.qty}, refine: (w) => w.whereIn(sc.item, batch), filters: bal.filters})
        for await (const r of snap.stream<Row>(q.sql, q.bindings)) {
          const k = erpKey(text(r.item) ?? '', text(r.warehouse) ?? '', text(r.lot))
          if (!byKey.has(k)) continue
          balances.set(k, (balances.get(k) ?? new Decimal(0)).plus(qtyOf(r.qty, () => t('common.key.balance', {item: JSON.stringify(text(r.item)), warehouse: JSON.stringify(text(r.warehouse)), lot: r.lot ? t('common.key.lot', {lot: JSON.stringify(text(r.lot))}) : ''}))))
        }
      }
    })
    for (const [k, ls] of byKey) for (const l of ls) l.erpKeyQty = balances.get(k) ?? new Decimal(0)
  }
}

function lineName(location: string, sku: string, lot: string | null): string {
  return t('count.reasons.binKey', {location: JSON.stringify(location), item: JSON.stringify(sku), lot: lot ? t('common.key.lot', {lot: JSON.stringify(lot)}) : ''})
}

function stripScan(l: ScannedLine | PopulationLine): PopulationLine {
  const {sourceLocation: _, ...line} = l as ScannedLine
  return line
}

/**
 * Every line in scope with its system quantities, in memory: for tests and small plants. `count sample` streams
 * through PopulationReader instead and holds only the sample.
 */
export async function readPopulation(sources: SourceSet, cfg: CountConfig, scope: CountScope, opts: MappingContext = {}): Promise<Population> {
  const reader = await PopulationReader.open(sources, cfg, scope, opts)
  const keys = new Set<string>()
  const locations = new Set<string>()
  const snap = await reader.read({
    scan: {
      location(lines) {
        for (const l of lines) {
          keys.add(l.key)
          locations.add(l.sourceLocation)
        }
      },
    },
    choose: () => ({locations}),
  })
  return {lines: snap.lines.filter((l) => keys.has(l.key)), snapshotAt: snap.snapshotAt, warnings: snap.warnings, mapping: snap.mapping}
}
