import type {ColumnReference, SourceReference} from '../config/references.js'
import type {ReconcileConfig} from './jobs-config.js'
import {msg} from '../systems/message.js'

type Expected = ColumnReference['expected']

/** Every table and column the reconcile jobs read, for `plantops systems audit` (schema drift, missing indexes). */
export function reconcileReferences(section: ReconcileConfig | undefined): SourceReference[] {
  if (!section) return []
  const out: SourceReference[] = []
  for (const [name, job] of Object.entries(section.jobs)) {
    for (const side of ['left', 'right'] as const) {
      const cfg = job[side]
      const base = `reconcile.jobs.${name}`
      const cols: ColumnReference[] = []
      const add = (column: string | undefined, configPath: string, expected: Expected, keyed = false) => {
        if (column !== undefined) cols.push({column, configPath, expected, ...(keyed ? {keyed} : {})})
      }
      job.link.keys.forEach((k, i) => add(k[side], `${base}.link.keys.${i}.${side}`, k.bucket ? 'date' : 'any', true))
      add(cfg.changedAt, `${base}.${side}.changedAt`, 'date')
      const status = side === 'right' ? job.link.rightStatus : job.link.leftOptional
      add(status?.column, `${base}.link.${side === 'right' ? 'rightStatus' : 'leftOptional'}.column`, 'text')
      for (const [f, c] of Object.entries(job.compare)) {
        add(c[side], `${base}.compare.${f}.${side}`, c.type === 'decimal' ? 'number' : c.type === 'date' ? 'date' : 'text')
        if (c.type === 'decimal') add(c.units?.[side], `${base}.compare.${f}.units.${side}`, 'text')
      }
      for (const c of Object.keys(cfg.filters)) add(c, `${base}.${side}.filters.${c}`, 'any', true)
      out.push({
        source: cfg.source,
        ...(cfg.table === undefined ? {query: cfg.query} : {table: cfg.table}),
        configPath: `${base}.${side}.${cfg.table === undefined ? 'query' : 'table'}`,
        columns: cols,
        purpose: msg('references.purpose.reconcileSide', {job: name, side: cfg.label ?? side}),
      })
    }
  }
  return out
}
