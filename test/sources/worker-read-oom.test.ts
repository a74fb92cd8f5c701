import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {isPlantopsError} from '../../src/lib/cli/errors.js'
import {runReadWorker} from '../../src/lib/sources/worker-read.js'
import {STOCK_READER_HEAP} from '../../src/lib/stock/read.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-oom-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** A worker that keeps everything it allocates: it can only end at its heap limit. */
const hog = path.join(dir, 'hog.mjs')
writeFileSync(hog, "const keep = []\nfor (;;) keep.push(new Array(1000).fill(0).map((_, i) => ({i, s: 'x' + i})))\n")
/** A worker that answers at once. */
const quick = path.join(dir, 'quick.mjs')
writeFileSync(quick, "import {parentPort} from 'node:worker_threads'\nparentPort.postMessage({type: 'done', result: 42})\n")

describe('reader threads with a bounded heap', () => {
  it('a thread that reaches its heap limit ends the read as WORKER_OUT_OF_MEMORY (exit 70, naming the limit), not a hang', async () => {
    const error = await runReadWorker(hog, 'task', {}, () => {}, [], {maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4}).then(
      () => null,
      (e: unknown) => e,
    )
    expect(isPlantopsError(error)).toBe(true)
    expect(error).toMatchObject({code: 'WORKER_OUT_OF_MEMORY', exitCode: 70})
    expect((error as Error).message).toContain('16 MB')
    expect((error as {hints: string[]}).hints[0]).toMatch(/report/)
  })

  it('the stock readers run under their bound (small young generation, old generation capped far above their live data)', async () => {
    expect(STOCK_READER_HEAP.maxYoungGenerationSizeMb).toBeLessThanOrEqual(8)
    expect(STOCK_READER_HEAP.maxOldGenerationSizeMb).toBeGreaterThanOrEqual(512)
    await expect(runReadWorker(quick, 'task', {}, () => {}, [], STOCK_READER_HEAP)).resolves.toBe(42)
  })
})
