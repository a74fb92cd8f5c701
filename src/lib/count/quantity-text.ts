import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {foldWidth, parseTextDecimal} from '../sheets/cells.js'

/**
 * A counted quantity as counters write it: a number cell, "12", "1,234.5", "１２", "12 PCS", "12pcs", "12.0 kg".
 * Returns the number and the unit written after it (normalised upper case), or a reason it is not a count. The number
 * itself is read by the sheets reader's rule for typed decimals (`parseTextDecimal`: full width, thousands
 * separators, exact); a count adds the unit after it and refuses negatives and a lone decimal comma.
 */
export type ParsedQuantity = {ok: true; qty: Decimal; unit: string | null} | CountedQuantityRefusal

/** Why a counted cell is not a count: a code (a key under `count.reasons.*`) and its variables, words only when shown. */
export type CountedQuantityRefusal =
  | {ok: false; code: 'notANumber' | 'negative' | 'negativeNumber'; value: string}
  | {ok: false; code: 'ambiguousComma'; value: string; point: string; plain: string}

/** Why a counted quantity is refused, in the language in force (a rejection, `count enter`'s prompt). */
export function countedQuantityReason(refusal: CountedQuantityRefusal): string {
  const {ok: _ok, code, ...vars} = refusal
  return t(`count.reasons.${code}`, vars) // i18n-dynamic: count.reasons.*
}

/** The number, then an optional unit that starts with neither a digit nor a sign or separator. */
const NUMBER_THEN_UNIT = /^([^\p{L}]*?)\s*(\p{L}[^\d]*)?$/u

export function parseCountedQuantity(value: unknown): ParsedQuantity | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return {ok: false, code: 'notANumber', value: String(value)}
    if (value < 0) return {ok: false, code: 'negativeNumber', value: String(value)}
    return {ok: true, qty: new Decimal(String(value)), unit: null}
  }
  const raw = String(value)
  const s = foldWidth(raw)
  if (s === '') return null
  const m = NUMBER_THEN_UNIT.exec(s)
  const qty = m && m[1] !== '' ? parseTextDecimal(m[1]) : null
  if (qty === null) {
    if (/^\d+,\d{1,2}$/.test(s)) return {ok: false, code: 'ambiguousComma', value: raw, point: s.replace(',', '.'), plain: s.replace(',', '')}
    return {ok: false, code: 'notANumber', value: raw}
  }
  if (qty.isNegative() && !qty.isZero()) return {ok: false, code: 'negative', value: raw}
  const unit = m![2] ? m![2].trim().toUpperCase() : null
  return {ok: true, qty: qty.isZero() ? new Decimal(0) : qty, unit: unit || null}
}
