import {redactValue} from '../cli/secrets.js'
import type {PlantopsConfig} from './schema.js'

/** The resolved config with every password and secret-looking value replaced by "***" (for `config show`). */
export function redactConfig(config: PlantopsConfig): PlantopsConfig {
  return redactValue(config)
}
