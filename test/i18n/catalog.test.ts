import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {readCatalog} from '../../src/lib/i18n/index.js'
import {repoRoot} from '../helpers/cli.js'

/**
 * The catalogs (src/lib/i18n/catalogs/*.json): every key in both languages with the same interpolation variables,
 * every key used in src, no key unused. Plural keys (`x_one`, `x_other`) are compared by their base key `x`:
 * English needs `_one` and `_other`, Chinese `_other`.
 * A key may be passed on as a string literal before it is looked up (counted as used).
 * Keys built at run time are declared beside the call with `// i18n-dynamic: prefix.*` (see src/lib/i18n/index.ts).
 */

const PLURAL = /_(zero|one|two|few|many|other)$/

function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv)
    else out.set(key, String(v))
  }
  return out
}

function byBase(flat: Map<string, string>): Map<string, {forms: Set<string>; vars: Set<string>}> {
  const out = new Map<string, {forms: Set<string>; vars: Set<string>}>()
  for (const [key, text] of flat) {
    const m = PLURAL.exec(key)
    const base = m ? key.slice(0, -m[0].length) : key
    const entry = out.get(base) ?? {forms: new Set(), vars: new Set()}
    entry.forms.add(m ? m[1] : '')
    for (const v of text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)) entry.vars.add(v[1])
    if (m) entry.vars.add('count')
    out.set(base, entry)
  }
  return out
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p))
    else if (p.endsWith('.ts')) out.push(p)
  }
  return out
}

const en = byBase(flatten(readCatalog('en')))
const zh = byBase(flatten(readCatalog('zh-CN')))

describe('message catalogs', () => {
  it('have the same keys in English and Chinese', () => {
    expect([...zh.keys()].filter((k) => !en.has(k)), 'keys only in zh-CN.json').toEqual([])
    expect([...en.keys()].filter((k) => !zh.has(k)), 'keys only in en.json').toEqual([])
  })

  it('have the plural forms each language needs', () => {
    const bad: string[] = []
    for (const [key, e] of en) {
      if (e.forms.has('') && e.forms.size === 1) continue
      if (!e.forms.has('one') || !e.forms.has('other')) bad.push(`en ${key}: needs _one and _other`)
      if (!zh.get(key)?.forms.has('other')) bad.push(`zh-CN ${key}: needs _other`)
    }
    expect(bad).toEqual([])
  })

  it('use the same interpolation variables in both languages', () => {
    const bad: string[] = []
    for (const [key, e] of en) {
      const z = zh.get(key)
      if (!z) continue
      const a = [...e.vars].sort().join(',')
      const b = [...z.vars].sort().join(',')
      if (a !== b) bad.push(`${key}: en {${a}} zh-CN {${b}}`)
    }
    expect(bad).toEqual([])
  })

  it('have every key that src uses, and no key that nothing uses', () => {
    const used = new Set<string>()
    const dynamic: string[] = []
    const literals = new Set<string>()
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\btIn\([^,()]+,\s*['"]([A-Za-z][\w.-]*)['"]/g)) used.add(m[1])
      for (const m of text.matchAll(/\bt\(\s*['"]([A-Za-z][\w.-]*)['"]/g)) used.add(m[1])
      // a key passed on before it is looked up (`warn('stock.warn.stale', vars)`): any string literal that is a key
      for (const m of text.matchAll(/['"]([A-Za-z]\w*(?:\.[\w-]+)+)['"]/g)) if (en.has(m[1].replace(PLURAL, ''))) literals.add(m[1])
      for (const m of text.matchAll(/i18n-dynamic:\s*([\w.-]+)\.\*/g)) dynamic.push(`${m[1]}.`)
    }
    const missing = [...used].filter((k) => !en.has(k))
    expect(missing, 'keys used in src but missing from en.json').toEqual([])
    // placeholders keep each area's section in place for the engineers who fill it
    const unused = [...en.keys()].filter((k) => !used.has(k) && !literals.has(k) && !dynamic.some((p) => k.startsWith(p)) && !k.endsWith('.placeholder'))
    expect(unused, 'keys in the catalogs that no src file uses').toEqual([])
  })
})
