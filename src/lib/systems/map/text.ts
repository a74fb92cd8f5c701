import {renderKeyValue, renderTable} from '../../report/table.js'
import {manualEffort} from './labels.js'
import type {MapMetrics} from './metrics.js'
import type {SystemMap} from './model.js'

/** The terminal view of the map: systems, flows, metrics and what needs attention. */
export function renderMapText(map: SystemMap, metrics: MapMetrics, opts: {color?: boolean; auditedAt?: string | null} = {}): string {
  const name = new Map(map.systems.map((s) => [s.id, s.name]))
  const systems = renderTable(
    [
      {key: 'id', header: 'System'},
      {key: 'name', header: 'Name'},
      {key: 'role', header: 'Role'},
      {key: 'product', header: 'Product'},
      {key: 'owner', header: 'Owner'},
      {key: 'source', header: 'Source'},
      {key: 'masters', header: 'Master of'},
      {key: 'health', header: 'Health'},
    ],
    map.systems.map((s) => ({...s, masters: s.masters.join(', '), owner: s.owner ?? '(none)', source: s.source ?? '', health: s.health ?? (s.source ? 'not audited' : '')})),
    {color: opts.color},
  )
  const flows = renderTable(
    [
      {key: 'n', header: '#', kind: 'int'},
      {key: 'from', header: 'From'},
      {key: 'to', header: 'To'},
      {key: 'entity', header: 'Entity'},
      {key: 'mode', header: 'Mode'},
      {key: 'frequency', header: 'Frequency'},
      {key: 'effort', header: 'Manual effort'},
      {key: 'health', header: 'Health'},
    ],
    map.flows.map((f) => ({
      n: f.index,
      from: name.get(f.from) ?? f.from,
      to: name.get(f.to) ?? f.to,
      entity: f.entity,
      mode: f.manual ? 'MANUAL' : f.mode,
      frequency: f.frequency ?? '',
      effort: f.manual ? manualEffort(f) || 'yes' : '',
      health: f.health ?? '',
    })),
    {color: opts.color},
  )
  const m = metrics
  const summary = renderKeyValue(
    [
      ['Systems', `${m.systems}${m.externalParties ? ` (+ ${m.externalParties} external)` : ''}`],
      ['Flows', `${m.flows}, of which ${m.manualFlows} manual`],
      ['Point-to-point interfaces', `${m.pointToPointInterfaces} (${m.automatedInterfaces} automated); a hub would need ${m.hubConnectors} connectors; full mesh ${m.fullMeshInterfaces}`],
      ['Manual re-keying', `${m.rekeyingsPerDay} per day by ${m.peopleRekeying} people`],
      ['Masters claimed twice', m.contestedMasters.map((c) => `${c.entity}: ${c.systems.join(' + ')}`).join('; ') || 'none'],
      ['Entities with no master', m.mastersUnclaimed.join(', ') || 'none'],
      ['Systems without owner', m.systemsWithoutOwner.join(', ') || 'none'],
      ['Isolated systems', m.isolatedSystems.join(', ') || 'none'],
      ['Last audit', opts.auditedAt ?? 'never (run `plantops systems audit`)'],
    ],
    {color: opts.color},
  )
  const paths = renderTable(
    [
      {key: 'entity', header: 'Entity'},
      {key: 'route', header: 'Path'},
      {key: 'manualSteps', header: 'Manual steps', kind: 'int'},
      {key: 'rekeyingsPerDay', header: 'Re-keyings/day', kind: 'int'},
      {key: 'hours', header: 'Hours/day', kind: 'int'},
    ],
    m.entityPaths.map((p) => ({...p, route: p.steps.map((s) => `${s.from} ${s.mode === 'manual' ? '=manual=>' : '->'} ${s.to}`).join(', '), hours: p.hoursPerDay ?? ''})),
    {color: opts.color, maxWidth: 100},
  )
  const journeys =
    m.journeys.length === 0
      ? []
      : [
          '',
          'Journeys',
          renderTable(
            [
              {key: 'name', header: 'Journey'},
              {key: 'route', header: 'Route'},
              {key: 'steps', header: 'Steps', kind: 'int'},
              {key: 'manualSteps', header: 'Manual steps', kind: 'int'},
              {key: 'rekeyingsPerDay', header: 'Re-keyings/day', kind: 'int'},
              {key: 'hours', header: 'Hours/day', kind: 'int'},
            ],
            m.journeys.map((j) => ({...j, route: j.route.join(' → '), hours: j.hoursPerDay ?? ''})),
            {color: opts.color, maxWidth: 100},
          ),
        ]
  return ['Systems', systems, '', 'Flows', flows, '', "Each entity's path", paths, ...journeys, '', summary].join('\n')
}
