import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document} from 'yaml'
import {z} from 'zod'

import {ConfigError} from '../cli/errors.js'
import {applyConfigLanguage, isChinese, t} from '../i18n/index.js'
import {registerSecret} from '../cli/secrets.js'
import {warningText} from '../cli/warnings.js'
import {checkConfiguredSelect, guardReason} from '../sources/read-guard.js'
import {resolveNotifySecrets} from '../notify/config.js'
import {configSchema, type PlantopsConfig} from './schema.js'
import {yamlErrorText} from './yaml-errors.js'
import {countConfigDeprecations} from '../count/erp-reads.js'

export interface LoadedConfig {
  config: PlantopsConfig
  /** Absolute path of the file read. */
  path: string
  /** Directory of the file: relative paths in the config resolve against it. */
  dir: string
  /** Non-fatal problems (e.g. a literal password in the file). */
  warnings: string[]
}

export interface LoadOptions {
  /** --config flag value. */
  configPath?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** Where the config comes from: --config, then $PLANTOPS_CONFIG, then ./plantops.yaml. */
export function findConfigPath(opts: LoadOptions = {}): string {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const chosen = opts.configPath ?? (env.PLANTOPS_CONFIG || 'plantops.yaml') // an empty variable is no variable
  const abs = path.resolve(cwd, chosen)
  if (!existsSync(abs)) {
    const via = opts.configPath ? '--config' : env.PLANTOPS_CONFIG ? '$PLANTOPS_CONFIG' : t('errors.config.viaCwd')
    throw new ConfigError(t('errors.config.notFound', {path: abs, via}), {
      code: 'CONFIG_NOT_FOUND',
      hints: [t('errors.config.notFoundHint'), t('errors.config.newHereHint')],
    })
  }
  return abs
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const file = findConfigPath(opts)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(t('errors.config.unreadable', {path: file, reason: (error as Error).message}), {code: 'CONFIG_UNREADABLE'})
  }
  return parseConfigText(text, file, opts.env ?? process.env)
}

/** Parse, interpolate and validate config text. Exported for tests and for `plantops init`. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const name = path.basename(file)
  const dir = path.dirname(file)
  const lineCounter = new LineCounter()
  // uniqueKeys is checked below with one set per map: the library's own check compares every key with every other
  // (150,000 warehouseMap entries took minutes)
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
  const duplicates = duplicateKeys(doc).map(({key, offset}) => {
    const pos = lineCounter.linePos(offset)
    return `${name}:${pos.line}:${pos.col} ${t('errors.config.duplicateKey', {key: JSON.stringify(key)})}`
  })
  if (doc.errors.length > 0 || duplicates.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])
      return `${name}${pos ? `:${pos.line}:${pos.col}` : ''} ${yamlErrorText(e)}`
    })
    problems.push(...duplicates)
    throw new ConfigError(t('errors.config.yaml', {name}), {
      code: 'CONFIG_YAML',
      problems,
      hints: [t('errors.config.yamlHint')],
    })
  }

  let raw: unknown
  try {
    raw = doc.toJS() ?? {}
  } catch (error) {
    // the yaml library's alias limit ("billion laughs"): a config error, not a defect
    throw new ConfigError(t('errors.config.yamlReason', {name, reason: yamlErrorText(error as Error & {code?: string})}), {
      code: 'CONFIG_YAML',
      hints: [t('errors.config.aliasHint')],
    })
  }
  // lang: first, so the problems below are already told in the file's language (unless --lang / PLANTOPS_LANG chose)
  if (raw && typeof raw === 'object') applyConfigLanguage((raw as {lang?: unknown}).lang, file)
  const locate = (p: readonly PropertyKey[]): string => {
    const node = nodeAt(doc, p)
    const offset = node?.range?.[0]
    if (offset === undefined) return name
    const {line, col} = lineCounter.linePos(offset)
    return `${name}:${line}:${col}`
  }

  const problems: string[] = []
  const warnings: string[] = []
  const interpolated = interpolate(raw, [], env, dir, problems, warnings, locate)
  checkConfiguredSql(interpolated, problems, locate)
  problems.push(...resolveNotifySecrets((raw as {notify?: unknown}).notify, (interpolated as {notify?: unknown}).notify, dir, locate))

  // zod's own messages (too small, invalid option…) in the language in force; plantops' own messages are catalog keys.
  // jitless: the file is validated once per process, and compiling zod's per-object fast paths (new Function for each
  // object shape) costs more than it saves on one pass: ~45 ms less CPU for every command on the demo's config
  const parsed = configSchema.safeParse(interpolated, {jitless: true, ...(isChinese() ? {error: z.locales.zhCN().localeError} : {})})
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, locate, interpolated)))
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(t('errors.config.problems', {name, count: problems.length}), {
      problems,
      hints: [t('errors.config.exampleHint')],
    })
  }
  const rawSections = interpolated as {count?: unknown; stock?: unknown}
  warnings.push(...countConfigDeprecations(rawSections.count, rawSections.stock !== undefined))
  return {config: parsed.data, path: file, dir, warnings}
}

function nodeAt(doc: Document, p: readonly PropertyKey[]): {range?: [number, number, number] | null} | undefined {
  // Walk down as far as the path exists, so a missing key points at its parent.
  for (let n = p.length; n >= 0; n--) {
    const node = doc.getIn(p.slice(0, n) as unknown[], true) as {range?: [number, number, number] | null} | undefined
    if (node && (isMap(node) || isSeq(node) || 'range' in node)) return node
  }
  return undefined
}

function describeIssue(issue: z.core.$ZodIssue, locate: (p: readonly PropertyKey[]) => string, input: unknown): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : t('errors.config.topLevel')
  let message = issue.message
  if (issue.code === 'unrecognized_keys') {
    message = t('errors.config.unknownKeys', {count: issue.keys.length, keys: issue.keys.map((k) => `"${k}"`).join(', ')})
  } else if (issue.code === 'invalid_type') {
    const got = receivedType(valueAt(input, issue.path))
    const expected = typeName(issue.expected)
    message = got === 'undefined' ? t('errors.config.required', {expected}) : t('errors.config.expectedGot', {expected, got: typeName(got)})
  } else if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    message = t('errors.config.discriminator', {key: String((issue as {discriminator?: string}).discriminator), message: issue.message})
  }
  const keys = issue.code === 'unrecognized_keys' ? issue.path : issue.path
  return `${locate(keys)} ${where}: ${message}`
}

/** The value the config holds at a path (undefined where the path does not exist). */
function valueAt(input: unknown, p: readonly PropertyKey[]): unknown {
  let v = input
  for (const k of p) {
    if (!v || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[k]
  }
  return v
}

/** What a YAML value is, in zod's words (string, number, boolean, null, array, object, undefined…). */
function receivedType(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number' && Number.isNaN(v)) return 'nan'
  return typeof v
}

/** A type name in the language in force (unknown names as they are). */
function typeName(type: string): string {
  // i18n-dynamic: errors.config.type.*
  return t(`errors.config.type.${type}`, {defaultValue: type})
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Resolve `${VAR}` / `${VAR:-default}` in every string, `passwordFile` into `password`, and register every password as
 * a secret so it is redacted from all output. A literal password in the file is accepted with a warning.
 */
function interpolate(
  value: unknown,
  p: (string | number)[],
  env: NodeJS.ProcessEnv,
  dir: string,
  problems: string[],
  warnings: string[],
  locate: (p: readonly PropertyKey[]) => string,
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name]
      if (v !== undefined && v !== '') return v
      if (fallback !== undefined) return fallback
      problems.push(`${locate(p)} ${p.join('.')}: ${t('errors.config.envUnset', {name})}`)
      return ''
    })
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...p, i], env, dir, problems, warnings, locate))
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(obj)) out[k] = interpolate(v, [...p, k], env, dir, problems, warnings, locate)
    if (p.at(-1) === 'connection') {
      // what the file itself holds once ${VAR} references are taken out: `${UNSET:-S3cr3t}` still holds S3cr3t
      const literal = typeof obj.password === 'string' ? obj.password.replace(new RegExp(ENV_REF.source, 'g'), (_m, _n: string, fallback?: string) => fallback ?? '') : ''
      if (literal !== '') {
        warnings.push(warningText('config.warn.plaintextPassword', {}, `${locate([...p, 'password'])} ${[...p, 'password'].join('.')}: `))
      }
      ENV_REF.lastIndex = 0
      if (typeof obj.passwordFile === 'string') {
        const pwPath = path.resolve(dir, String(out.passwordFile))
        try {
          out.password = readFileSync(pwPath, 'utf8').replace(/\r?\n$/, '')
        } catch (error) {
          problems.push(`${locate([...p, 'passwordFile'])} ${[...p, 'passwordFile'].join('.')}: ${t('errors.config.passwordFile', {path: pwPath, code: (error as NodeJS.ErrnoException).code ?? 'error'})}`)
        }
      }
      if (typeof out.password === 'string') registerSecret(out.password)
    }
    return out
  }
  return value
}

/** Resolve a path from the config against the config file's directory. */
export function resolveConfigPath(loaded: Pick<LoadedConfig, 'dir'>, p: string): string {
  return path.resolve(loaded.dir, p)
}

/** Keys that appear twice in one map (with the offset of the second), found with one set per map: linear. */
function duplicateKeys(doc: Document): Array<{key: string; offset: number}> {
  const out: Array<{key: string; offset: number}> = []
  const stack: unknown[] = [doc.contents]
  while (stack.length > 0) {
    const node = stack.pop()
    if (isMap(node)) {
      const seen = new Set<string>()
      for (const pair of node.items) {
        const k = pair.key
        const key = isScalar(k) ? String(k.value) : JSON.stringify(k)
        if (seen.has(key)) out.push({key, offset: (k as {range?: [number, number, number]})?.range?.[0] ?? 0})
        seen.add(key)
        stack.push(pair.value)
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item)
    }
  }
  return out
}

/** Which source a section's configured SQL runs on (its `source:`; a lagQuery's own source). */
function sqlDialect(config: Record<string, unknown>, sourceName: unknown): 'mysql' | 'sqlite' {
  const sources = (config.sources ?? {}) as Record<string, {client?: unknown}>
  return typeof sourceName === 'string' && sources[sourceName]?.client === 'sqlite' ? 'sqlite' : 'mysql'
}

/**
 * Configured SQL (every `query:` and `lagQuery:` in the file) must be one plain SELECT: checked here, at load and by
 * `config validate`, so a write in the config is a config error (exit 2) naming its path, before any source is opened.
 */
function checkConfiguredSql(config: unknown, problems: string[], locate: (p: readonly PropertyKey[]) => string): void {
  if (!config || typeof config !== 'object') return
  const root = config as Record<string, unknown>
  const visit = (value: unknown, p: (string | number)[], source: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...p, i], source))
      return
    }
    if (!value || typeof value !== 'object') return
    const obj = value as Record<string, unknown>
    const here = typeof obj.source === 'string' ? obj.source : p[0] === 'sources' && p.length === 2 ? p[1] : source
    for (const [k, v] of Object.entries(obj)) {
      if ((k === 'query' || k === 'lagQuery') && typeof v === 'string') {
        const verdict = checkConfiguredSelect(v, sqlDialect(root, here))
        if (!verdict.ok) {
          problems.push(`${locate([...p, k])} ${[...p, k].join('.')}: ${t('errors.config.sqlRefused', {reason: guardReason(verdict)})}`)
        }
      } else if (v && typeof v === 'object') visit(v, [...p, k], here)
    }
  }
  visit(root, [], undefined)
}
