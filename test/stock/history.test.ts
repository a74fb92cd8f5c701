import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FINDINGS_PAGE} from '../../src/lib/reconcile/history.js'
import {looseCode} from '../../src/lib/reconcile/keys.js'
import {loadStockHistory, previousVariances, saveStockHistory} from '../../src/lib/stock/history.js'
import {partitionOf, Spill} from '../../src/lib/stock/spill.js'
import type {StockVarianceRow} from '../../src/lib/stock/types.js'
import {openStore, type Store} from '../../src/lib/store/store.js'

function variance(i: number): StockVarianceRow {
  // codes with a tab, a backslash, a literal \N and Chinese; null quantities and causes; an empty lot
  const item = i % 97 === 0 ? `A\tB${i}` : i % 89 === 0 ? `C\\N${i}` : i % 83 === 0 ? `螺丝${i}` : `I${i}`
  return {item, warehouse: `W${i % 5}`, lot: i % 3 === 0 ? '' : `L${i % 7}`, erp_qty: i % 4 === 0 ? null : `${i}.5`, wms_qty: i % 6 === 0 ? null : String(i), diff: '1', diff_pct: null, uom: 'PCS', status: i % 4 === 0 ? 'only_in_wms' : 'over_tolerance', cause: i % 10 === 0 ? 'sign' : null, first_seen: '2026-11-0' + (1 + (i % 9)), value_diff: null, runs_seen: 1 + (i % 4), class: null, category: null, in_transit_qty: null, explained: false, action: null, item_name: null, warehouse_name: null}
}

describe('the previous run of a scope, paged from the store into the spill by partition', () => {
  let dir: string
  let store: Store
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-history-'))
    store = await openStore({client: 'sqlite', filename: path.join(dir, 'state.db')}, dir)
  })
  afterAll(async () => {
    await store.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('every open variance of the scope (across page bounds) comes back in its item\'s partition, nulls and escapes intact', async () => {
    const n = 2 * FINDINGS_PAGE + 123
    const rows = Array.from({length: n}, (_, i) => variance(i))
    await saveStockHistory(store.knex, {scope: 'lot|all', runId: 7, erpRows: n, wmsRows: n, keys: n, variances: rows, count: n})
    // another scope's findings stay out
    await saveStockHistory(store.knex, {scope: 'other', runId: 8, erpRows: 1, wmsRows: 1, keys: 1, variances: [variance(1)], count: 1})
    const spill = new Spill({partitions: 64})
    try {
      const history = await loadStockHistory(store.knex, 'lot|all', spill)
      expect(history.open).toBe(n)
      expect(history.previousRows).toMatchObject({erp: 1, wms: 1, runId: 8})
      let seen = 0
      for (let p = 0; p < 64; p++) {
        for (const [key, h] of previousVariances(spill, p)) {
          seen++
          expect(partitionOf(looseCode(h.item), 64)).toBe(p)
          const i = Number(/\d+$/.exec(h.item)![0])
          const want = variance(i)
          expect(key).toBe(`${want.item}\t${want.warehouse}\t${want.lot}`)
          expect(h).toEqual({item: want.item, warehouse: want.warehouse, lot: want.lot, status: want.status, cause: want.cause, erpQty: want.erp_qty, wmsQty: want.wms_qty, firstSeen: want.first_seen, runsSeen: want.runs_seen})
        }
      }
      expect(seen).toBe(n)
    } finally {
      spill.dispose()
    }
  })

  it('stops loading when the run ends meanwhile', async () => {
    const spill = new Spill({partitions: 8})
    try {
      const history = await loadStockHistory(store.knex, 'lot|all', spill, () => true)
      expect(history.open).toBe(0)
    } finally {
      spill.dispose()
    }
  })
})
