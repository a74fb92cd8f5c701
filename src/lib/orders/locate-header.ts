import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {FieldSpec} from './fields.js'
import {betterCandidate, type HeaderMatch, matchHeaderRow} from './header-match.js'
import {openSheets, type ReadOptions, type SheetRow, type SheetRows} from '../sheets/read.js'

/** The sheet to import, its header row, and the data rows after it, in batches (iterate once, then call close()). */
export interface LocatedSheet {
  sheet: SheetRows
  header: HeaderMatch
  batches: AsyncIterable<SheetRow[]>
  close(): Promise<void>
}

/** The best header candidate when no row matched every required field (for the prompt or the error). */
export interface HeaderCandidate {
  sheet: string
  match: HeaderMatch
}

/** Thrown when no sheet has a row with every required header; carries the best candidate. */
export class HeadersUnmatchedError extends UsageError {
  constructor(
    message: string,
    readonly candidate: HeaderCandidate | undefined,
    hints: string[],
  ) {
    super(message, {code: 'HEADERS_UNMATCHED', hints})
  }
}

/**
 * Find the sheet and its header row. The header is the first row, within `searchRows` rows of the top, whose texts
 * match every required field (title rows, merged title cells and blank rows above it are common). `sheet` picks a
 * sheet by name or 1-based index; otherwise the first sheet holding the headers is used.
 */
export async function locateHeader(
  file: string,
  fields: FieldSpec[],
  opts: ReadOptions & {sheet?: string; searchRows: number},
): Promise<LocatedSheet> {
  const sheets = openSheets(file, opts)
  let best: HeaderCandidate | undefined
  const seen: string[] = []
  /** The sheet --sheet chose (its name), once found. */
  let selected: string | undefined
  let close = async () => {
    await sheets.return(undefined)
  }
  try {
    for await (const sheet of sheetsOf(sheets)) {
      seen.push(sheet.name)
      if (opts.sheet !== undefined && !sheetMatches(sheet, opts.sheet)) continue
      if (opts.sheet === undefined && sheet.hidden) continue // a hidden template or lookup sheet is not the orders
      selected = sheet.name
      const it = sheet.batches[Symbol.asyncIterator]()
      let header: HeaderMatch | undefined
      let rest: SheetRow[] = []
      search: while (true) {
        const step = await it.next()
        if (step.done) break
        const batch = step.value
        for (let i = 0; i < batch.length; i++) {
          const row = batch[i]
          if (row.number > opts.searchRows) break search
          const m = matchHeaderRow(row.number, row.cells, fields)
          if (m.missing.length === 0) {
            header = m
            rest = batch.slice(i + 1)
            break search
          }
          if (m.columns.size > 0 && betterCandidate(best?.match, m) === m) best = {sheet: sheet.name, match: m}
        }
      }
      if (header) {
        const first = rest
        const batches = (async function* () {
          if (first.length > 0) yield first
          while (true) {
            const step = await it.next()
            if (step.done) return
            yield step.value
          }
        })()
        const closeSheets = close
        close = async () => {}
        return {
          sheet,
          header,
          batches,
          close: async () => {
            await it.return?.(undefined)
            await closeSheets()
          },
        }
      }
      await it.return?.(undefined)
      if (opts.sheet !== undefined) break
    }
  } finally {
    await close()
  }
  if (opts.sheet !== undefined && selected === undefined) {
    throw new UsageError(t('errors.orders.noSheet', {file, sheet: opts.sheet, sheets: seen.map((s) => `"${s}"`).join(', ')}), {
      code: 'USAGE',
      hints: [t('errors.orders.noSheetHint')],
    })
  }
  throw unmatched(file, fields, best, opts.searchRows, opts.sheet !== undefined ? selected : undefined)
}

async function* sheetsOf(gen: AsyncGenerator<SheetRows>): AsyncGenerator<SheetRows> {
  // iterate without closing the generator when the consumer returns early: the caller owns it
  while (true) {
    const step = await gen.next()
    if (step.done) return
    yield step.value
  }
}

function sheetMatches(sheet: SheetRows, wanted: string): boolean {
  if (/^\d+$/.test(wanted)) return sheet.index === Number(wanted) || sheet.name === wanted
  return sheet.name === wanted || sheet.name.trim().toLowerCase() === wanted.trim().toLowerCase()
}

/** No sheet (or not the one --sheet chose: `sheet`) has a row holding every required header. */
function unmatched(file: string, fields: FieldSpec[], best: HeaderCandidate | undefined, searchRows: number, sheet?: string): HeadersUnmatchedError {
  const required = fields.filter((f) => f.required)
  const missing = best ? best.match.missing : required
  const lines = [
    best
      ? t('errors.orders.columnsUnmatched', {file, count: missing.length, columns: missing.map((f) => f.name).join(', '), sheet: best.sheet, row: best.match.rowNumber})
      : sheet !== undefined
        ? t('errors.orders.noHeaderRowInSheet', {file, rows: searchRows, sheet, required: required.map((f) => f.name).join(', ')})
        : t('errors.orders.noHeaderRow', {file, rows: searchRows, required: required.map((f) => f.name).join(', ')}),
  ]
  if (best) lines.push(`  ${t('errors.orders.headersNotMatched', {headers: best.match.unmatchedHeaders.map((h) => `"${h}"`).join(', ') || t('errors.orders.none')})}`)
  for (const f of missing) lines.push(`  ${t('errors.orders.aliasesTried', {field: f.name, aliases: f.aliases.join(', ')})}`)
  return new HeadersUnmatchedError(lines.join('\n'), best, [t('errors.orders.aliasesHint', {field: missing[0]?.name ?? 'sku'}), t('errors.orders.interactiveHint')])
}
