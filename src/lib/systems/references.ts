import type {SourceReference} from '../config/references.js'
import type {SystemsConfig} from './config.js'
import {msg} from './message.js'

/**
 * What the systems section reads from the sources: each system's freshness column (`updatedAt`).
 * `MAX(column)` is cheap only with an index, so the column is `keyed`.
 */
export function systemsReferences(section: SystemsConfig | undefined): SourceReference[] {
  if (!section) return []
  const refs: SourceReference[] = []
  for (const [id, sys] of Object.entries(section.systems)) {
    if (!sys.source || !sys.updatedAt) continue
    const base = `systems.systems.${id}.updatedAt`
    refs.push({
      source: sys.source,
      table: sys.updatedAt.table,
      configPath: `${base}.table`,
      columns: [{column: sys.updatedAt.column, configPath: `${base}.column`, expected: 'date', keyed: true}],
      purpose: msg('references.purpose.systemsFreshness', {system: id, column: sys.updatedAt.column}),
    })
  }
  return refs
}
