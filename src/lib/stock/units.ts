/** Moved to the reconcile engine: `src/lib/reconcile/units.ts` (kept here so existing imports compile). */
export * from '../reconcile/units.js'
