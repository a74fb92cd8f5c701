import type {Source} from './source.js'

/**
 * What a source's catalog says about its tables, read only through the Source (SELECT / SHOW only):
 * MySQL information_schema, SQLite's pragma table-valued functions (`SELECT … FROM pragma_table_info(?)`; a bare
 * PRAGMA statement is not a read and the guard refuses it).
 */
export interface ColumnInfo {
  name: string
  type: string
}

export interface IndexColumn {
  index: string
  seq: number
  column: string
}

export async function listColumns(src: Source, table: string): Promise<ColumnInfo[] | null> {
  if (src.dialect === 'sqlite') {
    const exists = await src.query<{n: number}>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type IN ('table','view') AND name = ?", [table])
    if (Number(exists[0]?.n ?? 0) === 0) return null
    const rows = await src.query<{name: string; type: string}>('SELECT name, type FROM pragma_table_info(?) ORDER BY cid', [table])
    return rows.map((r) => ({name: String(r.name), type: String(r.type ?? '')}))
  }
  const rows = await src.query<{name: string; type: string}>(
    'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table],
  )
  if (rows.length === 0) return null
  return rows.map((r) => ({name: String(r.name), type: String(r.type)}))
}

export async function listIndexColumns(src: Source, table: string): Promise<IndexColumn[]> {
  if (src.dialect === 'sqlite') {
    const rows = await src.query<{idx: string; seq: number; col: string}>(
      'SELECT il.name AS idx, ii.seqno AS seq, ii.name AS col FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii ORDER BY il.name, ii.seqno',
      [table],
    )
    const out = rows.map((r) => ({index: String(r.idx), seq: Number(r.seq) + 1, column: String(r.col)}))
    // An INTEGER PRIMARY KEY is the rowid: indexed without appearing in pragma_index_list.
    const pk = await src.query<{name: string; type: string; pk: number}>('SELECT name, type, pk FROM pragma_table_info(?) WHERE pk > 0', [table])
    if (pk.length === 1 && /^integer$/i.test(String(pk[0].type))) out.push({index: 'rowid', seq: 1, column: String(pk[0].name)})
    return out
  }
  const rows = await src.query<{idx: string; seq: number | string; col: string}>(
    'SELECT INDEX_NAME AS idx, SEQ_IN_INDEX AS seq, COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [table],
  )
  return rows.map((r) => ({index: String(r.idx), seq: Number(r.seq), column: String(r.col)}))
}

/**
 * Rows in a table: MySQL's estimate from information_schema.TABLES (an exact COUNT(*) is itself a full scan on a
 * large InnoDB table: the audit must not do what it warns about); SQLite counts exactly (a local file), or only up to
 * `upTo` rows when the caller needs to know no more than that. `found` is false when MySQL's catalog has no such
 * table (a view of another schema, a qualified name): `rows` is then 0 and says nothing.
 */
export async function tableRows(src: Source, table: string, opts: {upTo?: number} = {}): Promise<{rows: number; estimated: boolean; found: boolean}> {
  if (src.dialect === 'sqlite') {
    const from = opts.upTo === undefined ? src.quoteId(table) : `(SELECT 1 FROM ${src.quoteId(table)} LIMIT ${Math.trunc(opts.upTo)}) AS plantops_rows`
    const rows = await src.query<{n: number}>(`SELECT COUNT(*) AS n FROM ${from}`)
    return {rows: Number(rows[0]?.n ?? 0), estimated: false, found: true}
  }
  const rows = await src.query<{n: string | number | null}>('SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])
  return {rows: Number(rows[0]?.n ?? 0), estimated: true, found: rows.length > 0 && rows[0].n !== null}
}

/** Indexed for a lookup on `column` when it leads an index, or every column before it in that index is keyed too. */
export function isIndexed(column: string, keyed: Set<string>, indexes: IndexColumn[]): boolean {
  const c = column.toLowerCase()
  const byIndex = new Map<string, IndexColumn[]>()
  for (const ix of indexes) byIndex.set(ix.index, [...(byIndex.get(ix.index) ?? []), ix])
  for (const cols of byIndex.values()) {
    const sorted = cols.sort((a, b) => a.seq - b.seq)
    for (const ic of sorted) {
      const name = ic.column.toLowerCase()
      if (name === c) return true
      if (!keyed.has(name)) break
    }
  }
  return false
}
