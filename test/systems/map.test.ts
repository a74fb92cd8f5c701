import {execFileSync, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {ConfigError} from '../../src/lib/cli/errors.js'
import {parseConfigText} from '../../src/lib/config/load.js'
import type {DemoPlant} from '../../src/lib/demo/types.js'
import {demoSystemsConfig} from '../../src/lib/demo/systems-config.js'
import {systemsConfigSchema} from '../../src/lib/systems/config.js'
import {dotString, renderDot} from '../../src/lib/systems/map/dot.js'
import {escapeMermaid, renderMermaid} from '../../src/lib/systems/map/mermaid.js'
import {computeMetrics} from '../../src/lib/systems/map/metrics.js'
import {buildSystemMap, normaliseEntity, sectionHealth} from '../../src/lib/systems/map/model.js'
import {dotToSvg} from '../../src/lib/systems/map/svg.js'
import {runCli, tempDir} from '../helpers/cli.js'

const hasDot = spawnSync('which', ['dot']).status === 0

function demoYaml(): string {
  const sources = Object.fromEntries(['erp', 'wms', 'mes'].map((s) => [s, {role: s, client: 'sqlite', connection: {filename: `./${s}.db`}}]))
  return stringify({version: 1, plant: '演示工厂 Demo plant', sources, systems: demoSystemsConfig({} as DemoPlant)})
}

function problemsOf(yamlText: string): string[] {
  try {
    parseConfigText(yamlText, '/tmp/plantops.yaml', {})
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
}

describe('systems config section', () => {
  it('the demo section is valid', () => {
    expect(problemsOf(demoYaml())).toEqual([])
  })

  it('a flow naming an unknown system is an error located by file:line and config path', () => {
    const text = `sources: {}
systems:
  systems:
    erp: {role: erp}
    mes: {role: mes}
  flows:
    - {from: erp, to: MES, entity: work-orders, mode: manual}
    - {from: erp, to: plm, entity: bom, mode: db-sync}
    - {from: erp, to: mes, entity: items, mode: api, people: 2}
`
    const p = problemsOf(text)
    expect(p).toContain('plantops.yaml:7:23 systems.flows.0.to: no system named "MES" in systems.systems (configured: erp, mes); did you mean "mes"?')
    expect(p).toContain('plantops.yaml:8:23 systems.flows.1.to: no system named "plm" in systems.systems (configured: erp, mes)')
    expect(p.some((x) => x.includes('systems.flows.2.people') && x.includes('manual re-keying'))).toBe(true)
  })

  it('an unknown flow mode or role lists the allowed values', () => {
    const p = problemsOf('sources: {}\nsystems:\n  systems:\n    erp: {role: mainframe}\n  flows:\n    - {from: erp, to: erp, entity: x, mode: carrier-pigeon}\n')
    expect(p.some((x) => x.includes('systems.systems.erp.role') && x.includes('"erp"'))).toBe(true)
    expect(p.some((x) => x.includes('systems.flows.0.mode') && x.includes('"manual"'))).toBe(true)
  })

  it('a system naming an unconfigured source is an error', () => {
    const p = problemsOf('sources: {}\nsystems:\n  systems:\n    erp: {role: erp, source: erp}\n')
    expect(p[0]).toMatch(/systems\.systems\.erp\.source: no source named "erp"/)
  })

  it('defaults: empty masters and flows, audit settings', () => {
    const s = systemsConfigSchema.parse({systems: {a: {role: 'oa'}}})
    expect(s).toEqual({systems: {a: {role: 'oa', masters: []}}, flows: [], journeys: [], audit: {connectTimeoutSeconds: 5, largeTableRows: 100000}})
  })
})

describe('map metrics on the demo plant', () => {
  const section = systemsConfigSchema.parse(demoSystemsConfig({} as DemoPlant))
  const map = buildSystemMap(section, {erp: 'critical', wms: 'ok'})
  const m = computeMetrics(map)

  it('counts systems, interfaces and what a hub would need', () => {
    expect(m.systems).toBe(8)
    expect(m.externalParties).toBe(1)
    expect(m.flows).toBe(15)
    expect(m.manualFlows).toBe(7)
    // distinct connected pairs: customer-erp, crm-erp, plm-erp, erp-planning, planning-mes, erp-mes, erp-wms, wms-customer, mes-wms, scada-mes, oa-erp
    expect(m.pointToPointInterfaces).toBe(11)
    expect(m.hubConnectors).toBe(9)
    expect(m.fullMeshInterfaces).toBe(36)
    expect(m.rekeyingsPerDay).toBe(120 + 5 + 15 + 60 + 45 + 80 + 20)
    expect(m.peopleRekeying).toBe(3 + 1 + 1 + 2 + 1 + 1 + 1)
  })

  it('follows each entity along its path and counts its manual steps', () => {
    const orders = m.entityPaths.find((p) => p.entity === 'sales-orders')
    expect(orders?.route).toEqual(['customer', 'erp', 'planning', 'wms'])
    expect(orders?.manualSteps).toBe(1)
    expect(orders?.hoursPerDay).toBe(8) // 120 × 4 min
    const wo = m.entityPaths.find((p) => p.entity === 'work-orders')
    expect(wo?.steps.map((s) => `${s.from}>${s.to}`)).toEqual(['planning>mes', 'mes>erp'])
    expect(wo?.manualSteps).toBe(2)
  })

  it('a journey (order to shipment) adds up the manual re-keying across its entities', () => {
    expect(m.journeys[0]).toEqual({
      name: 'order to shipment (接单到发货)',
      entities: ['sales-orders', 'work-orders', 'shipments'],
      route: ['customer', 'erp', 'planning', 'wms', 'mes'],
      steps: 3 + 2 + 1,
      manualSteps: 1 + 2 + 1,
      rekeyingsPerDay: 120 + 60 + 45 + 80,
      hoursPerDay: 8 + 4.5 + 1.3,
    })
  })

  it('a journey naming an entity no flow carries is a config error with its path', () => {
    const r = systemsConfigSchema.safeParse({systems: {a: {role: 'erp'}, b: {role: 'mes'}}, flows: [{from: 'a', to: 'b', entity: 'work-orders', mode: 'api'}], journeys: [{name: 'j', entities: ['Work Orders', 'invoices']}]})
    expect(r.success).toBe(false)
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['journeys.0.entities.1: no flow carries "invoices" (entities in flows: work-orders)'])
  })

  it('finds contested masters, owners missing and health per flow', () => {
    expect(m.contestedMasters.map((c) => `${c.entity}:${c.systems.join('+')}`).sort()).toEqual(['BOM:erp+plm', 'customers:erp+crm', 'items:erp+plm'])
    expect(m.systemsWithoutOwner).toEqual(['crm'])
    expect(m.mastersUnclaimed).toEqual([])
    expect(map.flows.find((f) => f.from === 'wms' && f.to === 'erp')?.health).toBe('critical')
    expect(normaliseEntity('Sales Orders')).toBe(normaliseEntity('sales_order'))
  })

  it('a flow whose mapping is a plantops section shows that section\'s findings', () => {
    const mh = sectionHealth([
      {severity: 'critical', configPath: 'stock.erp.columns.qty'},
      {severity: 'info', configPath: 'orders.file'},
      {severity: 'critical', configPath: 'sources.erp.connection'},
    ])
    expect(mh).toEqual({stock: 'critical', orders: 'ok'})
    const m2 = buildSystemMap(section, {}, mh)
    expect(m2.flows.find((f) => f.mapping === 'stock')?.health).toBe('critical')
    expect(m2.flows.find((f) => f.mapping === 'orders')?.health).toBe('ok')
    expect(m2.flows.find((f) => f.mapping === 'sku_xref')?.health).toBeNull()
  })
})

describe('diagram renderers', () => {
  const section = systemsConfigSchema.parse({
    systems: {end: {role: 'erp', name: '金蝶 "K/3" <ERP> | #1 [main]'}, b: {role: 'mes', name: 'back\\slash'}},
    flows: [{from: 'end', to: 'b', entity: 'work "orders"', mode: 'manual', rekeyingsPerDay: 40, people: 2}],
  })
  const map = buildSystemMap(section, {end: 'warning'})

  it('Mermaid: labels are entity-encoded, node ids generated, manual links dashed red', () => {
    expect(escapeMermaid('a "b" <c> | #d [e]')).toBe('a #quot;b#quot; #lt;c#gt; #124; #35;d #91;e#93;')
    const mm = renderMermaid(map)
    expect(mm).toContain('n0["金蝶 #quot;K/3#quot; #lt;ERP#gt; #124; #35;1 #91;main#93;<br/>ERP<br/>health: warning"]')
    expect(mm).toContain('n0 -.->|"work #quot;orders#quot; · MANUAL re-keying #40;40/day, 2 people#41;"| n1')
    expect(mm).toMatch(/linkStyle 0 stroke:#d93025.*stroke-dasharray/)
    expect(mm).toContain('class n0 warning')
    expect(mm).not.toMatch(/\bend\[/) // "end" is a Mermaid keyword: never used as an id
  })

  it('DOT: quotes and backslashes escaped; Graphviz parses it', async () => {
    expect(dotString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"')
    const dot = renderDot(map, {title: '工厂'})
    expect(dot).toContain('"end" -> "b" [label="work \\"orders\\" · MANUAL re-keying (40/day, 2 people)", style=dashed, color="#d93025"')
    if (hasDot) {
      const svg = await dotToSvg(dot)
      expect(svg.ok).toBe(true)
      if (svg.ok) {
        expect(svg.svg).toContain('<svg')
        expect(svg.svg).toContain('金蝶 &quot;K/3&quot; &lt;ERP&gt; | #1 [main]')
        expect(svg.svg).toContain('stroke-dasharray')
      }
    }
  })

  it('SVG without Graphviz says so instead of throwing', async () => {
    const r = await dotToSvg('digraph {}', {binary: '/nonexistent/dot'})
    expect(r).toEqual({ok: false, reason: 'not-installed', message: '/nonexistent/dot not found'})
  })
})

describe('plantops systems map (CLI) on the demo plant', () => {
  const dir = tempDir('pt-map-')
  writeFileSync(path.join(dir, 'plantops.yaml'), demoYaml())

  it('table', () => {
    const r = runCli(['systems', 'map'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('金蝶云星空 ERP')
    expect(r.stdout).toMatch(/Point-to-point interfaces\s*│ 11 \(6 automated\); a hub would need 9 connectors/)
    expect(r.stdout).toContain('customer =manual=> erp')
  })

  it('--json gives the map, metrics and no audit yet', () => {
    const r = runCli(['systems', 'map', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.json.systems).toHaveLength(9)
    expect(r.json.metrics.manualFlows).toBe(7)
    expect(r.json.audit).toBeNull()
  })

  it('mermaid and dot to stdout and to a file', () => {
    const mm = runCli(['systems', 'map', '--format', 'mermaid'], {cwd: dir})
    expect(mm.code).toBe(0)
    expect(mm.stdout.startsWith('flowchart LR\n')).toBe(true)
    expect(mm.stdout).toContain('MES 制造执行')
    const dot = runCli(['systems', 'map', '--format', 'dot', '--output', 'map.dot'], {cwd: dir})
    expect(dot.code).toBe(0)
    expect(dot.stdout).toBe('')
    if (hasDot) execFileSync('dot', ['-Tsvg', '-o', path.join(dir, 'check.svg'), path.join(dir, 'map.dot')])
  })

  it.skipIf(!hasDot)('svg through Graphviz', () => {
    const r = runCli(['systems', 'map', '--format', 'svg', '--output', 'map.svg', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.json.svgFallback).toBe(false)
    expect(r.json.diagram).toContain('<svg')
    expect(r.json.diagram).toContain('WMS 仓储管理')
  })

  it('svg without Graphviz: a hint and the DOT on stdout; with --output: exit 2', () => {
    const r = runCli(['systems', 'map', '--format', 'svg'], {cwd: dir, env: {PLANTOPS_DOT: '/nonexistent/dot'}})
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/Graphviz is not installed.*apt-get install graphviz/)
    expect(r.stdout.startsWith('digraph plantops_systems {')).toBe(true)
    const f = runCli(['systems', 'map', '--format', 'svg', '--output', 'x.svg'], {cwd: dir, env: {PLANTOPS_DOT: '/nonexistent/dot'}})
    expect(f.code).toBe(2)
    expect(f.stderr).toContain('SVG needs Graphviz')
  })

  it('no systems section: exit 2 with a hint', () => {
    const d = tempDir('pt-map-empty-')
    writeFileSync(path.join(d, 'plantops.yaml'), 'sources: {}\n')
    const r = runCli(['systems', 'map'], {cwd: d})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no systems: nothing to map')
  })
})
