import {Decimal} from '../decimal/decimal.js'

/**
 * A counted quantity as counters write it: a number cell, "12", "1,234.5", "１２", "12 PCS", "12pcs", "12.0 kg".
 * Returns the number and the unit written after it (normalised upper case), or a reason it is not a count.
 */
export type ParsedQuantity = {ok: true; qty: Decimal; unit: string | null} | {ok: false; reason: string}

export function parseCountedQuantity(value: unknown): ParsedQuantity | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return {ok: false, reason: `"${value}" is not a number`}
    if (value < 0) return {ok: false, reason: `negative count ${value}`}
    return {ok: true, qty: new Decimal(String(value)), unit: null}
  }
  const raw = String(value)
  const s = raw.normalize('NFKC').trim()
  if (s === '') return null
  const m = /^([+-]?)\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*([^\d\s.,+-][^\d]*)?$/u.exec(s)
  if (!m) {
    if (/^\d+,\d{1,2}$/.test(s)) return {ok: false, reason: `"${raw}" is ambiguous (decimal comma?): write ${s.replace(',', '.')} or ${s.replace(',', '')}`}
    return {ok: false, reason: `"${raw}" is not a number`}
  }
  const qty = new Decimal(m[2].replace(/,/g, ''))
  if (m[1] === '-' && !qty.isZero()) return {ok: false, reason: `negative count "${raw}"`}
  const unit = m[3] ? m[3].trim().toUpperCase() : null
  return {ok: true, qty, unit: unit || null}
}
