import {expect} from 'vitest'

import {readCatalog} from '../../src/lib/i18n/index.js'

/** No language from the machine running the tests: each command says what it wants. */
export const NEUTRAL = {LANG: 'C.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined, PLANTOPS_LANG: undefined, PLANTOPS_COLUMNS: undefined}

/** Fragments of English catalog sentences (three words or more, interpolations removed, commands left aside). */
export function englishSentences(): string[] {
  const out = new Set<string>()
  const visit = (v: unknown) => {
    if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x)
    else if (typeof v === 'string') {
      for (const part of v.split(/\{\{[^}]*\}\}/)) {
        const f = part.trim().replace(/^[(:;,.·–…\s]+|[(:;,.·–…\s]+$/g, '')
        if (f.split(/\s+/).filter((w) => /^[A-Za-z][a-z']+$/.test(w)).length >= 3 && !/plantops|--|\.yaml|[\u4e00-\u9fff]/.test(f)) out.add(f)
      }
    }
  }
  visit(readCatalog('en'))
  return [...out]
}

/** Fails when Chinese output still carries a sentence of the English catalog. */
export function noEnglish(text: string, what: string): void {
  const found = englishSentences().filter((s) => text.includes(s))
  expect(found, `English catalog sentences in the zh-CN output of ${what}`).toEqual([])
}
