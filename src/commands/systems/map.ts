import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {ConfigError, UsageError} from '../../lib/cli/errors.js'
import {writeFileAtomic} from '../../lib/report/atomic.js'
import {resolveFormat} from '../../lib/report/format.js'
import {loadAudit} from '../../lib/systems/audit/history.js'
import {renderDot} from '../../lib/systems/map/dot.js'
import {renderMermaid} from '../../lib/systems/map/mermaid.js'
import {computeMetrics, type MapMetrics} from '../../lib/systems/map/metrics.js'
import {buildSystemMap, sectionHealth, type SystemMap} from '../../lib/systems/map/model.js'
import {dotBinary, dotToSvg} from '../../lib/systems/map/svg.js'
import {renderMapText} from '../../lib/systems/map/text.js'

export interface SystemsMapResult extends SystemMap {
  metrics: MapMetrics
  /** The audit whose health the map shows; null when none has run. */
  audit: {id: number; at: string} | null
  format: 'table' | 'mermaid' | 'dot' | 'svg'
  /** The diagram text (mermaid, dot or svg); null for table. */
  diagram: string | null
  output: string | null
  /** --format svg without Graphviz: the DOT was given instead. */
  svgFallback: boolean
}

const MAP_FORMATS = ['table', 'mermaid', 'dot', 'svg'] as const
const MAP_EXTENSIONS: Record<string, (typeof MAP_FORMATS)[number]> = {'.mmd': 'mermaid', '.mermaid': 'mermaid', '.dot': 'dot', '.gv': 'dot', '.svg': 'svg'}

export default class SystemsMap extends BaseCommand<typeof SystemsMap> {
  static summary = 'Show the plant\'s system map: systems, data flows, manual re-keying, and each system\'s health from the last audit.'
  static examples = [
    '<%= config.bin %> systems map',
    '<%= config.bin %> systems map --format mermaid --output docs/systems.mmd',
    '<%= config.bin %> systems map --format svg --output systems.svg',
  ]

  static flags = {
    format: Flags.string({char: 'f', summary: 'table (terminal), mermaid, dot (Graphviz) or svg (needs Graphviz `dot`); default: from the --output extension (.mmd, .dot, .svg), else table.', options: [...MAP_FORMATS]}),
    output: Flags.string({char: 'o', summary: 'Write the diagram to this file (atomically) instead of stdout.'}),
  }

  async run(): Promise<SystemsMapResult> {
    const {flags} = await this.parse(SystemsMap)
    const loaded = this.loadConfig(flags.config)
    const section = loaded.config.systems
    if (!section || Object.keys(section.systems).length === 0) {
      throw new ConfigError(`${loaded.path} has no systems: nothing to map`, {code: 'CONFIG_NO_SYSTEMS', hints: ['Add a `systems:` section (see README "System map"), or run `plantops demo` to see one.']})
    }
    const format = resolveFormat({format: flags.format, output: flags.output, formats: MAP_FORMATS, byExtension: MAP_EXTENSIONS})
    const store = await this.openStore(loaded)
    const last = await loadAudit(store.knex).finally(() => store.close())
    const map = buildSystemMap(section, last?.health ?? {}, sectionHealth(last?.findings ?? []))
    const metrics = computeMetrics(map)
    const result: SystemsMapResult = {...map, metrics, audit: last ? {id: last.id, at: last.startedAt} : null, format, diagram: null, output: flags.output ?? null, svgFallback: false}
    if (format === 'table') {
      if (!this.jsonEnabled()) this.log(renderMapText(map, metrics, {color: this.color, auditedAt: last?.startedAt ?? null}))
      return result
    }
    const title = loaded.config.plant ? `${loaded.config.plant} — system map` : 'System map'
    let diagram = format === 'mermaid' ? renderMermaid(map) : renderDot(map, {title})
    if (format === 'svg') {
      const svg = await dotToSvg(diagram)
      if (svg.ok) diagram = svg.svg
      else if (svg.reason === 'not-installed') {
        const hint = `Graphviz is not installed (${dotBinary()} not found): install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; Windows: winget install graphviz) or set PLANTOPS_DOT to the dot binary.`
        if (flags.output) throw new UsageError(`cannot write ${flags.output}: SVG needs Graphviz`, {code: 'GRAPHVIZ_MISSING', hints: [hint, 'Or write DOT with --format dot and render it elsewhere.']})
        this.logToStderr(`warning: ${hint} Printing the DOT source instead.`)
        result.svgFallback = true
      } else throw new UsageError(`Graphviz failed to render the map: ${svg.message}`, {code: 'GRAPHVIZ_FAILED'})
    }
    result.diagram = diagram
    if (flags.output) {
      await writeFileAtomic(flags.output, diagram)
      this.logToStderr(`wrote ${flags.output}`)
    } else if (!this.jsonEnabled()) process.stdout.write(diagram)
    return result
  }
}
