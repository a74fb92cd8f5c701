import {label, t} from '../../i18n/index.js'
import type {MapFlow, MapSystem} from './model.js'

/** A system role as people read it (English: the code, e.g. `erp`; Chinese: ERP, 电子表格, 外部…). */
export function roleLabel(role: string): string {
  // i18n-dynamic: systems.role.*
  return label(`systems.role.${role}`)
}

/** A flow mode (English: the code, e.g. `db-sync`; Chinese: 数据库同步…). */
export function modeLabel(mode: string): string {
  // i18n-dynamic: systems.mode.*
  return label(`systems.mode.${mode}`)
}

/** An audit health (ok, warning, critical: 正常, 警告, 严重). */
export function healthLabel(health: string): string {
  // i18n-dynamic: systems.health.*
  return label(`systems.health.${health}`)
}

/** Label lines of a system box: name, role and product, owner. */
export function systemLabelLines(s: MapSystem): string[] {
  const lines = [s.name]
  lines.push([roleLabel(s.role).toUpperCase(), s.product].filter(Boolean).join(' · '))
  if (s.owner) lines.push(t('systems.label.owner', {owner: s.owner}))
  if (s.health) lines.push(t('systems.label.health', {health: healthLabel(s.health)}))
  return lines
}

/** "40/day, 2 people" for a manual flow ('' when not given). */
export function manualEffort(f: MapFlow): string {
  return [f.rekeyingsPerDay !== null ? t('systems.effort.perDay', {n: f.rekeyingsPerDay}) : null, f.people !== null ? t('systems.effort.people', {count: f.people}) : null]
    .filter(Boolean)
    .join(t('common.listSeparator'))
}

/** Label of a flow: entity, mode, frequency; manual flows say how much re-keying they cost. */
export function flowLabel(f: MapFlow): string {
  const parts = [f.entity]
  if (f.manual) {
    const effort = manualEffort(f)
    parts.push(effort ? t('systems.label.manualWithEffort', {effort}) : t('systems.label.manual'))
  } else parts.push(modeLabel(f.mode))
  if (f.frequency) parts.push(f.frequency)
  return parts.join(' · ')
}

export const HEALTH_COLORS = {
  ok: {fill: '#e6f4ea', stroke: '#1e8e3e'},
  warning: {fill: '#fef7e0', stroke: '#e37400'},
  critical: {fill: '#fce8e6', stroke: '#d93025'},
  none: {fill: '#f1f3f4', stroke: '#5f6368'},
} as const

export const MANUAL_COLOR = '#d93025'
