import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'

import type {i18n as I18n, TOptions} from 'i18next'

import {decideLanguage, normaliseLanguage, outranks, type Language, type LanguageDecision} from './language.js'

export {LANGUAGES, type Language, type LanguageDecision, type LanguageSource} from './language.js'

/**
 * plantops' messages: `t(key, vars)` looks a key up in src/lib/i18n/catalogs/<lang>.json (English is the source of
 * truth and the fallback). i18next and the catalogs load on the first `t()` call, synchronously, so importing this
 * module costs nothing (`plantops --version` never calls t) and views can call t() without awaiting anything.
 *
 * Keys are literal strings (t with a quoted key and its variables) so test/i18n/catalog.test.ts can find every key in use.
 * A key built at run time (from a template string) must be declared next to the call with a comment
 * `// i18n-dynamic: stock.status.*`; the catalog test treats every key under that prefix as used.
 */

let decision: LanguageDecision | undefined
let instance: I18n | undefined

/** The language in force and why (decided from the environment on first use when no command set it). */
export function languageDecision(): LanguageDecision {
  decision ??= decideLanguage({})
  return decision
}

export function currentLanguage(): Language {
  return languageDecision().lang
}

/** Set the language from --lang and the environment (BaseCommand.init). */
export function setLanguage(next: LanguageDecision): void {
  decision = next
  if (instance && instance.language !== next.lang) void instance.changeLanguage(next.lang)
}

/** `lang:` from plantops.yaml: applies unless --lang or PLANTOPS_LANG already decided. */
export function applyConfigLanguage(lang: unknown, file: string): void {
  if (typeof lang !== 'string' || !normaliseLanguage(lang)) return
  if (!outranks('config', languageDecision().source)) return
  setLanguage(decideLanguage({flag: undefined, env: {...process.env, PLANTOPS_LANG: undefined}, config: {lang, file}}))
}

/** Read a catalog (src/lib/i18n/catalogs/<lang>.json; the build copies them to dist/lib/i18n/catalogs). */
export function readCatalog(lang: Language): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./catalogs/${lang}.json`, import.meta.url), 'utf8')) as Record<string, unknown>
}

function i18next(): I18n {
  if (instance) return instance
  // createRequire: a synchronous load, on first use only (an `await import` would make every view async)
  const require = createRequire(import.meta.url)
  const {createInstance} = require('i18next') as typeof import('i18next')
  const created = createInstance()
  void created.init({
    lng: currentLanguage(),
    fallbackLng: 'en',
    supportedLngs: ['en', 'zh-CN'],
    initAsync: false,
    resources: {en: {translation: readCatalog('en')}, 'zh-CN': {translation: readCatalog('zh-CN')}},
    nsSeparator: false,
    keySeparator: '.',
    returnNull: false,
    // terminal text, CSV and XLSX: nothing is HTML
    interpolation: {escapeValue: false},
  })
  instance = created
  return created
}

/** A message in the language in force. Plurals: pass `count` (English keys `x_one` / `x_other`; Chinese `x_other`). */
export function t(key: string, vars?: Record<string, unknown>): string {
  return i18next().t(key, vars as TOptions) as string
}

/** `t` for a key without variables, remembered per language (labels of millions of rows: status, cause). */
export function label(key: string): string {
  const id = `${currentLanguage()}|${key}`
  let text = labels.get(id)
  if (text === undefined) {
    text = t(key)
    labels.set(id, text)
  }
  return text
}

const labels = new Map<string, string>()

/** The same message in a given language (e.g. English for run history), whatever the language in force. */
export function tIn(lang: Language, key: string, vars?: Record<string, unknown>): string {
  return i18next().getFixedT(lang)(key, vars as TOptions) as string
}

/** Whether Chinese is in force (for the few layout decisions that depend on the script, e.g. list separators). */
export function isChinese(): boolean {
  return currentLanguage() === 'zh-CN'
}

/**
 * A message with variables for text made once per row of a large report (a reconcile finding's detail on every
 * differing field of a CSV): the catalog text of `key` in `lang` (English when missing) is split once into literal
 * parts and `{{name}}` slots, then filled by concatenation, as t() would fill it (a variable passed as null or
 * undefined is empty, one not passed stays `{{name}}`). A slot's name is looked up in `vars`, then in `more` (shared
 * variables such as the side labels, without a merged object per row). t() costs 10-25 µs a call and tIn() about
 * 130 µs; this well under 1 µs. Only plain `{{name}}` slots: a message with a format, a plural or nesting goes through tIn().
 */
export function filler(lang: Language, key: string): Filler {
  const id = `${lang}|${key}`
  let fill = fillers.get(id)
  if (fill === undefined) {
    fill = makeFiller(lang, key)
    fillers.set(id, fill)
  }
  return fill
}

export type Filler = (vars: Record<string, unknown> | undefined, more?: Record<string, unknown>) => string

const fillers = new Map<string, Filler>()

function makeFiller(lang: Language, key: string): Filler {
  const i = i18next()
  const text = i.getResource(lang, 'translation', key) ?? i.getResource('en', 'translation', key)
  if (typeof text !== 'string' || text.includes('$t(') || /\{\{-|\{\{[^}]*,/.test(text)) return (vars, more) => tIn(lang, key, {...more, ...vars})
  const parts: string[] = [] // literal, name, literal, name, …, literal
  let at = 0
  for (const m of text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) {
    parts.push(text.slice(at, m.index), m[1])
    at = m.index + m[0].length
  }
  parts.push(text.slice(at))
  return (vars, more) => {
    let out = parts[0]
    for (let p = 1; p < parts.length; p += 2) {
      const name = parts[p]
      const from = vars !== undefined && Object.hasOwn(vars, name) ? vars : more !== undefined && Object.hasOwn(more, name) ? more : undefined
      const v = from?.[name]
      out += (from === undefined ? `{{${name}}}` : v === undefined || v === null ? '' : String(v)) + parts[p + 1]
    }
    return out
  }
}
