import {currentLanguage, t, tIn} from '../i18n/index.js'
import {parseScaled} from './scaled.js'

/**
 * Probable causes of a variance and what to do about each: the vocabulary every reconciliation reports, and the rules
 * that need more than one key (sets of lots that cancel).
 */

/** Causes that are errors in the data (a unit, a sign, a code), not stock that is missing: not money at risk. */
export const DATA_ERROR_CAUSES: ReadonlySet<string> = new Set(['uom_factor', 'sign', 'code_format'])

/** Causes that explain a difference exactly and clear on their own: such a key does not fail `--fail-on over-tolerance`. */
export const EXPLAINED_CAUSES: ReadonlySet<string> = new Set(['in_transit'])

export interface ActionFacts {
  status: string
  cause: string | null
  erp_qty: string | null
  wms_qty: string | null
}

/**
 * What a warehouse lead should do about one variance (beside its cause), as a catalog key and its variables
 * (`stock.action.*`). Null for matches.
 */
export function actionMessage(r: ActionFacts): {key: string; vars?: Record<string, unknown>} | null {
  switch (r.cause) {
    case 'uom_factor': {
      const f = ratio(r.wms_qty, r.erp_qty)
      return f ? {key: 'stock.action.uom_factor_ratio', vars: {factor: f}} : {key: 'stock.action.uom_factor'}
    }
    case 'in_transit':
    case 'lot_swap':
    case 'code_format':
    case 'sign':
      return {key: `stock.action.${r.cause}`}
    default:
      break
  }
  switch (r.status) {
    case 'only_in_wms':
    case 'only_in_erp':
    case 'over_tolerance':
    case 'within_tolerance':
      return {key: `stock.action.${r.status}`}
    default:
      return null
  }
}

/**
 * The suggested action in English: the `action` column of the CSV and JSON (a contract, the same whatever --lang).
 * Tables and workbooks show `suggestedActionLabel`, in the language in force.
 */
export function suggestedAction(r: ActionFacts): string | null {
  const m = actionMessage(r)
  // i18n-dynamic: stock.action.*
  return m ? cached(`en|${m.key}|${String(m.vars?.factor ?? '')}`, () => tIn('en', m.key, m.vars)) : null
}

/** The suggested action in the language in force (terminal tables, XLSX). */
export function suggestedActionLabel(r: ActionFacts): string | null {
  const m = actionMessage(r)
  return m ? cached(`${currentLanguage()}|${m.key}|${String(m.vars?.factor ?? '')}`, () => t(m.key, m.vars)) : null
}

// one lookup per distinct text (a stock diff asks once per variance, millions of times)
const texts = new Map<string, string>()
function cached(id: string, make: () => string): string {
  let text = texts.get(id)
  if (text === undefined) {
    text = make()
    if (texts.size < 10_000) texts.set(id, text)
  }
  return text
}

/** "×1000" / "÷12" when one quantity is a whole multiple of the other. */
function ratio(wms: string | null, erp: string | null): string | null {
  if (wms === null || erp === null) return null
  const w = Number(wms)
  const e = Number(erp)
  if (!Number.isFinite(w) || !Number.isFinite(e) || w === 0 || e === 0) return null
  const r = w / e
  if (Math.abs(r) >= 1 && Number.isInteger(Math.round(r * 1e9) / 1e9)) return `×${Math.round(r)}`
  const inv = e / w
  if (Math.abs(inv) >= 1 && Number.isInteger(Math.round(inv * 1e9) / 1e9)) return `÷${Math.round(inv)}`
  return null
}

/** Largest set size searched exhaustively for cancelling lots (2^n subsets); larger groups use pairs and the whole. */
const MAX_EXHAUSTIVE = 12

/**
 * Lot swap: within one item × warehouse, the lots whose differences cancel (sum to zero), whatever the other lots do.
 * `diffs` are exact decimal texts (wms − erp) of distinct lots; returns the indexes of every lot that belongs to a
 * cancelling set of at least two lots (the whole group, pairs of opposite differences, then the smallest subsets).
 */
export function cancellingLots(diffs: string[]): Set<number> {
  const out = new Set<number>()
  const n = diffs.length
  if (n < 2) return out
  const parsed = diffs.map((d) => parseScaled(d))
  const scale = Math.max(...parsed.map((p) => p.s))
  const v = parsed.map((p) => p.v * 10n ** BigInt(scale - p.s))
  const nonZero = v.map((x, i) => (x === 0n ? -1 : i)).filter((i) => i >= 0)
  // a cancelling set needs differences of both signs: lots that all differ the same way have none (a warehouse or lot
  // mapping that lines nothing up makes every lot of an item one-sided, all of one sign: 147,004 variances at 200,000
  // keys/side spent ~3 CPU-s here searching 2^n subsets of such groups)
  if (!bothSigns(v, nonZero)) return out
  // the whole group nets to zero
  if (nonZero.reduce((s, i) => s + v[i], 0n) === 0n) {
    for (const i of nonZero) out.add(i)
    return out
  }
  // pairs of opposite differences
  const waiting = new Map<bigint, number[]>()
  for (const i of nonZero) {
    const partner = waiting.get(-v[i])
    if (partner && partner.length > 0) {
      out.add(partner.pop()!)
      out.add(i)
    } else {
      const w = waiting.get(v[i])
      if (w) w.push(i)
      else waiting.set(v[i], [i])
    }
  }
  // larger sets among the rest (small groups only)
  const rest = nonZero.filter((i) => !out.has(i))
  if (rest.length >= 3 && rest.length <= MAX_EXHAUSTIVE && bothSigns(v, rest)) {
    const used = new Set<number>()
    const m = rest.length
    for (const mask of subsetsBySize(m)) {
      let sum = 0n
      let clash = false
      for (let b = 0; b < m; b++) {
        if (!(mask & (1 << b))) continue
        if (used.has(rest[b])) {
          clash = true
          break
        }
        sum += v[rest[b]]
      }
      if (clash || sum !== 0n) continue
      for (let b = 0; b < m; b++) if (mask & (1 << b)) used.add(rest[b])
    }
    for (const i of used) out.add(i)
  }
  return out
}

/** Whether the values at `at` include a positive and a negative one. */
function bothSigns(v: bigint[], at: number[]): boolean {
  let pos = false
  let neg = false
  for (const i of at) {
    if (v[i] > 0n) pos = true
    else if (v[i] < 0n) neg = true
  }
  return pos && neg
}

/** The subsets of m elements with at least 3 members as bit masks, smallest first (then by mask), made once per m. */
const SUBSETS: number[][] = []
function subsetsBySize(m: number): number[] {
  return (SUBSETS[m] ??= Array.from({length: (1 << m) - 1}, (_, k) => k + 1)
    .filter((mask) => popcount(mask) >= 3)
    .sort((a, b) => popcount(a) - popcount(b) || a - b))
}

function popcount(x: number): number {
  let c = 0
  for (let y = x; y; y &= y - 1) c++
  return c
}
