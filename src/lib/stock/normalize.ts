/** Moved to the reconcile engine: `src/lib/reconcile/keys.ts` (kept here so existing imports compile). */
export * from '../reconcile/keys.js'
