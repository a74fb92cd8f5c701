import {Decimal} from '../decimal/decimal.js'
import {parseScaled, type Scaled} from './scaled.js'

/**
 * Exact rationals n/d (d > 0, not necessarily reduced) for unit conversions that do not terminate in decimal
 * (pieces ÷ 12 per box, a factor of 30 decimals): quantities are compared by cross-multiplication, and rounded only
 * for display.
 */
export class Rational {
  constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}

  static readonly ZERO = new Rational(0n, 1n)
  static readonly ONE = new Rational(1n, 1n)

  static fromScaled(s: Scaled): Rational {
    return new Rational(s.v, 10n ** BigInt(s.s))
  }

  /** From exact decimal text or a Decimal (its exact decimal expansion). */
  static of(v: string | Decimal): Rational {
    return Rational.fromScaled(parseScaled(typeof v === 'string' ? v : v.toFixed()))
  }

  plus(o: Rational): Rational {
    return this.d === o.d ? new Rational(this.n + o.n, this.d) : new Rational(this.n * o.d + o.n * this.d, this.d * o.d).reduce()
  }

  minus(o: Rational): Rational {
    return this.plus(o.neg())
  }

  times(o: Rational): Rational {
    return new Rational(this.n * o.n, this.d * o.d).reduce()
  }

  /** this ÷ o; null when o is zero. */
  div(o: Rational): Rational | null {
    if (o.n === 0n) return null
    const sign = o.n < 0n ? -1n : 1n
    return new Rational(this.n * o.d * sign, this.d * o.n * sign).reduce()
  }

  neg(): Rational {
    return new Rational(-this.n, this.d)
  }

  abs(): Rational {
    return this.n < 0n ? this.neg() : this
  }

  isZero(): boolean {
    return this.n === 0n
  }

  cmp(o: Rational): number {
    const a = this.n * o.d
    const b = o.n * this.d
    return a < b ? -1 : a > b ? 1 : 0
  }

  eq(o: Rational): boolean {
    return this.n * o.d === o.n * this.d
  }

  /** Decimal value rounded (half up) to `places`, for display only. */
  toDecimal(places: number): Decimal {
    return new Decimal(this.n.toString()).div(new Decimal(this.d.toString())).toDecimalPlaces(places)
  }

  private reduce(): Rational {
    let a = this.n < 0n ? -this.n : this.n
    let b = this.d
    while (b !== 0n) [a, b] = [b, a % b]
    return a <= 1n ? this : new Rational(this.n / a, this.d / a)
  }
}
