import type {MapFlow, MapSystem} from './model.js'

/** Label lines of a system box: name, role and product, owner. */
export function systemLabelLines(s: MapSystem): string[] {
  const lines = [s.name]
  lines.push([s.role.toUpperCase(), s.product].filter(Boolean).join(' · '))
  if (s.owner) lines.push(`owner: ${s.owner}`)
  if (s.health) lines.push(`health: ${s.health}`)
  return lines
}

/** Label of a flow: entity, mode, frequency; manual flows say how much re-keying they cost. */
/** "40/day, 2 people" for a manual flow ('' when not given). */
export function manualEffort(f: MapFlow): string {
  return [f.rekeyingsPerDay !== null ? `${f.rekeyingsPerDay}/day` : null, f.people !== null ? `${f.people} ${f.people === 1 ? 'person' : 'people'}` : null].filter(Boolean).join(', ')
}

export function flowLabel(f: MapFlow): string {
  const parts = [f.entity]
  if (f.manual) {
    const effort = manualEffort(f)
    parts.push(`MANUAL re-keying${effort ? ` (${effort})` : ''}`)
  } else parts.push(f.mode)
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
