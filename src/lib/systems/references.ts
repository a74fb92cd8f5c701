import type {SourceReference} from '../config/references.js'
import type {SystemsConfig} from './config.js'

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
      purpose: `freshness probe of system "${id}" (SELECT MAX(${sys.updatedAt.column}))`,
    })
  }
  return refs
}
