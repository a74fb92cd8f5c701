/** Moved to the reconcile engine: `src/lib/reconcile/mapping.ts` (kept for the reconcile jobs' imports, src/lib/reconcile/job-*.ts; nothing else uses it). */
export * from '../reconcile/mapping.js'
