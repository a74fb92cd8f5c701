import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {openStore} from '../../src/lib/store/store.js'
import {describeMysql} from '../helpers/mysql.js'
import {createTestPlant, diff, plantConfig, type TestPlant} from './mysql-plant.js'

describeMysql('stock diff on MariaDB: statuses, causes, normalisation, units, tolerance, exact decimals', () => {
  let plant: TestPlant
  let res: Awaited<ReturnType<typeof diff>>
  beforeAll(async () => {
    plant = await createTestPlant()
    res = await diff(plant, plantConfig(plant), {all: true, showCost: true})
  })
  afterAll(async () => plant?.drop())

  const row = (item: string, lot = 'L1', wh = 'WH1') => {
    const r = res.byKey.get(`${item}|${wh}|${lot}`)
    if (!r) throw new Error(`no row for ${item}|${wh}|${lot}; rows: ${[...res.byKey.keys()].join(', ')}`)
    return r
  }

  it('rolls WMS bins up to the key and leaves DAMAGED bins out (status filter)', () => {
    expect(row('A1')).toMatchObject({erp_qty: '10', wms_qty: '10', diff: '0', status: 'match', cause: null})
  })

  it('sums exactly: 0.1 + 0.2 = 0.3, and DECIMAL(28,10) beyond 2^53 compares exactly', () => {
    expect(row('D1', '')).toMatchObject({erp_qty: '0.3', wms_qty: '0.3', status: 'match'})
    expect(row('D3')).toMatchObject({erp_qty: '9007199254740993.5', wms_qty: '9007199254740993.5', status: 'match'})
    expect(row('D2')).toMatchObject({
      erp_qty: '123456789012345678.0000000001',
      wms_qty: '123456789012345678.0000000002',
      diff: '0.0000000001',
      status: 'over_tolerance',
    })
  })

  it('applies tolerance by class (percent) and by category (absolute), default zero', () => {
    expect(row('T1')).toMatchObject({diff: '-3', diff_pct: '-3', status: 'within_tolerance', class: 'C'})
    expect(row('T2')).toMatchObject({diff: '-10', status: 'over_tolerance'})
    expect(row('T3')).toMatchObject({diff: '2', status: 'within_tolerance', category: 'BULK'})
  })

  it('reports keys on one side only, and ignores a zero balance with no bins', () => {
    expect(row('O1')).toMatchObject({erp_qty: '5', wms_qty: null, diff: '-5', diff_pct: '-100', status: 'only_in_erp', value_diff: '-17.50'})
    expect(row('O2', 'L9')).toMatchObject({erp_qty: null, wms_qty: '7', diff: '7', diff_pct: null, status: 'only_in_wms'})
    expect(row('Z1')).toMatchObject({erp_qty: '0', wms_qty: null, status: 'match'})
  })

  it('converts units: global table (G → KG) and per-item pack size (PCS → 箱)', () => {
    expect(row('U1')).toMatchObject({erp_qty: '2.5', wms_qty: '2.5', uom: 'KG', status: 'match'})
    expect(row('P1')).toMatchObject({erp_qty: '3', wms_qty: '3', uom: '箱', status: 'match'})
  })

  it('explains: uom_factor, lot_swap, in_transit, sign, code_format', () => {
    expect(row('U2')).toMatchObject({erp_qty: '4', wms_qty: '4000', status: 'over_tolerance', cause: 'uom_factor'})
    expect(row('S1', 'LA')).toMatchObject({erp_qty: '10', wms_qty: '20', status: 'over_tolerance', cause: 'lot_swap'})
    expect(row('S1', 'LB')).toMatchObject({erp_qty: '20', wms_qty: '10', status: 'over_tolerance', cause: 'lot_swap'})
    // 12 + 8 unposted SHIP in the window; the posted one, the PICK and the one before the window do not count
    expect(row('IT1')).toMatchObject({erp_qty: '50', wms_qty: '30', status: 'over_tolerance', cause: 'in_transit', in_transit_qty: '20'})
    expect(row('SG1')).toMatchObject({erp_qty: '-8', wms_qty: '8', diff: '16', cause: 'sign'})
    expect(row('C1')).toMatchObject({status: 'only_in_erp', cause: 'code_format'})
    expect(row('SKU -C1')).toMatchObject({status: 'only_in_wms', cause: 'code_format', wms_qty: '9'})
    expect(res.summary.causes).toEqual({uom_factor: 1, lot_swap: 2, in_transit: 1, sign: 1, code_format: 2})
  })

  it('normalises WMS codes: trim + case fold, full-width → half-width, NULL lot = empty lot', () => {
    expect(row('N1')).toMatchObject({wms_qty: '4', status: 'match'})
    expect(row('N2')).toMatchObject({wms_qty: '6', status: 'match'})
    expect(row('NL1', '')).toMatchObject({erp_qty: '5', wms_qty: '5', status: 'match'})
    expect(row('TS1')).toMatchObject({status: 'match'})
  })

  it('compares keys in the process, not by the replica collation: case-distinct keys stay distinct, Chinese keys match', () => {
    // utf8mb4_general_ci would call ab1 = AB1; plantops keeps them apart (no case folding configured on the ERP side)
    expect(row('AB1')).toMatchObject({erp_qty: '2', wms_qty: '2', status: 'match'})
    expect(row('ab1')).toMatchObject({erp_qty: '1', wms_qty: null, status: 'only_in_erp'})
    expect(row('电机-甲', '批次一')).toMatchObject({erp_qty: '7', wms_qty: '7', status: 'match'})
  })

  it('summarises: keys per status, accuracy, deviation, value at risk, rows sorted by warehouse, item, lot', () => {
    const s = res.summary
    expect(s.erp.rows).toBe(24)
    expect(s.wms.rows).toBe(25) // the DAMAGED bin is filtered by the server
    expect(s.keys).toEqual({total: 26, match: 12, within_tolerance: 2, over_tolerance: 7, only_in_erp: 3, only_in_wms: 2})
    expect(s.recordAccuracyPct).toBe('46.1538')
    expect(s.valueAtRisk).not.toBeNull()
    const order = res.rows.map((r) => `${r.warehouse}|${r.item}|${r.lot}`)
    expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    expect(res.rows).toHaveLength(26)
  })

  it('nets lots away at grain item-warehouse: the swapped lots match', async () => {
    const r = await diff(plant, plantConfig(plant), {grain: 'item-warehouse', all: true})
    expect(r.byKey.get('S1|WH1|')).toMatchObject({erp_qty: '30', wms_qty: '30', status: 'match'})
  })

  it('filters by warehouse and class', async () => {
    const a = await diff(plant, plantConfig(plant), {classes: ['C'], all: true})
    expect(a.rows.map((r) => r.item).sort()).toEqual(['T1', 'T2'])
    // a warehouse neither side has is refused (issue 13.2), no longer a clean empty report
    await expect(diff(plant, plantConfig(plant), {warehouses: ['WH9'], all: true})).rejects.toThrow(/--warehouse WH9: no key in this warehouse on either side; ERP warehouses: WH1/)
  })

  it('without WMS normalisation, malformed SKUs become code_format pairs instead of matches', async () => {
    const r = await diff(plant, plantConfig(plant, (s) => (s.wms.normalize = {trim: false})))
    expect(r.byKey.get('N1|WH1|L1')).toMatchObject({status: 'only_in_erp', cause: 'code_format'})
    expect(r.byKey.get(' sku-n1 |WH1|L1')).toMatchObject({status: 'only_in_wms', cause: 'code_format'})
    expect(r.byKey.get('N2|WH1|L1')).toMatchObject({status: 'only_in_erp', cause: 'code_format'})
  })

  it('refuses a stale replica (lag query heartbeat) with exit 3 unless allowStale', async () => {
    await plant.erp.query('UPDATE heartbeat SET ts = NOW() - INTERVAL 2 HOUR')
    const cfg = plantConfig(plant, () => {}, {lagQuery: 'SELECT TIMESTAMPDIFF(SECOND, MAX(ts), NOW()) FROM heartbeat', maxLagSeconds: 900})
    await expect(diff(plant, cfg)).rejects.toMatchObject({exitCode: 3, code: 'SOURCE_STALE'})
    await expect(diff(plant, cfg)).rejects.toThrow(/source "erp": replica is 720\d s behind \(maxLagSeconds 900\)/)
    const ok = await diff(plant, cfg, {allowStale: true})
    expect(ok.summary.warnings.join('\n')).toMatch(/reconciling anyway \(--allow-stale\)/)
    expect(ok.summary.erp.lagSeconds).toBeGreaterThanOrEqual(7200)
    await plant.erp.query('UPDATE heartbeat SET ts = NOW()')
  })

  it('refuses an empty side with exit 3', async () => {
    const cfg = plantConfig(plant, (s) => (s.wms.filters = {status: ['NO_SUCH_STATUS']}))
    await expect(diff(plant, cfg)).rejects.toMatchObject({exitCode: 3, code: 'SOURCE_EMPTY'})
  })

  it('refuses a side that shrank below minRowsRatio of the previous run', async () => {
    const store = await openStore({client: 'sqlite', filename: path.join(plant.dir, 'shrink.db')}, plant.dir)
    try {
      await diff(plant, plantConfig(plant), {}, store)
      const shrunk = plantConfig(plant, (s) => (s.wms.filters = {status: ['QC_HOLD']}))
      await expect(diff(plant, shrunk, {}, store)).rejects.toMatchObject({exitCode: 3, code: 'SOURCE_SHRUNK'})
    } finally {
      await store.close()
    }
  })

  it('remembers variances across runs: first_seen, runs_seen, resolved, --only new', async () => {
    const store = await openStore({client: 'sqlite', filename: path.join(plant.dir, 'memory.db')}, plant.dir)
    try {
      const first = await diff(plant, plantConfig(plant), {}, store)
      expect(first.byKey.get('T2|WH1|L1')).toMatchObject({runs_seen: 1, first_seen: first.byKey.get('T2|WH1|L1')!.first_seen})
      expect(first.summary.newVariances).toBe(14)
      // fix T2, break A1
      await plant.wms.query("UPDATE bins SET qty = 100 WHERE sku = 'SKU-T2'")
      await plant.wms.query("UPDATE bins SET qty = 5 WHERE sku = 'SKU-A1' AND status = 'AVAILABLE'")
      const second = await diff(plant, plantConfig(plant), {}, store)
      expect(second.byKey.get('T1|WH1|L1')).toMatchObject({runs_seen: 2, first_seen: first.byKey.get('T1|WH1|L1')!.first_seen})
      expect(second.byKey.get('A1|WH1|L1')).toMatchObject({runs_seen: 1, status: 'over_tolerance'})
      expect(second.summary.resolved.count).toBe(1)
      expect(second.summary.resolved.rows[0]).toMatchObject({item: 'T2', status: 'over_tolerance', runs_seen: 1})
      const onlyNew = await diff(plant, plantConfig(plant), {onlyNew: true}, store)
      expect(onlyNew.rows).toHaveLength(0) // A1 is now on its second run
      await plant.wms.query("UPDATE bins SET qty = 90 WHERE sku = 'SKU-T2'")
      const again = await diff(plant, plantConfig(plant), {onlyNew: true}, store)
      expect(again.rows.map((r) => r.item)).toEqual(['T2'])
      expect(again.summary.newByStatus.over_tolerance).toBe(1)
    } finally {
      await plant.wms.query("UPDATE bins SET qty = 90 WHERE sku = 'SKU-T2'")
      await plant.wms.query("UPDATE bins SET qty = 4 WHERE sku = 'SKU-A1' AND status = 'AVAILABLE'")
      await store.close()
    }
  })

  it('reads a side from a free read-only SELECT and an item map from a CSV file', async () => {
    const {writeFileSync} = await import('node:fs')
    writeFileSync(path.join(plant.dir, 'xref.csv'), '\uFEFFsku,item\nSKU-A1,A1\nSKU-T1,T1\n')
    const cfg = plantConfig(plant, (s) => {
      s.erp = {source: 'erp', query: "SELECT item_code AS it, wh, lot_no, qty, uom FROM stock WHERE item_code IN ('A1', 'T1')", columns: {item: 'it', warehouse: 'wh', lot: 'lot_no', qty: 'qty', uom: 'uom'}}
      s.itemMap = {file: 'xref.csv', columns: {wms: 'sku', erp: 'item'}}
      s.wms.filters = {status: ['AVAILABLE', 'QC_HOLD'], sku: ['SKU-A1', 'SKU-T1']}
      delete s.inTransit
    })
    const r = await diff(plant, cfg, {all: true})
    expect(r.rows.map((x) => `${x.item}:${x.status}`)).toEqual(['A1:match', 'T1:within_tolerance'])
  })
})
