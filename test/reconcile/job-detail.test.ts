import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {tempDir} from '../helpers/cli.js'
import {filler, readCatalog, setLanguage, t, tIn} from '../../src/lib/i18n/index.js'
import {reconcileConfigSchema} from '../../src/lib/reconcile/jobs-config.js'
import {loadJobHistory, previousFindings, resolvedFinding, saveJobHistory, type PreviousFinding} from '../../src/lib/reconcile/job-history.js'
import {reconcileJobPartitions, type JobMergeSettings} from '../../src/lib/reconcile/job-merge.js'
import {mergeSortedFindings} from '../../src/lib/reconcile/job-sorted.js'
import {JOB_KIND} from '../../src/lib/reconcile/job-read.js'
import {DETAIL_CODES, detailText, type DetailCode, type JobDetail, type JobFinding} from '../../src/lib/reconcile/job-types.js'
import {findingJson, jobSummaryJson, reportLines, toTableLine} from '../../src/lib/reconcile/job-view.js'
import type {JobRunSummary} from '../../src/lib/reconcile/job-run.js'
import {PartitionClaim} from '../../src/lib/stock/merge.js'
import {partitionOf, Spill} from '../../src/lib/stock/spill.js'
import {openStore, type Store} from '../../src/lib/store/store.js'

/**
 * A reconcile finding's detail (issue 12): the merge gives a code and variables, the views render them through the
 * catalogs (reconcile.detail.*): the language in force for the table and the XLSX, English for the CSV and JSON,
 * word for word the sentences plantops wrote before the codes (the CSV contract).
 */

const zh = () => setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
const en = () => setLanguage({lang: 'en', source: 'flag', detail: '--lang en'})
const labels = {left: 'ERP', right: 'MES'}
const CJK = /[\u4e00-\u9fff]/

const job = reconcileConfigSchema.parse({
  jobs: {
    om: {
      left: {source: 'erp', table: 'lines', changedAt: 'modified', label: 'ERP'},
      right: {source: 'mes', table: 'wo', changedAt: 'updated', label: 'MES'},
      link: {keys: [{name: 'so', left: 'so', right: 'so'}], cardinality: 'one-to-one'},
      compare: {
        qty: {type: 'decimal', left: 'qty', right: 'qty'},
        due: {type: 'date', left: 'due', right: 'due'},
        status: {type: 'enum', left: 'st', right: 'st', map: {O: ['STARTED'], X: ['CANCELLED']}, inactive: {left: ['X'], rightActive: ['STARTED']}},
        item: {type: 'code', left: 'item', right: 'item'},
      },
      unitFactors: ['12'],
      partitions: 4,
    },
  },
}).jobs.om

const settings: JobMergeSettings = {
  job,
  units: {conversions: [], pack: undefined, itemUnits: undefined},
  cutoff: null,
  today: '2026-12-03',
  all: false,
  onlyNew: false,
}

/** Per key: the left and right spill lines' fields (changed, records, qty, due, status, item); the expected detail and its English text. */
const CASES: Array<{key: string; left: string[]; right: string[][]; code: DetailCode; english: string}> = [
  {key: 'K01', left: ['2026-01-01 00:00:00', '1', '5', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '7', '2026-01-10', 'STARTED', 'FG-1']], code: 'diff', english: 'diff 2'},
  {key: 'K02', left: ['2026-01-01 00:00:00', '1', '2', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '24', '2026-01-10', 'STARTED', 'FG-1']], code: 'unit_factor', english: 'MES = ERP × 12'},
  {key: 'K03', left: ['2026-01-01 00:00:00', '1', '5', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '5', '2026-01-12', 'STARTED', 'FG-1']], code: 'late', english: '2 days late'},
  {key: 'K04', left: ['2026-01-01 00:00:00', '1', '5', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '5', '2026-01-07', 'STARTED', 'FG-1']], code: 'early', english: '3 days early'},
  {key: 'K05', left: ['2026-01-01 00:00:00', '1', '5', '!2026-02-30', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '5', '2026-01-10', 'STARTED', 'FG-1']], code: 'bad_date_left', english: 'a date that does not parse: ERP "2026-02-30"'},
  {key: 'K06', left: ['2026-01-01 00:00:00', '1', '5', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '5', '!next week', 'STARTED', 'FG-1']], code: 'bad_date_right', english: 'a date that does not parse: MES "next week"'},
  {key: 'K07', left: ['2026-01-01 00:00:00', '1', '5', '2026-01-10', 'X', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '5', '2026-01-10', 'STARTED', 'FG-1']], code: 'cancelled', english: 'ERP X, MES still STARTED'},
  {key: 'K08', left: ['2026-01-01 00:00:00', '1', '5', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '5', '2026-01-10', 'STARTED', 'fg-1']], code: 'code_format', english: 'same code but for case, spaces or full-width characters'},
  {key: 'K09', left: ['2026-01-05 10:00:00', '1', '5', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 08:00:00', '1', '6', '2026-01-10', 'STARTED', 'FG-1']], code: 'changed_after', english: 'ERP changed 2026-01-05 10:00:00 after MES 2026-01-02 08:00:00'},
  {key: 'K10', left: ['2026-01-01 00:00:00', '2', '10', '2026-01-10', 'O', 'FG-1'], right: [['2026-01-02 00:00:00', '1', '10', '2026-01-10', 'STARTED', 'FG-1']], code: 'ambiguous_left', english: '2 ERP records share this key'},
  {
    key: 'K11',
    left: ['2026-01-01 00:00:00', '1', '10', '2026-01-10', 'O', 'FG-1'],
    right: [['2026-01-02 00:00:00', '1', '5', '2026-01-10', 'STARTED', 'FG-1'], ['2026-01-02 00:00:00', '1', '5', '2026-01-10', 'STARTED', 'FG-1']],
    code: 'ambiguous_right',
    english: '2 MES records link to one ERP record (link is one-to-one)',
  },
]

/** The spill lines readJobSide writes: key, changed, flag, records, qty + unit, due, status, item. */
function plant(spill: Spill): void {
  const put = (side: 'left' | 'right', key: string, [changed, records, qty, due, st, item]: string[]) => spill.write(JOB_KIND[side], partitionOf(key, spill.partitions), [key, changed, '0', records, qty, '\\N', due, st, item].join('\t'))
  for (const c of CASES) {
    put('left', c.key, c.left)
    for (const r of c.right) put('right', c.key, r)
  }
  spill.flush()
}

async function merge(): Promise<JobFinding[]> {
  const spill = new Spill({partitions: job.partitions})
  try {
    plant(spill)
    await reconcileJobPartitions(spill, settings, new PartitionClaim(spill.partitions), {rowsKind: 'o', gcEvery: 16})
    return [...mergeSortedFindings(spill, ['o'])]
  } finally {
    spill.dispose()
  }
}

const summary = {job: 'om', keyNames: ['so'], names: {match: 'match', differs: 'differs', only_in_left: 'only_in_left', only_in_right: 'only_in_right', in_flight: 'in_flight'}, left: {label: 'ERP'}, right: {label: 'MES'}} as unknown as JobRunSummary

/** Variables for every code, to render each key with. */
const SAMPLE: Record<DetailCode, JobDetail['vars']> = {
  late: {days: 2},
  early: {days: 3},
  diff: {diff: '-1.5'},
  unit_factor: {factor: '1000'},
  ambiguous_left: {n: 2},
  ambiguous_right: {n: 3},
  bad_date_left: {value: '"2026-02-30"'},
  bad_date_right: {value: '"x"'},
  cancelled: {leftValue: 'X', rightValue: 'STARTED, RELEASED'},
  code_format: undefined,
  changed_after: {leftChanged: '2026-01-05 10:00:00', rightChanged: '2026-01-02 08:00:00'},
  stored: {text: 'kept as stored'},
}

afterEach(en)

describe('reconcile finding details: codes rendered through the catalogs', () => {
  let rows: JobFinding[]
  beforeAll(async () => {
    rows = await merge()
  })

  it('the merge gives every code with its variables, no English sentence', () => {
    const byKey = new Map(rows.map((f) => [f.key[0], f]))
    for (const c of CASES) {
      const f = byKey.get(c.key)
      expect(f, c.key).toBeDefined()
      expect(f!.status, c.key).toBe('differs')
      const d = f!.fields.find((x) => x.detail !== null)
      expect(d?.detail?.code, `${c.key}: ${JSON.stringify(f!.fields)}`).toBe(c.code)
    }
    expect(byKey.get('K03')!.fields[0].detail).toEqual({code: 'late', vars: {days: 2}})
    expect(byKey.get('K04')!.fields[0]).toMatchObject({cause: null, detail: {code: 'early', vars: {days: 3}}})
    for (const f of rows) for (const d of f.fields) expect(typeof d.detail === 'string', JSON.stringify(d)).toBe(false)
    // every code but the history fallback (stored) comes out of the merge
    expect(new Set(CASES.map((c) => c.code))).toEqual(new Set(DETAIL_CODES.filter((c) => c !== 'stored')))
  })

  it('English: word for word the sentences of the CSV contract; Chinese: the same facts in Chinese', () => {
    const byKey = new Map(rows.map((f) => [f.key[0], f]))
    for (const c of CASES) {
      const d = byKey.get(c.key)!.fields.find((x) => x.detail !== null)!.detail
      expect(detailText(d, labels, 'en'), c.key).toBe(c.english)
      const chinese = detailText(d, labels, 'zh-CN')!
      if (c.code !== 'unit_factor') expect(chinese, c.key).toMatch(CJK) // unit_factor is a formula in both languages
      for (const v of Object.values(d!.vars ?? {})) expect(chinese, `${c.key} keeps ${v}`).toContain(String(v))
    }
    expect(detailText({code: 'late', vars: {days: 2}}, labels, 'zh-CN')).toBe('逾期 2 天')
    expect(detailText(null, labels, 'zh-CN')).toBeNull()
  })

  it('every code has a message in both catalogs, filled with the same variables, and renders as t() would', () => {
    const catalogs = {en: readCatalog('en'), 'zh-CN': readCatalog('zh-CN')}
    for (const lang of ['en', 'zh-CN'] as const) {
      const section = (catalogs[lang].reconcile as Record<string, Record<string, string>>).detail
      expect(Object.keys(section).sort(), lang).toEqual([...DETAIL_CODES].sort())
      for (const code of DETAIL_CODES) {
        const text = detailText({code, vars: SAMPLE[code]}, labels, lang)!
        expect(text, `${lang} ${code}`).not.toMatch(/\{\{|\}\}/)
        expect(text, `${lang} ${code}`).toBe(tIn(lang, `reconcile.detail.${code}`, {...SAMPLE[code], ...labels}))
        for (const v of Object.values(SAMPLE[code] ?? {})) expect(text, `${lang} ${code}`).toContain(String(v))
      }
    }
    // the language in force by default
    zh()
    expect(detailText({code: 'early', vars: {days: 1}}, labels)).toBe(t('reconcile.detail.early', {days: 1}))
    expect(detailText({code: 'early', vars: {days: 1}}, labels)).toMatch(CJK)
  })

  it('report lines: the detail in the language asked (terminal and XLSX in the language in force, CSV English)', () => {
    zh()
    const csv = [...reportLines('om', summary, rows, 'en')]
    const table = [...reportLines('om', summary, rows, 'zh-CN')].map((l) => toTableLine(summary.names, l))
    expect(csv.length).toBe(table.length)
    const late = (ls: Array<Record<string, unknown>>) => ls.find((l) => l.so === 'K03')!.detail
    expect(late(csv)).toBe('2 days late')
    expect(late(table)).toBe('逾期 2 天')
    for (const l of csv) if (l.detail !== null) expect(String(l.detail)).not.toMatch(CJK)
    expect(table.filter((l) => l.detail !== null && CJK.test(String(l.detail))).length).toBeGreaterThanOrEqual(CASES.length - 1)
  })

  it('JSON: the detail in English, as the CSV has it, and its code', () => {
    zh()
    const f = findingJson(rows.find((x) => x.key[0] === 'K09')!, summary)
    expect(f.fields.map((d) => Object.keys(d))).toEqual(f.fields.map(() => ['field', 'left', 'right', 'cause', 'detail', 'detail_code']))
    expect(f.fields[0]).toEqual({field: 'qty', left: '5', right: '6', cause: 'change_not_propagated', detail: 'ERP changed 2026-01-05 10:00:00 after MES 2026-01-02 08:00:00', detail_code: 'changed_after'})
    const noDetail = {key: ['K99'], status: 'only_in_left' as const, cause: null, fields: [], leftRecords: 1, rightRecords: 0, first_seen: '2026-12-03', runs_seen: 1}
    expect(findingJson(noDetail, summary)).toBe(noDetail)
  })
})

describe('filler (the per-row renderer detailText uses)', () => {
  it('fills as t() does: a variable given as null is empty, one not given stays; `more` after `vars`; plurals go through t()', () => {
    const late = filler('en', 'reconcile.detail.late')
    expect(late({days: 4})).toBe('4 days late')
    expect(late({days: null})).toBe(t('reconcile.detail.late', {days: null}))
    expect(late({})).toBe(t('reconcile.detail.late', {}))
    expect(late({})).toBe('{{days}} days late')
    expect(filler('zh-CN', 'reconcile.detail.unit_factor')({factor: '12', left: 'x'}, labels)).toBe('MES = x × 12')
    // a plural message has no text of its own under the base key: t() chooses the form
    expect(filler('en', 'reconcile.moreLines')({count: 1})).toBe(t('reconcile.moreLines', {count: 1}))
    expect(filler('zh-CN', 'reconcile.moreLines')({count: 3})).toBe(tIn('zh-CN', 'reconcile.moreLines', {count: 3}))
    expect(filler('en', 'reconcile.moreLines')({count: 3})).toMatch(/^… 3 more lines/)
  })
})

describe('reconcile finding details in the run history', () => {
  let store: Store
  beforeAll(async () => {
    store = await openStore({client: 'sqlite', filename: 'state.db'}, tempDir('pt-detail-hist-'))
  })
  afterAll(async () => {
    await store?.close()
  })

  it('keeps codes and variables; a row saved before the codes keeps its English text, shown as stored in every language', async () => {
    const rows = await merge()
    const findings = rows.filter((f) => f.key[0] === 'K03' || f.key[0] === 'K08')
    await saveJobHistory(store.knex, {job: 'om', runId: 1, leftRows: 11, rightRows: 12, keys: 11, findings, count: findings.length})
    // a row written by an earlier plantops: the detail as English text
    await store.knex('reconcile_findings').insert({
      job: 'om',
      key_text: 'OLD',
      status: 'differs',
      cause: 'late',
      fields: JSON.stringify([{field: 'due', left: '2026-01-01', right: '2026-01-05', cause: 'late', detail: '4 days late'}]),
      first_seen: '2026-11-30',
      runs_seen: 3,
      last_run_id: 1,
    })
    // the previous run's findings, spilled by partition and read back partition by partition
    const spill = new Spill({partitions: 8})
    const open = new Map<string, PreviousFinding>()
    try {
      expect((await loadJobHistory(store.knex, 'om', spill)).open).toBe(3)
      for (let p = 0; p < 8; p++) for (const [k, h] of previousFindings(spill, p)) open.set(k, h)
    } finally {
      spill.dispose()
    }
    const history = {open}
    expect(history.open.get('K03')!.fields[0].detail).toEqual({code: 'late', vars: {days: 2}})
    expect(history.open.get('K08')!.fields.find((d) => d.detail !== null)!.detail).toEqual({code: 'code_format'})
    expect(history.open.get('OLD')!.fields[0].detail).toEqual({code: 'stored', vars: {text: '4 days late'}})

    // this run reports none of them: all three resolved, rendered in the language in force, in English in JSON
    const resolved = [...history.open.values()].map(resolvedFinding)
    expect(resolved.map((r) => r.key[0]).sort()).toEqual(['K03', 'K08', 'OLD'])
    zh()
    const shown = (k: string) => detailText(resolved.find((r) => r.key[0] === k)!.fields.find((d) => d.detail !== null)!.detail, labels)
    expect(shown('K03')).toBe('逾期 2 天')
    expect(shown('K08')).toMatch(CJK)
    expect(shown('OLD')).toBe('4 days late') // no code to translate: as stored
    const json = jobSummaryJson({...summary, resolved: {count: resolved.length, rows: resolved}})
    const old = json.resolved.rows.find((r) => r.key[0] === 'OLD')!
    expect(old.fields[0]).toEqual({field: 'due', left: '2026-01-01', right: '2026-01-05', cause: 'late', detail: '4 days late', detail_code: null})
    expect(json.resolved.rows.find((r) => r.key[0] === 'K03')!.fields[0]).toMatchObject({detail: '2 days late', detail_code: 'late'})
  })
})
