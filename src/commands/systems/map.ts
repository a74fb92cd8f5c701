import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {ConfigError, UsageError} from '../../lib/cli/errors.js'
import {t} from '../../lib/i18n/index.js'
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
      throw new ConfigError(t('systems.error.noSystems', {file: loaded.path}), {code: 'CONFIG_NO_SYSTEMS', hints: [t('systems.error.noSystemsHint')]})
    }
    const format = resolveFormat({format: flags.format, output: flags.output, formats: MAP_FORMATS, byExtension: MAP_EXTENSIONS})
    const store = await this.openStore(loaded)
    const last = await loadAudit(store.knex).finally(() => store.close())
    const map = buildSystemMap(section, last?.health ?? {}, sectionHealth(last?.findings ?? []))
    const metrics = computeMetrics(map)
    const result: SystemsMapResult = {...map, metrics, audit: last ? {id: last.id, at: last.startedAt} : null, format, diagram: null, output: flags.output ?? null, svgFallback: false}
    if (format === 'table') {
      if (!this.jsonEnabled()) this.log(renderMapText(map, metrics, {color: this.color, auditedAt: last?.startedAt ?? null, width: this.textOptions(loaded).width}))
      return result
    }
    const title = loaded.config.plant ? t('systems.title.mapOfPlant', {plant: loaded.config.plant}) : t('systems.title.map')
    let diagram = format === 'mermaid' ? renderMermaid(map) : renderDot(map, {title})
    if (format === 'svg') {
      const svg = await dotToSvg(diagram)
      if (svg.ok) diagram = svg.svg
      else if (svg.reason === 'not-installed') {
        const hint = t('systems.svg.notInstalled', {binary: dotBinary()})
        if (flags.output) throw new UsageError(t('systems.svg.cannotWrite', {file: flags.output}), {code: 'GRAPHVIZ_MISSING', hints: [hint, t('systems.svg.writeDotHint')]})
        this.warnOperator(t('systems.svg.printingDot', {hint}))
        result.svgFallback = true
      } else throw new UsageError(t('systems.svg.failed', {error: svg.message}), {code: 'GRAPHVIZ_FAILED'})
    }
    result.diagram = diagram
    if (flags.output) {
      await writeFileAtomic(flags.output, diagram)
      this.logToStderr(t('systems.wrote', {file: flags.output}))
    } else if (!this.jsonEnabled()) process.stdout.write(diagram)
    return result
  }
}
