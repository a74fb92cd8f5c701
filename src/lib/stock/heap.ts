/**
 * One full garbage collection of this thread's heap, between the read phase and the reconcile. Measured at 2,000,000
 * rows: when the read finishes in a few seconds, V8 has not yet shrunk the main thread's heap limits after the idle
 * read (its memory reducer waits ~8 s), and the allocation-heavy reconcile then runs with a larger, slower-to-scavenge
 * heap: 6.0 s and 265 MB instead of 4.4 s and 234 MB. One explicit collection up front restores the lean heap.
 * Best effort: without access to `gc` it does nothing.
 */
export async function collectGarbage(): Promise<void> {
  try {
    const v8 = await import('node:v8')
    const gc = await gcFunction()
    // the young generation keeps its size: a full collection grows it (x2) when much survived since its last growth,
    // which an explicit one just after start-up always finds (bins plant, 2,000,000 keys/side: the main thread's young
    // generation went 16 -> 32 MB at the collection during the read, where the run peaks). The factor is read when the
    // space grows, so V8 may still grow it later (scavenges) as it would have.
    v8.setFlagsFromString(`--semi-space-growth-factor=1`)
    try {
      gc()
    } finally {
      v8.setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH}`)
    }
  } catch {
    // not available on this runtime: the reconcile only runs a little slower
  }
}

/** V8's default --semi-space-growth-factor (Node 18-22), restored after collectGarbage's collection. */
const SEMI_SPACE_GROWTH = 2

/**
 * A young-generation collection of this thread, as a function (null without access to `gc`), for a reader thread
 * whose rows make little garbage (the raw path: no object per row). Each chunk the socket reads is external memory
 * (64 KB) freed only when its small JS object is collected, and a young generation that rarely fills collects it late:
 * at 2,000,000 keys/side the ERP reader held up to 30 MB of them, and V8 ran 7-8 full collections for that external
 * memory. With a scavenge every 131,072 rows (read-worker.ts) the reader's external memory goes up and down between
 * ~9 and ~19 MB, its full collections are 3, and its collections take about as long in all as before (traced: 94-227
 * ms against 106-228 ms).
 */
export async function minorCollector(): Promise<(() => void) | null> {
  try {
    const gc = await gcFunction()
    return () => gc({type: 'minor'})
  } catch {
    return null
  }
}

/** V8's `gc` (the global one when exposed, else taken from a context made while --expose-gc is set); throws without it. */
async function gcFunction(): Promise<(options?: {type: 'minor' | 'major'}) => void> {
  const gc = (globalThis as {gc?: (options?: {type: 'minor' | 'major'}) => void}).gc
  if (typeof gc === 'function') return gc
  const v8 = await import('node:v8')
  const vm = await import('node:vm')
  v8.setFlagsFromString('--expose-gc')
  try {
    return vm.runInNewContext('gc') as (options?: {type: 'minor' | 'major'}) => void
  } finally {
    v8.setFlagsFromString('--no-expose-gc')
  }
}

/**
 * The reader side's use of minorCollector: called on each row count a stock read reports (every 16,384 rows), it runs a
 * young-generation collection every 8th (131,072 rows); a no-op without access to `gc`. One rule for the reader thread
 * (read-worker.ts) and the side read in the main thread (read.ts).
 */
export async function rowCountCollector(): Promise<() => void> {
  const minor = await minorCollector()
  if (minor === null) return () => {}
  let counts = 0
  return () => {
    if ((++counts & 7) === 0) minor()
  }
}
