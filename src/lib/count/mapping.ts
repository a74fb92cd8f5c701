import {Decimal, toDecimal} from '../decimal/decimal.js'
import {UnitConverter} from '../reconcile/units.js'
import {looseCode} from '../reconcile/keys.js'

/** How a WMS line maps to the ERP: the count's own `mapping` section, or the `stock:` section's (stock-mapping.ts). */
export interface LineMapping {
  /** Where the mapping comes from, for messages: "count.mapping" or "stock". */
  readonly origin: string
  item(sku: string): string | null
  erpWarehouse(wmsWarehouse: string): string
  wmsWarehouse(code: string): string
  factor(item: string | null, unit: string | null, erpUnit: string | null): Decimal | null
  /** Per-item unit factors read from the ERP (count.erp.units); ignored when the stock section supplies them. */
  addItemFactor(item: string, unit: string, factor: Decimal): void
  /** Load what factor() needs to know about these ERP items (when the mapping reads it lazily). */
  loadItemFacts?(items: Iterable<string>): Promise<void>
  /** Pack size of an item (for pack units), when known. */
  setItemFacts?(item: string, facts: {uom: string | null; packSize: Decimal | null}): void
}

/**
 * How WMS codes and units line up with the ERP's (the count's `mapping` section plus what is read from the sources):
 * WMS SKU → ERP item (cross-reference table, else the same code), WMS warehouse → ERP warehouse, and unit factors
 * (1 <unit> = factor <ERP unit>, per item from the ERP's unit table, else from fixed conversions).
 */
export class CountMapping implements LineMapping {
  readonly origin = 'count.mapping'
  private readonly warehouses = new Map<string, string>()
  private readonly reverseWarehouses = new Map<string, string>()
  /** Per-item unit factors by item (loose code): 1 <unit> = factor <ERP unit>. */
  private readonly itemFactors = new Map<string, Map<string, Decimal>>()
  private readonly units: UnitConverter

  constructor(
    /** Normalised WMS SKU → ERP item code; null means WMS and ERP share item codes. */
    private readonly skuToItem: Map<string, string> | null,
    warehouses: Record<string, string>,
    fixedUnits: Array<{from: string; to: string; factor: string | number}>,
  ) {
    for (const [w, e] of Object.entries(warehouses)) {
      this.warehouses.set(looseCode(w), e)
      this.reverseWarehouses.set(looseCode(e), w)
    }
    // the stock reconciliation's converter (units compared in their loose form, as the count always did)
    this.units = new UnitConverter({conversions: fixedUnits.map((u) => ({from: looseCode(u.from), to: looseCode(u.to), factor: (toDecimal(u.factor) as Decimal).toFixed()}))})
  }

  addItemFactor(item: string, unit: string, factor: Decimal): void {
    if (!factor.gt(0)) return
    const k = looseCode(item)
    let f = this.itemFactors.get(k)
    if (!f) this.itemFactors.set(k, (f = new Map()))
    f.set(looseCode(unit), factor)
  }

  /** ERP item code for a WMS SKU, or null when the cross-reference has no entry. */
  item(sku: string): string | null {
    if (this.skuToItem === null) return sku.normalize('NFKC').trim()
    return this.skuToItem.get(looseCode(sku)) ?? null
  }

  erpWarehouse(wmsWarehouse: string): string {
    return this.warehouses.get(looseCode(wmsWarehouse)) ?? wmsWarehouse
  }

  /** The WMS warehouse code for a code given by the user in either system's spelling. */
  wmsWarehouse(code: string): string {
    if (this.warehouses.has(looseCode(code))) return code
    return this.reverseWarehouses.get(looseCode(code)) ?? code
  }

  /** 1 <unit> = factor <erpUnit> for this item, or null when no conversion is known. */
  factor(item: string | null, unit: string | null, erpUnit: string | null): Decimal | null {
    if (unit === null || erpUnit === null) return new Decimal(1)
    const to = looseCode(erpUnit)
    const factors = item === null ? undefined : this.itemFactors.get(looseCode(item))
    return this.units.factor(looseCode(unit), to, {uom: to, factors})
  }
}
