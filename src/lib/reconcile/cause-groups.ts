import {Decimal} from '../decimal/decimal.js'
import {cancellingLots} from './causes.js'
import {displayLot, looseCode} from './keys.js'

/**
 * The causes that need more than one key: `code_format` (keys that are the same but for case, spaces or width, whose
 * quantities net to zero) and `lot_swap` (lots of one item × warehouse whose differences cancel). They run on the open
 * variances of a partition after every key is classified, and once more across partitions for code_format.
 */
export interface OpenVariance {
  row: {item: string; warehouse: string; cause: string | null}
  erpD: Decimal
  wmsD: Decimal
}

/** Give `cause` to every open key of a group (same `groupKey`) of at least two keys whose quantities net to zero. */
export function groupCause<T extends OpenVariance>(open: T[], groupKey: (o: T) => string, cause: string): void {
  const groups = new Map<string, T[]>()
  for (const o of open) {
    const k = groupKey(o)
    const g = groups.get(k)
    if (g) g.push(o)
    else groups.set(k, [o])
  }
  for (const g of groups.values()) {
    if (g.length < 2) continue
    let net = new Decimal(0)
    for (const o of g) net = net.plus(o.wmsD).minus(o.erpD)
    if (!net.isZero()) continue
    for (const o of g) if (o.row.cause === null) o.row.cause = cause
  }
}

/**
 * The loose key of a variance for code_format: item, warehouse and lot ignoring case, spaces and width. A WMS-only key
 * whose code is unmapped uses the ERP codes it loosely resembles (`looseItem` / `looseWh`, found when it was read).
 */
export function looseVarianceKey(k: {item: string; wh: string; lot: string; looseItem?: string; looseWh?: string}, erpSide: boolean): string {
  const li = erpSide ? looseCode(k.item) : k.looseItem || looseCode(k.item)
  const lw = erpSide ? looseCode(k.wh) : k.looseWh || looseCode(k.wh)
  return `${li}\t${lw}\t${looseCode(displayLot(k.lot))}`
}

/** lot_swap: within an item × warehouse, every set of lots whose differences cancel, whatever the other lots do. */
export function lotSwaps<T extends OpenVariance>(open: T[]): void {
  const byItemWh = new Map<string, T[]>()
  for (const o of open) {
    if (o.row.cause !== null) continue
    const k = `${o.row.item}\t${o.row.warehouse}`
    const g = byItemWh.get(k)
    if (g) g.push(o)
    else byItemWh.set(k, [o])
  }
  for (const g of byItemWh.values()) {
    if (g.length < 2) continue
    for (const i of cancellingLots(g.map((o) => o.wmsD.minus(o.erpD).toFixed()))) g[i].row.cause = 'lot_swap'
  }
}
