import {t} from '../../i18n/index.js'
import {renderKeyValue, renderTable} from '../../report/table.js'
import {healthLabel, manualEffort, modeLabel, roleLabel} from './labels.js'
import type {MapMetrics} from './metrics.js'
import type {SystemMap} from './model.js'

/** The terminal view of the map: systems, flows, metrics and what needs attention; tables fit `width` when given. */
export function renderMapText(map: SystemMap, metrics: MapMetrics, opts: {color?: boolean; auditedAt?: string | null; width?: number} = {}): string {
  const name = new Map(map.systems.map((s) => [s.id, s.name]))
  const list = (xs: string[]) => xs.join(t('common.listSeparator')) || t('systems.summary.none')
  const systems = renderTable(
    [
      {key: 'id', header: t('systems.col.system'), priority: 10},
      {key: 'name', header: t('systems.col.name'), priority: 8, shrink: true},
      {key: 'role', header: t('systems.col.role'), priority: 6},
      {key: 'product', header: t('systems.col.product'), priority: 3, shrink: true},
      {key: 'owner', header: t('systems.col.owner'), priority: 7, shrink: true},
      {key: 'source', header: t('systems.col.source'), priority: 5},
      {key: 'masters', header: t('systems.col.masters'), priority: 5, shrink: true, minWidth: 12},
      {key: 'health', header: t('systems.col.health'), priority: 10},
    ],
    map.systems.map((s) => ({
      ...s,
      role: roleLabel(s.role),
      masters: s.masters.join(t('common.listSeparator')),
      owner: s.owner ?? t('systems.cell.noOwner'),
      source: s.source ?? '',
      health: s.health ? healthLabel(s.health) : s.source ? t('systems.cell.notAudited') : '',
    })),
    {color: opts.color, width: opts.width},
  )
  const flows = renderTable(
    [
      {key: 'n', header: '#', kind: 'int', priority: 10},
      {key: 'from', header: t('systems.col.from'), priority: 10, shrink: true},
      {key: 'to', header: t('systems.col.to'), priority: 10, shrink: true},
      {key: 'entity', header: t('systems.col.entity'), priority: 10, shrink: true, minWidth: 10},
      {key: 'mode', header: t('systems.col.mode'), priority: 8},
      {key: 'frequency', header: t('systems.col.frequency'), priority: 3, shrink: true},
      {key: 'effort', header: t('systems.col.effort'), priority: 7, shrink: true, minWidth: 16},
      {key: 'health', header: t('systems.col.health'), priority: 6},
    ],
    map.flows.map((f) => ({
      n: f.index,
      from: name.get(f.from) ?? f.from,
      to: name.get(f.to) ?? f.to,
      entity: f.entity,
      mode: f.manual ? modeLabel('manual').toUpperCase() : modeLabel(f.mode),
      frequency: f.frequency ?? '',
      effort: f.manual ? manualEffort(f) || t('common.yes') : '',
      health: f.health ? healthLabel(f.health) : '',
    })),
    {color: opts.color, width: opts.width},
  )
  const m = metrics
  const summary = renderKeyValue(
    [
      [t('systems.summary.systems'), m.externalParties ? t('systems.summary.systemsWithExternal', {systems: m.systems, external: m.externalParties}) : String(m.systems)],
      [t('systems.summary.flows'), t('systems.summary.flowsValue', {flows: m.flows, manual: m.manualFlows})],
      [t('systems.summary.interfaces'), t('systems.summary.interfacesValue', {interfaces: m.pointToPointInterfaces, automated: m.automatedInterfaces, hub: m.hubConnectors, mesh: m.fullMeshInterfaces})],
      [t('systems.summary.rekeying'), t('systems.summary.rekeyingValue', {perDay: m.rekeyingsPerDay, people: m.peopleRekeying})],
      [t('systems.summary.contested'), m.contestedMasters.map((c) => t('systems.summary.contestedValue', {entity: c.entity, systems: c.systems.join(' + ')})).join(t('systems.summary.groupSeparator')) || t('systems.summary.none')],
      [t('systems.summary.unclaimed'), list(m.mastersUnclaimed)],
      [t('systems.summary.withoutOwner'), list(m.systemsWithoutOwner)],
      [t('systems.summary.isolated'), list(m.isolatedSystems)],
      [t('systems.summary.lastAudit'), opts.auditedAt ?? t('systems.summary.neverAudited')],
    ],
    {color: opts.color, width: opts.width},
  )
  const arrow = (mode: string) => (mode === 'manual' ? t('systems.text.manualArrow') : '->')
  const paths = renderTable(
    [
      {key: 'entity', header: t('systems.col.entity'), priority: 10, shrink: true, minWidth: 10},
      {key: 'route', header: t('systems.col.path'), priority: 10, shrink: true, minWidth: 20},
      {key: 'manualSteps', header: t('systems.col.manualSteps'), kind: 'int'},
      {key: 'rekeyingsPerDay', header: t('systems.col.rekeyingsPerDay'), kind: 'int'},
      {key: 'hours', header: t('systems.col.hoursPerDay'), kind: 'int'},
    ],
    m.entityPaths.map((p) => ({...p, route: p.steps.map((s) => `${s.from} ${arrow(s.mode)} ${s.to}`).join(t('common.listSeparator')), hours: p.hoursPerDay ?? ''})),
    {color: opts.color, maxWidth: 100, width: opts.width},
  )
  const journeys =
    m.journeys.length === 0
      ? []
      : [
          '',
          t('systems.title.journeys'),
          renderTable(
            [
              {key: 'name', header: t('systems.col.journey'), priority: 10, shrink: true, minWidth: 12},
              {key: 'route', header: t('systems.col.route'), priority: 10, shrink: true, minWidth: 20},
              {key: 'steps', header: t('systems.col.steps'), kind: 'int', priority: 4},
              {key: 'manualSteps', header: t('systems.col.manualSteps'), kind: 'int'},
              {key: 'rekeyingsPerDay', header: t('systems.col.rekeyingsPerDay'), kind: 'int'},
              {key: 'hours', header: t('systems.col.hoursPerDay'), kind: 'int'},
            ],
            m.journeys.map((j) => ({...j, route: j.route.join(' → '), hours: j.hoursPerDay ?? ''})),
            {color: opts.color, maxWidth: 100, width: opts.width},
          ),
        ]
  return [t('systems.title.systems'), systems, '', t('systems.title.flows'), flows, '', t('systems.title.paths'), paths, ...journeys, '', summary].join('\n')
}
