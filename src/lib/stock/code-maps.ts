/** Moved to the reconcile engine: `src/lib/reconcile/mapping.ts` (kept here so existing imports compile). */
export * from '../reconcile/mapping.js'
