/**
 * The merge threads of a large stock diff (issue 14): started ahead (during the read), given the whole spill once it
 * is complete; the main thread reconciles nothing, or (mid-sized runs: mainMerges) claims partitions beside one. Run from the built code (worker threads load dist/), like
 * merge-parts.test.ts: skipped when dist/ is absent (`npm test` builds first).
 */
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {stockConfigSchema} from '../../src/lib/stock/config.js'
import type {MergeSettings} from '../../src/lib/stock/merge.js'
import {KIND} from '../../src/lib/stock/read-sides.js'
import {partitionOf, type Spill} from '../../src/lib/stock/spill.js'
import {tempDir} from '../helpers/cli.js'

const dist = (file: string) => path.resolve(import.meta.dirname, '../../dist/lib/stock', file)
const built = existsSync(dist('merge-worker.js'))

async function load() {
  return {
    merge: (await import(dist('merge.js'))) as typeof import('../../src/lib/stock/merge.js'),
    spill: (await import(dist('spill.js'))) as typeof import('../../src/lib/stock/spill.js'),
    sorted: (await import(dist('sorted-rows.js'))) as typeof import('../../src/lib/stock/sorted-rows.js'),
  }
}

const cfg = stockConfigSchema.parse({
  erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q'}},
  wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', lot: 'l', qty: 'q'}},
  tolerance: {default: {pct: '1'}},
})
const settings = (all = false): MergeSettings => ({cfg, classes: [], today: '2026-12-03', showCost: false, all, onlyNew: false})

/** Keys with matches, quantity variances, one-sided keys and code formats across partitions. */
function plant(spill: Spill, n: number): void {
  const P = spill.partitions
  for (let i = 0; i < n; i++) {
    const item = `I${i}`
    const p = partitionOf(item, P)
    spill.write(KIND.erp, p, `${item}\tW${i % 3}\tL1\t\t${(i % 97) + 1}`)
    if (i % 40 === 1) continue
    spill.write(KIND.wms, p, `${item}\tW${i % 3}\tL1\t\t${(i % 97) + 1 + (i % 40 === 2 ? 5 : 0)}\t\t`)
  }
  for (let i = 0; i < n / 200; i++) {
    spill.write(KIND.erp, partitionOf(`CF${i}`, P), `CF${i}\tW1\tL1\t\t7`)
    spill.write(KIND.wms, partitionOf(`cf${i}`, P), `cf${i}\tW1\tL1\t\t7\tCF${i}\t`)
  }
  spill.flush()
}

describe.skipIf(!built)('merge threads (built worker)', () => {
  it.each([false, true])('give the answer of one thread, --all rows in partition order, progress for every partition (this thread merging too: %s)', async (mainToo) => {
    const {merge, spill: S, sorted} = await load()
    const dirs: string[] = []
    const newDir = () => {
      const d = S.createSpillDir()
      dirs.push(d)
      return d
    }
    const one = new S.Spill({partitions: 96})
    const two = new S.Spill({partitions: 96})
    try {
      plant(one as unknown as Spill, 50_000)
      plant(two as unknown as Spill, 50_000)
      const single = await merge.mergePartitions(one, settings(true))
      const singleRows = [...sorted.mergeSortedRows(one)]
      // one thread started ahead, the other when the work is given (as stock diff does)
      const threads = merge.MergeThreads.start(1)!
      let progress = 0
      const par = await merge.reconcileSpill(two, settings(true), {parallel: true, rows: 0, newDir, threads, onPartition: () => progress++, mainToo})
      expect(par.threads).toBe(2)
      expect(progress).toBe(96)
      expect(par.share.totals).toEqual(single.totals)
      expect([...merge.varianceRows(two, par.rowKinds, par.share)]).toEqual(single.variances)
      expect(par.share.figures).toEqual(single.figures)
      expect([...par.share.patched]).toEqual([...single.patched])
      expect(par.rowKinds).toEqual(mainToo ? ['r', 'r1'] : ['r1', 'r2'])
      const rows = [...sorted.mergeSortedRows(two, par.rowKinds)]
      expect(rows.length).toBe(singleRows.length)
      expect(rows).toEqual(singleRows)
      expect(single.totals.causes.code_format).toBeGreaterThan(0)
    } finally {
      one.dispose()
      two.dispose()
      for (const d of dirs) S.removeSpillDir(d)
    }
  }, 120_000)

  it.each([true, false])('keys that do not line up stop every thread early, with the sample\'s figures (threads: %s)', async (parallel) => {
    const {merge, spill: S} = await load()
    const dirs: string[] = []
    const newDir = () => {
      const d = S.createSpillDir()
      dirs.push(d)
      return d
    }
    const P = 200
    // 60,000 ERP items and 60,000 WMS SKUs: 1 in 100 (by item number) lines up, 1% of the 119,400 keys
    const fill = (spill: Spill) => {
      for (let i = 0; i < 60_000; i++) {
        const item = `I${i}`
        spill.write(KIND.erp, partitionOf(item, P), `${item}\tW1\tL1\t\t5`)
        const sku = i % 100 === 0 ? item : `J${i}`
        spill.write(KIND.wms, partitionOf(sku, P), `${sku}\tW1\tL1\t\t5\t\t`)
      }
      spill.flush()
      return spill
    }
    const spill = fill(new S.Spill({partitions: P}) as unknown as Spill)
    const again = fill(new S.Spill({partitions: P}) as unknown as Spill)
    try {
      const s = {...settings(), minMatchRatio: 0.05}
      const threads = parallel ? merge.MergeThreads.start(2) : null
      let progress = 0
      const r = await merge.reconcileSpill(spill, s, {parallel, rows: 120_000, newDir, threads, onPartition: () => progress++})
      expect(r.early).not.toBeNull()
      const early = r.early!
      expect(early.partitions).toBe(P)
      expect(early.done).toBeGreaterThanOrEqual(merge.EARLY_MIN_PARTITIONS)
      expect(early.keys).toBeGreaterThanOrEqual(merge.EARLY_MIN_KEYS)
      // stopped well before the end: what was reconciled is what the share holds
      expect(early.done).toBeLessThan(P / 2)
      const t = r.share.totals.keys
      expect(t.match + t.within_tolerance + t.over_tolerance + t.only_in_erp + t.only_in_wms).toBe(early.keys)
      expect(t.match).toBe(early.paired)
      expect(early.paired / early.keys).toBeLessThan(0.025)
      expect(r.share.figures.variances).toBe(early.keys - early.paired)
      expect([...merge.varianceRows(spill, r.rowKinds, r.share)].length).toBe(early.keys - early.paired)
      // the same plant with the check off reconciles every key
      const all = await merge.reconcileSpill(again, {...s, minMatchRatio: 0}, {parallel, rows: 120_000, newDir, threads: parallel ? merge.MergeThreads.start(2) : null})
      expect(all.early).toBeNull()
      expect(all.share.totals.keys).toMatchObject({match: 600, only_in_erp: 59_400, only_in_wms: 59_400})
    } finally {
      spill.dispose()
      again.dispose()
      for (const d of dirs) S.removeSpillDir(d)
    }
  }, 120_000)

  it('linesUpFarBelow: only past the three minimums, below half the ratio, and never with the ratio 0', async () => {
    const {merge} = await load()
    const far = (ratio: number, done: number, keys: number, paired: number, items = 1000) => merge.linesUpFarBelow(ratio, {done, keys, paired, items})
    expect([merge.EARLY_MIN_PARTITIONS, merge.EARLY_MIN_KEYS, merge.EARLY_MIN_ITEMS]).toEqual([8, 20_000, 1000])
    expect(far(0.05, 8, 20_000, 499)).toBe(true)
    expect(far(0.05, 8, 20_000, 500)).toBe(false)
    expect(far(0.05, 7, 20_000, 0)).toBe(false)
    expect(far(0.05, 8, 19_999, 0)).toBe(false)
    // many lots of few items: not a sample of the items
    expect(far(0.05, 8, 20_000, 0, 999)).toBe(false)
    expect(far(0, 1000, 1_000_000, 0)).toBe(false)
  })

  it('an error in one merge thread fails the run with its message and stops the other', async () => {
    const {merge, spill: S} = await load()
    const dirs: string[] = []
    const spill = new S.Spill({partitions: 16})
    try {
      plant(spill as unknown as Spill, 2000)
      // the threads open the spill files by name: a file gone under them is an error in each thread
      const index = spill.exportIndex()
      rmSync(index.kinds[0].file)
      const threads = merge.MergeThreads.start(2)!
      const run = threads.run(spill, settings(), {newDir: () => (dirs.push(S.createSpillDir()), dirs.at(-1)!)})
      await expect(run).rejects.toThrow(/ENOENT/)
      // stopped: a second run is refused rather than left waiting for threads that are gone
      await expect(threads.run(spill, settings(), {newDir: () => S.createSpillDir()})).rejects.toThrow(/stopped/)
    } finally {
      spill.dispose()
      for (const d of dirs) S.removeSpillDir(d)
    }
  }, 60_000)

  it('a merge thread out of heap ends the run as WORKER_OUT_OF_MEMORY (exit 70), not a hang', async () => {
    const {merge, spill: S} = await load()
    const dirs: string[] = []
    // two partitions of 150,000 keys each: far more than a 12 MB old generation holds
    const spill = new S.Spill({partitions: 2})
    try {
      plant(spill as unknown as Spill, 300_000)
      const threads = merge.MergeThreads.start(2, {maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 12})!
      const error = (await threads.run(spill, settings(), {newDir: () => (dirs.push(S.createSpillDir()), dirs.at(-1)!)}).then(
        () => ({message: 'finished'}),
        (e: unknown) => e,
      )) as {code?: string; exitCode?: number; message: string}
      expect(error).toMatchObject({code: 'WORKER_OUT_OF_MEMORY', exitCode: 70})
      expect(error.message).toMatch(/12/)
    } finally {
      spill.dispose()
      for (const d of dirs) S.removeSpillDir(d)
    }
  }, 120_000)

  it('idle merge threads do not keep the process alive; SIGTERM during the merge exits at once and leaves no spill', async () => {
    const base = tempDir('pt-merge-sig-')
    const script = path.join(base, 'child.mjs')
    // the child handles SIGTERM as the CLI does (base-command: process.exit), while its merge threads work
    writeFileSync(
      script,
      `
import {MergeThreads} from ${JSON.stringify(dist('merge.js'))}
import {Spill, createSpillDir, partitionOf} from ${JSON.stringify(dist('spill.js'))}
import {stockConfigSchema} from ${JSON.stringify(dist('config.js'))}
import {KIND} from ${JSON.stringify(dist('read-sides.js'))}
const mode = process.argv[2]
const base = process.argv[3]
if (mode === 'idle') {
  MergeThreads.start(2)
  process.stdout.write('idle\\n')
} else {
  process.once('SIGTERM', () => process.exit(130))
  const cfg = stockConfigSchema.parse({erp: {source: 'erp', table: 's', columns: {item: 'i', warehouse: 'w', qty: 'q'}}, wms: {source: 'wms', table: 'b', columns: {item: 'i', warehouse: 'w', qty: 'q'}}})
  const spill = new Spill({partitions: 512, tempDir: base})
  for (let i = 0; i < 600000; i++) {
    const p = partitionOf('I' + i, 512)
    spill.write(KIND.erp, p, 'I' + i + '\\tW\\t\\t\\t' + (i % 97))
    spill.write(KIND.wms, p, 'I' + i + '\\tW\\t\\t\\t' + (i % 89) + '\\t\\t')
  }
  spill.flush()
  const threads = MergeThreads.start(2)
  let said = false
  await threads.run(spill, {cfg, classes: [], today: '2026-12-03', showCost: false, all: true, onlyNew: false}, {
    newDir: () => createSpillDir(base),
    onPartition: () => { if (!said) { said = true; process.stdout.write('merging\\n') } },
  })
  process.stdout.write('finished\\n')
}
`,
    )
    const run = (mode: string) => {
      const child = spawn(process.execPath, [script, mode, base])
      let out = ''
      child.stdout.on('data', (d) => (out += String(d)))
      const exited = new Promise<{code: number | null; at: number}>((resolve) => child.on('exit', (code) => resolve({code, at: Date.now()})))
      return {child, exited, out: () => out}
    }
    try {
      const idle = run('idle')
      const done = await idle.exited
      expect(idle.out()).toBe('idle\n')
      expect(done.code).toBe(0)

      const busy = run('merge')
      for (let i = 0; i < 1200 && !busy.out().includes('merging') && busy.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50))
      expect(busy.out()).toContain('merging')
      const sent = Date.now()
      busy.child.kill('SIGTERM')
      const {code, at} = await busy.exited
      if (busy.out().includes('finished')) return // the merge ended before the signal on a fast machine
      expect(code).toBe(130)
      expect(at - sent).toBeLessThan(2000)
      // the spill and the threads' --all directories go with the process (Spill's exit hook)
      expect(readdirSync(base).filter((n) => n.startsWith('plantops-stock-'))).toEqual([])
    } finally {
      rmSync(base, {recursive: true, force: true})
    }
  }, 120_000)
})

describe('partitions scaled with the larger side (plan.ts partitionsFor)', () => {
  it('keeps 1,024 up to ~3.7M rows, then one per ~3,600 rows in steps of 256, at most 4,096', async () => {
    const {partitionsFor} = await import('../../src/lib/stock/plan.js')
    expect(partitionsFor(0)).toBe(1024)
    expect(partitionsFor(293_349)).toBe(1024)
    expect(partitionsFor(2_933_927)).toBe(1024)
    expect(partitionsFor(7_350_340)).toBe(2048)
    expect(partitionsFor(10_000_000)).toBe(2816)
    expect(partitionsFor(1e9)).toBe(4096)
  })

  it('lets the main thread merge too only while the default partitions hold the larger side (mainMerges)', async () => {
    const {MIN_PARTITIONS, ROWS_PER_PARTITION} = await import('../../src/lib/stock/plan.js')
    const {mainMerges} = await import('../../src/lib/stock/merge.js')
    expect(mainMerges(2_400_000, MIN_PARTITIONS, ROWS_PER_PARTITION)).toBe(true)
    expect(mainMerges(MIN_PARTITIONS * ROWS_PER_PARTITION - 1, MIN_PARTITIONS, ROWS_PER_PARTITION)).toBe(true)
    expect(mainMerges(MIN_PARTITIONS * ROWS_PER_PARTITION, MIN_PARTITIONS, ROWS_PER_PARTITION)).toBe(false)
    expect(mainMerges(6_000_000, MIN_PARTITIONS, ROWS_PER_PARTITION)).toBe(false)
  })

  it('starts the merge threads during the read only once a side is read and the rows are many (startsMergeThreads)', async () => {
    const {PARALLEL_MIN_ROWS, startsMergeThreads} = await import('../../src/lib/stock/merge.js')
    // both sides still being read: the two cores are the readers' and the server's, whatever the rows
    expect(startsMergeThreads(0, 5_000_000)).toBe(false)
    // a side is done: its core is free, once the run is known to be large
    expect(startsMergeThreads(1, PARALLEL_MIN_ROWS - 1)).toBe(false)
    expect(startsMergeThreads(1, PARALLEL_MIN_ROWS)).toBe(true)
    expect(startsMergeThreads(2, 3_000_000)).toBe(true)
  })
})
