import {stringify} from 'yaml'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {redactConfig} from '../../lib/config/redact.js'
import type {PlantopsConfig} from '../../lib/config/schema.js'

export interface ConfigShowResult {
  path: string
  config: PlantopsConfig
}

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static summary = 'Print the resolved configuration (defaults filled in, ${ENV} resolved, secrets shown as ***).'
  static examples = ['<%= config.bin %> config show', '<%= config.bin %> config show --json']

  async run(): Promise<ConfigShowResult> {
    const {flags} = await this.parse(ConfigShow)
    const loaded = this.loadConfig(flags.config)
    const config = redactConfig(loaded.config)
    this.log(`# ${loaded.path}`)
    this.log(stringify(config).trimEnd())
    return {path: loaded.path, config}
  }
}
