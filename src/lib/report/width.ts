import stringWidth from 'string-width'

import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {Column} from './columns.js'

/**
 * How wide the terminal table may be: `PLANTOPS_COLUMNS` when set (also without a TTY: tests, or a log viewer of a
 * known width), else the terminal's width when stdout is a TTY, else no limit (files and pipes get every column
 * at full width).
 */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env, stream: NodeJS.WriteStream = process.stdout): number | undefined {
  const forced = Number.parseInt(env.PLANTOPS_COLUMNS ?? '', 10)
  if (Number.isFinite(forced) && forced > 0) return forced
  if (stream.isTTY && stream.columns) return stream.columns
  return undefined
}

/** Columns on the terminal, in characters (CJK and other wide characters count 2). */
export function displayWidth(s: string): number {
  return stringWidth(s)
}

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'})

/** Cut `s` to at most `max` display columns, ending in … when cut (never splits a character or a wide glyph). */
export function truncateToWidth(s: string, max: number): string {
  if (displayWidth(s) <= max) return s
  if (max <= 0) return ''
  let out = ''
  let w = 0
  for (const {segment} of segmenter.segment(s)) {
    const sw = displayWidth(segment)
    if (w + sw > max - 1) break
    out += segment
    w += sw
  }
  return `${out}…`
}

/** Pick the columns named by `--columns` (keys or headers, case-insensitive), in the order given. */
export function chooseColumns<R>(columns: Column<R>[], names: string[] | undefined): Column<R>[] {
  if (!names || names.length === 0) return columns
  const norm = (s: string) => s.toLowerCase().replaceAll(/[\s_-]/g, '')
  const chosen: Column<R>[] = []
  const unknown: string[] = []
  for (const name of names) {
    const c = columns.find((col) => norm(col.key) === norm(name) || norm(col.header) === norm(name))
    if (c) chosen.push(c)
    else unknown.push(name)
  }
  if (unknown.length > 0) {
    throw new UsageError(t('errors.report.noColumn', {names: unknown.map((u) => `"${u}"`).join(', ')}), {
      hints: [t('errors.report.noColumnHint', {columns: columns.map((c) => c.key).join(', ')})],
    })
  }
  return chosen
}

export interface FittedColumns<R> {
  columns: Column<R>[]
  /** Display width given to each column's content (same order as columns). */
  widths: number[]
  /** Headers of the columns left out to fit the width. */
  dropped: string[]
}

/** cli-table3's frame: one border between and around columns, one space of padding each side. */
export function tableWidth(widths: number[]): number {
  return widths.reduce((a, w) => a + w + 3, 1)
}

/**
 * Fit a table into `width` display columns: first shorten the columns that may be shortened (`shrink`, names and
 * descriptions) down to their `minWidth`, then leave out the columns of lowest `priority` one by one. Without a width
 * every column keeps its full width.
 */
export function fitColumns<R>(columns: Column<R>[], cells: string[][], width: number | undefined, maxCell = 60): FittedColumns<R> {
  const natural = columns.map((c, i) => Math.min(maxCell, Math.max(displayWidth(c.header), ...cells.map((row) => displayWidth(row[i] ?? '')))))
  if (width === undefined || tableWidth(natural) <= width) return {columns, widths: natural, dropped: []}
  let keep = columns.map((_, i) => i)
  const dropped: string[] = []
  const lowestPriority = () => {
    let victim = -1
    for (let j = 0; j < keep.length; j++) {
      const p = columns[keep[j]].priority ?? 5
      if (p >= 10) continue
      if (victim < 0 || p <= (columns[keep[victim]].priority ?? 5)) victim = j
    }
    return victim
  }
  for (;;) {
    const widths = keep.map((i) => natural[i])
    // low-value columns (priority below 5) go before anything is shortened
    const low = lowestPriority()
    if (low >= 0 && (columns[keep[low]].priority ?? 5) < 5 && tableWidth(widths) > width) {
      dropped.push(columns[keep[low]].header)
      keep = keep.filter((_, j) => j !== low)
      continue
    }
    const floor = keep.map((i) => (columns[i].shrink ? Math.min(natural[i], Math.max(columns[i].minWidth ?? 8, 4)) : natural[i]))
    let excess = tableWidth(widths) - width
    // then shorten the widest shrinkable column, one character at a time
    while (excess > 0) {
      let widest = -1
      for (let j = 0; j < widths.length; j++) if (widths[j] > floor[j] && (widest < 0 || widths[j] > widths[widest])) widest = j
      if (widest < 0) break
      widths[widest]--
      excess--
    }
    if (excess <= 0 || keep.length <= 1) return {columns: keep.map((i) => columns[i]), widths, dropped}
    // still too wide: leave out the column of lowest priority (the rightmost of equals)
    const victim = lowestPriority()
    if (victim < 0) return {columns: keep.map((i) => columns[i]), widths, dropped}
    dropped.push(columns[keep[victim]].header)
    keep = keep.filter((_, j) => j !== victim)
  }
}
