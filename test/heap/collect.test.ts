import {constants, PerformanceObserver} from 'node:perf_hooks'

import {expect, it} from 'vitest'

import {collectGarbage, youngCollection} from '../../src/lib/heap/collect.js'

/** The kinds of the collections `fn` ran in this thread (as perf_hooks reports them). */
async function collections(fn: () => Promise<void> | void): Promise<number[]> {
  const kinds: number[] = []
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) kinds.push((e as unknown as {detail: {kind: number}}).detail.kind)
  })
  obs.observe({entryTypes: ['gc']})
  await fn()
  // gc entries are delivered asynchronously
  await new Promise((resolve) => setTimeout(resolve, 50))
  obs.disconnect()
  return kinds
}

it('youngCollection runs a young-generation collection each call, and collectGarbage a full one', async () => {
  const kinds = await collections(() => {
    youngCollection()
    youngCollection()
  })
  expect(kinds.filter((k) => k === constants.NODE_PERFORMANCE_GC_MINOR).length).toBeGreaterThanOrEqual(2)
  expect(await collections(() => collectGarbage())).toContain(constants.NODE_PERFORMANCE_GC_MAJOR)
  // gc is not left exposed to this thread's global scope
  expect((globalThis as {gc?: unknown}).gc).toBeUndefined()
})
