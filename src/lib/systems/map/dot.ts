import {flowLabel, HEALTH_COLORS, MANUAL_COLOR, systemLabelLines} from './labels.js'
import type {SystemMap} from './model.js'

/** A DOT double-quoted string: backslash and quote escaped, newlines as \n (centred lines). */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`
}

/** Graphviz DOT: systems as rounded boxes filled by audit health, flows as edges; manual flows dashed, red, bold. */
export function renderDot(map: SystemMap, opts: {title?: string} = {}): string {
  const font = 'Noto Sans CJK SC,WenQuanYi Micro Hei,Microsoft YaHei,sans-serif'
  const out = [
    'digraph plantops_systems {',
    '  graph [rankdir=LR, splines=true, nodesep=0.5, ranksep=1.1, fontname=' + dotString(font) + (opts.title ? `, label=${dotString(opts.title)}, labelloc=t` : '') + '];',
    `  node [shape=box, style="rounded,filled", fontname=${dotString(font)}, fontsize=11];`,
    `  edge [fontname=${dotString(font)}, fontsize=9];`,
  ]
  for (const s of map.systems) {
    const c = HEALTH_COLORS[s.health ?? 'none']
    const shape = s.role === 'external' ? ', shape=ellipse' : ''
    out.push(`  ${dotString(s.id)} [label=${dotString(systemLabelLines(s).join('\n'))}, fillcolor=${dotString(c.fill)}, color=${dotString(c.stroke)}${shape}];`)
  }
  for (const f of map.flows) {
    const attrs = [`label=${dotString(flowLabel(f))}`]
    if (f.manual) attrs.push('style=dashed', `color=${dotString(MANUAL_COLOR)}`, `fontcolor=${dotString(MANUAL_COLOR)}`, 'penwidth=2')
    else if (f.health && f.health !== 'ok') attrs.push(`color=${dotString(HEALTH_COLORS[f.health].stroke)}`)
    out.push(`  ${dotString(f.from)} -> ${dotString(f.to)} [${attrs.join(', ')}];`)
  }
  out.push('}')
  return `${out.join('\n')}\n`
}
