import {t} from '../i18n/index.js'

/**
 * The yaml library's own parse errors in the language in force. The library words its errors in English only; each
 * carries a `code` (node_modules/yaml/dist/errors.d.ts: ErrorCode). The commonest exact texts have their own catalog
 * sentence (errors.yaml.text.*, English = the library's text), every other error of a known code gets that code's
 * sentence (errors.yaml.code.*), and a code this list does not know (a newer yaml) a generic sentence with the
 * library's text. The location (file:line:col) is added by the caller.
 */

/** Every ErrorCode of yaml 2.x (errors.d.ts). */
export const YAML_ERROR_CODES = [
  'ALIAS_PROPS',
  'BAD_ALIAS',
  'BAD_DIRECTIVE',
  'BAD_DQ_ESCAPE',
  'BAD_INDENT',
  'BAD_PROP_ORDER',
  'BAD_SCALAR_START',
  'BLOCK_AS_IMPLICIT_KEY',
  'BLOCK_IN_FLOW',
  'DUPLICATE_KEY',
  'IMPOSSIBLE',
  'KEY_OVER_1024_CHARS',
  'MISSING_CHAR',
  'MULTILINE_IMPLICIT_KEY',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_DOCS',
  'MULTIPLE_TAGS',
  'NON_STRING_KEY',
  'RESOURCE_EXHAUSTION',
  'TAB_AS_INDENT',
  'TAG_RESOLVE_FAILED',
  'UNEXPECTED_TOKEN',
  'BAD_COLLECTION_TYPE',
] as const

const CODES = new Set<string>(YAML_ERROR_CODES)

/** Exact texts of the library (first line) with their own sentence: key and the variables taken from the text. */
const TEXTS: Array<{re: RegExp; key: string; vars?: (m: RegExpExecArray) => Record<string, string>}> = [
  {re: /^All mapping items must start at the same column$/, key: 'errors.yaml.text.mappingIndent'},
  {re: /^All sequence items must start at the same column$/, key: 'errors.yaml.text.sequenceIndent'},
  {re: /^Implicit keys need to be on a single line$/, key: 'errors.yaml.text.keyOneLine'},
  {re: /^Implicit map keys need to be followed by map values$/, key: 'errors.yaml.text.keyWithoutValue'},
  {re: /^Nested mappings are not allowed in compact mappings$/, key: 'errors.yaml.text.nestedCompact'},
  {re: /^A block sequence may not be used as an implicit map key$/, key: 'errors.yaml.text.sequenceAsKey'},
  {re: /^Tabs are not allowed as indentation$/, key: 'errors.yaml.text.tabs'},
  {re: /^Map keys must be unique$/, key: 'errors.yaml.text.uniqueKeys'},
  {re: /^Sequence item without - indicator$/, key: 'errors.yaml.text.sequenceDash'},
  {re: /^Missing closing ("|')quote$/, key: 'errors.yaml.text.closingQuote', vars: (m) => ({quote: m[1]})},
  {re: /^Flow map in block collection must be sufficiently indented and end with a \}$/, key: 'errors.yaml.text.flowMapIndent'},
  {re: /^Flow sequence in block collection must be sufficiently indented and end with a \]$/, key: 'errors.yaml.text.flowSeqIndent'},
  {re: /^Invalid escape sequence (.*)$/, key: 'errors.yaml.text.escape', vars: (m) => ({sequence: m[1]})},
  {re: /^Excessive alias count indicates a resource exhaustion attack$/, key: 'errors.yaml.text.aliasCount'},
  {re: /^Unresolved alias \(the anchor must be set before the alias\): (.*)$/, key: 'errors.yaml.text.unresolvedAlias', vars: (m) => ({alias: m[1]})},
  {re: /^Unresolved tag: (.*)$/, key: 'errors.yaml.text.unresolvedTag', vars: (m) => ({tag: m[1]})},
]

/** One parse error of the yaml library, without its location, in the language in force. */
export function yamlErrorText(error: {code?: string; message: string}): string {
  const text = error.message.split('\n')[0].trim()
  for (const {re, key, vars} of TEXTS) {
    const m = re.exec(text)
    // i18n-dynamic: errors.yaml.text.*
    if (m) return t(key, vars?.(m))
  }
  // i18n-dynamic: errors.yaml.code.*
  if (error.code && CODES.has(error.code)) return t(`errors.yaml.code.${error.code}`)
  return t('errors.yaml.unknown', {message: text})
}
