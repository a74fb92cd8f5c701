import {SourceError} from '../cli/errors.js'
import type {Source} from './source.js'

/** A replica read although it lagged more than its maxLagSeconds (--allow-stale); lag null: unknown. */
export interface StaleSource {
  source: string
  lagSeconds: number | null
  maxLagSeconds: number
}

/**
 * The lag guard every reconcile job runs before reading anything (stock diff, `reconcile run`): open each source the
 * job reads, ask its replica status, and refuse (SourceError, exit 3, the source named) when a replica is further
 * behind than its maxLagSeconds or its lag is unknown, unless the run allows stale data (then a warning).
 * Returns the opened sources and each one's lag (null: not a replica, or unknown).
 */
export async function checkReplicaLag(
  names: string[],
  open: (name: string) => Promise<Source>,
  opts: {allowStale?: boolean; warn: (message: string) => void},
): Promise<{sources: Map<string, Source>; lag: Map<string, number | null>; stale: StaleSource[]}> {
  const sources = new Map<string, Source>()
  const lag = new Map<string, number | null>()
  const stale: StaleSource[] = []
  for (const name of names) {
    const src = await open(name)
    sources.set(name, src)
    const st = await src.replicaStatus()
    lag.set(name, st.lagSeconds)
    if (!st.isReplica) continue
    const max = src.config.maxLagSeconds
    if (st.lagSeconds !== null && st.lagSeconds <= max) continue
    const what = st.lagSeconds === null ? `replication lag is unknown (${st.note ?? 'replication stopped?'})` : `replica is ${st.lagSeconds} s behind (maxLagSeconds ${max})`
    if (!opts.allowStale) {
      throw new SourceError(name, `${what}; refusing to reconcile stale data`, {
        code: 'SOURCE_STALE',
        hints: ['Wait for the replica to catch up, or run with --allow-stale to reconcile anyway (the report will say it is stale).'],
      })
    }
    opts.warn(`source "${name}": ${what}; reconciling anyway (--allow-stale)`)
    stale.push({source: name, lagSeconds: st.lagSeconds, maxLagSeconds: max})
  }
  return {sources, lag, stale}
}
