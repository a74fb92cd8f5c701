import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document} from 'yaml'
import type {z} from 'zod'

import {ConfigError} from '../cli/errors.js'
import {applyConfigLanguage} from '../i18n/index.js'
import {registerSecret} from '../cli/secrets.js'
import {checkConfiguredSelect} from '../sources/read-guard.js'
import {resolveNotifySecrets} from '../notify/config.js'
import {configSchema, type PlantopsConfig} from './schema.js'
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

const HINT_EXAMPLE = 'See the annotated example in README.md ("Configuration"), or run `plantops demo` to see a working one.'

/** Where the config comes from: --config, then $PLANTOPS_CONFIG, then ./plantops.yaml. */
export function findConfigPath(opts: LoadOptions = {}): string {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const chosen = opts.configPath ?? (env.PLANTOPS_CONFIG || 'plantops.yaml') // an empty variable is no variable
  const abs = path.resolve(cwd, chosen)
  if (!existsSync(abs)) {
    const via = opts.configPath ? '--config' : env.PLANTOPS_CONFIG ? '$PLANTOPS_CONFIG' : 'the current directory'
    throw new ConfigError(`config file not found: ${abs} (from ${via})`, {
      code: 'CONFIG_NOT_FOUND',
      hints: [
        'Pass --config PATH, set PLANTOPS_CONFIG, or run plantops from the directory that holds plantops.yaml.',
        'New here? `plantops demo` writes a complete example plant with its plantops.yaml; `plantops init` builds one interactively.',
      ],
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
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`, {code: 'CONFIG_UNREADABLE'})
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
    return `${name}:${pos.line}:${pos.col} Map keys must be unique (${JSON.stringify(key)} appears twice)`
  })
  if (doc.errors.length > 0 || duplicates.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])
      return `${name}${pos ? `:${pos.line}:${pos.col}` : ''} ${e.message.split('\n')[0]}`
    })
    problems.push(...duplicates)
    throw new ConfigError(`${name} is not valid YAML`, {
      code: 'CONFIG_YAML',
      problems,
      hints: ['Check indentation (spaces, not tabs) and quoting around values that contain ":" or "#".'],
    })
  }

  let raw: unknown
  try {
    raw = doc.toJS() ?? {}
  } catch (error) {
    // the yaml library's alias limit ("billion laughs"): a config error, not a defect
    throw new ConfigError(`${name} is not valid YAML: ${(error as Error).message}`, {
      code: 'CONFIG_YAML',
      hints: ['Use fewer YAML aliases (*name): write the values out instead.'],
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

  const parsed = configSchema.safeParse(interpolated)
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, locate)))
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`${name} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      problems,
      hints: [HINT_EXAMPLE],
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

function describeIssue(issue: z.core.$ZodIssue, locate: (p: readonly PropertyKey[]) => string): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)'
  let message = issue.message
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`
  } else if (issue.code === 'invalid_type') {
    message = `expected ${issue.expected}${/received (\w+)/.exec(issue.message)?.[1] ? `, got ${/received (\w+)/.exec(issue.message)?.[1]}` : ''}`
    if (/received undefined/.test(issue.message)) message = `required (expected ${issue.expected})`
  } else if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    message = `"${String((issue as {discriminator?: string}).discriminator)}" must be one of the supported values: ${issue.message}`
  }
  const keys = issue.code === 'unrecognized_keys' ? issue.path : issue.path
  return `${locate(keys)} ${where}: ${message}`
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
      problems.push(`${locate(p)} ${p.join('.')}: environment variable ${name} is not set (export ${name}=… before running plantops)`)
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
        warnings.push(
          `${locate([...p, 'password'])} ${[...p, 'password'].join('.')}: a plaintext password is in the config file; use password: \${ENV_VAR} or passwordFile: PATH`,
        )
      }
      ENV_REF.lastIndex = 0
      if (typeof obj.passwordFile === 'string') {
        const pwPath = path.resolve(dir, String(out.passwordFile))
        try {
          out.password = readFileSync(pwPath, 'utf8').replace(/\r?\n$/, '')
        } catch (error) {
          problems.push(`${locate([...p, 'passwordFile'])} ${[...p, 'passwordFile'].join('.')}: cannot read password file ${pwPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
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
          problems.push(`${locate([...p, k])} ${[...p, k].join('.')}: refused: ${verdict.reason}. plantops only runs configured SQL that is one plain SELECT (no INTO, locking clauses, executable comments /*!…*/ or SET STATEMENT)`)
        }
      } else if (v && typeof v === 'object') visit(v, [...p, k], here)
    }
  }
  visit(root, [], undefined)
}
