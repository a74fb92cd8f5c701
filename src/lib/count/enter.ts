import type {Knex} from 'knex'

import {formatDecimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {getLines, type CountHeader} from './count-store.js'
import {countedQuantityReason, parseCountedQuantity} from './quantity-text.js'
import {inLineUnit, recordEntries, type RecordResult} from './record.js'
import {displayItem, uncountedLine} from './report.js'

/** What `count enter` asks: a message and a validator; returns what was typed. Injected so tests need no terminal. */
export type AskCount = (question: {message: string; validate: (text: string) => true | string}) => Promise<string>

/**
 * Type counts line by line (walking order, uncounted lines only). Enter on an empty answer skips a line, "q" stops.
 * Each answer is recorded at once, through the same validation as sheets, so stopping half-way loses nothing.
 * The prompt shows where and what to count, never a system quantity.
 */
export async function enterCounts(
  knex: Knex,
  header: CountHeader,
  opts: {ask: AskCount; counter: string | null; countedAt: () => string},
): Promise<RecordResult & {typed: number; skipped: number}> {
  const lines = (await getLines(knex, header.id)).filter((l) => l.sampled && l.countedQty === null && l.lineNo !== null)
  let typed = 0
  let skipped = 0
  let last: RecordResult | null = null
  const all: RecordResult = {count: header.id, status: header.status, recorded: 0, unchanged: 0, found: 0, rejected: [], uncounted: [], warnings: []}
  for (const l of lines) {
    const what = [l.location, displayItem(l), l.description, l.lot ? t('count.reasons.promptLot', {lot: l.lot}) : null].filter(Boolean).join(' · ')
    const answer = (
      await opts.ask({
        message: t('count.reasons.prompt', {line: l.lineNo, size: header.sampleSize, what, unit: l.unit ?? ''}),
        validate: (text) => {
          const typed = text.trim()
          if (typed === '' || typed.toLowerCase() === 'q') return true
          const p = parseCountedQuantity(typed)
          if (p === null) return true
          if (!p.ok) return countedQuantityReason(p)
          // the unit is checked as it is typed: a wrong unit is asked again, not rejected after the session
          if (p.unit) {
            const u = inLineUnit(p.qty, p.unit, l)
            if (!u.ok) return u.reason
          }
          return true
        },
      })
    ).trim()
    if (answer.toLowerCase() === 'q') break
    if (answer === '') {
      skipped++
      continue
    }
    last = await recordEntries(
      knex,
      header,
      [{where: `typed:line ${l.lineNo}`, lineNo: l.lineNo, lineError: null, location: l.location, item: '', lot: l.lot ?? '', counted: answer, countedError: null, counter: opts.counter, remarks: null}],
      {countedAt: opts.countedAt()},
    )
    typed++
    all.recorded += last.recorded
    all.rejected.push(...last.rejected)
    all.warnings.push(...last.warnings)
  }
  const remaining = (await getLines(knex, header.id)).filter((l) => l.sampled && l.countedQty === null && l.lineNo !== null)
  all.uncounted = remaining.map(uncountedLine)
  all.status = last?.status ?? header.status
  return {...all, typed, skipped}
}

export {formatDecimal}
