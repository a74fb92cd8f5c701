import type {OrdersConfig} from './config.js'
import {detach, foldWidth} from '../sheets/cells.js'

/** What the ERP item master says about one item: its code as the ERP spells it and the units it may be ordered in. */
export interface ItemInfo {
  code: string
  /** Base unit first, then alternative units (ERP spelling). */
  uoms: string[]
}

/** The read side the item master needs: a Source (or a snapshot of one). */
export interface ItemMasterReader {
  name: string
  query<T>(sql: string, bindings?: readonly unknown[]): Promise<T[]>
  quoteId(identifier: string): string
}

type ItemMasterConfig = NonNullable<OrdersConfig['itemMaster']>

/**
 * SKU and unit lookups against the ERP item master, in batches (`WHERE code IN (?, …)`, `batchSize` codes per query),
 * never row by row, cached for the whole import (memory grows with distinct SKUs, not rows).
 * Codes match exactly, else case-insensitively; the ERP's spelling is what gets stored.
 */
export class ItemMaster {
  private readonly byCode = new Map<string, ItemInfo>()
  private readonly byUpper = new Map<string, ItemInfo>()
  private readonly asked = new Set<string>()
  queries = 0

  constructor(
    private readonly reader: ItemMasterReader,
    private readonly cfg: ItemMasterConfig,
  ) {}

  /** Look up every SKU not seen yet. */
  async load(skus: Iterable<string>): Promise<void> {
    const todo = new Set<string>()
    for (const s of skus) {
      for (const v of [s, s.toUpperCase()]) if (!this.asked.has(v)) todo.add(detach(v))
    }
    const list = [...todo]
    for (const v of list) this.asked.add(v)
    const q = (id: string) => this.reader.quoteId(id)
    for (let i = 0; i < list.length; i += this.cfg.batchSize) {
      const chunk = list.slice(i, i + this.cfg.batchSize)
      const marks = chunk.map(() => '?').join(', ')
      this.queries++
      const items = await this.reader.query<{sku: unknown; uom: unknown}>(
        `SELECT ${q(this.cfg.skuColumn)} AS sku, ${q(this.cfg.uomColumn)} AS uom FROM ${q(this.cfg.table)} WHERE ${q(this.cfg.skuColumn)} IN (${marks})`,
        chunk,
      )
      const found: ItemInfo[] = []
      for (const r of items) {
        const code = String(r.sku)
        if (this.byCode.has(code)) continue
        const info: ItemInfo = {code, uoms: r.uom === null || r.uom === undefined || String(r.uom).trim() === '' ? [] : [String(r.uom)]}
        this.byCode.set(code, info)
        if (!this.byUpper.has(code.toUpperCase())) this.byUpper.set(code.toUpperCase(), info)
        found.push(info)
      }
      if (this.cfg.uoms && found.length > 0) {
        const u = this.cfg.uoms
        this.queries++
        const alts = await this.reader.query<{sku: unknown; uom: unknown}>(
          `SELECT ${q(u.skuColumn)} AS sku, ${q(u.uomColumn)} AS uom FROM ${q(u.table)} WHERE ${q(u.skuColumn)} IN (${found.map(() => '?').join(', ')})`,
          found.map((f) => f.code),
        )
        for (const r of alts) {
          const info = this.byCode.get(String(r.sku))
          if (info && r.uom !== null && r.uom !== undefined && !info.uoms.includes(String(r.uom))) info.uoms.push(String(r.uom))
        }
      }
    }
  }

  /** The item for a SKU as typed (after width folding), or null when the item master does not know it. */
  get(sku: string): ItemInfo | null {
    return this.byCode.get(sku) ?? this.byUpper.get(sku.toUpperCase()) ?? null
  }
}

/** The ERP spelling of `uom` when it is valid for the item (case and width ignored), else null. */
export function matchUom(item: ItemInfo, uom: string): string | null {
  const want = foldWidth(uom).toUpperCase()
  return item.uoms.find((u) => foldWidth(u).toUpperCase() === want) ?? null
}
