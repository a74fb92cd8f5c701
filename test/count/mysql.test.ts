import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {createTestDatabase, describeMysql, mysqlParams} from '../helpers/mysql.js'
import {fillSheets} from './fill-sheets.js'
import {countSectionYaml, smallPlant, type SmallPlant} from './small-plant.js'

function plus(at: string, minutes: number): string {
  const d = new Date(`${at.replace(' ', 'T')}Z`)
  return new Date(d.getTime() + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ')
}

describeMysql('blind count on MariaDB replicas: snapshot, cut-off by movements during the count', () => {
  let erp: Awaited<ReturnType<typeof createTestDatabase>>
  let wms: Awaited<ReturnType<typeof createTestDatabase>>
  let dir: string
  let plant: SmallPlant
  const cli = (args: string[]) => runCli(args, {cwd: dir})

  beforeAll(async () => {
    erp = await createTestDatabase('pt_cnt_erp')
    wms = await createTestDatabase('pt_cnt_wms')
    plant = smallPlant()
    for (const s of plant.erpSql) await erp.conn.query(s)
    for (const s of plant.wmsSql) await wms.conn.query(s)
    dir = tempDir('pt-count-mysql-')
    const conn = (db: string) => `{host: ${mysqlParams.host}, port: ${mysqlParams.port}, user: ${mysqlParams.user}, password: "${mysqlParams.password}", database: ${db}}`
    writeFileSync(
      path.join(dir, 'plantops.yaml'),
      `sources:
  erp: {role: erp, client: mysql, connection: ${conn(erp.name)}}
  wms: {role: wms, client: mysql, connection: ${conn(wms.name)}}
${countSectionYaml()}`,
    )
  })

  afterAll(async () => {
    await erp?.drop()
    await wms?.drop()
  })

  it('samples through the read-only replica and applies movements made between snapshot and count', async () => {
    const s = cli(['count', 'sample', '--size', '8', '--seed', '5', '--output', 'sheets.xlsx', '--json'])
    expect(s.code, s.stderr).toBe(0)
    expect(s.json.count.populationSize).toBe(36) // the DAMAGED bin is left out
    const snapshotAt: string = s.json.count.snapshotAt
    expect(snapshotAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    const [l1, l2, l3] = s.json.lines as Array<{location: string; sku: string; lot: string}>
    const bin = (l: {location: string; sku: string; lot: string}) => plant.bins.find((b) => b.location === l.location && b.sku === l.sku && (b.lot ?? '') === l.lot && b.status !== 'DAMAGED')!
    // while counting: 4 picked from line 1 (posted in the ERP), 3 shipped from line 2 (not yet posted), 2 received at line 3 after it was counted
    const lot = (l: {lot: string}) => (l.lot === '' ? null : l.lot)
    await wms.conn.query('INSERT INTO movements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [10, plus(snapshotAt, 10), 'PICK', l1.sku, 'RM', l1.location, lot(l1), 4, bin(l1).uom, 1, 'PK1'])
    await wms.conn.query('INSERT INTO movements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [11, plus(snapshotAt, 20), 'SHIP', l2.sku, 'RM', l2.location, lot(l2), 3, bin(l2).uom, 0, 'DN1'])
    await wms.conn.query('INSERT INTO movements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [12, plus(snapshotAt, 90), 'RECEIVE', l3.sku, 'RM', l3.location, lot(l3), 2, bin(l3).uom, 1, 'GR1'])
    await fillSheets(path.join(dir, 'sheets.xlsx'), path.join(dir, 'filled.xlsx'), {
      count: (r) => {
        const b = plant.bins.find((x) => x.location === r.location && (x.item === r.item || x.sku === r.item) && (x.lot ?? null) === r.lot && x.status !== 'DAMAGED')!
        const q = Number(b.qty)
        return {counted: r.line === 1 ? q - 4 : r.line === 2 ? q - 3 : q}
      },
    })
    const rec = cli(['count', 'record', '1', 'filled.xlsx', '--counted-at', plus(snapshotAt, 60), '--json'])
    expect(rec.code, rec.stdout).toBe(0)
    const rep = cli(['count', 'report', '1', '--json'])
    expect(rep.code, rep.stderr).toBe(0)
    const byLine = new Map((rep.json.lines as Array<Record<string, any>>).map((l) => [l.line, l]))
    expect(byLine.get(1)).toMatchObject({cutoff: '-4', wmsDiff: '0', wmsStatus: 'match', moved: true})
    expect(byLine.get(2)).toMatchObject({cutoff: '-3', wmsDiff: '0', wmsStatus: 'match', moved: true})
    // the ERP has not booked the shipment yet: its expectation is unchanged, so the ERP is 3 (in ERP units) over the shelf
    // ERP minus the counted shelf, per line: the seeded ERP offset of the key, plus what the ERP has not booked yet
    const factor = (sku: string) => (sku === 'S10001' ? 0.001 : sku === 'S10009' ? 0.02 : 1)
    const seededOffset = (l: {sku: string; lot: string}) => {
      const item = plant.bins.find((b) => b.sku === l.sku)!.item
      const erpQty = Number(plant.erp.find((e) => e.item === item && (e.lot ?? '') === l.lot)!.qty)
      const wmsQty = plant.bins.filter((b) => b.sku === l.sku && (b.lot ?? '') === l.lot && b.status !== 'DAMAGED').reduce((s, b) => s + Number(b.qty) * factor(b.sku), 0)
      return erpQty - wmsQty
    }
    const erpGap = (n: number) => Number(byLine.get(n)!.erpExpected) - Number(byLine.get(n)!.countedErpUnit)
    expect(erpGap(1)).toBeCloseTo(seededOffset(l1), 9) // posted pick: moved the ERP too
    expect(erpGap(2)).toBeCloseTo(seededOffset(l2) + 3 * factor(l2.sku), 9) // unposted ship: the ERP still holds it
    expect(byLine.get(3)).toMatchObject({cutoff: '0', moved: false}) // received after the count: not applied
    expect(rep.json.cutoff).toMatchObject({applied: 2, linesMoved: 2})
    const runs = cli(['runs', 'list', '--json'])
    expect(runs.json.runs.map((r: {job: string}) => r.job).sort()).toEqual(['count-report', 'count-sample'])
    expect(runs.json.runs.find((r: {job: string}) => r.job === 'count-sample').rowsRead.wms).toBeGreaterThan(36)
  })
})
