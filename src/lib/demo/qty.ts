/**
 * Quantities in the generator are integers counting 1/10000 of a unit ("ticks"), the scale of a DECIMAL(18,4) column.
 * All arithmetic happens on these integers, so every value written is an exact decimal string; nothing is ever
 * summed or scaled as a float.
 */
export const TICKS = 10_000
const MAX_TICKS = 10 ** 15 // 11 integer digits + 4 decimals: stays exact even where SQLite stores a REAL

export function assertTicks(t: number): number {
  if (!Number.isSafeInteger(t) || Math.abs(t) >= MAX_TICKS) throw new RangeError(`demo quantity out of range: ${t} ticks`)
  return t
}

/** SQL literal with exactly 4 decimals: 12345 -> "1.2345", -5000 -> "-0.5000". */
export function ticksToSql(t: number): string {
  assertTicks(t)
  const neg = t < 0
  const a = Math.abs(t)
  const int = Math.floor(a / TICKS)
  const frac = a % TICKS
  return `${neg ? '-' : ''}${int}.${String(frac).padStart(4, '0')}`
}

/** Plain decimal without trailing zeros: 50000 -> "5", 3000 -> "0.3", -12345 -> "-1.2345". */
export function ticksToPlain(t: number): string {
  assertTicks(t)
  if (t === 0) return '0'
  const neg = t < 0
  const a = Math.abs(t)
  const int = Math.floor(a / TICKS)
  const frac = String(a % TICKS).padStart(4, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}`
}

export function unitsToTicks(units: number): number {
  return assertTicks(units * TICKS)
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  a = Math.abs(a)
  b = Math.abs(b)
  while (b) [a, b] = [b, a % b]
  return a
}

/* ---------------- dates (plant-local wall-clock time, computed in UTC arithmetic so the TZ never matters) ---------------- */

export const DEFAULT_AS_OF = '2026-11-20T22:00:00'

/** Parse "YYYY-MM-DD[T| ]HH:MM[:SS]" or "YYYY-MM-DD" as a wall-clock time; returns epoch ms of that time read as UTC. */
export function parseAsOf(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim())
  if (!m) throw new RangeError(`asOf must look like 2026-11-20T22:00:00, got "${s}"`)
  const [, y, mo, d, h = '0', mi = '0', se = '0'] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se))
  const back = new Date(ms)
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1) throw new RangeError(`asOf is not a valid date: "${s}"`)
  return ms
}

const p2 = (n: number) => String(n).padStart(2, '0')

const dayCache = new Map<number, string>()

/** "YYYY-MM-DD HH:MM:SS" (a DATETIME literal). */
export function fmtDateTime(ms: number): string {
  const day = Math.floor(ms / DAY)
  let ymd = dayCache.get(day)
  if (ymd === undefined) {
    const d = new Date(day * DAY)
    ymd = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`
    if (dayCache.size > 100_000) dayCache.clear()
    dayCache.set(day, ymd)
  }
  const rest = Math.floor((ms - day * DAY) / 1000)
  return `${ymd} ${p2(Math.floor(rest / 3600))}:${p2(Math.floor(rest / 60) % 60)}:${p2(rest % 60)}`
}

/** "YYYY-MM-DD" (a DATE literal). */
export function fmtDate(ms: number): string {
  return fmtDateTime(ms).slice(0, 10)
}

/** "YYMMDD", for lot numbers. */
export function fmtYmd6(ms: number): string {
  return fmtDate(ms).replace(/-/g, '').slice(2)
}

/** "YYMM", for document numbers. */
export function fmtYm4(ms: number): string {
  return fmtYmd6(ms).slice(0, 4)
}

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
