import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import {mergePartitions} from '../../src/lib/stock/merge.js'
import {KIND} from '../../src/lib/stock/read-sides.js'
import {partitionOf, Spill, sweepDeadSpills, tempDirError} from '../../src/lib/stock/spill.js'
import {mkdirSync, existsSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {tempDir} from '../helpers/cli.js'

const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', qty: 'q'}},
  wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', qty: 'q'}},
})

describe('the reconcile phase stays responsive (issue 15 item 14)', () => {
  it('lets timers and signal handlers run while partitions are reconciled', async () => {
    const spill = new Spill({partitions: 256})
    try {
      for (let i = 0; i < 200_000; i++) {
        const item = `I${i}`
        const p = partitionOf(item, 256)
        spill.write(KIND.erp, p, `${item}\tW\tL\t\t${i % 97}`)
        spill.write(KIND.wms, p, `${item}\tW\tL\t\t${i % 89}\t\t`)
      }
      spill.flush()
      let ticks = 0
      const timer = setInterval(() => ticks++, 1)
      const t0 = performance.now()
      const share = await mergePartitions(spill, {cfg, classes: [], today: '2026-12-02', showCost: false, all: false, onlyNew: false})
      const ms = performance.now() - t0
      clearInterval(timer)
      expect(share.totals.keys.match + share.totals.keys.over_tolerance).toBe(200_000)
      // the loop lets the event loop run (before: not once in the whole reconcile phase); no timing asserted (shared CI)
      expect(ms).toBeGreaterThan(100)
      expect(ticks, `${ms} ms`).toBeGreaterThanOrEqual(2)
    } finally {
      spill.dispose()
    }
  })
})

describe('spill directories (issue 15 item 8)', () => {
  it('are swept when their process is dead, kept when alive', () => {
    const base = tempDir('pt-sweep-')
    const dead = path.join(base, 'plantops-stock-999999-aaaaaa')
    const mine = path.join(base, `plantops-stock-${process.pid}-bbbbbb`)
    const parent = path.join(base, `plantops-stock-${process.ppid}-cccccc`)
    for (const d of [dead, mine, parent]) mkdirSync(d)
    expect(sweepDeadSpills(base)).toEqual([dead])
    expect(existsSync(mine) && existsSync(parent)).toBe(true)
    const s = new Spill({partitions: 2, tempDir: base})
    expect(path.basename(s.dir)).toMatch(new RegExp(`^plantops-stock-${process.pid}-`))
    s.dispose()
    expect(readdirSync(base).sort()).toEqual([path.basename(mine), path.basename(parent)].sort())
  })

  it('say that the temporary directory is full, not the source', () => {
    const e = tempDirError('/var/tmp/x', Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})) as any
    expect(e.message).toBe('no space left in the temporary directory /var/tmp/x (stock.tempDir) for the partition files')
    expect(e.code).toBe('TEMP_DIR_FULL')
    expect(e.hints[0]).toMatch(/stock.tempDir/)
    expect(e.message).not.toMatch(/source/)
  })
})
