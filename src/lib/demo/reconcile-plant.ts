/**
 * The demo plant's order-to-production and shipping data for the reconcile jobs (`plantops reconcile run`):
 * ERP sales orders and lines, MES work orders linked to the order lines, ERP outbound delivery lines for the WMS
 * SHIP movements, and the WMS SKU master; with a known set of discrepancies seeded into each job's data and recorded
 * in the manifest (`reconcile.entries`).
 *
 * Invariants outside the manifest: every open order line has active work orders (one, sometimes a split) with the
 * line's item, quantity, due date and BOM version, updated after the line; closed lines have CLOSED work orders,
 * cancelled lines CANCELLED ones or none; every posted WMS SHIP movement has an ERP outbound line of the same item,
 * warehouse, quantity, unit and time; every ERP item has a WMS SKU row of its SKU, name, WMS unit and ACTIVE status.
 */
import {WAREHOUSES} from './catalog.js'
import type {ItemModel, PlantModel, RowSink} from './generate.js'
import {Rng} from './prng.js'
import {DAY, fmtDate, fmtDateTime, fmtYm4, HOUR, TICKS, ticksToSql} from './qty.js'

export const RECONCILE_JOBS = ['orders-mes', 'shipments', 'items'] as const
export type ReconcileJobName = (typeof RECONCILE_JOBS)[number]

export const RECONCILE_SEED_KINDS = {
  'orders-mes': ['missing_wo', 'in_flight', 'qty_changed', 'due_moved', 'item_changed', 'bom_differs', 'cancelled_in_progress', 'orphan_wo', 'split_match', 'late', 'unit_factor', 'code_format'],
  shipments: ['qty_differs', 'not_posted', 'not_shipped', 'unit_factor', 'split_match', 'in_flight'],
  items: ['unit_differs', 'blocked_active', 'renamed', 'missing_sku', 'orphan_sku'],
} as const

/** One seeded discrepancy of a reconcile job: the key, and what the job must report for it. */
export interface ReconcileManifestEntry {
  job: ReconcileJobName
  kind: string
  /** Key values in the job's link.keys order (left codes). */
  key: string[]
  expected: 'match' | 'differs' | 'only_in_left' | 'only_in_right' | 'in_flight'
  cause: string | null
  /** The differing field the cause is about (differs only). */
  field: string | null
  note: string
}

export interface ReconcileManifest {
  /** Key columns of each job, in order. */
  keys: Record<ReconcileJobName, string[]>
  /** Items job: ERP uom → the WMS units that mean the same. */
  uomMap: Record<string, string[]>
  countsByKind: Record<string, number>
  entries: ReconcileManifestEntry[]
}

type ItemSeed = 'unit_differs' | 'blocked_active' | 'renamed' | 'missing_sku'

const FG = 2 // WAREHOUSES index of the finished goods warehouse (WH03 / FG)

export class ReconcilePlant {
  readonly entries: ReconcileManifestEntry[] = []
  private readonly itemSeeds = new Map<number, ItemSeed>()
  private readonly transitKeys = new Set<string>()
  private outboundId = 0

  constructor(
    private readonly model: PlantModel,
    private readonly sink: RowSink,
    private readonly nextMovementId: () => number,
  ) {
    // the items job's seeds: items that carry no stock seed (the stock diff is unaffected)
    const rng = Rng.derive(model.opts.seed, 0x17e45)
    const pool = model.items.filter((it) => it.seed === null)
    const kinds: ItemSeed[] = ['unit_differs', 'blocked_active', 'renamed', 'missing_sku']
    for (const kind of kinds) {
      for (let n = 0; n < 2 && pool.length > 0; n++) {
        const i = rng.int(0, pool.length - 1)
        this.itemSeeds.set(pool[i].idx, kind)
        pool.splice(i, 1)
      }
    }
  }

  /* ---------------- hooks called while the stock plant is emitted ---------------- */

  /** erp.items.status: A active, B blocked. */
  itemStatus(it: ItemModel): string {
    return this.itemSeeds.get(it.idx) === 'blocked_active' ? 'B' : 'A'
  }

  /** erp.items.name: the renamed seeds carry a new name the WMS never got. */
  itemName(it: ItemModel): string {
    return this.itemSeeds.get(it.idx) === 'renamed' ? `${it.name}（新版）` : it.name
  }

  /** A posted SHIP movement: the ERP outbound line for it (same item, warehouse, quantity, unit and time). */
  postedShip(it: ItemModel, wh: number, at: string, qtySql: string, label: string): void {
    this.sink.add('outbound_lines', [++this.outboundId, `OB${at.slice(2, 4)}${at.slice(5, 7)}-${String(this.outboundId).padStart(6, '0')}`, null, it.code, WAREHOUSES[wh].erp, qtySql, label, at])
  }

  /** An unposted SHIP movement of the last 24 h (stock's in_transit seed): in flight for the shipments job. */
  unpostedShip(it: ItemModel, wh: number, at: string): void {
    const key = [at.slice(0, 10), it.code, WAREHOUSES[wh].erp]
    if (this.transitKeys.has(key.join('|'))) return
    this.transitKeys.add(key.join('|'))
    this.entry('shipments', 'in_flight', key, 'in_flight', null, null, 'WMS shipped within the last 24 h, ERP outbound not yet posted (grace 24 h)')
  }

  /* ---------------- the orders / shipments / SKU master phase ---------------- */

  emit(): void {
    this.emitSkuMaster()
    this.emitOrders()
    this.emitShipmentSeeds()
  }

  private entry(job: ReconcileJobName, kind: string, key: string[], expected: ReconcileManifestEntry['expected'], cause: string | null, field: string | null, note: string): void {
    this.entries.push({job, kind, key, expected, cause, field, note})
  }

  private emitSkuMaster(): void {
    const {items, asOfMs} = this.model
    const synced = fmtDateTime(asOfMs - 6 * HOUR)
    for (const it of items) {
      const seed = this.itemSeeds.get(it.idx)
      if (seed === 'missing_sku') {
        this.entry('items', seed, [it.code], 'only_in_left', null, null, `ERP item ${it.code} has no WMS SKU row (xref ${it.sku} exists)`)
        continue
      }
      let uom = it.wmsUom
      if (seed === 'unit_differs') {
        uom = 'EA'
        this.entry('items', seed, [it.code], 'differs', null, 'uom', `WMS SKU ${it.sku} in EA, ERP item in ${it.uom}`)
      } else if (seed === 'blocked_active') {
        this.entry('items', seed, [it.code], 'differs', 'cancelled_not_propagated', 'status', 'blocked in the ERP, still ACTIVE in the WMS')
      } else if (seed === 'renamed') {
        this.entry('items', seed, [it.code], 'differs', 'change_not_propagated', 'name', 'renamed in the ERP after the WMS SKU was last synchronised')
      }
      // the renamed items' WMS rows were last synchronised before the ERP change
      const updated = seed === 'renamed' ? '2020-01-06 08:00:00' : synced
      this.sink.add('sku_master', [it.sku, it.name, uom, 'ACTIVE', updated])
    }
    this.sink.add('sku_master', ['S999901', '停用测试物料 Legacy test part', 'PCS', 'ACTIVE', synced])
    this.entry('items', 'orphan_sku', ['S999901'], 'only_in_right', null, null, 'WMS SKU with no ERP item (not in sku_xref)')
  }

  private emitOrders(): void {
    const {items, asOfMs, opts} = this.model
    const rng = Rng.derive(opts.seed, 0x50de5)
    const fg = items.filter((it) => it.category === '成品' && it.seed === null && !this.itemSeeds.has(it.idx))
    if (fg.length < 3) return
    const nOrders = Math.max(30, Math.round(opts.stockRows / 50))
    interface Line {
      so: string
      line: number
      it: ItemModel
      units: number
      due: number
      status: 'O' | 'C' | 'X'
      bom: string
      modified: number
    }
    const lines: Line[] = []
    for (let o = 1; o <= nOrders; o++) {
      const ordered = asOfMs - rng.int(5, 60) * DAY - rng.int(0, 600) * 60_000
      const so = `SO${fmtYm4(ordered)}-${String(o).padStart(5, '0')}`
      const status = rng.weighted([['O', 75], ['C', 20], ['X', 5]] as const)
      const n = rng.int(1, 3)
      let modified = ordered
      for (let l = 1; l <= n; l++) {
        const it = rng.pick(fg)
        const m = ordered + rng.int(0, 12 * 60) * 60_000
        modified = Math.max(modified, m)
        lines.push({so, line: l * 10, it, units: rng.int(5, 500), due: ordered + rng.int(7, 45) * DAY, status, bom: `V${rng.int(1, 3)}`, modified: m})
      }
      this.sink.add('sales_orders', [so, `C${String(rng.int(1, 60)).padStart(4, '0')}`, fmtDate(ordered), status, fmtDateTime(modified)])
    }
    // seeds on open lines, each line at most one
    const open = lines.filter((l) => l.status === 'O')
    const seeds = new Map<Line, string>()
    const kinds = ['missing_wo', 'missing_wo', 'in_flight', 'qty_changed', 'due_moved', 'item_changed', 'bom_differs', 'cancelled_in_progress', 'split_match', 'late', 'unit_factor', 'code_format']
    for (const kind of kinds) {
      let l = rng.pick(open)
      while (seeds.has(l)) l = rng.pick(open)
      seeds.set(l, kind)
    }
    let wo = 0
    const woNo = (at: number) => `SW${fmtYm4(at)}-${String(++wo).padStart(6, '0')}`
    const addWo = (l: Line, o: {item?: string; units?: number; due?: number; status?: string; bom?: string; updated: number; so?: string; line?: number}) => {
      const status = o.status ?? rng.weighted([['RELEASED', 35], ['STARTED', 45], ['DONE', 20]] as const)
      const units = o.units ?? l.units
      const done = status === 'RELEASED' || status === 'CANCELLED' ? 0 : status === 'STARTED' ? Math.floor(units / 2) : units
      this.sink.add('work_orders', [woNo(l.modified), o.item ?? l.it.code, ticksToSql(units * TICKS), ticksToSql(done * TICKS), status, fmtDate(o.due ?? l.due), o.so ?? l.so, fmtDateTime(o.updated), o.line ?? l.line, o.bom ?? l.bom])
    }
    const key = (l: Line) => [l.so, String(l.line)]
    for (const l of lines) {
      const kind = seeds.get(l)
      const after = l.modified + rng.int(60, 48 * 60) * 60_000 // the MES caught up after the order line
      // the order line changed after the work order was released (outside the 2 h grace)
      const changedLater = () => {
        const woAt = l.modified
        l.modified = woAt + rng.int(3, 30) * HOUR
        return woAt
      }
      switch (kind) {
        case undefined:
          if (l.status === 'O') addWo(l, {updated: after})
          else if (l.status === 'C') addWo(l, {status: 'CLOSED', updated: after})
          else if (rng.chance(0.5)) addWo(l, {status: 'CANCELLED', updated: after})
          break
        case 'missing_wo':
          this.entry('orders-mes', kind, key(l), 'only_in_left', null, null, 'open order line, no work order in the MES after the grace period')
          break
        case 'in_flight':
          l.modified = asOfMs - 30 * 60_000
          this.entry('orders-mes', kind, key(l), 'in_flight', null, null, 'order line entered 30 min ago (grace 120 min), no work order yet')
          break
        case 'qty_changed': {
          const woAt = changedLater()
          const old = l.units
          l.units += rng.int(5, 50)
          addWo(l, {units: old, updated: woAt})
          this.entry('orders-mes', kind, key(l), 'differs', 'change_not_propagated', 'qty', `ERP quantity raised from ${old} to ${l.units} after the work order was released`)
          break
        }
        case 'due_moved': {
          const woAt = changedLater()
          const old = l.due
          l.due -= rng.int(2, 6) * DAY
          addWo(l, {due: old, updated: woAt})
          this.entry('orders-mes', kind, key(l), 'differs', 'change_not_propagated', 'due_date', `customer due date moved earlier in the ERP (${fmtDate(old)} → ${fmtDate(l.due)}); the MES still plans the old date`)
          break
        }
        case 'item_changed': {
          const woAt = changedLater()
          const old = l.it
          let it = rng.pick(fg)
          while (it === old) it = rng.pick(fg)
          l.it = it
          addWo(l, {item: old.code, updated: woAt})
          this.entry('orders-mes', kind, key(l), 'differs', 'change_not_propagated', 'item', `ERP line changed from ${old.code} to ${it.code} after release`)
          break
        }
        case 'bom_differs':
          l.bom = 'V4'
          addWo(l, {bom: 'V3', updated: after})
          this.entry('orders-mes', kind, key(l), 'differs', null, 'bom_version', 'work order built to BOM V3, order line asks for V4')
          break
        case 'cancelled_in_progress': {
          const woAt = changedLater()
          l.status = 'X'
          addWo(l, {status: 'STARTED', updated: woAt})
          this.entry('orders-mes', kind, key(l), 'differs', 'cancelled_not_propagated', 'status', 'order cancelled in the ERP, work order still STARTED')
          break
        }
        case 'split_match': {
          const a = Math.max(1, Math.floor(l.units / 3))
          addWo(l, {units: a, status: 'DONE', updated: after})
          addWo(l, {units: l.units - a, status: 'STARTED', updated: after + HOUR})
          addWo(l, {units: rng.int(5, 50), status: 'CANCELLED', updated: after + 2 * HOUR})
          this.entry('orders-mes', kind, key(l), 'match', null, null, `split into two work orders (${a} + ${l.units - a}) and a cancelled one: adds up`)
          break
        }
        case 'late': {
          const days = rng.int(2, 9)
          addWo(l, {due: l.due + days * DAY, updated: after})
          this.entry('orders-mes', kind, key(l), 'differs', 'late', 'due_date', `the MES plans completion ${days} days after the customer due date`)
          break
        }
        case 'unit_factor':
          addWo(l, {units: l.units * 12, updated: after})
          this.entry('orders-mes', kind, key(l), 'differs', 'unit_factor', 'qty', 'work order planned in pieces (12 per box), order line in boxes')
          break
        case 'code_format':
          addWo(l, {item: ` ${l.it.code.toLowerCase()}`, updated: after})
          this.entry('orders-mes', kind, key(l), 'differs', 'code_format', 'item', 'MES item code typed in lower case with a leading space')
          break
      }
      this.sink.add('sales_order_lines', [l.so, l.line, l.it.code, ticksToSql(l.units * TICKS), l.it.uom, fmtDate(l.due), l.status, l.bom, fmtDateTime(l.modified)])
    }
    // a work order for an order the ERP does not know
    addWo(lines[0], {so: 'SO9912-99999', line: 10, status: 'RELEASED', updated: asOfMs - 3 * DAY})
    this.entry('orders-mes', 'orphan_wo', ['SO9912-99999', '10'], 'only_in_right', null, null, 'work order for an order number the ERP does not have')
  }

  /** Shipments seeds on days before the historic movements (> 30 days back), finished goods warehouse. */
  private emitShipmentSeeds(): void {
    const {items, asOfMs, opts, locations} = this.model
    const rng = Rng.derive(opts.seed, 0x5417)
    const fg = items.filter((it) => it.category === '成品' && it.seed === null)
    if (fg.length < 6) return
    const used = new Set<ItemModel>()
    const pickItem = () => {
      let it = rng.pick(fg)
      while (used.has(it)) it = rng.pick(fg)
      used.add(it)
      return it
    }
    const loc = locations[FG].normal[0]
    const wms = (it: ItemModel, at: number, units: number) => {
      const id = this.nextMovementId()
      this.sink.add('movements', [id, fmtDateTime(at), 'SHIP', it.sku, WAREHOUSES[FG].wms, loc, null, ticksToSql(units * TICKS), it.uom, 1, `DN${fmtYm4(at)}-${String(id).padStart(6, '0')}`])
    }
    const erp = (it: ItemModel, at: number, units: number) => this.postedShip(it, FG, fmtDateTime(at), ticksToSql(units * TICKS), it.uom)
    const day = (back: number) => asOfMs - back * DAY - rng.int(1, 10) * HOUR
    const key = (it: ItemModel, at: number) => [fmtDate(at), it.code, WAREHOUSES[FG].erp]
    let back = 32
    {
      const it = pickItem()
      const at = day(back++)
      const n = rng.int(10, 100)
      erp(it, at, n)
      wms(it, at + 5 * 60_000, n + 2)
      this.entry('shipments', 'qty_differs', key(it, at), 'differs', null, 'qty', `ERP posted ${n}, WMS shipped ${n + 2} ${it.uom}`)
    }
    {
      const it = pickItem()
      const at = day(back++)
      wms(it, at, rng.int(10, 100))
      this.entry('shipments', 'not_posted', key(it, at), 'only_in_right', null, null, 'WMS shipped, no ERP outbound posted (older than the grace period)')
    }
    {
      const it = pickItem()
      const at = day(back++)
      erp(it, at, rng.int(10, 100))
      this.entry('shipments', 'not_shipped', key(it, at), 'only_in_left', null, null, 'ERP outbound posted, WMS has no SHIP movement')
    }
    {
      const it = pickItem()
      const at = day(back++)
      const n = rng.int(2, 9)
      erp(it, at, n * 1000)
      wms(it, at, n)
      this.entry('shipments', 'unit_factor', key(it, at), 'differs', 'unit_factor', 'qty', `ERP posted ${n * 1000}, WMS shipped ${n} ${it.uom}: a factor of 1000`)
    }
    {
      const it = pickItem()
      const at = day(back++)
      const a = rng.int(10, 60)
      const b = rng.int(10, 60)
      erp(it, at, a)
      erp(it, at + HOUR, b)
      wms(it, at - 10 * 60_000, a - 5)
      wms(it, at, 5)
      wms(it, at + HOUR, b)
      this.entry('shipments', 'split_match', key(it, at), 'match', null, null, `ERP ${a} + ${b}, WMS ${a - 5} + 5 + ${b}: adds up per day`)
    }
  }
}

/** The manifest section of the reconcile jobs. */
export function reconcileManifest(p: ReconcilePlant): ReconcileManifest {
  const countsByKind: Record<string, number> = {}
  for (const e of p.entries) countsByKind[`${e.job}.${e.kind}`] = (countsByKind[`${e.job}.${e.kind}`] ?? 0) + 1
  const order = (e: ReconcileManifestEntry) => RECONCILE_JOBS.indexOf(e.job)
  return {
    keys: {'orders-mes': ['so_no', 'line_no'], shipments: ['day', 'item', 'warehouse'], items: ['item']},
    uomMap: ITEM_UOM_MAP,
    countsByKind,
    entries: [...p.entries].sort((a, b) => order(a) - order(b)),
  }
}

/** ERP unit → the WMS units the same item may be kept in (WMS_UNIT_CHOICES). */
export const ITEM_UOM_MAP: Record<string, string[]> = {KG: ['KG', 'G'], M: ['M', 'MM'], 箱: ['箱', 'PCS'], PCS: ['PCS'], L: ['L']}

