import {BaseCommand} from '../../lib/cli/base-command.js'
import {ConfigError} from '../../lib/cli/errors.js'
import {loadConfig} from '../../lib/config/load.js'
import {t} from '../../lib/i18n/index.js'

export interface ConfigValidateResult {
  valid: boolean
  path: string | null
  sources: string[]
  sections: string[]
  warnings: string[]
  problems: string[]
}

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static summary = 'Check plantops.yaml: every problem with its file:line, path and a hint. Exit 0 if valid, 2 if not.'
  static examples = ['<%= config.bin %> config validate', '<%= config.bin %> config validate --config /etc/plantops/plantops.yaml --json']

  async run(): Promise<ConfigValidateResult> {
    const {flags} = await this.parse(ConfigValidate)
    try {
      const loaded = loadConfig({configPath: flags.config})
      const sections = (['stock', 'orders', 'count', 'systems', 'reconcile', 'notify'] as const).filter((s) => loaded.config[s] !== undefined)
      for (const w of loaded.warnings) this.warnOperator(w)
      this.log(t('config.valid', {path: loaded.path, count: Object.keys(loaded.config.sources).length, sections: sections.join(', ') || t('config.noSections')}))
      return {valid: true, path: loaded.path, sources: Object.keys(loaded.config.sources), sections, warnings: loaded.warnings, problems: []}
    } catch (error) {
      if (error instanceof ConfigError && this.jsonEnabled()) {
        // the JSON consumer gets the same result shape, and the exit code still says "invalid"
        process.exitCode = error.exitCode
        return {valid: false, path: null, sources: [], sections: [], warnings: [], problems: error.problems.length > 0 ? error.problems : [error.message]}
      }
      throw error
    }
  }
}
