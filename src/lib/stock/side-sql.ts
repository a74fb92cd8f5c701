/** Moved to the reconcile engine: `src/lib/reconcile/side-read.ts` (kept here so existing imports compile). */
export * from '../reconcile/side-read.js'
