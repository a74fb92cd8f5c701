import {t} from '../i18n/index.js'
import Table from 'cli-table3'

import {cellText, type Column} from './columns.js'
import {chooseColumns, displayWidth, fitColumns, tableWidth, truncateToWidth} from './width.js'

export interface TableOptions {
  color?: boolean
  /** Longest cell shown, in display columns (default 60). */
  maxWidth?: number
  /** Fit the table into this many display columns (see `terminalWidth()`); no limit when absent. */
  width?: number
  /** `--columns`: only these columns (keys or headers), in this order. */
  columns?: string[]
}

/**
 * A terminal table (display width measured, so Chinese text aligns). Numbers are right-aligned; no colours when
 * colour is off. With a width, low-value columns are shortened, then left out (said under the table) to fit.
 */
export function renderTable<R>(columns: Column<R>[], rows: Iterable<R>, opts: TableOptions = {}): string {
  const chosen = chooseColumns(columns, opts.columns)
  const list = [...rows]
  const allCells = list.map((row) => chosen.map((c) => cellText(row[c.key])))
  const fit = fitColumns(chosen, allCells, opts.columns?.length ? undefined : opts.width, opts.maxWidth ?? 60)
  const index = fit.columns.map((c) => chosen.indexOf(c))
  const table = new Table({
    head: fit.columns.map((c, j) => truncateToWidth(c.header, fit.widths[j])),
    colAligns: fit.columns.map((c) => (c.kind && c.kind !== 'text' && c.kind !== 'date' ? 'right' : 'left')),
    colWidths: fit.widths.map((w) => w + 2),
    style: {head: opts.color === false ? [] : ['cyan'], border: opts.color === false ? [] : ['grey'], compact: true},
    wordWrap: false,
  })
  for (const cells of allCells) table.push(index.map((i, j) => truncateToWidth(cells[i], fit.widths[j])))
  const text = table.toString()
  if (fit.dropped.length === 0) return text
  return `${text}\n${wrap(t('report.notShown', {width: opts.width, columns: fit.dropped.join(t('common.listSeparator'))}), opts.width ?? 80)}`
}

/** Key/value table for summaries; with a width, long values wrap (at spaces) to fit it. */
export function renderKeyValue(pairs: Array<[string, unknown]>, opts: {color?: boolean; width?: number} = {}): string {
  const keyWidth = Math.max(0, ...pairs.map(([k]) => displayWidth(k)))
  const valueWidth = Math.max(0, ...pairs.flatMap(([, v]) => cellText(v).split('\n').map(displayWidth)))
  const fit = opts.width !== undefined && tableWidth([keyWidth, valueWidth]) > opts.width
  const table = new Table({
    style: {head: [], border: opts.color === false ? [] : ['grey'], compact: true},
    ...(fit ? {colWidths: [keyWidth + 2, Math.max(10, opts.width! - keyWidth - 7)], wordWrap: true} : {}),
  })
  for (const [k, v] of pairs) table.push({[k]: cellText(v)})
  return table.toString()
}

/** Break prose into lines of at most `width` display columns, at spaces (for terminal text beside tables). */
export function wrap(text: string, width: number): string {
  // units: words (runs of narrow characters) and single wide (CJK) characters, which Chinese text breaks between
  const units: Array<{text: string; spaced: boolean}> = []
  let spaced = false
  for (const m of text.matchAll(/( +)|([^ ]+)/gu)) {
    if (m[1]) {
      spaced = true
      continue
    }
    let word = ''
    for (const ch of m[2]) {
      if (displayWidth(ch) > 1) {
        if (word) units.push({text: word, spaced}), (spaced = false), (word = '')
        units.push({text: ch, spaced})
        spaced = false
      } else word += ch
    }
    if (word) units.push({text: word, spaced})
    spaced = false
  }
  const lines: string[] = []
  let line = ''
  for (const u of units) {
    const next = line ? `${line}${u.spaced ? ' ' : ''}${u.text}` : u.text
    if (line && displayWidth(next) > width) {
      lines.push(line)
      line = u.text
    } else line = next
  }
  if (line) lines.push(line)
  return lines.join('\n')
}
