/**
 * A Map that forgets everything once it holds `max` entries: the per-distinct-value caches of the hot paths (codes
 * read from a source, a sheet's cell values, date serials) stay bounded in memory whatever the number of distinct
 * values. `remember(key, value)` stores and returns the value, so a lookup reads `m.get(k) ?? m.remember(k, make(k))`
 * without a closure per row. Values must not be undefined (a cached undefined reads as a miss).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly max = 4096) {
    super()
  }

  remember(key: K, value: V): V {
    if (this.size >= this.max) this.clear()
    this.set(key, value)
    return value
  }
}
