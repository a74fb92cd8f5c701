/**
 * Independent checks of a built demo plant, shared by the SQLite and MySQL tests. Reads the databases back, rolls the
 * WMS bins up to ERP keys with decimal.js (never floats) and compares with ERP and with the manifest.
 */
import {createHash} from 'node:crypto'
import type {Knex} from 'knex'
import {Decimal, formatDecimal, toDecimal} from '../../src/lib/decimal/decimal.js'
import {connectDemoDb, type DemoManifest, type DemoManifestEntry, type DemoPlant, TABLES} from '../../src/lib/demo/index.js'

/** The mapping a stock reconciliation config needs, written out independently of the generator's constants. */
export const WMS_TO_ERP_WAREHOUSE: Record<string, string> = {RM: 'WH01', SF: 'WH02', FG: 'WH03', SP: 'WH04'}

export async function withPlantDbs<T>(plant: DemoPlant, fn: (dbs: {erp: Knex; wms: Knex; mes: Knex}) => Promise<T>, password?: string): Promise<T> {
  const erp = await connectDemoDb(plant.systems.erp, password)
  const wms = await connectDemoDb(plant.systems.wms, password)
  const mes = await connectDemoDb(plant.systems.mes, password)
  try {
    return await fn({erp, wms, mes})
  } finally {
    await Promise.all([erp.destroy(), wms.destroy(), mes.destroy()])
  }
}

const norm = (v: unknown, kind: string): string => {
  if (v === null || v === undefined) return '\u2400'
  if (kind === 'dec') return formatDecimal(toDecimal(v))
  return String(v)
}

/** sha256 over every table's rows in primary-key order, values normalised (SQLite REAL vs MySQL DECIMAL string). */
export async function plantChecksum(dbs: {erp: Knex; wms: Knex; mes: Knex}): Promise<{all: string; perTable: Record<string, string>}> {
  const all = createHash('sha256')
  const perTable: Record<string, string> = {}
  for (const t of TABLES) {
    const h = createHash('sha256')
    const rows = await dbs[t.system].select(t.columns.map((c) => c.name)).from(t.name).orderBy(t.primaryKey.map((c) => ({column: c, order: 'asc'})))
    for (const r of rows) h.update(t.columns.map((c) => norm((r as Record<string, unknown>)[c.name], c.kind)).join('\u001f') + '\n')
    perTable[`${t.system}.${t.name}`] = h.digest('hex')
    all.update(`${t.name}:${perTable[`${t.system}.${t.name}`]}\n`)
  }
  return {all: all.digest('hex'), perTable}
}

export async function countRows(dbs: {erp: Knex; wms: Knex; mes: Knex}): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of TABLES) {
    const [r] = await dbs[t.system](t.name).count({n: '*'})
    out[`${t.system}.${t.name}`] = Number((r as {n: unknown}).n)
  }
  return out
}

const keyOf = (item: string, wh: string, lot: string | null) => `${item}|${wh}|${lot ?? ''}`
const entryKey = (e: DemoManifestEntry) => keyOf(e.erp.item, e.erp.warehouse, e.erp.lot)
const D = (v: unknown) => toDecimal(v)!
const eq = (a: Decimal | null | undefined, b: string | null | undefined) => (a === null || a === undefined ? b === null || b === undefined : b !== null && b !== undefined && a.eq(b))
const fmt = (d: Decimal | null | undefined) => (d === null || d === undefined ? 'null' : formatDecimal(d))

/** Normalisation a reconciliation would apply to a sku: NFKC (full-width), trim, upper case. */
export const normaliseSku = (s: string) => s.normalize('NFKC').trim().toUpperCase()

interface BinAgg {
  sum: Decimal
  damaged: Decimal
  bins: number
  floatSum: number
  rawSkus: Set<string>
}

export interface PlantData {
  problems: string[]
  erpKeys: number
  checkedConsistentKeys: number
}

/**
 * Every non-manifest key must roll up exactly; every manifest entry must be what the databases hold.
 * Returns the list of problems (empty when all is well).
 */
export async function checkPlant(dbs: {erp: Knex; wms: Knex; mes: Knex}, manifest: DemoManifest): Promise<PlantData> {
  const problems: string[] = []
  const items = new Map<string, {uom: string; abc: string; pack: Decimal | null; cost: Decimal; usage: Decimal}>()
  for (const r of await dbs.erp('items').select('*')) items.set(r.item_code, {uom: r.uom, abc: r.abc_class, pack: toDecimal(r.pack_size), cost: D(r.unit_cost), usage: D(r.annual_usage_qty)})
  const uoms = new Map<string, Map<string, Decimal>>()
  for (const r of await dbs.erp('item_uoms').select('*')) {
    if (!uoms.has(r.item_code)) uoms.set(r.item_code, new Map())
    uoms.get(r.item_code)!.set(r.uom, D(r.factor))
  }
  const xref = new Map<string, string>()
  for (const r of await dbs.wms('sku_xref').select('*')) xref.set(r.wms_sku, r.erp_item_code)
  const xrefNorm = new Map<string, string>()
  for (const [s, i] of xref) xrefNorm.set(normaliseSku(s), i)
  const locations = new Set<string>((await dbs.wms('locations').select('location_code')).map((r: {location_code: string}) => r.location_code))

  // ERP balances
  const erp = new Map<string, Decimal>()
  for (const r of await dbs.erp('stock_balance').select('*')) {
    const k = keyOf(r.item_code, r.warehouse_code, r.lot_no)
    if (erp.has(k)) problems.push(`duplicate ERP key ${k}`)
    if (items.get(r.item_code)?.uom !== r.uom) problems.push(`ERP row ${r.id} uom ${r.uom} is not the item's uom`)
    erp.set(k, D(r.qty))
  }

  // WMS bins, mapped through the exact xref (as written), the warehouse map and item_uoms
  const wms = new Map<string, BinAgg>()
  const unmapped = new Map<string, BinAgg>() // raw sku not in xref: keyed by the normalised ERP key
  for (const r of await dbs.wms('bin_stock').select('*').orderBy('id')) {
    if (!locations.has(r.location_code)) problems.push(`bin ${r.id}: unknown location ${r.location_code}`)
    if (!r.location_code.startsWith(`${r.wh_code}-`)) problems.push(`bin ${r.id}: location ${r.location_code} not in ${r.wh_code}`)
    const exact = xref.get(r.sku)
    const item = exact ?? xrefNorm.get(normaliseSku(r.sku))
    if (!item) {
      problems.push(`bin ${r.id}: sku ${JSON.stringify(r.sku)} maps to no item even after normalisation`)
      continue
    }
    const wh = WMS_TO_ERP_WAREHOUSE[r.wh_code]
    const factor = uoms.get(item)?.get(r.uom)
    if (!wh || !factor) {
      problems.push(`bin ${r.id}: unmapped warehouse ${r.wh_code} or uom ${r.uom} for ${item}`)
      continue
    }
    const k = keyOf(item, wh, r.lot)
    const target = exact ? wms : unmapped
    let a = target.get(k)
    if (!a) target.set(k, (a = {sum: new Decimal(0), damaged: new Decimal(0), bins: 0, floatSum: 0, rawSkus: new Set()}))
    const q = D(r.qty).times(factor)
    a.rawSkus.add(r.sku)
    if (r.status === 'DAMAGED') a.damaged = a.damaged.plus(q)
    else {
      if (!['AVAILABLE', 'QC_HOLD'].includes(r.status)) problems.push(`bin ${r.id}: status ${r.status}`)
      a.sum = a.sum.plus(q)
      a.bins++
      a.floatSum += Number(r.qty)
    }
  }

  // unposted shipments in the in-transit window, per key (ERP unit)
  const transit = new Map<string, Decimal>()
  const moves = await dbs.wms('movements').select('*')
  for (const m of moves) {
    if (Number(m.erp_posted) !== 0) continue
    const inWindow = m.moved_at > manifest.inTransit.from && m.moved_at <= manifest.inTransit.to
    if (m.type !== 'SHIP' || !inWindow) {
      problems.push(`movement ${m.id}: unposted ${m.type} at ${m.moved_at} outside the in-transit rule`)
      continue
    }
    const item = xref.get(m.sku)!
    const k = keyOf(item, WMS_TO_ERP_WAREHOUSE[m.wh_code], m.lot)
    transit.set(k, (transit.get(k) ?? new Decimal(0)).plus(D(m.qty).times(uoms.get(item)!.get(m.uom)!)))
  }

  const seeded = new Map<string, DemoManifestEntry>()
  for (const e of manifest.entries) {
    const k = entryKey(e)
    if (seeded.has(k)) problems.push(`manifest has two entries for ${k}`)
    seeded.set(k, e)
    if (WMS_TO_ERP_WAREHOUSE[e.wms.warehouse] !== e.erp.warehouse) problems.push(`manifest ${k}: wms warehouse ${e.wms.warehouse}`)
    if (e.erp.lot !== e.wms.lot) problems.push(`manifest ${k}: lots differ`)
  }

  // 1. every key outside the manifest reconciles exactly
  let consistent = 0
  for (const k of new Set([...erp.keys(), ...wms.keys(), ...unmapped.keys()])) {
    if (seeded.has(k)) continue
    const e = erp.get(k)
    const w = wms.get(k)
    if (unmapped.has(k)) problems.push(`${k}: malformed sku outside the manifest`)
    if (!e || !w) problems.push(`${k}: only in ${e ? 'ERP' : 'WMS'} but not in the manifest`)
    else if (!e.eq(w.sum)) problems.push(`${k}: ERP ${fmt(e)} != WMS ${fmt(w.sum)}`)
    else consistent++
    if (w && !w.damaged.isZero()) problems.push(`${k}: DAMAGED bins outside the manifest`)
    if (transit.has(k)) problems.push(`${k}: unposted shipment outside the manifest`)
  }

  // 2. every manifest entry is what the databases hold
  for (const en of manifest.entries) {
    const k = entryKey(en)
    const e = erp.get(k) ?? null
    const agg = en.kind === 'code_format' ? unmapped.get(k) : wms.get(k)
    const w = agg && agg.bins > 0 ? agg.sum : null
    const say = (msg: string) => problems.push(`${en.kind} ${k}: ${msg}`)
    if (!eq(e, en.erpQty)) say(`erpQty ${en.erpQty} but ERP holds ${fmt(e)}`)
    if (!eq(w, en.wmsQty)) say(`wmsQty ${en.wmsQty} but WMS bins give ${fmt(w)}`)
    if (en.kind !== 'in_transit' && transit.has(k)) say('unexpected unposted shipment')
    if (en.kind !== 'damaged' && agg && !agg.damaged.isZero()) say('unexpected DAMAGED bins')
    const item = items.get(en.erp.item)!
    if (en.uom !== item.uom) say(`uom ${en.uom} is not the item's ${item.uom}`)
    if (agg && en.kind !== 'code_format' && !agg.rawSkus.has(en.wms.sku)) say(`bins use sku ${[...agg.rawSkus]} not ${en.wms.sku}`)
    switch (en.kind) {
      case 'qty_small':
      case 'qty_big': {
        const pct = w!.minus(e!).abs().div(e!.abs()).times(100)
        if (en.kind === 'qty_small' && (item.abc !== 'C' || pct.lt(1) || pct.gt(3))) say(`class ${item.abc}, ${pct.toFixed(2)}% not a C item off by 1-3%`)
        if (en.kind === 'qty_big' && (pct.lt(20) || pct.gt(60))) say(`${pct.toFixed(2)}% not 20-60%`)
        break
      }
      case 'only_in_erp':
        if (!e || agg || unmapped.has(k)) say('must exist in ERP only')
        break
      case 'only_in_wms':
        if (e || !w) say('must exist in WMS only')
        break
      case 'uom_factor': {
        const f = w!.div(e!)
        if (!f.eq(en.factor!) || f.eq(1)) say(`wms/erp = ${f} but factor ${en.factor}`)
        break
      }
      case 'lot_swap': {
        const other = keyOf(en.erp.item, en.erp.warehouse, en.swappedWithLot ?? null)
        const o = seeded.get(other)
        if (!o || o.kind !== 'lot_swap' || o.swappedWithLot !== en.erp.lot) say(`partner ${other} missing`)
        else if (en.erpQty !== o.wmsQty || en.wmsQty !== o.erpQty || en.erpQty === en.wmsQty) say('quantities are not swapped')
        break
      }
      case 'code_format':
        if (wms.has(k)) say('clean-sku bins exist as well')
        if (!agg || !agg.rawSkus.has(en.wms.sku) || xref.has(en.wms.sku) || normaliseSku(en.wms.sku) !== normaliseSku(`S${en.erp.item.slice(3)}`)) say(`sku ${JSON.stringify(en.wms.sku)} is not a malformed spelling`)
        if (!eq(w, en.erpQty)) say('does not match after normalisation')
        break
      case 'in_transit': {
        const t = transit.get(k)
        if (!t || !eq(t, en.transitQty) || !e!.minus(w!).eq(t)) say(`transit ${fmt(t)} vs manifest ${en.transitQty}, ERP-WMS ${fmt(e && w ? e.minus(w) : null)}`)
        break
      }
      case 'sign':
        if (!e!.isNegative() || !e!.neg().eq(w!)) say('ERP is not the negative of WMS')
        break
      case 'decimal_exact':
        if (!e!.eq(w!)) say('does not match')
        if (agg!.floatSum === Number(e!.toString())) say(`a float sum ${agg!.floatSum} would be right: not a trap`)
        if (agg!.bins < 2) say('needs at least two bins')
        break
      case 'damaged':
        if (!eq(agg?.damaged, en.damagedQty) || agg!.damaged.isZero()) say(`damaged ${fmt(agg?.damaged)} vs ${en.damagedQty}`)
        if (!eq(w, en.erpQty)) say('does not match without DAMAGED')
        break
    }
  }

  // 3. ABC classes follow the annual usage value Pareto 80/15/5
  const byValue = [...items.entries()].map(([code, it]) => ({code, abc: it.abc, v: it.cost.times(it.usage)})).sort((a, b) => b.v.comparedTo(a.v) || (a.code < b.code ? -1 : 1))
  const total = byValue.reduce((s, x) => s.plus(x.v), new Decimal(0))
  let cum = new Decimal(0)
  for (const x of byValue) {
    const share = cum.div(total)
    const want = share.lt(0.8) ? 'A' : share.lt(0.95) ? 'B' : 'C'
    if (want !== x.abc) problems.push(`item ${x.code}: abc ${x.abc}, Pareto says ${want}`)
    cum = cum.plus(x.v)
  }

  // 4. item master: every item has its xref and its base uom; boxed items have an exact PCS factor
  for (const [code, it] of items) {
    const u = uoms.get(code)
    if (!u?.get(it.uom)?.eq(1)) problems.push(`item ${code}: base uom ${it.uom} missing from item_uoms`)
    if (it.uom === '箱' && (!it.pack || !u?.get('PCS')?.times(it.pack).eq(1))) problems.push(`item ${code}: PCS factor is not 1/pack_size`)
    if (xref.get(`S${code.slice(3)}`) !== code) problems.push(`item ${code}: no sku_xref S${code.slice(3)}`)
  }

  return {problems, erpKeys: erp.size, checkedConsistentKeys: consistent}
}
