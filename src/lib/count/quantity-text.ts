import {Decimal} from '../decimal/decimal.js'
import {foldWidth, parseTextDecimal} from '../sheets/cells.js'

/**
 * A counted quantity as counters write it: a number cell, "12", "1,234.5", "１２", "12 PCS", "12pcs", "12.0 kg".
 * Returns the number and the unit written after it (normalised upper case), or a reason it is not a count. The number
 * itself is read by the sheets reader's rule for typed decimals (`parseTextDecimal`: full width, thousands
 * separators, exact); a count adds the unit after it and refuses negatives and a lone decimal comma.
 */
export type ParsedQuantity = {ok: true; qty: Decimal; unit: string | null} | {ok: false; reason: string}

/** The number, then an optional unit that starts with neither a digit nor a sign or separator. */
const NUMBER_THEN_UNIT = /^([^\p{L}]*?)\s*(\p{L}[^\d]*)?$/u

export function parseCountedQuantity(value: unknown): ParsedQuantity | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return {ok: false, reason: `"${value}" is not a number`}
    if (value < 0) return {ok: false, reason: `negative count ${value}`}
    return {ok: true, qty: new Decimal(String(value)), unit: null}
  }
  const raw = String(value)
  const s = foldWidth(raw)
  if (s === '') return null
  const m = NUMBER_THEN_UNIT.exec(s)
  const qty = m && m[1] !== '' ? parseTextDecimal(m[1]) : null
  if (qty === null) {
    if (/^\d+,\d{1,2}$/.test(s)) return {ok: false, reason: `"${raw}" is ambiguous (decimal comma?): write ${s.replace(',', '.')} or ${s.replace(',', '')}`}
    return {ok: false, reason: `"${raw}" is not a number`}
  }
  if (qty.isNegative() && !qty.isZero()) return {ok: false, reason: `negative count "${raw}"`}
  const unit = m![2] ? m![2].trim().toUpperCase() : null
  return {ok: true, qty: qty.isZero() ? new Decimal(0) : qty, unit: unit || null}
}
