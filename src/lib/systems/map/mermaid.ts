import {flowLabel, HEALTH_COLORS, MANUAL_COLOR, systemLabelLines} from './labels.js'
import type {SystemMap} from './model.js'

/**
 * Text inside a Mermaid quoted label: Mermaid has no backslash escapes; it takes HTML entity codes (`#quot;`, `#35;`).
 * Quotes, #, <, >, |, [ ] { } ( ) and backticks are encoded; Chinese text passes through.
 */
export function escapeMermaid(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;')
    .replace(/[[\]{}()]/g, (c) => `#${c.charCodeAt(0)};`)
    .replace(/\r?\n/g, ' ')
}

/**
 * A Mermaid flowchart: systems as boxes coloured by audit health, flows as arrows; manual flows dashed red.
 * Node ids are generated (n0, n1…): a system key such as "end" would otherwise break the diagram.
 */
export function renderMermaid(map: SystemMap): string {
  const id = new Map(map.systems.map((s, i) => [s.id, `n${i}`]))
  const out = ['flowchart LR']
  for (const s of map.systems) {
    const label = systemLabelLines(s).map(escapeMermaid).join('<br/>')
    const shape = s.role === 'external' ? [`(["`, `"])`] : [`["`, `"]`]
    out.push(`  ${id.get(s.id)}${shape[0]}${label}${shape[1]}`)
  }
  const manualLinks: number[] = []
  map.flows.forEach((f, i) => {
    const arrow = f.manual ? '-.->' : '-->'
    out.push(`  ${id.get(f.from)} ${arrow}|"${escapeMermaid(flowLabel(f))}"| ${id.get(f.to)}`)
    if (f.manual) manualLinks.push(i)
  })
  for (const [h, c] of Object.entries(HEALTH_COLORS)) out.push(`  classDef ${h} fill:${c.fill},stroke:${c.stroke},stroke-width:2px`)
  for (const s of map.systems) out.push(`  class ${id.get(s.id)} ${s.health ?? 'none'}`)
  if (manualLinks.length > 0) out.push(`  linkStyle ${manualLinks.join(',')} stroke:${MANUAL_COLOR},stroke-width:2px,stroke-dasharray:6 4,color:${MANUAL_COLOR}`)
  return `${out.join('\n')}\n`
}
