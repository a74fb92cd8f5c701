import {normaliseEntity, type SystemMap} from './model.js'

export interface EntityPath {
  entity: string
  /** Flows carrying the entity, in path order (from where it enters to where it ends). */
  steps: Array<{from: string; to: string; mode: string; flowIndex: number}>
  /** Systems in path order. */
  route: string[]
  manualSteps: number
  rekeyingsPerDay: number
  people: number
  /** Estimated hours of re-keying per day, where minutesEach is configured. */
  hoursPerDay: number | null
}

export interface JourneyMetrics {
  name: string
  entities: string[]
  /** Systems in the order the process first reaches them. */
  route: string[]
  steps: number
  manualSteps: number
  rekeyingsPerDay: number
  hoursPerDay: number | null
}

export interface MapMetrics {
  /** Systems that are not external parties (customers, suppliers). */
  systems: number
  externalParties: number
  flows: number
  manualFlows: number
  /** Distinct pairs of systems connected by at least one flow: each is an interface someone maintains. */
  pointToPointInterfaces: number
  automatedInterfaces: number
  /** Systems taking part in any flow: a hub (ESB/iPaaS) would need one connector each. */
  hubConnectors: number
  /** n·(n−1)/2 for the connected systems: where point-to-point ends up. */
  fullMeshInterfaces: number
  rekeyingsPerDay: number
  peopleRekeying: number
  entityPaths: EntityPath[]
  /** Each configured journey (e.g. order to shipment): its entities' paths end to end, with the manual re-keying on the way. */
  journeys: JourneyMetrics[]
  /** Entities more than one system claims to be the master of. */
  contestedMasters: Array<{entity: string; systems: string[]}>
  /** Entities that flow but that no system claims as master. */
  mastersUnclaimed: string[]
  systemsWithoutOwner: string[]
  systemsWithoutSource: string[]
  /** Systems no flow touches: islands. */
  isolatedSystems: string[]
}

export function computeMetrics(map: SystemMap): MapMetrics {
  const external = new Set(map.systems.filter((s) => s.role === 'external').map((s) => s.id))
  const pairs = new Map<string, {automated: boolean}>()
  const connected = new Set<string>()
  for (const f of map.flows) {
    const key = [f.from, f.to].sort().join('\u0000')
    const p = pairs.get(key) ?? {automated: false}
    p.automated ||= !f.manual
    pairs.set(key, p)
    connected.add(f.from)
    connected.add(f.to)
  }
  const n = connected.size
  const masters = new Map<string, {entity: string; systems: string[]}>()
  for (const s of map.systems) {
    for (const m of s.masters) {
      const k = normaliseEntity(m)
      const e = masters.get(k) ?? {entity: m, systems: []}
      if (!e.systems.includes(s.id)) e.systems.push(s.id)
      masters.set(k, e)
    }
  }
  const flowEntities = new Map<string, string>()
  for (const f of map.flows) if (!flowEntities.has(normaliseEntity(f.entity))) flowEntities.set(normaliseEntity(f.entity), f.entity)
  const manual = map.flows.filter((f) => f.manual)
  const paths = entityPaths(map)
  return {
    systems: map.systems.length - external.size,
    externalParties: external.size,
    flows: map.flows.length,
    manualFlows: manual.length,
    pointToPointInterfaces: pairs.size,
    automatedInterfaces: [...pairs.values()].filter((p) => p.automated).length,
    hubConnectors: n,
    fullMeshInterfaces: (n * (n - 1)) / 2,
    rekeyingsPerDay: sum(manual.map((f) => f.rekeyingsPerDay ?? 0)),
    peopleRekeying: sum(manual.map((f) => f.people ?? 0)),
    entityPaths: paths,
    journeys: map.journeys.map((j) => journeyMetrics(j, paths)),
    contestedMasters: [...masters.values()].filter((m) => m.systems.length > 1),
    mastersUnclaimed: [...flowEntities.entries()].filter(([k]) => !masters.has(k)).map(([, v]) => v),
    systemsWithoutOwner: map.systems.filter((s) => !s.owner && !external.has(s.id)).map((s) => s.id),
    systemsWithoutSource: map.systems.filter((s) => !s.source && !external.has(s.id)).map((s) => s.id),
    isolatedSystems: map.systems.filter((s) => !connected.has(s.id)).map((s) => s.id),
  }
}

/**
 * For each entity, its flows in path order: a depth-first walk from the systems where it enters (no inbound flow of
 * that entity), so "customer → ERP → MES" reads in the order the data travels. Cycles are walked once.
 */
export function entityPaths(map: SystemMap): EntityPath[] {
  const byEntity = new Map<string, SystemMap['flows']>()
  for (const f of map.flows) {
    const k = normaliseEntity(f.entity)
    byEntity.set(k, [...(byEntity.get(k) ?? []), f])
  }
  const out: EntityPath[] = []
  for (const flows of byEntity.values()) {
    const inbound = new Set(flows.map((f) => f.to))
    const starts = [...new Set(flows.map((f) => f.from))].filter((s) => !inbound.has(s))
    const ordered: typeof flows = []
    const used = new Set<number>()
    const visit = (node: string) => {
      for (const f of flows) {
        if (f.from !== node || used.has(f.index)) continue
        used.add(f.index)
        ordered.push(f)
        visit(f.to)
      }
    }
    for (const s of starts.length > 0 ? starts : [flows[0].from]) visit(s)
    for (const f of flows) if (!used.has(f.index)) ordered.push(f) // cycles not reachable from a start
    const route: string[] = []
    for (const f of ordered) {
      if (route.at(-1) !== f.from && !route.includes(f.from)) route.push(f.from)
      if (!route.includes(f.to)) route.push(f.to)
    }
    const manual = ordered.filter((f) => f.manual)
    const timed = manual.filter((f) => f.minutesEach !== null && f.rekeyingsPerDay !== null)
    out.push({
      entity: flows[0].entity,
      steps: ordered.map((f) => ({from: f.from, to: f.to, mode: f.mode, flowIndex: f.index})),
      route,
      manualSteps: manual.length,
      rekeyingsPerDay: sum(manual.map((f) => f.rekeyingsPerDay ?? 0)),
      people: sum(manual.map((f) => f.people ?? 0)),
      hoursPerDay: timed.length > 0 ? round1(sum(timed.map((f) => ((f.minutesEach ?? 0) * (f.rekeyingsPerDay ?? 0)) / 60))) : null,
    })
  }
  return out.sort((a, b) => b.manualSteps - a.manualSteps || b.rekeyingsPerDay - a.rekeyingsPerDay || a.entity.localeCompare(b.entity))
}

export function journeyMetrics(j: {name: string; entities: string[]}, paths: EntityPath[]): JourneyMetrics {
  const parts = j.entities.map((e) => paths.find((p) => normaliseEntity(p.entity) === normaliseEntity(e))).filter((p): p is EntityPath => p !== undefined)
  const route: string[] = []
  for (const p of parts) for (const s of p.route) if (!route.includes(s)) route.push(s)
  const hours = parts.map((p) => p.hoursPerDay).filter((h): h is number => h !== null)
  return {
    name: j.name,
    entities: j.entities,
    route,
    steps: sum(parts.map((p) => p.steps.length)),
    manualSteps: sum(parts.map((p) => p.manualSteps)),
    rekeyingsPerDay: sum(parts.map((p) => p.rekeyingsPerDay)),
    hoursPerDay: hours.length > 0 ? round1(sum(hours)) : null,
  }
}

// Counts of people and documents, not quantities of stock: plain numbers are exact enough here.
function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0)
}

function round1(x: number): number {
  return Math.round(x * 10) / 10
}
