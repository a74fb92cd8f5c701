import type {FlowConfig, FlowMode, SystemConfig, SystemRole, SystemsConfig} from '../config.js'

export type Health = 'ok' | 'warning' | 'critical'

export interface MapSystem {
  id: string
  name: string
  role: SystemRole
  product: string | null
  owner: string | null
  source: string | null
  masters: string[]
  /** From the latest audit; null when never audited (no source, or no audit yet). */
  health: Health | null
}

export interface MapFlow {
  /** Position in systems.flows (config path systems.flows.<index>). */
  index: number
  from: string
  to: string
  entity: string
  mode: FlowMode
  frequency: string | null
  mapping: string | null
  manual: boolean
  people: number | null
  rekeyingsPerDay: number | null
  minutesEach: number | null
  /** Worst health of the two ends that were audited; null when neither was. */
  health: Health | null
}

export interface SystemMap {
  systems: MapSystem[]
  flows: MapFlow[]
  /** Processes across entities (systems.journeys). */
  journeys: Array<{name: string; entities: string[]}>
}

/** Entity names as people write them ("Sales Orders", "sales_order") compare equal. */
export function normaliseEntity(name: string): string {
  let s = name.trim().toLowerCase().replace(/[\s_]+/g, '-')
  if (/[^s]s$/.test(s) && !/(us|is)$/.test(s) && s.length > 3) s = s.slice(0, -1)
  return s
}

const RANK: Record<Health, number> = {ok: 0, warning: 1, critical: 2}

export function worstHealth(list: Array<Health | null | undefined>): Health | null {
  let worst: Health | null = null
  for (const h of list) if (h && (worst === null || RANK[h] > RANK[worst])) worst = h
  return worst
}

/** The map as the renderers see it, with each audited system's health. */
/**
 * Health per plantops section (stock, orders, count) from audit findings whose config path lies in it: a flow whose
 * `mapping` names that section shows it (e.g. a dropped column in the stock mapping turns the WMS → ERP stock flow red).
 */
export function sectionHealth(findings: Array<{severity: string; configPath: string | null}>): Record<string, Health> {
  const out: Record<string, Health> = {}
  for (const f of findings) {
    const section = f.configPath?.split('.')[0]
    if (!section || section === 'sources' || section === 'systems') continue
    const h: Health | null = f.severity === 'critical' ? 'critical' : f.severity === 'warning' ? 'warning' : null
    out[section] = worstHealth([out[section], h ?? 'ok']) as Health
  }
  return out
}

export function buildSystemMap(section: SystemsConfig, health: Record<string, Health> = {}, mappingHealth: Record<string, Health> = {}): SystemMap {
  const systems = Object.entries(section.systems).map(([id, s]: [string, SystemConfig]) => ({
    id,
    name: s.name ?? id,
    role: s.role,
    product: [s.vendor, s.product].filter(Boolean).join(' ') || null,
    owner: s.owner ?? null,
    source: s.source ?? null,
    masters: s.masters,
    health: health[id] ?? null,
  }))
  const flows = section.flows.map((f: FlowConfig, index) => ({
    index,
    from: f.from,
    to: f.to,
    entity: f.entity,
    mode: f.mode,
    frequency: f.frequency ?? null,
    mapping: f.mapping ?? null,
    manual: f.mode === 'manual',
    people: f.people ?? null,
    rekeyingsPerDay: f.rekeyingsPerDay ?? null,
    minutesEach: f.minutesEach ?? null,
    health: worstHealth([health[f.from], health[f.to], f.mapping ? mappingHealth[f.mapping] : null]),
  }))
  return {systems, flows, journeys: section.journeys.map((j) => ({name: j.name, entities: j.entities}))}
}
