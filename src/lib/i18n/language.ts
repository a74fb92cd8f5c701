/**
 * Which language plantops speaks, and why: the one place that decides.
 *
 * Precedence: `--lang` → `$PLANTOPS_LANG` → `lang:` in plantops.yaml → the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`,
 * the first one set, as POSIX reads them: `zh_*` → zh-CN, `en_*` → en) → English.
 *
 * No dependencies: the config schema (loaded by every command) imports LANGUAGES from here.
 */

export const LANGUAGES = ['en', 'zh-CN'] as const
export type Language = (typeof LANGUAGES)[number]

/** Where the language in force came from, strongest first. */
export type LanguageSource = 'flag' | 'env' | 'config' | 'locale' | 'default'

export interface LanguageDecision {
  lang: Language
  source: LanguageSource
  /** What decided it, as the operator would write it: `--lang zh-CN`, `PLANTOPS_LANG=zh-CN`, `lang: zh-CN in /x/plantops.yaml`, `LANG=zh_CN.UTF-8`. */
  detail: string
}

const RANK: Record<LanguageSource, number> = {flag: 4, env: 3, config: 2, locale: 1, default: 0}

/** `en`, `en-US`, `en_GB.UTF-8` → en; `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans` → zh-CN; anything else → undefined. */
export function normaliseLanguage(value: string | undefined): Language | undefined {
  const v = value?.trim().toLowerCase()
  if (!v) return undefined
  const base = v.split(/[._@]/)[0].split('-')[0]
  if (base === 'zh') return 'zh-CN'
  if (base === 'en') return 'en'
  return undefined
}

/** The locale's language: the first of LC_ALL, LC_MESSAGES, LANG that is set (C/POSIX and others → undefined). */
export function localeLanguage(env: NodeJS.ProcessEnv): {lang: Language; detail: string} | undefined {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name]
    if (!value) continue
    const lang = normaliseLanguage(value)
    return lang ? {lang, detail: `${name}=${value}`} : undefined
  }
  return undefined
}

/** The decision from what is known before the config file is read: --lang, PLANTOPS_LANG, the locale. */
export function decideLanguage(opts: {flag?: string; env?: NodeJS.ProcessEnv; config?: {lang?: string; file?: string}}): LanguageDecision {
  const env = opts.env ?? process.env
  const flag = normaliseLanguage(opts.flag)
  if (flag) return {lang: flag, source: 'flag', detail: `--lang ${opts.flag}`}
  const fromEnv = normaliseLanguage(env.PLANTOPS_LANG)
  if (fromEnv) return {lang: fromEnv, source: 'env', detail: `PLANTOPS_LANG=${env.PLANTOPS_LANG}`}
  const fromConfig = normaliseLanguage(opts.config?.lang)
  if (fromConfig) return {lang: fromConfig, source: 'config', detail: `lang: ${opts.config?.lang}${opts.config?.file ? ` in ${opts.config.file}` : ''}`}
  const locale = localeLanguage(env)
  if (locale) return {lang: locale.lang, source: 'locale', detail: locale.detail}
  return {lang: 'en', source: 'default', detail: 'default'}
}

/**
 * The value of `--lang` as written in argv (`--lang zh-CN` or `--lang=zh-CN`, before a `--`), for when oclif's parser
 * failed (an unknown flag, a bad option value): the error about the rest of the command line is then still told in
 * the language asked for. The last one wins, as with the parser; a value that names no language is ignored.
 */
export function langFromArgv(argv: readonly string[] | undefined): string | undefined {
  let found: string | undefined
  const list = argv ?? []
  for (let i = 0; i < list.length; i++) {
    const a = list[i]
    if (a === '--') break
    const value = a === '--lang' ? list[i + 1] : a.startsWith('--lang=') ? a.slice('--lang='.length) : undefined
    if (value !== undefined && normaliseLanguage(value)) found = value
  }
  return found
}

/** Whether `next` may replace `current` (a weaker source never overrides a stronger one). */
export function outranks(next: LanguageSource, current: LanguageSource): boolean {
  return RANK[next] >= RANK[current]
}
