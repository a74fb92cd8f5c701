import {Decimal} from '../decimal/decimal.js'
import {optionalDecimalReader} from '../reconcile/quantity.js'
import type {SourceSet} from '../sources/source-set.js'
import {CodeMap, itemMapFromFile, itemMapFromSource, warehouseMap} from '../reconcile/mapping.js'
import type {StockConfig} from '../stock/config.js'
import {codeNormalizer, type KeyNormalizer} from '../reconcile/keys.js'
import {buildSideRead} from '../reconcile/side-read.js'
import {UnitConverter, type ItemUnitFacts} from '../reconcile/units.js'
import type {LineMapping} from './mapping.js'

/**
 * The count's ERP/WMS mapping taken from the `stock:` section, through stock reconciliation's own modules: the same
 * code normalisation per side, the same item cross-reference (table, SELECT or CSV), warehouse map, and unit
 * conversions (per-item units table, pack sizes, global conversions). A count then compares exactly like `stock diff`.
 */
export class StockSectionMapping implements LineMapping {
  readonly origin = 'stock'
  private readonly facts = new Map<string, ItemUnitFacts>()
  private readonly reverseWarehouses = new Map<string, string>()
  /** ERP items (normalised) whose unit facts were loaded. */
  private readonly loaded = new Set<string>()

  private constructor(
    private readonly normWms: KeyNormalizer,
    private readonly normErp: KeyNormalizer,
    private readonly items: CodeMap,
    private readonly warehouses: CodeMap,
    private readonly units: UnitConverter,
    private readonly stock: StockConfig,
    private readonly sources: SourceSet,
  ) {
    for (const [w, e] of Object.entries(stock.warehouseMap)) this.reverseWarehouses.set(normErp(e), w)
  }

  static async open(stock: StockConfig, sources: SourceSet, baseDir: string): Promise<StockSectionMapping> {
    const normWms = codeNormalizer(stock.wms.normalize)
    const normErp = codeNormalizer(stock.erp.normalize)
    let items = new CodeMap(true)
    const im = stock.itemMap
    if (im && 'file' in im) items = await itemMapFromFile(im, baseDir, normWms, normErp)
    else if (im) {
      const src = await sources.get(im.source)
      items = await itemMapFromSource(im, src, src.builder(), normWms, normErp)
    }
    return new StockSectionMapping(normWms, normErp, items, warehouseMap(stock, normWms), new UnitConverter(stock.units), stock, sources)
  }

  /**
   * Unit facts (per-item units table, pack sizes) of these ERP items only: the tables are streamed and only the
   * wanted items kept, so a count holds the facts of its own lines, not of every item of the plant.
   */
  async loadItemFacts(itemCodes: Iterable<string>): Promise<void> {
    const wanted = new Set<string>()
    for (const i of itemCodes) if (!this.loaded.has(this.normErp(i))) wanted.add(this.normErp(i))
    if (wanted.size === 0) return
    for (const w of wanted) this.loaded.add(w)
    const iu = this.stock.units.itemUnits
    if (iu) {
      const src = await this.sources.get(iu.source)
      const read = buildSideRead(src.builder(), {table: iu.table, query: iu.query, columns: {item: iu.columns.item, uom: iu.columns.uom, factor: iu.columns.factor}})
      const factorOf = optionalDecimalReader({source: src.name, table: iu.table, query: iu.query, column: iu.columns.factor})
      for await (const r of src.stream<{item: unknown; uom: unknown; factor: unknown}>(read.sql, read.bindings)) {
        if (r.item === null || !wanted.has(this.normErp(String(r.item)))) continue
        const f = factorOf(r.factor, () => `item ${JSON.stringify(String(r.item))} · unit ${JSON.stringify(String(r.uom))}`)
        if (r.uom !== null && f && !f.isZero()) this.fact(String(r.item)).factors!.set(String(r.uom), f)
      }
    }
    const it = this.stock.items
    if (it?.columns.packSize) {
      const src = await this.sources.get(it.source)
      const read = buildSideRead(src.builder(), {table: it.table, query: it.query, columns: {item: it.columns.item, uom: it.columns.uom, pack: it.columns.packSize}})
      const packOf = optionalDecimalReader({source: src.name, table: it.table, query: it.query, column: it.columns.packSize})
      for await (const r of src.stream<{item: unknown; uom: unknown; pack: unknown}>(read.sql, read.bindings)) {
        if (r.item === null || !wanted.has(this.normErp(String(r.item)))) continue
        const f = this.fact(String(r.item))
        const pack = packOf(r.pack, () => `item ${JSON.stringify(String(r.item))}`)
        if (pack && !pack.isZero()) f.packSize = pack
        if (r.uom !== null && r.uom !== undefined) f.uom = String(r.uom)
      }
    }
  }

  private fact(item: string): ItemUnitFacts {
    const k = this.normErp(item)
    let f = this.facts.get(k)
    if (!f) {
      f = {factors: new Map()}
      this.facts.set(k, f)
    }
    return f
  }

  item(sku: string): string | null {
    const code = this.normWms(sku)
    return this.items.get(code) ?? this.items.looseTarget(code) ?? null
  }

  erpWarehouse(wmsWarehouse: string): string {
    return this.warehouses.get(this.normWms(wmsWarehouse)) ?? wmsWarehouse
  }

  wmsWarehouse(code: string): string {
    if (this.warehouses.get(this.normWms(code)) !== undefined) return code
    return this.reverseWarehouses.get(this.normErp(code)) ?? code
  }

  factor(item: string | null, unit: string | null, erpUnit: string | null): Decimal | null {
    if (unit === null || erpUnit === null || unit === erpUnit) return new Decimal(1)
    const facts = item === null ? undefined : this.facts.get(this.normErp(item))
    return this.units.factor(unit, erpUnit, facts ? {...facts, uom: facts.uom ?? erpUnit} : {uom: erpUnit})
  }

  addItemFactor(item: string, unit: string, factor: Decimal): void {
    const f = this.fact(item)
    if (!f.factors!.has(unit)) f.factors!.set(unit, factor)
  }
}
