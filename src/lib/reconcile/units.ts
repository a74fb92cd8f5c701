import {Decimal} from '../decimal/decimal.js'
import {Rational} from './rational.js'
import type {StockConfig} from '../stock/config.js'

/** What converts a quantity of one item from one unit to another. */
export interface ItemUnitFacts {
  /** The item's stock unit (quantities are compared in it). */
  uom?: string
  /** items.packSize: 1 pack uom = packSize × pack unit. */
  packSize?: Decimal
  /** Per-item units table: 1 uom = factor × the item's stock unit. */
  factors?: Map<string, Decimal>
}

/**
 * Unit conversion: per-item table first, then the item's pack size, then the global conversions (both directions).
 * Returns the factor f with qty(to) = qty(from) × f, or null when no rule links the two units.
 */
export class UnitConverter {
  private readonly global = new Map<string, Decimal>()
  private readonly exactGlobal = new Map<string, Rational>()
  private readonly pack: StockConfig['units']['pack']
  /** Every global factor and its reciprocal: evidence for a uom_factor cause. */
  readonly globalFactors: Decimal[] = []

  constructor(units: StockConfig['units']) {
    for (const c of units.conversions) {
      const f = new Decimal(c.factor)
      if (f.isZero()) continue
      this.global.set(`${c.from}\u0001${c.to}`, f)
      if (!this.global.has(`${c.to}\u0001${c.from}`)) this.global.set(`${c.to}\u0001${c.from}`, new Decimal(1).div(f))
      this.globalFactors.push(f)
      this.exactGlobal.set(`${c.from}\u0001${c.to}`, Rational.of(f))
      if (!this.exactGlobal.has(`${c.to}\u0001${c.from}`)) this.exactGlobal.set(`${c.to}\u0001${c.from}`, Rational.ONE.div(Rational.of(f))!)
    }
    this.pack = units.pack
  }

  factor(from: string, to: string, item: ItemUnitFacts | undefined): Decimal | null {
    if (from === to) return ONE
    const f = item?.factors
    if (f) {
      const a = from === item?.uom ? ONE : f.get(from)
      const b = to === item?.uom ? ONE : f.get(to)
      if (a && b && !b.isZero()) return a.div(b)
    }
    if (this.pack && item?.packSize && !item.packSize.isZero()) {
      if (from === this.pack.uom && to === this.pack.unit) return item.packSize
      if (from === this.pack.unit && to === this.pack.uom) return ONE.div(item.packSize)
    }
    return this.global.get(`${from}\u0001${to}`) ?? null
  }

  /** The same factor as `factor`, exactly (a rational: 1 ÷ 12 stays 1/12); null when no rule links the units. */
  exactFactor(from: string, to: string, item: ItemUnitFacts | undefined): Rational | null {
    if (from === to) return Rational.ONE
    const f = item?.factors
    if (f) {
      const a = from === item?.uom ? ONE : f.get(from)
      const b = to === item?.uom ? ONE : f.get(to)
      if (a && b && !b.isZero()) return Rational.of(a).div(Rational.of(b))
    }
    if (this.pack && item?.packSize && !item.packSize.isZero()) {
      if (from === this.pack.uom && to === this.pack.unit) return Rational.of(item.packSize)
      if (from === this.pack.unit && to === this.pack.uom) return Rational.ONE.div(Rational.of(item.packSize))
    }
    const direct = this.exactGlobal.get(`${from}\u0001${to}`)
    return direct ?? null
  }

  /** Factors that, if one side were the other times it, would explain a difference (uom_factor). */
  knownFactors(item: ItemUnitFacts | undefined, extra: Decimal[]): Decimal[] {
    const out = [...this.globalFactors, ...extra]
    if (item?.packSize && !item.packSize.isZero()) out.push(item.packSize)
    if (item?.factors) for (const f of item.factors.values()) if (!f.isZero()) out.push(f)
    return out.filter((f) => !f.eq(ONE) && !f.isZero())
  }
}

const ONE = new Decimal(1)
