import v8 from 'node:v8'
import vm from 'node:vm'

/** V8's gc function: a full collection, or with `{type: 'minor'}` a young-generation one. */
type GcFunction = (options?: {type: 'minor' | 'major'}) => void

/**
 * One full garbage collection of this thread's heap, between the read phase and the reconcile. Measured at 2,000,000
 * rows: when the read finishes in a few seconds, V8 has not yet shrunk the main thread's heap limits after the idle
 * read (its memory reducer waits ~8 s), and the allocation-heavy reconcile then runs with a larger, slower-to-scavenge
 * heap: 6.0 s and 265 MB instead of 4.4 s and 234 MB. One explicit collection up front restores the lean heap.
 * Best effort: without access to `gc` it does nothing.
 */
export function collectGarbage(): void {
  const gc = gcFunction()
  if (gc === null) return
  // the young generation keeps its size: a full collection grows it (x2) when much survived since its last growth,
  // which an explicit one just after start-up always finds (bins plant, 2,000,000 keys/side: the main thread's young
  // generation went 16 -> 32 MB at the collection during the read, where the run peaks). The factor is read when the
  // space grows, so V8 may still grow it later (scavenges) as it would have. (V8's flags are process-wide, and Node
  // sets them again when a worker thread starts: the factor is set right before the collection, not once.)
  v8.setFlagsFromString('--semi-space-growth-factor=1')
  try {
    gc()
  } finally {
    v8.setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH}`)
  }
}

/** V8's default --semi-space-growth-factor (Node 18-22), restored after collectGarbage's collection. */
const SEMI_SPACE_GROWTH = 2

/**
 * A young-generation collection of this thread; a no-op without access to `gc`. For readers whose rows make little
 * garbage (the raw MySQL path: no object per row): each chunk a socket reads is external memory (64 KB) freed only when
 * its small JS object is collected, and a young generation that rarely fills collects it late. sources/raw-rows.ts
 * runs one per COLLECT_BYTES of chunks it frames.
 */
export function youngCollection(): void {
  gcFunction()?.({type: 'minor'})
}

let cached: GcFunction | null | undefined

/**
 * V8's `gc` for this thread (the global one when exposed, else taken from a context made while --expose-gc is set, which
 * leaves the global scope without it), or null where the runtime refuses. Looked up once per thread.
 */
function gcFunction(): GcFunction | null {
  if (cached !== undefined) return cached
  const global = (globalThis as {gc?: GcFunction}).gc
  if (typeof global === 'function') return (cached = global)
  try {
    v8.setFlagsFromString('--expose-gc')
    try {
      cached = vm.runInNewContext('gc') as GcFunction
    } finally {
      v8.setFlagsFromString('--no-expose-gc')
    }
  } catch {
    // not available on this runtime: collections are left to V8
    cached = null
  }
  return cached
}
