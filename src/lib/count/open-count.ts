import type {Knex} from 'knex'

import {UsageError} from '../cli/errors.js'
import {warningText} from '../cli/warnings.js'
import {t} from '../i18n/index.js'
import type {SourceSet} from '../sources/source-set.js'
import {ABC_CLASSES, type AbcClass, type CountConfig} from './config.js'
import {compareWalking, lineKey} from './codes.js'
import {looseCode} from '../reconcile/keys.js'
import {createCount, getCount, getLines, lastCountedByLocation, setSheetsPath, type CountHeader, type CountScope, type NewCountLine} from './count-store.js'
import {readCutoffs, type CutoffResult} from './cutoff.js'
import {PopulationReader, type MappingContext, type PopulationLine, type PopulationSnapshot, type ScannedLine} from './population.js'
import {newSeed, SeededRandom} from './random.js'
import {buildReport, lineLabels} from './report.js'
import {sampleSize} from './sample-size.js'
import {dueLocations, locationStates, sampleSalt, StratifiedSampler, takeDueLocations, type DueLocation, type LocationState, type SampleMethod} from './sampling.js'
import {assignSheets, writeCountSheets} from './sheets.js'

export interface SampleOptions {
  method: SampleMethod
  size?: number
  confidence?: number
  margin?: number
  seed?: number
  scope: CountScope
  counters?: number
  /** Where to write the sheets; default count-<id>.xlsx in `dir`. */
  output?: string
  dir: string
  /** Day the due method counts from (default: the snapshot's date). */
  today?: string
  /** Open a recount of the lines over tolerance of this count. */
  recount?: number
  runId: number | null
}

/** A sampled line as every output shows it: where and what, never how much. */
export interface SampleLineOut {
  line: number
  sheet: string
  location: string
  zone: string | null
  item: string
  sku: string
  description: string
  lot: string
  unit: string
  abcClass: AbcClass
}

export interface SampleResult {
  /** null when the due method found nothing due: no count was opened. */
  count: (Pick<CountHeader, 'id' | 'kind' | 'parentId' | 'method' | 'snapshotAt' | 'scope' | 'populationSize' | 'populationByClass' | 'sampleSize' | 'confidence' | 'margin'> & {
    seed: number
    /** Lines per class in the sample. */
    sampleByClass: Record<AbcClass, number>
    /** due: locations counted now, and due locations left for the next run by --size. */
    dueLocations?: number
    deferredLocations?: number
  }) | null
  sheets: {path: string; sheets: Array<{name: string; lines: number}>} | null
  lines: SampleLineOut[]
  warnings: string[]
}

const classCounts = (lines: Iterable<{abcClass: AbcClass}>): Record<AbcClass, number> => {
  const out: Record<AbcClass, number> = {A: 0, B: 0, C: 0}
  for (const l of lines) out[l.abcClass]++
  return out
}

/** Open a count: read the population (one snapshot per source), sample it, store the private snapshot, write the sheets. */
export async function openCount(knex: Knex, sources: SourceSet, cfg: CountConfig, opts: SampleOptions, mappingCtx: MappingContext = {}): Promise<SampleResult> {
  const seed = opts.seed ?? newSeed()
  const warnings: string[] = []
  let parent: CountHeader | null = null
  let recountLines: Array<{key: string; parentLineId: number}> | null = null
  if (opts.recount !== undefined) {
    parent = await getCount(knex, opts.recount)
    const plines = await getLines(knex, parent.id)
    if (!plines.some((l) => l.countedQty !== null)) {
      throw new UsageError(t('errors.count.nothingRecorded', {id: parent.id}), {hints: [t('errors.count.recordFirstHint', {id: parent.id})]})
    }
    let cut: CutoffResult = {byLine: new Map(), applied: 0, ignoredTypes: {}}
    if (cfg.wms.movements) cut = await readCutoffs(await sources.get(cfg.wms.source), cfg.wms.movements, parent.snapshotAt, plines)
    const report = buildReport(parent, plines, cut, {tolerancePct: cfg.tolerancePct})
    const over = new Set(report.recount.map((r) => `${r.line}`))
    recountLines = plines.filter((l) => l.lineNo !== null && over.has(`${l.lineNo}`)).map((l) => ({key: lineKey(l.location, l.sku, l.lot), parentLineId: l.id}))
    if (recountLines.length === 0) throw new UsageError(t('errors.count.nothingOver', {id: parent.id}), {code: 'NOTHING_TO_RECOUNT'})
  }

  const scope: CountScope = parent ? {warehouse: parent.scope.warehouse} : opts.scope
  const reader = await PopulationReader.open(sources, cfg, scope, mappingCtx)
  let chosen: PopulationLine[]
  let snapshot: PopulationSnapshot
  let recountOf = new Map<string, number>()
  let confidence: number | null = null
  let margin: number | null = null
  let due: {dueLocations: number; deferredLocations: number} | undefined
  const populationByClass: Record<AbcClass, number> = {A: 0, B: 0, C: 0}
  if (recountLines) {
    const parentLines = new Map((await getLines(knex, parent!.id)).map((l) => [l.id, l]))
    snapshot = await reader.read({choose: () => ({locations: recountLines!.map((r) => parentLines.get(r.parentLineId)!.location), normalized: true})})
    warnings.push(...snapshot.warnings)
    const byKey = new Map(snapshot.lines.map((l) => [l.key, l]))
    chosen = []
    for (const r of recountLines) {
      const fresh = byKey.get(r.key)
      const p = parentLines.get(r.parentLineId)!
      // a bin emptied since the first count is still recounted, with what the systems say now: nothing
      chosen.push(
        fresh ?? {
          key: r.key,
          location: p.location,
          zone: p.zone,
          wmsWarehouse: p.wmsWarehouse,
          sku: p.sku,
          lot: p.lot,
          unit: p.unit,
          item: p.item,
          erpWarehouse: p.erpWarehouse,
          description: p.description,
          abcClass: p.abcClass,
          erpUnit: p.erpUnit,
          factor: p.factor,
          unitCost: p.unitCost,
          wmsQty: p.wmsQty.minus(p.wmsQty),
          erpKeyQty: p.erpKeyQty,
          wmsKeyQty: p.wmsKeyQty,
          wmsLastCounted: null,
        },
      )
    }
    recountOf = new Map(recountLines.map((r) => [r.key, r.parentLineId]))
    chosen.sort(compareWalking)
  } else if (opts.method === 'due') {
    // due-ness is decided location by location as the scan goes; only the due locations are kept
    const counted = await lastCountedByLocation(knex)
    let today = opts.today ?? ''
    const dueStates: LocationState[] = []
    const linesAt = new Map<string, number>()
    const sourceCodes = new Map<string, string[]>()
    let dueLocs: DueLocation[] = []
    let taken: ReturnType<typeof takeDueLocations> = {locations: [], lines: 0, deferred: 0}
    snapshot = await reader.read({
      scan: {
        lastCounted: true,
        begin: (at) => (today ||= at.slice(0, 10)),
        location: (lines) => {
          // one state per location spelling, the strictest class of its lines
          const byLoc = new Map<string, ScannedLine[]>()
          for (const l of lines) {
            populationByClass[l.abcClass]++
            const ls = byLoc.get(l.location)
            if (ls) ls.push(l)
            else byLoc.set(l.location, [l])
          }
          for (const [location, ls] of byLoc) {
            const [state] = locationStates(ls, () => null)
            const wms = ls.reduce<string | null>((m, l) => (l.wmsLastCounted && (m ?? '') < l.wmsLastCounted ? l.wmsLastCounted : m), null)
            const mine = counted.get(location) ?? null
            state.lastCounted = mine && wms ? (mine > wms ? mine : wms) : (mine ?? wms)
            if (dueLocations([state], today, cfg.frequencyDays, cfg.intervalDays).length === 0) continue
            dueStates.push(state)
            linesAt.set(location, ls.length)
            sourceCodes.set(location, [...new Set(ls.map((l) => l.sourceLocation))])
          }
        },
      },
      choose: () => {
        dueLocs = dueLocations(dueStates, today, cfg.frequencyDays, cfg.intervalDays)
        taken = takeDueLocations(dueLocs, (loc) => linesAt.get(loc) ?? 0, opts.size)
        return {locations: taken.locations.flatMap((d) => sourceCodes.get(d.location) ?? [])}
      },
    })
    warnings.push(...snapshot.warnings)
    const takenLocs = new Set(taken.locations.map((d) => d.location))
    chosen = snapshot.lines.filter((l) => takenLocs.has(l.location) && snapshot.inScope(l)).sort(compareWalking)
    due = {dueLocations: taken.locations.length, deferredLocations: taken.deferred}
    if (taken.deferred > 0) warnings.push(warningText('count.warn.deferred', {count: taken.deferred, size: opts.size}))
    if (chosen.length === 0) warnings.push(warningText('count.warn.nothingDue', {date: today}))
    const overdue = taken.locations.filter((l) => l.daysLeft < 0).length
    if (opts.size === undefined && overdue > 0) {
      warnings.push(warningText('count.warn.backlog', {count: overdue}))
    }
  } else {
    // random / abc: bottom-k by seeded priority, per class; n is cut at the end, when the population size is known
    if (opts.size === undefined) {
      confidence = opts.confidence ?? cfg.confidence
      margin = opts.margin ?? cfg.margin
    }
    const maxN = opts.size ?? Math.ceil(sampleSize({population: 0, confidence: confidence!, margin: margin!}).n0)
    const sampler = new StratifiedSampler<ScannedLine>(maxN, sampleSalt(new SeededRandom(seed)))
    let picked: ScannedLine[] = []
    snapshot = await reader.read({
      scan: {location: (lines) => lines.forEach((l) => sampler.add(l))},
      choose: () => {
        const N = ABC_CLASSES.reduce((s, c) => s + sampler.sizes[c], 0)
        const n = opts.size !== undefined ? Math.min(opts.size, N) : sampleSize({population: N, confidence: confidence!, margin: margin!}).size
        // a --size above the lines in scope samples them all: said, not silently shrunk
        if (opts.size !== undefined && opts.size > N && N > 0) warnings.push(warningText('count.warn.sizeAboveScope', {size: opts.size, count: N}))
        picked = opts.method === 'abc' ? sampler.take(n, cfg.weights).lines : sampler.takeUnstratified(n)
        return {locations: picked.map((l) => l.sourceLocation), lines: picked}
      },
    })
    warnings.push(...snapshot.warnings)
    Object.assign(populationByClass, sampler.sizes)
    const keys = new Set(picked.map((l) => l.key))
    chosen = snapshot.lines.filter((l) => keys.has(l.key)).sort(compareWalking)
  }
  if (!parent && ABC_CLASSES.every((c) => populationByClass[c] === 0)) {
    throw new UsageError(t('errors.count.emptyPopulation', {scope: describeScope(opts.scope)}), {
      code: 'EMPTY_POPULATION',
      hints: [t('errors.count.emptyPopulationHint')],
    })
  }

  if (chosen.length === 0) return {count: null, sheets: null, lines: [], warnings}

  // the sampled lines, numbered in walking order, plus the rest of the stock of their locations (hidden)
  const chosenKeys = new Set(chosen.map((l) => l.key))
  const locations = new Set(chosen.map((l) => looseCode(l.location)))
  const hidden = snapshot.lines.filter((l) => locations.has(looseCode(l.location)) && !chosenKeys.has(l.key))
  const firstCounter = new Map<string, string>()
  if (parent) for (const l of await getLines(knex, parent.id)) if (l.countedBy) firstCounter.set(lineKey(l.location, l.sku, l.lot), l.countedBy)
  const sheetLines = chosen.map((l, i) => ({
    line: i + 1,
    ...lineLabels(l),
    zone: l.zone,
    remarks: firstCounter.has(l.key) ? `recount: not by ${firstCounter.get(l.key)} (first count)` : undefined,
  }))
  const sheetOf = assignSheets(sheetLines, opts.counters ?? (parent ? 1 : undefined))
  if (parent && !opts.counters) sheetOf.fill('Recount')
  const toNew = (l: PopulationLine, lineNo: number | null, sampled: boolean, sheet: string | null): NewCountLine => ({
    lineNo,
    sampled,
    location: l.location,
    zone: l.zone,
    wmsWarehouse: l.wmsWarehouse,
    sku: l.sku,
    lot: l.lot,
    unit: l.unit,
    item: l.item,
    erpWarehouse: l.erpWarehouse,
    description: l.description,
    abcClass: l.abcClass,
    erpUnit: l.erpUnit,
    factor: l.factor,
    unitCost: l.unitCost,
    wmsQty: l.wmsQty,
    erpKeyQty: l.erpKeyQty,
    wmsKeyQty: l.wmsKeyQty,
    sheet,
    recountOf: recountOf.get(l.key) ?? null,
  })
  const byClass = parent ? parent.populationByClass : populationByClass
  const header = {
    kind: parent ? ('recount' as const) : ('count' as const),
    parentId: parent?.id ?? null,
    createdAt: new Date().toISOString(),
    snapshotAt: snapshot.snapshotAt,
    method: parent ? ('recount' as const) : opts.method,
    seed: String(seed),
    scope,
    populationSize: parent ? parent.populationSize : ABC_CLASSES.reduce((s, c) => s + populationByClass[c], 0),
    populationByClass: byClass,
    sampleSize: chosen.length,
    confidence,
    margin,
    counters: opts.counters ?? null,
    runId: opts.runId,
  }
  const id = await createCount(knex, header, [...chosen.map((l, i) => toNew(l, i + 1, true, sheetOf[i])), ...hidden.map((l) => toNew(l, null, false, null))])
  const path = opts.output ?? `${opts.dir}/count-${id}.xlsx`
  const sheets = await writeCountSheets(path, {id, createdAt: header.createdAt}, sheetLines, sheetOf)
  await setSheetsPath(knex, id, path)
  return {
    count: {
      id,
      kind: header.kind,
      parentId: header.parentId,
      method: header.method,
      seed,
      snapshotAt: header.snapshotAt,
      scope,
      populationSize: header.populationSize,
      populationByClass: byClass,
      sampleSize: chosen.length,
      confidence,
      margin,
      sampleByClass: classCounts(chosen),
      ...(due ?? {}),
    },
    sheets: {path, sheets},
    lines: chosen.map((l, i) => ({
      line: i + 1,
      sheet: sheetOf[i],
      zone: l.zone,
      ...lineLabels(l),
    })),
    warnings,
  }
}

function describeScope(s: CountScope): string {
  const parts = [
    s.warehouse && t('errors.count.scopeWarehouse', {warehouse: s.warehouse}),
    s.zone && t('errors.count.scopeZone', {zone: s.zone}),
    s.class && t('errors.count.scopeClass', {class: s.class}),
  ].filter(Boolean)
  return parts.length ? t('errors.count.scope', {parts: parts.join(t('common.listSeparator'))}) : ''
}

export {ABC_CLASSES}
