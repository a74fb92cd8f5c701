import type {Knex} from 'knex'

import {SourceError} from '../cli/errors.js'
import {Decimal} from '../decimal/decimal.js'
import {t} from '../i18n/index.js'
import type {Reader, Source} from '../sources/source.js'
import type {CodeMap} from '../stock/code-maps.js'
import {codeNormalizer, type KeyNormalizer} from '../stock/normalize.js'
import {RawCache} from '../stock/read-sides.js'
import {buildSideRead} from '../stock/side-sql.js'
import {escapeField, partitionOf, type Spill} from '../stock/spill.js'
import type {ReconcileJobConfig} from './jobs-config.js'
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

/**
 * One spilled record: a tab-separated line (fields escaped, NULL as `\N`): keyText, changedAt, optional 0|1, records,
 * then per compared field: decimal → exact text and unit (two columns); date → 'YYYY-MM-DD' | '!raw' (does not
 * parse); text/enum → raw text; code → the normalised (and, on the right, mapped) code.
 */
export const NULL_FIELD = '\\N'

function field(v: string | null): string {
  return v === null ? NULL_FIELD : escapeField(v)
}

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

const BATCH = 4096

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
  const dateField = (v: unknown) => {
    const d = dateValue(v)
    return field(d === null || typeof d === 'string' ? d : `!${d.bad}`)
  }
  const valueCache = fields.map(([, f]) => (f.type === 'date' ? new RawCache<string>(dateField) : f.type === 'enum' ? new RawCache<string>((v) => field(v === null || v === undefined ? null : plainText(v))) : null))
  const unitCache = new RawCache<string>((u) => field(u === null || u === undefined ? null : plainText(u).trim()))
  for await (const batch of opts.reader.streamBatches<unknown[]>(read.sql, read.bindings, {batchSize: BATCH, rowsAsArray: true})) {
    for (const row of batch) {
      res.rows++
      const records = pushed ? Number(row[nCount]) : 1
      res.records += records
      let empty = true
      for (let i = 0; i < nk; i++) {
        let v: string
        if (keys[i].bucket === 'day') {
          const d = dateValue(row[i])
          v = d === null ? '' : typeof d === 'string' ? d : `!${d.bad}`
        } else {
          v = norm(row[i])
          const m = keyMaps[i]
          if (m && v !== '') v = m.get(v) ?? v
        }
        keyVals[i] = v
        if (v !== '') empty = false
      }
      if (empty) {
        res.unkeyed += records
        continue
      }
      const st = plainText(row[nk + 1]).trim()
      const flagged = status !== undefined && statusSet.has(st)
      if (side === 'right' && flagged) {
        res.excluded += records
        continue
      }
      const keyText = keyVals.join(KEY_SEP)
      let line = `${escapeField(keyText)}\t${field(timestampText(row[nk]))}\t${flagged ? 1 : 0}\t${records}`
      let at = nk + 2
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i][1]
        const v = row[at++]
        switch (f.type) {
          case 'decimal': {
            const u = row[at++]
            // plain decimal text (the common case) is its own exact text and spill field
            const q = isPlainQuantity(v) ? v : field(exactText(v, () => ({source: source.name, where, column: f[side], key: keyVals.join(' / ')})))
            line += `\t${q}\t${unitCache.get(u ?? null)}`
            break
          }
          case 'date':
          case 'enum':
            line += `\t${valueCache[i]!.get(v ?? null)}`
            break
          case 'code': {
            let c = norm(v)
            const m = fieldMaps[i]
            if (m && c !== '') c = m.get(c) ?? c
            line += `\t${field(v === null || v === undefined ? null : c)}`
            break
          }
          default:
            line += `\t${field(v === null || v === undefined ? null : plainText(v))}`
        }
      }
      spill.write(kind, partitionOf(keyText, parts), line)
    }
    opts.onRows?.(res.rows)
  }
  return res
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
