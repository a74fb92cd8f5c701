import type {SourceReference} from '../config/references.js'
import type {PlantopsConfig} from '../config/schema.js'
import {english, msg, TEXT, withText, type Msg} from './message.js'
import {systemsReferences} from './references.js'

/** The capability sections whose mappings read sources. Each exports `<area>References(section)` from its references.ts. */
export const REFERENCING_AREAS = ['stock', 'orders', 'count', 'systems', 'reconcile'] as const
export type ReferencingArea = (typeof REFERENCING_AREAS)[number]

/** A configured area whose mappings the audit could not check: `reason` in English (JSON), [TEXT] for the operator. */
export interface SkippedArea<A extends string = ReferencingArea> {
  area: A
  reason: string
  [TEXT]?: Msg
}

function skippedArea(area: ReferencingArea, reason: Msg): SkippedArea {
  return withText<SkippedArea>({area, reason: english(reason)}, reason)
}

export interface CollectedReferences {
  references: SourceReference[]
  /** Areas configured in plantops.yaml whose references could not be collected (module missing or it threw). */
  skipped: SkippedArea[]
}

type ReferencesFn = (section: unknown, config: Pick<PlantopsConfig, ReferencingArea>) => SourceReference[]

/** Load one area's references function; undefined when that area has not shipped one (yet). */
async function loadAreaFunction(area: ReferencingArea): Promise<ReferencesFn | undefined> {
  if (area === 'systems') return systemsReferences as ReferencesFn
  // A computed specifier: an area that has not shipped references.ts must not break the build or the audit. It is
  // written in the import itself so that the CLI bundle (scripts/bundle.mjs) includes every area's references.js.
  try {
    const mod = (await import(/* @vite-ignore */ `../${area}/references.js`)) as Record<string, unknown>
    const fn = mod[`${area}References`]
    return typeof fn === 'function' ? (fn as ReferencesFn) : undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND') return undefined
    throw error
  }
}

/**
 * Every table and column any plantops mapping names, across all configured sections (stock, orders, count, systems).
 * An unconfigured section contributes nothing; a configured one whose area has no references module is listed in
 * `skipped` so the audit can say its mappings were not checked.
 */
export async function collectReferences(config: Pick<PlantopsConfig, ReferencingArea>, load: (area: ReferencingArea) => Promise<ReferencesFn | undefined> = loadAreaFunction): Promise<CollectedReferences> {
  const references: SourceReference[] = []
  const skipped: CollectedReferences['skipped'] = []
  for (const area of REFERENCING_AREAS) {
    const section = config[area]
    if (section === undefined) continue
    let fn: ReferencesFn | undefined
    try {
      fn = await load(area)
    } catch (error) {
      skipped.push(skippedArea(area, msg('audit.skipped.loadFailed', {error: (error as Error).message})))
      continue
    }
    if (!fn) {
      skipped.push(skippedArea(area, msg('audit.skipped.noReferences', {area})))
      continue
    }
    try {
      references.push(...fn(section, config))
    } catch (error) {
      skipped.push(skippedArea(area, msg('audit.skipped.failed', {error: (error as Error).message})))
    }
  }
  return {references, skipped}
}
