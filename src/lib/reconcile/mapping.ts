import {readFileSync} from 'node:fs'
import path from 'node:path'

import {ConfigError, SourceError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {Reader} from '../sources/source.js'
import type {StockConfig} from '../stock/config.js'
import {buildSideRead} from './side-read.js'
import {codeText, looseCode, type KeyNormalizer} from './keys.js'
import type {Knex} from 'knex'

/**
 * A WMS → ERP code map (items or warehouses). Keys are normalised with the WMS side's normaliser; a loose index
 * (case, spaces, full-width ignored) is built on first miss, to name the ERP code a malformed WMS code meant.
 */
export class CodeMap {
  private readonly exact = new Map<string, string>()
  /**
   * Where each mapped code came from (a CSV line, a row), to name both rows of an ambiguous mapping: kept only when it
   * says more than `describe(wms, erp)` (a cross-reference of a million codes read as they are stored keeps nothing).
   */
  private readonly origin = new Map<string, string>()
  /** WMS codes mapped to two different ERP codes: every conflicting row. */
  readonly conflicts: Array<{wms: string; rows: string[]}> = []
  private loose: Map<string, string> | undefined
  readonly identity: boolean

  constructor(
    identity = false,
    private readonly describe: (wms: string, erp: string) => string = (w, e) => `${w} → ${e}`,
  ) {
    this.identity = identity
  }

  /** Map a (normalised) WMS code; a second, different ERP code for the same WMS code is recorded as a conflict. */
  set(wmsCode: string, erpCode: string, origin?: string): void {
    const had = this.exact.get(wmsCode)
    if (had !== undefined && had !== erpCode) {
      const here = origin ?? this.describe(wmsCode, erpCode)
      const c = this.conflicts.find((x) => x.wms === wmsCode)
      if (c) c.rows.push(here)
      else this.conflicts.push({wms: wmsCode, rows: [this.origin.get(wmsCode) ?? this.describe(wmsCode, had), here]})
      return
    }
    if (had === undefined && origin !== undefined && origin !== this.describe(wmsCode, erpCode)) this.origin.set(wmsCode, origin)
    this.exact.set(wmsCode, erpCode)
    this.loose = undefined
  }

  /** The conflicts as text lines (at most `max`), for an error message. */
  conflictLines(max = 10): string[] {
    const out = this.conflicts.slice(0, max).map((c) => t('errors.engine.conflict', {code: JSON.stringify(c.wms), rows: c.rows.join(' | ')}))
    if (this.conflicts.length > max) out.push(t('errors.engine.moreConflicts', {count: this.conflicts.length - max}))
    return out
  }

  entries(): Array<[string, string]> {
    return [...this.exact]
  }

  get size(): number {
    return this.exact.size
  }

  /** The ERP code for an (already normalised) WMS code; undefined when unmapped. Identity maps return the code. */
  get(code: string): string | undefined {
    return this.identity ? code : this.exact.get(code)
  }

  /** The ERP code a WMS code would map to if case, spaces and width were ignored (identity: the loose code). */
  looseTarget(code: string): string | undefined {
    const lc = looseCode(code)
    if (this.identity) return undefined
    if (!this.loose) {
      this.loose = new Map()
      for (const [k, v] of this.exact) if (!this.loose.has(looseCode(k))) this.loose.set(looseCode(k), v)
    }
    return this.loose.get(lc)
  }
}

/**
 * stock.warehouseMap: keys normalised like WMS warehouse codes, values like ERP warehouse codes (one normaliser for
 * a code wherever it appears). Two keys that normalise to the same code with different targets are a config error.
 */
export function warehouseMap(cfg: StockConfig, normWms: KeyNormalizer, normErp: KeyNormalizer = (v) => String(v)): CodeMap {
  const m = new CodeMap(false)
  for (const [wms, erp] of Object.entries(cfg.warehouseMap)) m.set(normWms(wms), normErp(erp), `${JSON.stringify(wms)}: ${JSON.stringify(erp)}`)
  if (m.conflicts.length > 0) {
    throw new ConfigError(t('errors.engine.warehouseMapAmbiguous'), {
      code: 'MAP_AMBIGUOUS',
      problems: m.conflictLines(),
      hints: [t('errors.engine.warehouseMapAmbiguousHint')],
    })
  }
  return m
}

/** Load the item cross-reference from a CSV file (UTF-8, header row). */
export async function itemMapFromFile(cfg: Extract<NonNullable<StockConfig['itemMap']>, {file: string}>, baseDir: string, normWms: KeyNormalizer, normErp: KeyNormalizer): Promise<CodeMap> {
  const file = path.resolve(baseDir, cfg.file)
  let text: string
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
  } catch (error) {
    throw new ConfigError(t('errors.engine.itemMapUnreadable', {file, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}), {
      hints: [t('errors.engine.itemMapUnreadableHint')],
    })
  }
  const {parse} = await import('csv-parse/sync')
  let records: Record<string, string>[]
  try {
    records = parse(text, {columns: true, skip_empty_lines: true}) as Record<string, string>[]
  } catch (error) {
    throw new ConfigError(t('errors.engine.itemMapCsv', {file, reason: (error as Error).message}))
  }
  const map = new CodeMap(false)
  const {wms, erp} = cfg.columns
  if (records.length > 0 && (!(wms in records[0]) || !(erp in records[0]))) {
    throw new ConfigError(t('errors.engine.itemMapColumns', {file, wms, erp, header: Object.keys(records[0]).join(', ')}), {
      hints: [t('errors.engine.itemMapColumnsHint')],
    })
  }
  // "line 12" / "第 12 行", worded once (a cross-reference can have hundreds of thousands of rows)
  const [lineBefore, lineAfter = ''] = t('errors.engine.lineNo', {line: '\u0000'}).split('\u0000')
  records.forEach((r, i) => {
    const w = normWms(r[wms])
    const e = normErp(r[erp])
    if (w === '' || e === '') throw new ConfigError(`${file}:${i + 2}: ${t('errors.engine.itemMapEmptyCode')}`)
    map.set(w, e, `${lineBefore}${i + 2}${lineAfter}: ${JSON.stringify(r[wms])} → ${JSON.stringify(r[erp])}`)
  })
  if (map.conflicts.length > 0) {
    throw new ConfigError(t('errors.engine.itemMapAmbiguous', {file}), {
      code: 'MAP_AMBIGUOUS',
      problems: map.conflictLines(),
      hints: [t('errors.engine.itemMapAmbiguousHint')],
    })
  }
  return map
}

/** Load the item cross-reference from a table or SELECT on a source (inside that source's snapshot when given). */
export async function itemMapFromSource(
  cfg: Extract<NonNullable<StockConfig['itemMap']>, {source: string}>,
  reader: Reader,
  knex: Knex,
  normWms: KeyNormalizer,
  normErp: KeyNormalizer,
  /** The map to fill (e.g. stock's CompactCodeMap for cross-references of millions of codes). */
  newMap: (describe: (wms: string, erp: string) => string) => CodeMap = (describe) => new CodeMap(false, describe),
): Promise<CodeMap> {
  const read = itemMapRead(cfg, knex)
  const map = newMap(quotedEntry)
  const add = itemMapAdder(map, normWms, normErp)
  // columns in SELECT order: w, e
  for await (const batch of reader.streamBatches<unknown[]>(read.sql, read.bindings, {batchSize: 4096, rowsAsArray: true})) {
    for (let b = 0; b < batch.length; b++) add(batch[b][0], batch[b][1])
  }
  return checkedItemMap(cfg, map)
}

/** The SELECT of an item cross-reference on a source: columns w (WMS code), e (ERP code), in that order. */
export function itemMapRead(cfg: Extract<NonNullable<StockConfig['itemMap']>, {source: string}>, knex: Knex): {sql: string; bindings: readonly unknown[]} {
  return buildSideRead(knex, {table: cfg.table, query: cfg.query, columns: {w: cfg.columns.wms, e: cfg.columns.erp}})
}

/** How a cross-reference read from a source describes an entry (the map's `describe`). */
export const quotedEntry = (w: string, e: string): string => `${JSON.stringify(w)} → ${JSON.stringify(e)}`

/**
 * One cross-reference row (its WMS and ERP code as the source returns them) into `map`: normalised, skipped when
 * either code is empty, described by the row as stored only when normalising changed it.
 */
export function itemMapAdder(map: CodeMap, normWms: KeyNormalizer, normErp: KeyNormalizer): (wms: unknown, erp: unknown) => void {
  return (wms, erp) => {
    const w = normWms(wms)
    const e = normErp(erp)
    if (w === '' || e === '') return
    // the row as stored, only when normalising changed it (else the map's own description says the same)
    const rawW = codeText(wms)
    const rawE = codeText(erp)
    map.set(w, e, rawW === w && rawE === e ? undefined : quotedEntry(rawW, rawE))
  }
}

/** The cross-reference read from a source, refused when a WMS code maps to two ERP codes. */
export function checkedItemMap(cfg: Extract<NonNullable<StockConfig['itemMap']>, {source: string}>, map: CodeMap): CodeMap {
  if (map.conflicts.length > 0) {
    const where = cfg.table === undefined ? t('errors.stock.sideQuery') : t('errors.stock.sideTable', {table: cfg.table})
    throw new SourceError(cfg.source, t('errors.engine.itemMapSourceAmbiguous', {where, conflicts: map.conflictLines(5).join(t('errors.stock.problemSeparator'))}), {
      code: 'MAP_AMBIGUOUS',
      hints: [t('errors.engine.itemMapSourceAmbiguousHint')],
    })
  }
  return map
}
