import Table from 'cli-table3'

import {cellText, type Column} from './columns.js'

/**
 * A terminal table (cli-table3 measures display width, so Chinese text aligns).
 * Numbers are right-aligned. `style` has no colours when colour is off.
 */
export function renderTable<R>(columns: Column<R>[], rows: Iterable<R>, opts: {color?: boolean; maxWidth?: number} = {}): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => (c.kind && c.kind !== 'text' && c.kind !== 'date' ? 'right' : 'left')),
    style: {head: opts.color === false ? [] : ['cyan'], border: opts.color === false ? [] : ['grey'], compact: true},
    wordWrap: false,
  })
  for (const row of rows) table.push(columns.map((c) => truncate(cellText(row[c.key]), opts.maxWidth ?? 60)))
  return table.toString()
}

/** Key/value table for summaries. */
export function renderKeyValue(pairs: Array<[string, unknown]>, opts: {color?: boolean} = {}): string {
  const table = new Table({style: {head: [], border: opts.color === false ? [] : ['grey'], compact: true}})
  for (const [k, v] of pairs) table.push({[k]: cellText(v)})
  return table.toString()
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}
