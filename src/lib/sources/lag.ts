import {SourceError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {Source} from './source.js'

/** A replica read although it lagged more than its maxLagSeconds (--allow-stale); lag null: unknown. */
export interface StaleSource {
  source: string
  lagSeconds: number | null
  maxLagSeconds: number
}

/** A warning or error of the lag guard: its catalog key and variables (so a caller can also keep it in English). */
export interface LagMessage {
  key: string
  vars: Record<string, unknown>
}

/**
 * The lag guard every reconcile job runs before reading anything (stock diff, `reconcile run`): open each source the
 * job reads, ask its replica status, and refuse (SourceError, exit 3, the source named) when a replica is further
 * behind than its maxLagSeconds or its lag is unknown, unless the run allows stale data (then a warning).
 * Returns the opened sources and each one's lag (null: not a replica, or unknown).
 * Words come from the catalogs (section `lag`) in the language in force; `warn` also gets the key and variables.
 */
export async function checkReplicaLag(
  names: string[],
  open: (name: string) => Promise<Source>,
  opts: {allowStale?: boolean; warn: (message: string, keyed: LagMessage) => void},
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
    // one key per case (lag known; unknown with or without the source's note), so the words need no runtime choice
    const [what, vars] = st.lagSeconds !== null ? (['behind', {source: name, lag: st.lagSeconds, max}] as const) : st.note ? (['unknownWhy', {source: name, note: st.note}] as const) : (['unknown', {source: name}] as const)
    if (!opts.allowStale) {
      throw new SourceError(name, t('lag.refused', {what: t(`lag.what.${what}`, vars)}), {code: 'SOURCE_STALE', hints: [t('lag.refusedHint')]}) // i18n-dynamic: lag.what.*
    }
    const key = `lag.warn.${what}` // i18n-dynamic: lag.warn.*
    opts.warn(t(key, vars), {key, vars})
    stale.push({source: name, lagSeconds: st.lagSeconds, maxLagSeconds: max})
  }
  return {sources, lag, stale}
}
