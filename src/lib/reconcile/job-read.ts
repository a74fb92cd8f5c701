import type {Knex} from 'knex'

import {SourceError} from '../cli/errors.js'
import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import {RawValueCache, type RawKind, type RawRow} from '../sources/raw-rows.js'
import {eachRawRow, eachRow, type RawRowSink, type Reader, type Source} from '../sources/source.js'
import type {CodeMap} from '../stock/code-maps.js'
import {codeNormalizer, type KeyNormalizer} from '../stock/normalize.js'
import {RawCache} from '../stock/read-sides.js'
import {buildSideRead} from '../stock/side-sql.js'
import {escapeField, NULL_FIELD, nullableField, partitionOf, type Spill} from '../stock/spill.js'
import type {CompareFieldConfig, ReconcileJobConfig} from './jobs-config.js'
import {isCopiedCode, isCopiedDate, isCopiedDecimal, isCopiedText, isCopiedTimestamp, pieceCache, RawLineBuffer, rawPiece, type RawPiece} from './job-read-raw.js'
import {KEY_SEP} from './job-types.js'
import {dateValue, plainText, timestampText} from './job-values.js'
import {isPlainQuantity} from './quantity.js'
import {parseScaled} from './scaled.js'

export type SideName = 'left' | 'right'

/** Spill kinds of a job: the left and the right records. */
export const JOB_KIND: Record<SideName, string> = {left: 'L', right: 'R'}

/** The stock section's code maps a job reads right codes through (right code → left code). */
export interface JobCodeMaps {
  item?: CodeMap
  warehouse?: CodeMap
}

// One spilled record: a tab-separated line (fields escaped, NULL as `\N`: spill.ts nullableField): keyText,
// changedAt, optional 0|1, records, then per compared field: decimal → exact text and unit (two columns); date →
// 'YYYY-MM-DD' | '!raw' (does not parse); text/enum → raw text; code → the normalised (and, on the right, mapped) code.

export interface SideReadResult {
  /** Rows the SELECT returned (grouped rows when GROUP BY was pushed down). */
  rows: number
  /** Source records behind them. */
  records: number
  /** Right records left out by link.rightStatus; records without a key (all key columns empty). */
  excluded: number
  unkeyed: number
  pushedDown: boolean
  sql: string
}

const AS_ARRAYS = {batchSize: 4096, rowsAsArray: true} as const

/**
 * Rows between progress reports, minus one (a mask): a reader thread posts each report to the main thread, and at
 * one per 4,096 rows those posts were ~0.1-0.8 s of a 1,200,000-row reader thread's profile (bench/reconcile.ts).
 */
const PROGRESS_EVERY = (1 << 16) - 1

/** A quantity as exact decimal text; exit 3 naming source, table, column, key and value when it is not a number. */
function exactText(v: unknown, where: () => BadValuePlace): string | null {
  if (v === null || v === undefined) return null
  let s: string
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw badValue(v, where)
    s = String(v)
    if (s.includes('e')) s = new Decimal(s).toFixed()
  } else if (typeof v === 'bigint') s = v.toString()
  else if (typeof v === 'string') s = v.trim()
  else throw badValue(v, where)
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw badValue(v, where)
  // plain digits always parse; only an exponent can be out of bounds (parseScaled throws): checked here, not in the merge
  if (s.includes('e') || s.includes('E')) {
    try {
      parseScaled(s)
    } catch {
      throw badValue(v, where) // 1e999: a number, but not one an exact decimal can hold
    }
  }
  return s
}

/** Where a bad value was read: source, table (or query), column and key. */
interface BadValuePlace {
  source: string
  where: string
  column: string | undefined
  key: string
}

function badValue(v: unknown, where: () => BadValuePlace): SourceError {
  const w = where()
  return new SourceError(w.source, t('reconcile.errors.badValue', {where: w.where, column: w.column, key: w.key, value: JSON.stringify(String(v))}), {code: 'BAD_VALUE', hints: [t('reconcile.errors.badValueHint')]})
}

/** Whether a grouped read can run as GROUP BY on the server with exactly the engine's result. */
export function canPushDown(job: ReconcileJobConfig, side: SideName, dialect: string): boolean {
  if (!job.group || dialect !== 'mysql') return false
  // SUM(DECIMAL) is exact on MySQL/MariaDB; the collation merges case, width and trailing spaces: exact only when
  // the side's normalisation merges them too (the engine re-sums what still normalises to one key)
  const n = job[side].normalize
  return n.trim && n.caseFold !== false && n.fullWidth
}

/**
 * Read one side of a job inside a reader (one snapshot): normalise keys, map right codes, parse values, and spill each
 * record to its key's partition. Grouped jobs on MySQL push GROUP BY to the server when that is exact.
 */
export async function readJobSide(opts: {
  jobName: string
  job: ReconcileJobConfig
  side: SideName
  source: Source
  reader: Reader
  spill: Spill
  maps: JobCodeMaps
  onRows?: (n: number) => void
  /** false: read MySQL rows as arrays of values, not raw bytes (tests compare the two paths). */
  rawRows?: boolean
}): Promise<SideReadResult> {
  const {job, side, source, spill} = opts
  const cfg = job[side]
  const knex = source.builder()
  const norm: KeyNormalizer = codeNormalizer(cfg.normalize)
  const fields = Object.entries(job.compare)
  const keys = job.link.keys
  const status = side === 'right' ? job.link.rightStatus : job.link.leftOptional
  const statusSet = new Set(side === 'right' ? (job.link.rightStatus?.exclude ?? []) : (job.link.leftOptional?.values ?? []))
  const pushed = canPushDown(job, side, source.dialect)
  const where = cfg.table !== undefined ? t('reconcile.errors.whereTable', {table: cfg.table}) : t('reconcile.errors.whereQuery')

  // select list, in a fixed order: keys, changedAt, status, then per field value (and unit), then the record count
  const cols: Array<{alias: string; column: string | undefined; agg?: 'sum' | 'max' | 'count'; bucket?: boolean}> = []
  keys.forEach((k, i) => cols.push({alias: `k${i}`, column: k[side], bucket: k.bucket === 'day'}))
  cols.push({alias: 'c', column: cfg.changedAt, agg: 'max'})
  cols.push({alias: 's', column: status?.column})
  fields.forEach(([, f], i) => {
    cols.push({alias: `f${i}`, column: f[side], agg: f.type === 'decimal' ? 'sum' : 'max'})
    if (f.type === 'decimal') cols.push({alias: `u${i}`, column: f.units?.[side]})
  })
  const read = pushed ? groupedRead(knex, cfg, cols) : buildSideRead(knex, {table: cfg.table, query: cfg.query, columns: Object.fromEntries(cols.map((c) => [c.alias, c.column])), filters: cfg.filters})
  const nCount = pushed ? cols.length : -1

  const mapOf = (m: 'item' | 'warehouse' | undefined) => (m === undefined ? undefined : opts.maps[m])
  const keyMaps = keys.map((k) => (side === 'right' ? mapOf(k.map) : undefined))
  const fieldMaps = fields.map(([, f]) => (side === 'right' && f.type === 'code' ? mapOf(f.map) : undefined))
  const res: SideReadResult = {rows: 0, records: 0, excluded: 0, unkeyed: 0, pushedDown: pushed, sql: read.sql}
  const parts = spill.partitions
  const kind = JOB_KIND[side]
  const nk = keys.length
  const keyVals: string[] = new Array(nk)
  // spill fields of the few-valued columns (dates, enums, units), worked out once per distinct raw value
  const valueCache = fields.map(([, f]) => (f.type === 'date' ? new RawCache<string>(dateField) : f.type === 'enum' ? new RawCache<string>(enumField) : null))
  const unitCache = new RawCache<string>(unitField)
  /** A key column's value as the key holds it: a day, or the normalised code (right codes mapped). */
  const keyValue = (i: number, raw: unknown): string => {
    if (keys[i].bucket === 'day') {
      const d = dateValue(raw)
      return d === null ? '' : typeof d === 'string' ? d : `!${d.bad}`
    }
    const v = norm(raw)
    const m = keyMaps[i]
    return m && v !== '' ? (m.get(v) ?? v) : v
  }
  /** A code field's value: normalised, right codes mapped. */
  const codeValue = (i: number, raw: unknown): string => {
    const c = norm(raw)
    const m = fieldMaps[i]
    return m && c !== '' ? (m.get(c) ?? c) : c
  }
  const statusOf = (raw: unknown): boolean => status !== undefined && statusSet.has(plainText(raw).trim())
  const badPlace = (f: CompareFieldConfig, key: () => string) => () => ({source: source.name, where, column: f[side], key: key()})

  // columns in SELECT order: keys, changedAt (nk), status (nk + 1), per field its value (and unit), the count (nCount)
  const valueRow = (row: unknown[]) => {
    if ((++res.rows & PROGRESS_EVERY) === 0) opts.onRows?.(res.rows)
    const records = pushed ? Number(row[nCount]) : 1
    res.records += records
    let empty = true
    for (let i = 0; i < nk; i++) {
      const v = keyValue(i, row[i])
      keyVals[i] = v
      if (v !== '') empty = false
    }
    if (empty) {
      res.unkeyed += records
      return
    }
    const flagged = statusOf(row[nk + 1])
    if (side === 'right' && flagged) {
      res.excluded += records
      return
    }
    const keyText = keyVals.join(KEY_SEP)
    let line = `${escapeField(keyText)}\t${nullableField(timestampText(row[nk]))}\t${flagged ? 1 : 0}\t${records}`
    let at = nk + 2
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i][1]
      const v = row[at++]
      switch (f.type) {
        case 'decimal': {
          const u = row[at++]
          // plain decimal text (the common case) is its own exact text and spill field
          const q = isPlainQuantity(v) ? v : nullableField(exactText(v, badPlace(f, () => keyVals.join(' / '))))
          line += `\t${q}\t${unitCache.get(u ?? null)}`
          break
        }
        case 'date':
        case 'enum':
          line += `\t${valueCache[i]!.get(v ?? null)}`
          break
        case 'code':
          line += `\t${nullableField(v === null || v === undefined ? null : codeValue(i, v))}`
          break
        default:
          line += `\t${nullableField(v === null || v === undefined ? null : plainText(v))}`
      }
    }
    spill.write(kind, partitionOf(keyText, parts), line)
  }

  if (opts.rawRows === false) await eachRow<unknown[]>(opts.reader, read.sql, read.bindings, valueRow, AS_ARRAYS)
  else {
    // MySQL/MariaDB: the same lines from the packet bytes (job-read-raw.ts); other readers and results hand values
    let raw: (r: RawRow) => void = () => {}
    const sink: RawRowSink = {
      start(kinds) {
        if (kinds !== null) raw = rawJobRow(kinds)
        return true
      },
      row: valueRow,
      raw: (r) => raw(r),
    }
    await eachRawRow(opts.reader, read.sql, read.bindings, sink, AS_ARRAYS)
  }
  opts.onRows?.(res.rows)
  return res

  /** The raw row of a result whose columns are `kinds`: valueRow's line, from the bytes. */
  function rawJobRow(kinds: readonly RawKind[]): (r: RawRow) => void {
    const piece = (make: (v: unknown) => string, text = make) => pieceCache((v) => rawPiece(text(v), make(v)))
    const NULL = Buffer.from(NULL_FIELD)
    const FLAG = [Buffer.from('\t0\t1'), Buffer.from('\t1\t1')]
    const trim = cfg.normalize.trim
    const fold = cfg.normalize.caseFold === true || cfg.normalize.caseFold === 'upper' ? 'upper' : cfg.normalize.caseFold === 'lower' ? 'lower' : null
    // key columns copied when their bytes are their normal form (no day bucket, no code map); else per distinct bytes
    const keyCopy = keys.map((k, i) => k.bucket !== 'day' && keyMaps[i] === undefined)
    const keyPieces = keys.map((_, i) => piece((v) => escapeField(keyValue(i, v)), (v) => keyValue(i, v)))
    const statuses = new RawValueCache<boolean>((v) => statusOf(v))
    // per field: its column, and the cache of its spill bytes where it has one
    const fieldCol: number[] = []
    const fieldPieces: Array<RawValueCache<RawPiece> | null> = []
    const unitPieces: Array<RawValueCache<RawPiece> | null> = []
    const fieldCopy: boolean[] = []
    let col = nk + 2
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i][1]
      fieldCol.push(col)
      col += f.type === 'decimal' ? 2 : 1
      fieldPieces.push(f.type === 'date' ? piece(dateField) : f.type === 'enum' ? piece(enumField) : f.type === 'code' ? piece((v) => nullableField(codeValue(i, v))) : null)
      unitPieces.push(f.type === 'decimal' ? piece(unitField) : null)
      fieldCopy.push(f.type !== 'code' || fieldMaps[i] === undefined)
    }
    const line = new RawLineBuffer(spill, kind)
    const keyText = (r: RawRow) => () => keys.map((_, i) => keyValue(i, r.value(i))).join(' / ')
    return (r) => {
      if ((++res.rows & PROGRESS_EVERY) === 0) opts.onRows?.(res.rows)
      const records = pushed ? Number(r.value(nCount)) : 1
      res.records += records
      const {buf, start, end} = r
      line.reset()
      let empty = true
      for (let i = 0; i < nk; i++) {
        if (i > 0) {
          line.byte(1)
          line.hashUnit(1)
        }
        const s = start[i]
        if (keyCopy[i] && s >= 0 && isCopiedCode(kinds[i], buf, s, end[i], trim, fold)) {
          if (end[i] > s) empty = false
          line.column(r, i, true)
        } else {
          const p = keyPieces[i].get(r, i)
          if (p.text !== '') empty = false
          line.hashText(p.text)
          line.bytes(p.bytes)
        }
      }
      if (empty) {
        res.unkeyed += records
        return
      }
      const flagged = status !== undefined && statuses.get(r, nk + 1)
      if (side === 'right' && flagged) {
        res.excluded += records
        return
      }
      line.byte(9)
      const c = start[nk]
      if (c < 0) line.bytes(NULL)
      else if (isCopiedTimestamp(kinds[nk], buf, c, end[nk])) line.column(r, nk, false)
      else line.text(nullableField(timestampText(r.value(nk))))
      if (records === 1) line.bytes(FLAG[flagged ? 1 : 0])
      else line.text(`\t${flagged ? 1 : 0}\t${records}`)
      for (let i = 0; i < fields.length; i++) {
        const at = fieldCol[i]
        const f = fields[i][1]
        line.byte(9)
        const s = start[at]
        const pieces = fieldPieces[i]
        if (f.type === 'decimal') {
          if (s < 0) line.bytes(NULL)
          else if (isCopiedDecimal(kinds[at], buf, s, end[at])) line.column(r, at, false)
          else line.text(nullableField(exactText(r.value(at), badPlace(f, keyText(r)))))
          line.byte(9)
          line.bytes(unitPieces[i]!.get(r, at + 1).bytes)
        } else if (s < 0) line.bytes(NULL)
        else if (f.type === 'date' && isCopiedDate(kinds[at], buf, s, end[at])) line.column(r, at, false)
        else if (f.type === 'date' || f.type === 'enum') line.bytes(pieces!.get(r, at).bytes)
        else if (f.type === 'code') {
          if (fieldCopy[i] && isCopiedCode(kinds[at], buf, s, end[at], trim, fold)) line.column(r, at, false)
          else line.bytes(pieces!.get(r, at).bytes)
        } else if (isCopiedText(kinds[at], buf, s, end[at])) line.column(r, at, false)
        else line.text(nullableField(plainText(r.value(at))))
      }
      line.write(line.partition(parts))
    }
  }
}

function dateField(v: unknown): string {
  const d = dateValue(v)
  return nullableField(d === null || typeof d === 'string' ? d : `!${d.bad}`)
}

function enumField(v: unknown): string {
  return nullableField(v === null || v === undefined ? null : plainText(v))
}

function unitField(u: unknown): string {
  return nullableField(u === null || u === undefined ? null : plainText(u).trim())
}

/** SELECT … GROUP BY for a grouped side: keys (days as DATE()), units and status grouped; sums, latest, count. */
function groupedRead(knex: Knex, cfg: ReconcileJobConfig['left'], cols: Array<{alias: string; column: string | undefined; agg?: 'sum' | 'max' | 'count'; bucket?: boolean}>): {sql: string; bindings: unknown[]} {
  let q = cfg.table !== undefined ? knex.from(cfg.table) : knex.from(knex.raw(`(${cfg.query}) AS plantops_side`))
  const selects: Knex.Raw[] = []
  const groups: Knex.Raw[] = []
  for (const c of cols) {
    if (c.column === undefined) {
      selects.push(knex.raw(`NULL AS ??`, [c.alias]))
      continue
    }
    if (c.agg === 'sum') selects.push(knex.raw('SUM(??) AS ??', [c.column, c.alias]))
    else if (c.agg === 'max') selects.push(knex.raw('MAX(??) AS ??', [c.column, c.alias]))
    else {
      const expr = c.bucket ? knex.raw('DATE(??)', [c.column]) : knex.raw('??', [c.column])
      selects.push(knex.raw(`${expr.toQuery()} AS ??`, [c.alias]))
      groups.push(expr)
    }
  }
  selects.push(knex.raw('COUNT(*) AS ??', ['n']))
  q = q.select(selects)
  for (const [column, values] of Object.entries(cfg.filters)) q = q.whereIn(column, values)
  for (const g of groups) q = q.groupBy(g)
  const native = q.toSQL()
  return {sql: native.sql, bindings: [...native.bindings]}
}
