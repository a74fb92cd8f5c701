import {t, tIn} from '../i18n/index.js'

/**
 * Warnings are data as well as messages: the English text goes into results (JSON output, run history), which stay
 * the same in every language, while the operator reads the warning in the language in force on stderr.
 *
 * `warningText(key, vars)` returns the English text and remembers the text in the language in force;
 * BaseCommand.warnOperator shows the remembered text (`shownWarning`) for the English one it is given.
 * `prefix` is a part that is not translated (a located config path, `plantops.yaml:12:5 sources.erp.connection.password: `).
 */
const shown = new Map<string, string>()

export function warningText(key: string, vars?: Record<string, unknown>, prefix = ''): string {
  const en = prefix + tIn('en', key, vars)
  shown.set(en, prefix + t(key, vars))
  return en
}

/** The text the operator reads for a warning (the English text itself when it was not made by warningText). */
export function shownWarning(en: string): string {
  return shown.get(en) ?? en
}
