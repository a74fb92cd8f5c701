import {stringify} from 'yaml'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {redactConfig} from '../../lib/config/redact.js'
import type {PlantopsConfig} from '../../lib/config/schema.js'
import {languageDecision, t, type LanguageDecision} from '../../lib/i18n/index.js'

export interface ConfigShowResult {
  path: string
  config: PlantopsConfig
  /** The language in force and why (--lang, PLANTOPS_LANG, lang:, the locale, or the default). */
  language: LanguageDecision
}

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static summary = 'Print the resolved configuration (defaults filled in, ${ENV} resolved, secrets shown as ***).'
  static examples = ['<%= config.bin %> config show', '<%= config.bin %> config show --json']

  async run(): Promise<ConfigShowResult> {
    const {flags} = await this.parse(ConfigShow)
    const loaded = this.loadConfig(flags.config)
    const config = redactConfig(loaded.config)
    const language = languageDecision()
    this.log(`# ${loaded.path}`)
    // i18n-dynamic: lang.source.*
    this.log(`# ${t('lang.inForce', {lang: language.lang, why: t(`lang.source.${language.source}`, {detail: language.detail})})}`)
    this.log(stringify(config).trimEnd())
    return {path: loaded.path, config, language}
  }
}
