/**
 * The demo plant generator: plans an item master, then streams a consistent ERP/WMS/MES plant into a row sink,
 * seeding a known set of discrepancies on chosen keys and recording each one in the manifest.
 *
 * Invariant for every key not in the manifest: the WMS bins of the key (sku mapped through sku_xref, warehouse through
 * WAREHOUSES, status DAMAGED excluded, qty converted from the bin's uom through erp.item_uoms) add up exactly to the
 * ERP stock_balance qty, and there are no unposted SHIP movements for it.
 *
 * Quantities are integer ticks (1/10000 unit) from start to end; see qty.ts.
 */
import {Decimal} from '../decimal/decimal.js'
import {
  CATEGORY_PREFIX,
  CATEGORY_WAREHOUSES,
  CATEGORY_WEIGHTS,
  CUSTOMER_PARTS,
  type Category,
  type ErpUom,
  type ItemTemplate,
  templatesFor,
  WAREHOUSES,
  WMS_GRANULARITY,
  WMS_UNIT_CHOICES,
} from './catalog.js'
import {Rng} from './prng.js'
import {DAY, fmtDate, fmtDateTime, fmtYm4, fmtYmd6, HOUR, parseAsOf, ticksToPlain, ticksToSql, TICKS, assertTicks} from './qty.js'
import type {Cell} from './schema.js'
import {ReconcilePlant, reconcileManifest} from './reconcile-plant.js'
import {DISCREPANCY_KINDS, type DemoManifest, type DemoManifestEntry, type DiscrepancyKind} from './types.js'

export interface RowSink {
  add(table: string, row: Cell[]): void
  /** Lets the writer catch up; resolves once its queue is short. */
  pace(): Promise<void>
}

export interface PlanOptions {
  stockRows: number
  items: number
  seed: number
  asOf: string
}

type Abc = 'A' | 'B' | 'C'

export interface ItemModel {
  idx: number
  num: number
  code: string
  sku: string
  category: Category
  tpl: ItemTemplate
  name: string
  nameEn: string
  uom: ErpUom
  wmsUom: string
  /** WMS qty = ERP qty x factor (1, 1000, or pack size). Integer. */
  factor: number
  pack: number | null
  costTicks: number
  usageUnits: number
  abc: Abc
  lot: boolean
  /** ERP quantity granularity in ticks. */
  gran: number
  primary: number
  secondary: number | null
  /** ERP stock_balance rows of this item. */
  rows: number
  updatedAt: string
  seed: DiscrepancyKind | null
}

interface WhLocations {
  normal: string[]
  qc: string[]
  dmg: string[]
}

export interface PlantModel {
  opts: PlanOptions
  asOfMs: number
  items: ItemModel[]
  locations: WhLocations[]
  /** Probability that a bin gets a historical movement. */
  movementChance: number
  workOrders: number
  counts: Record<DiscrepancyKind, number>
}

const BINS_PER_ROW: ReadonlyArray<readonly [number, number]> = [
  [1, 60],
  [2, 30],
  [3, 10],
]
const AISLE_LETTERS = 'ABCDEFGHJKLMNPRSTUVWYZ' // no I/O (look like digits), Q (QC area), X (damaged area)
const RACKS = 20
const LEVELS = 5
const MAX_AISLES = 600 // at most 60,000 locations per warehouse; big benchmark plants put more bins in each

const p2 = (n: number) => String(n).padStart(2, '0')

function exactPackFactor(pack: number): boolean {
  // 1/pack must be exact with 6 decimals (item_uoms.factor DECIMAL(18,6))
  return new Decimal(1).div(pack).times(1e6).isInteger()
}

/* ======================================================================================================== planning */

export function planPlant(opts: PlanOptions): PlantModel {
  const asOfMs = parseAsOf(opts.asOf)
  const rng = new Rng(opts.seed)
  const items: ItemModel[] = []
  const byCat = new Map<Category, ItemTemplate[]>()
  for (const [c] of CATEGORY_WEIGHTS) byCat.set(c, templatesFor(c))

  for (let idx = 0; idx < opts.items; idx++) {
    const category = rng.weighted(CATEGORY_WEIGHTS)
    const tpl = rng.pick(byCat.get(category)!)
    const spec = rng.pick(tpl.specs)
    const num = 10_001 + idx
    const wmsUom = rng.weighted(WMS_UNIT_CHOICES[tpl.uom])
    const pack = tpl.packs && (tpl.uom === '箱' || rng.chance(0.5)) ? rng.pick(tpl.packs) : null
    if (tpl.uom === '箱' && (pack === null || !exactPackFactor(pack))) throw new Error(`demo catalog: 箱 item ${tpl.zh} needs an exact pack size`)
    const factor = wmsUom === tpl.uom ? 1 : wmsUom === 'PCS' ? pack! : 1000
    const decimals = tpl.decimals ? rng.pick(tpl.decimals) : 0
    const wh = CATEGORY_WAREHOUSES[category]
    const secondary = wh.secondary !== undefined && rng.chance(wh.pSecondary) ? wh.secondary : null
    items.push({
      idx,
      num,
      code: `${CATEGORY_PREFIX[category]}-${num}`,
      sku: `S${num}`,
      category,
      tpl,
      name: `${tpl.zh} ${spec}`,
      nameEn: `${tpl.en} ${spec}`,
      uom: tpl.uom,
      wmsUom,
      factor,
      pack,
      costTicks: rng.logInt(Math.round(tpl.cost[0] * 100), Math.round(tpl.cost[1] * 100)) * 100,
      usageUnits: rng.logInt(tpl.usage[0], tpl.usage[1]),
      abc: 'C',
      lot: tpl.lot,
      gran: 10 ** (4 - decimals),
      primary: wh.primary,
      secondary,
      rows: 0,
      updatedAt: fmtDateTime(asOfMs - rng.int(1, 400 * 24 * 60) * 60_000),
      seed: null,
    })
  }

  assignAbc(items)
  assignRows(items, opts.stockRows, rng)
  const counts = assignSeeds(items, rng)
  const locations = planLocations(items)
  const expectedBins = opts.stockRows * 1.5
  return {
    opts,
    asOfMs,
    items,
    locations,
    movementChance: Math.min(1, Math.max(200, opts.stockRows / 10) / expectedBins),
    workOrders: Math.max(20, Math.round(opts.stockRows * 0.075)),
    counts,
  }
}

/** Pareto on annual usage value (unit_cost x annual_usage_qty): top 80% of value A, next 15% B, last 5% C. */
export function assignAbc(items: ItemModel[]): void {
  // cost ticks (<= 1e9) x usage (<= 1e6) stays far below 2^53, so the per-item value is an exact integer;
  // the running total can exceed 2^53 and is kept as a BigInt
  const val = (it: ItemModel) => it.costTicks * it.usageUnits
  for (const it of items) if (!Number.isSafeInteger(val(it))) throw new RangeError(`demo: usage value of ${it.code} is not exact`)
  const sorted = items.slice().sort((a, b) => val(b) - val(a) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  let total = 0n
  for (const it of sorted) total += BigInt(val(it))
  let cum = 0n
  for (const it of sorted) {
    // class by the cumulative share *before* this item
    it.abc = cum * 100n < total * 80n ? 'A' : cum * 100n < total * 95n ? 'B' : 'C'
    cum += BigInt(val(it))
  }
}

function assignRows(items: ItemModel[], stockRows: number, rng: Rng): void {
  let fixed = 0
  const lotItems: ItemModel[] = []
  for (const it of items) {
    if (it.lot) lotItems.push(it)
    else {
      it.rows = it.secondary === null ? 1 : 2
      fixed += it.rows
    }
  }
  if (lotItems.length === 0) throw new Error('demo: the item master has no lot-controlled items; use more items')
  const mean = Math.max(1, (stockRows - fixed) / lotItems.length)
  let total = fixed
  for (const it of lotItems) {
    it.rows = 1 + Math.floor(rng.next() * (2 * mean - 1))
    total += it.rows
  }
  // adjust to the exact target
  let guard = 0
  while (total !== stockRows) {
    if (++guard > 50_000_000) throw new Error('demo: cannot reach the stockRows target; use fewer items')
    const it = rng.pick(lotItems)
    if (total < stockRows) {
      it.rows++
      total++
    } else if (it.rows > 1) {
      it.rows--
      total--
    } else if (lotItems.every((x) => x.rows === 1)) {
      throw new Error(`demo: stockRows ${stockRows} is too small for ${items.length} items`)
    }
  }
}

/** Which kinds are seeded on which items (one kind per item). The most constrained kinds choose first. */
function assignSeeds(items: ItemModel[], rng: Rng): Record<DiscrepancyKind, number> {
  const eligible: Record<DiscrepancyKind, (it: ItemModel) => boolean> = {
    decimal_exact: (it) => it.factor === 1 && (it.uom === 'KG' || it.uom === 'L' || it.uom === 'M'),
    uom_factor: (it) => it.factor !== 1,
    in_transit: (it) => it.category === '成品',
    lot_swap: (it) => it.lot && it.rows >= 2,
    only_in_wms: (it) => it.lot,
    qty_small: (it) => it.abc === 'C',
    qty_big: () => true,
    only_in_erp: () => true,
    code_format: () => true,
    sign: () => true,
    damaged: () => true,
  }
  const order: DiscrepancyKind[] = ['decimal_exact', 'uom_factor', 'in_transit', 'lot_swap', 'only_in_wms', 'qty_small', 'qty_big', 'only_in_erp', 'code_format', 'sign', 'damaged']
  const counts = Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, 0])) as Record<DiscrepancyKind, number>
  // at most ~1/3 of the items carry a seeded discrepancy, so small plants stay mostly consistent
  const perKindCap = Math.max(1, Math.floor(items.length / 3 / order.length))
  for (const kind of order) {
    const pool = items.filter((it) => it.seed === null && eligible[kind](it))
    const drawn = kind === 'lot_swap' ? rng.int(10, 20) : rng.int(20, 40)
    const n = Math.min(drawn, Math.floor(pool.length / 3), kind === 'lot_swap' ? Math.ceil(perKindCap / 2) : perKindCap)
    const chosen = partialShuffle(pool, n, rng)
    for (const it of chosen) it.seed = kind
    counts[kind] = kind === 'lot_swap' ? n * 2 : n
  }
  return counts
}

function partialShuffle<T>(pool: T[], n: number, rng: Rng): T[] {
  const a = pool.slice()
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (a.length - i))
    const t = a[i]
    a[i] = a[j]
    a[j] = t
  }
  return a.slice(0, n)
}

function aisleCode(i: number): string {
  return `${AISLE_LETTERS[Math.floor(i / 99)]}${p2((i % 99) + 1)}`
}

function planLocations(items: ItemModel[]): WhLocations[] {
  const rowsPerWh = WAREHOUSES.map(() => 0)
  for (const it of items) {
    if (it.secondary === null) rowsPerWh[it.primary] += it.rows
    else {
      rowsPerWh[it.primary] += it.rows * 0.75
      rowsPerWh[it.secondary] += it.rows * 0.25
    }
  }
  return WAREHOUSES.map((wh, w) => {
    const bins = rowsPerWh[w] * 1.5
    const aisles = Math.min(MAX_AISLES, Math.max(2, Math.ceil(bins / 3 / (RACKS * LEVELS))))
    const normal: string[] = []
    for (let a = 0; a < aisles; a++)
      for (let r = 1; r <= RACKS; r++) for (let l = 1; l <= LEVELS; l++) normal.push(`${wh.wms}-${aisleCode(a)}-${p2(r)}-${l}`)
    const qc: string[] = []
    for (let r = 1; r <= 10; r++) for (let l = 1; l <= 2; l++) qc.push(`${wh.wms}-Q01-${p2(r)}-${l}`)
    const dmg: string[] = []
    for (let r = 1; r <= 5; r++) dmg.push(`${wh.wms}-X01-${p2(r)}-1`)
    return {normal, qc, dmg}
  })
}

/* ======================================================================================================== emission */

class Emitter {
  private stockId = 0
  private binId = 0
  private movementId = 0
  private issueId = 0
  readonly entries: DemoManifestEntry[] = []
  private readonly seed: number
  /** The reconcile jobs' data (orders, outbound, SKU master) and seeds. */
  readonly jobs: ReconcilePlant

  constructor(
    private readonly model: PlantModel,
    private readonly sink: RowSink,
  ) {
    this.seed = model.opts.seed
    this.jobs = new ReconcilePlant(model, sink, () => ++this.movementId)
  }

  async run(onPhase: (phase: 'items' | 'stock' | 'mes' | 'orders') => void): Promise<void> {
    onPhase('items')
    await this.emitMaster()
    await this.sink.pace()
    onPhase('stock')
    const items = this.model.items
    for (let i = 0; i < items.length; i++) {
      this.emitItemStock(items[i])
      if ((i & 127) === 127) await this.sink.pace()
    }
    await this.sink.pace()
    onPhase('mes')
    this.emitMes()
    await this.sink.pace()
    onPhase('orders')
    this.jobs.emit()
    await this.sink.pace()
  }

  /* ---------------- master data ---------------- */

  private async emitMaster(): Promise<void> {
    const {items, asOfMs} = this.model
    const rng = Rng.derive(this.seed, 0xc0ffee)
    for (const wh of WAREHOUSES) this.sink.add('warehouses', [wh.erp, wh.name, wh.nameEn])
    const {CITIES, WORDS, TRADES, EN_CUSTOMERS} = CUSTOMER_PARTS
    const names = new Set<string>()
    let c = 0
    while (c < 60) {
      const name = rng.chance(0.12) ? rng.pick(EN_CUSTOMERS) : `${rng.pick(CITIES)}${rng.pick(WORDS)}${rng.pick(TRADES)}有限公司`
      if (names.has(name)) continue
      names.add(name)
      c++
      this.sink.add('customers', [`C${String(c).padStart(4, '0')}`, name])
    }
    for (const it of items) {
      if ((it.idx & 1023) === 1023) await this.sink.pace()
      this.sink.add('items', [
        it.code,
        this.jobs.itemName(it),
        it.nameEn,
        it.category,
        it.uom,
        it.abc,
        ticksToSql(it.costTicks),
        ticksToSql(it.usageUnits * TICKS),
        it.pack === null ? null : ticksToSql(it.pack * TICKS),
        it.updatedAt,
        this.jobs.itemStatus(it),
      ])
      for (const [uom, factor] of itemUoms(it)) this.sink.add('item_uoms', [it.code, uom, factor])
      this.sink.add('sku_xref', [it.sku, it.code])
    }
    const lrng = Rng.derive(this.seed, 0x10ca7e)
    let n = 0
    for (const [w, wh] of this.model.locations.entries()) {
      const code = WAREHOUSES[w].wms
      const all: Array<[string[], string | null]> = [
        [wh.normal, null],
        [wh.qc, 'QC'],
        [wh.dmg, 'DAMAGED'],
      ]
      for (const [locs, zone] of all) {
        for (const loc of locs) {
          if ((++n & 4095) === 0) await this.sink.pace()
          const counted = lrng.chance(0.85) ? fmtDate(asOfMs - lrng.int(1, 365) * DAY) : null
          this.sink.add('locations', [loc, code, zone ?? (Number(loc.slice(-1)) <= 2 ? 'PICK' : 'RESERVE'), loc.split('-')[1], counted])
        }
      }
    }
  }

  /* ---------------- stock ---------------- */

  private emitItemStock(it: ItemModel): void {
    const rng = Rng.derive(this.seed, 0x570c4, it.idx)
    const {asOfMs} = this.model
    const typical = () => {
      const f = 0.005 + rng.next() * 0.06
      return Math.max(1, Math.round((it.usageUnits * f * TICKS) / it.gran)) * it.gran
    }
    const lotNo = (j: number) => `L${fmtYmd6(asOfMs - rng.int(2, 300) * DAY)}-${String(j + 1).padStart(3, '0')}`

    // ERP rows: [warehouse index, lot, qty ticks]
    const rows: Array<{wh: number; lot: string | null; qty: number}> = []
    const seen = new Set<string>()
    const forcePrimary = it.seed === 'lot_swap' ? 2 : 1
    for (let j = 0; j < it.rows; j++) {
      let wh = it.primary
      let lot: string | null = null
      if (!it.lot) {
        wh = j === 0 ? it.primary : it.secondary!
      } else {
        if (j >= forcePrimary && it.secondary !== null && rng.chance(0.3)) wh = it.secondary
        lot = lotNo(j)
        if (wh !== it.primary && rng.chance(0.15)) {
          // part of an existing lot moved to the other warehouse
          const prev = rows.filter((r) => r.wh === it.primary && r.lot !== null && !seen.has(`${wh}|${r.lot}`))
          if (prev.length && j > forcePrimary) lot = rng.pick(prev).lot
        }
      }
      seen.add(`${wh}|${lot}`)
      rows.push({wh, lot, qty: typical()})
    }

    for (let j = 0; j < rows.length; j++) {
      const r = rows[j]
      const seeded = j === 0 || (it.seed === 'lot_swap' && j === 1) ? it.seed : null
      if (seeded === null) {
        this.erpRow(it, r.wh, r.lot, r.qty, rng)
        this.bins(it, r.wh, r.lot, r.qty * it.factor, it.wmsUom, it.sku, rng)
        continue
      }
      this.seeded(it, seeded, rows, j, rng)
    }
  }

  private erpRow(it: ItemModel, wh: number, lot: string | null, qty: number, rng: Rng): void {
    this.sink.add('stock_balance', [
      ++this.stockId,
      it.code,
      WAREHOUSES[wh].erp,
      lot,
      ticksToSql(qty),
      it.uom,
      fmtDateTime(this.model.asOfMs - rng.int(10, 90 * 24 * 60) * 60_000),
    ])
  }

  /**
   * WMS bins for one key: `total` ticks of `label` spread over 1-3 bins (or exactly `parts`), each in its own location.
   * Returns the locations used.
   */
  private bins(
    it: ItemModel,
    wh: number,
    lot: string | null,
    total: number,
    label: string,
    sku: string,
    rng: Rng,
    opts: {parts?: number[]; status?: string} = {},
  ): string[] {
    assertTicks(total)
    let parts = opts.parts
    if (!parts) {
      let g = WMS_GRANULARITY[label] ?? 1
      if (total % g !== 0) g = 1
      const units = total / g
      const n = Math.min(rng.weighted(BINS_PER_ROW), Math.max(1, units))
      parts = splitUnits(units, n, rng).map((u) => u * g)
    }
    const locs = this.model.locations[wh]
    const used = new Set<string>()
    for (const q of parts) {
      const status = opts.status ?? (rng.chance(0.06) ? 'QC_HOLD' : 'AVAILABLE')
      const pool = status === 'QC_HOLD' ? locs.qc : status === 'DAMAGED' ? locs.dmg : locs.normal
      let loc = rng.pick(pool)
      for (let tries = 0; used.has(loc) && tries < 20; tries++) loc = rng.pick(pool)
      used.add(loc)
      this.sink.add('bin_stock', [
        ++this.binId,
        loc,
        WAREHOUSES[wh].wms,
        sku,
        lot,
        ticksToSql(q),
        label,
        status,
        fmtDateTime(this.model.asOfMs - rng.int(30, 60 * 24 * 60) * 60_000),
      ])
      if (status !== 'DAMAGED' && rng.chance(this.model.movementChance)) this.historicalMovement(it, wh, lot, loc, q, label, rng)
    }
    return [...used]
  }

  private historicalMovement(it: ItemModel, wh: number, lot: string | null, loc: string, binQty: number, label: string, rng: Rng): void {
    const type =
      WAREHOUSES[wh].wms === 'FG'
        ? rng.weighted([['SHIP', 45], ['PICK', 30], ['TRANSFER', 10], ['RECEIVE', 15]] as const)
        : rng.weighted([['RECEIVE', 35], ['PICK', 35], ['TRANSFER', 20], ['SHIP', 10]] as const)
    const g = WMS_GRANULARITY[label] ?? 1
    const units = Math.max(1, Math.floor(binQty / g))
    const qty = Math.max(1, Math.ceil(units * (0.05 + rng.next() * 0.5))) * g
    const at = this.model.asOfMs - rng.int(5, 30 * 24 * 60) * 60_000
    const prefix = {SHIP: 'DN', RECEIVE: 'GR', TRANSFER: 'TR', PICK: 'PK'}[type]
    const id = ++this.movementId
    this.sink.add('movements', [id, fmtDateTime(at), type, it.sku, WAREHOUSES[wh].wms, loc, lot, ticksToSql(qty), label, 1, `${prefix}${fmtYm4(at)}-${String(id).padStart(6, '0')}`])
    if (type === 'SHIP') this.jobs.postedShip(it, wh, fmtDateTime(at), ticksToSql(qty), label)
  }

  /* ---------------- seeded discrepancies ---------------- */

  private entry(it: ItemModel, kind: DiscrepancyKind, wh: number, lot: string | null, e: Partial<DemoManifestEntry> & Pick<DemoManifestEntry, 'erpQty' | 'wmsQty' | 'expected' | 'note'>, sku = it.sku): void {
    this.entries.push({
      kind,
      erp: {item: it.code, warehouse: WAREHOUSES[wh].erp, lot},
      wms: {sku, warehouse: WAREHOUSES[wh].wms, lot},
      uom: it.uom,
      ...e,
    } as DemoManifestEntry)
  }

  /** ERP-unit value of WMS ticks recorded with `label`, as an exact plain decimal. */
  private wmsInErp(it: ItemModel, ticks: number, label: string): string {
    const d = new Decimal(ticks).div(TICKS)
    const v = label === it.uom ? d : d.div(it.factor)
    return v.isZero() ? '0' : v.toFixed()
  }

  private seeded(it: ItemModel, kind: DiscrepancyKind, rows: Array<{wh: number; lot: string | null; qty: number}>, j: number, rng: Rng): void {
    const r = rows[j]
    const {wh, lot} = r
    const g = it.gran
    const P = ticksToPlain
    switch (kind) {
      case 'qty_small': {
        const eg = Math.max(r.qty / g, rng.int(150, 1500)) // granules: enough for a 1-3% difference in whole granules
        const E = eg * g
        const dg = rng.int(Math.ceil(eg / 100), Math.floor((3 * eg) / 100)) * (rng.chance(0.5) ? -1 : 1)
        const W = E + dg * g
        this.erpRow(it, wh, lot, E, rng)
        this.bins(it, wh, lot, W * it.factor, it.wmsUom, it.sku, rng)
        this.entry(it, kind, wh, lot, {
          erpQty: P(E),
          wmsQty: P(W),
          expected: 'within_tolerance',
          note: `C item, WMS ${dg > 0 ? 'over' : 'under'} by ${P(Math.abs(dg * g))} ${it.uom} (${new Decimal(dg).div(eg).times(100).toFixed(2)}%)`,
        })
        break
      }
      case 'qty_big': {
        const eg = Math.max(r.qty / g, rng.int(50, 2000))
        const E = eg * g
        const dg = rng.int(Math.ceil((eg * 20) / 100), Math.floor((eg * 60) / 100)) * (rng.chance(0.5) ? -1 : 1)
        const W = E + dg * g
        this.erpRow(it, wh, lot, E, rng)
        this.bins(it, wh, lot, W * it.factor, it.wmsUom, it.sku, rng)
        this.entry(it, kind, wh, lot, {
          erpQty: P(E),
          wmsQty: P(W),
          expected: 'over_tolerance',
          note: `WMS ${dg > 0 ? 'over' : 'under'} by ${P(Math.abs(dg * g))} ${it.uom} (${new Decimal(dg).div(eg).times(100).toFixed(2)}%)`,
        })
        break
      }
      case 'only_in_erp': {
        this.erpRow(it, wh, lot, r.qty, rng)
        this.entry(it, kind, wh, lot, {erpQty: P(r.qty), wmsQty: null, expected: 'only_in_erp', note: 'ERP balance with no WMS bins'})
        break
      }
      case 'only_in_wms': {
        // the ERP row is consistent; a further lot exists only in the WMS (received, never posted)
        this.erpRow(it, wh, lot, r.qty, rng)
        this.bins(it, wh, lot, r.qty * it.factor, it.wmsUom, it.sku, rng)
        const extraLot = `L${fmtYmd6(this.model.asOfMs - rng.int(1, 20) * DAY)}-${String(it.rows + 1).padStart(3, '0')}`
        const W = rows[0].qty
        this.bins(it, it.primary, extraLot, W * it.factor, it.wmsUom, it.sku, rng)
        this.entry(it, kind, it.primary, extraLot, {erpQty: null, wmsQty: P(W), expected: 'only_in_wms', note: 'lot in WMS bins, no ERP balance'})
        break
      }
      case 'uom_factor': {
        const E = r.qty
        this.erpRow(it, wh, lot, E, rng)
        const variantA = rng.chance(0.7)
        let wmsQty: string
        let note: string
        let factor: string
        if (variantA) {
          // quantity counted in the WMS unit but the bins are labelled with the ERP unit
          this.bins(it, wh, lot, E * it.factor, it.uom, it.sku, rng)
          wmsQty = P(E * it.factor)
          factor = String(it.factor)
          note = `bins hold ${P(E * it.factor)} ${it.wmsUom} but are labelled ${it.uom} (x${it.factor})`
        } else {
          // quantity in the ERP unit but labelled with the WMS unit
          this.bins(it, wh, lot, E, it.wmsUom, it.sku, rng)
          wmsQty = this.wmsInErp(it, E, it.wmsUom)
          factor = new Decimal(1).div(it.factor).toFixed()
          note = `bins hold ${P(E)} ${it.uom} but are labelled ${it.wmsUom} (/${it.factor})`
        }
        this.entry(it, kind, wh, lot, {erpQty: P(E), wmsQty, expected: 'over_tolerance', note, factor})
        break
      }
      case 'lot_swap': {
        // both lots are in the primary warehouse (rows 0 and 1); make sure their quantities differ before either is written
        if (rows[1].qty === rows[0].qty) rows[1].qty += g * rng.int(1, 50)
        const other = rows[1 - j]
        // ERP carries the other lot's quantity, WMS the right one
        this.erpRow(it, wh, lot, other.qty, rng)
        this.bins(it, wh, lot, r.qty * it.factor, it.wmsUom, it.sku, rng)
        this.entry(it, kind, wh, lot, {
          erpQty: P(other.qty),
          wmsQty: P(r.qty),
          expected: 'over_tolerance',
          swappedWithLot: other.lot,
          note: `quantities of lots ${rows[0].lot} and ${rows[1].lot} swapped between ERP and WMS; item x warehouse totals agree`,
        })
        break
      }
      case 'code_format': {
        const bad = malformSku(it.sku, rng)
        this.erpRow(it, wh, lot, r.qty, rng)
        this.bins(it, wh, lot, r.qty * it.factor, it.wmsUom, bad.sku, rng)
        this.entry(it, kind, wh, lot, {erpQty: P(r.qty), wmsQty: P(r.qty), expected: 'match', note: `WMS sku written ${JSON.stringify(bad.sku)} (${bad.how}); matches after normalisation`}, bad.sku)
        break
      }
      case 'in_transit': {
        const eg = Math.max(20, r.qty / g)
        const E = eg * g
        const qg = rng.int(Math.ceil(eg / 10), Math.floor(eg / 2))
        const Q = qg * g
        this.erpRow(it, wh, lot, E, rng)
        const locs = this.bins(it, wh, lot, (E - Q) * it.factor, it.wmsUom, it.sku, rng)
        // 1-2 unposted shipments within the last 24 h
        const n = qg >= 2 && rng.chance(0.4) ? 2 : 1
        const first = n === 2 ? rng.int(1, qg - 1) : qg
        for (const part of n === 2 ? [first, qg - first] : [first]) {
          const at = this.model.asOfMs - rng.int(10, 23 * 60 + 50) * 60_000
          const id = ++this.movementId
          this.sink.add('movements', [id, fmtDateTime(at), 'SHIP', it.sku, WAREHOUSES[wh].wms, locs[0], lot, ticksToSql(part * g * it.factor), it.wmsUom, 0, `DN${fmtYm4(at)}-${String(id).padStart(6, '0')}`])
          this.jobs.unpostedShip(it, wh, fmtDateTime(at))
        }
        this.entry(it, kind, wh, lot, {
          erpQty: P(E),
          wmsQty: P(E - Q),
          transitQty: P(Q),
          expected: 'in_transit',
          note: `${n} SHIP movement(s) not yet posted in ERP (erp_posted = 0) in the last 24 h, ${P(Q)} ${it.uom} in flight`,
        })
        break
      }
      case 'sign': {
        this.erpRow(it, wh, lot, -r.qty, rng)
        this.bins(it, wh, lot, r.qty * it.factor, it.wmsUom, it.sku, rng)
        this.entry(it, kind, wh, lot, {erpQty: P(-r.qty), wmsQty: P(r.qty), expected: 'over_tolerance', note: 'ERP quantity negative (bad posting), WMS holds the same amount positive'})
        break
      }
      case 'decimal_exact': {
        const parts = floatTrap(rng)
        const E = parts.reduce((a, b) => a + b, 0)
        this.erpRow(it, wh, lot, E, rng)
        this.bins(it, wh, lot, E, it.uom, it.sku, rng, {parts})
        this.entry(it, kind, wh, lot, {
          erpQty: P(E),
          wmsQty: P(E),
          expected: 'match',
          note: `bins ${parts.map(P).join(' + ')} = ${P(E)} exactly; a float sum gives ${parts.reduce((a, b) => a + b / TICKS, 0)}`,
        })
        break
      }
      case 'damaged': {
        this.erpRow(it, wh, lot, r.qty, rng)
        this.bins(it, wh, lot, r.qty * it.factor, it.wmsUom, it.sku, rng)
        const wg = WMS_GRANULARITY[it.wmsUom] ?? 1
        const D = Math.max(1, Math.round((r.qty * it.factor) / wg / rng.int(4, 20))) * wg
        this.bins(it, wh, lot, D, it.wmsUom, it.sku, rng, {parts: [D], status: 'DAMAGED'})
        this.entry(it, kind, wh, lot, {
          erpQty: P(r.qty),
          wmsQty: P(r.qty),
          damagedQty: this.wmsInErp(it, D, it.wmsUom),
          expected: 'match',
          note: `plus a DAMAGED bin of ${P(D)} ${it.wmsUom}; matches when status DAMAGED is excluded`,
        })
        break
      }
    }
  }

  /* ---------------- MES ---------------- */

  private emitMes(): void {
    const {items, asOfMs, workOrders} = this.model
    const rng = Rng.derive(this.seed, 0x3e5)
    const makeable = items.filter((it) => it.category === '成品' || it.category === '半成品')
    const raw = items.filter((it) => it.category === '原材料')
    if (makeable.length === 0) return
    for (let i = 0; i < workOrders; i++) {
      const it = rng.pick(makeable)
      const released = asOfMs - rng.int(0, 120) * DAY - rng.int(0, 23 * 60) * 60_000
      const status = rng.weighted([['CLOSED', 40], ['DONE', 15], ['STARTED', 25], ['RELEASED', 20]] as const)
      const planned = (it.uom === '箱' ? rng.int(5, 200) : rng.logInt(5, 2000)) * TICKS
      const done =
        status === 'RELEASED' ? 0 : status === 'STARTED' ? Math.floor((planned / TICKS) * (0.05 + rng.next() * 0.9)) * TICKS : status === 'DONE' ? planned : planned - (rng.chance(0.2) ? TICKS : 0)
      const due = released + rng.int(3, 45) * DAY
      const updated = Math.min(asOfMs - 60_000, released + rng.int(1, 30 * 24 * 60) * 60_000)
      // make-to-stock: no sales order (the draw is kept so the rest of the plant stays as it was); order-linked
      // work orders come with the sales orders (reconcile-plant.ts)
      if (it.category === '成品' && rng.chance(0.65)) rng.int(1, 99999)
      const wo = `WO${fmtYm4(released)}-${String(i + 1).padStart(6, '0')}`
      this.sink.add('work_orders', [wo, it.code, ticksToSql(planned), ticksToSql(done), status, fmtDate(due), null, fmtDateTime(updated), null, 'V1'])
      if (status !== 'RELEASED' && raw.length && rng.chance(0.7)) {
        const m = rng.pick(raw)
        const q = Math.max(1, Math.round(((m.usageUnits * TICKS) / m.gran) * (0.0005 + rng.next() * 0.004))) * m.gran
        const at = Math.min(asOfMs - 60_000, released + rng.int(10, 48 * 60) * 60_000)
        this.sink.add('material_issues', [++this.issueId, wo, m.code, ticksToSql(q), m.uom, fmtDateTime(at)])
      }
    }
  }
}

/** Split `units` (integer >= n) into n positive integer parts. */
function splitUnits(units: number, n: number, rng: Rng): number[] {
  if (n <= 1) return [units]
  const cuts = new Set<number>()
  while (cuts.size < n - 1) cuts.add(rng.int(1, units - 1))
  const sorted = [...cuts].sort((a, b) => a - b)
  const out: number[] = []
  let prev = 0
  for (const c of sorted) {
    out.push(c - prev)
    prev = c
  }
  out.push(units - prev)
  return out
}

/** 2-3 quantities (ticks) with 1-2 decimals whose float sum is not the exact decimal sum (0.1 + 0.2 != 0.3). */
export function floatTrap(rng: Rng): number[] {
  for (;;) {
    const n = rng.chance(0.6) ? 2 : 3
    const parts = Array.from({length: n}, () => (rng.chance(0.5) ? rng.int(1, 99) * 1000 : rng.int(1, 4999) * 100))
    const exact = parts.reduce((a, b) => a + b, 0)
    const float = parts.reduce((a, b) => a + b / TICKS, 0)
    if (float !== Number(ticksToPlain(exact))) return parts
  }
}

const FULLWIDTH = (s: string) => s.replace(/[0-9A-Za-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))

/** A WMS sku spelled the way people and interfaces break it. */
export function malformSku(sku: string, rng: Rng): {sku: string; how: string} {
  const how = rng.pick(['lowercase', 'trailing space', 'leading space', 'full-width S', 'full-width', 'lowercase + trailing space'] as const)
  switch (how) {
    case 'lowercase':
      return {sku: sku.toLowerCase(), how}
    case 'trailing space':
      return {sku: sku + ' ', how}
    case 'leading space':
      return {sku: ' ' + sku, how}
    case 'full-width S':
      return {sku: FULLWIDTH(sku[0]) + sku.slice(1), how}
    case 'full-width':
      return {sku: FULLWIDTH(sku), how}
    default:
      return {sku: sku.toLowerCase() + ' ', how}
  }
}

/** erp.item_uoms rows: [uom, factor to the item's base (stock) uom, DECIMAL(18,6) literal]. */
export function itemUoms(it: ItemModel): Array<[string, string]> {
  const out: Array<[string, string]> = [[it.uom, '1.000000']]
  switch (it.uom) {
    case 'KG':
      out.push(['G', '0.001000'], ['T', '1000.000000'])
      break
    case 'M':
      out.push(['MM', '0.001000'], ['CM', '0.010000'])
      break
    case 'L':
      out.push(['ML', '0.001000'])
      break
    case '箱':
      out.push(['PCS', new Decimal(1).div(it.pack!).toFixed(6)])
      break
    case 'PCS':
      if (it.pack !== null) out.push(['箱', new Decimal(it.pack).toFixed(6)])
      break
  }
  return out
}

/* ======================================================================================================== driver */

export async function generatePlant(model: PlantModel, sink: RowSink, onPhase: (phase: 'items' | 'stock' | 'mes' | 'orders') => void): Promise<DemoManifest> {
  const em = new Emitter(model, sink)
  await em.run(onPhase)
  const {opts, asOfMs, items} = model
  const conversions = new Map<string, {wmsUom: string; erpUom: string; factor: string; items: number}>()
  for (const it of items) {
    if (it.factor === 1) continue
    const key = `${it.wmsUom}>${it.uom}`
    const c = conversions.get(key) ?? {wmsUom: it.wmsUom, erpUom: it.uom, factor: it.wmsUom === 'PCS' ? '1/pack_size (per item, erp.items.pack_size)' : '0.001', items: 0}
    c.items++
    conversions.set(key, c)
  }
  const countsByKind = Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, 0])) as Record<DiscrepancyKind, number>
  for (const e of em.entries) countsByKind[e.kind]++
  // grouped by kind (in DISCREPANCY_KINDS order), item order within a kind
  const entries = DISCREPANCY_KINDS.flatMap((k) => em.entries.filter((e) => e.kind === k))
  return {
    version: 1,
    seed: opts.seed,
    asOf: fmtDateTime(asOfMs),
    stockRows: opts.stockRows,
    items: items.length,
    warehouseMap: Object.fromEntries(WAREHOUSES.map((w) => [w.erp, w.wms])),
    skuRule: "WMS sku = 'S' + the digits of the ERP item code (RM-10023 <-> S10023); see wms.sku_xref",
    unitConversions: [...conversions.values()].sort((a, b) => (a.wmsUom < b.wmsUom ? -1 : 1)),
    excludedStatuses: ['DAMAGED'],
    inTransit: {movementType: 'SHIP', erpPosted: 0, windowHours: 24, from: fmtDateTime(asOfMs - 24 * HOUR), to: fmtDateTime(asOfMs)},
    suggestedTolerancePct: {A: 0.5, B: 1, C: 5},
    countsByKind,
    entries,
    reconcile: reconcileManifest(em.jobs),
  }
}
