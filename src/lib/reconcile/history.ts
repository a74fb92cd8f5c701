import type {Knex} from 'knex'

import {insertRows} from '../store/insert-rows.js'

/**
 * The nightly history every reconcile job keeps in the store (stock diff: stock_variances / stock_runs; reconcile
 * jobs: reconcile_findings / reconcile_runs): the open findings of the previous run of a scope (first_seen, runs
 * seen, resolved since), and the row counts per side of the previous run (the baseline of the shrink guard).
 * Each job configures the tables, its scope columns and its row shapes; the store logic is here once.
 */
export interface HistoryTables {
  /** The open findings of the last run, one row per key, scoped by `scope`'s columns. */
  findings: string
  /** One row per run: run_id and the row counts per side. */
  runs: string
}

/** Open findings per page of eachOpenFinding. */
export const FINDINGS_PAGE = 5000

/**
 * The scope's open findings one page (FINDINGS_PAGE) at a time, by id (the findings tables' primary key, which their
 * scope index carries on SQLite and InnoDB alike): memory bounded whatever the number of findings (knex's stream is
 * not: on SQLite it reads every row first).
 */
export async function* eachOpenFinding<R>(knex: Knex, tables: HistoryTables, scope: Record<string, string>, columns: string[]): AsyncGenerator<R> {
  let after = 0
  for (;;) {
    const page = (await knex(tables.findings)
      .where(scope)
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(FINDINGS_PAGE)
      .select('id', ...columns)) as Array<R & {id: number | string}>
    for (const r of page) yield r as R
    if (page.length < FINDINGS_PAGE) return
    after = Number(page[page.length - 1].id)
  }
}

/** The last recorded run (matching `where`, or any), with the columns asked for; undefined on a first run. */
export async function lastRun<R>(knex: Knex, tables: HistoryTables, where: Record<string, string>, columns: string[]): Promise<R | undefined> {
  return (await knex(tables.runs).where(where).orderBy('id', 'desc').first(...columns)) as R | undefined
}

/**
 * Replace the scope's open findings with this run's and record the run (one transaction): a report that failed to be
 * written must not make its findings "not new" next night, so callers save once the report is out. `finding` maps
 * each of `items` to its row (without the scope's columns), one at a time as it is written.
 */
export async function saveRunHistory<T>(
  knex: Knex,
  tables: HistoryTables,
  opts: {scope: Record<string, string>; items: Iterable<T>; finding: (item: T) => Record<string, unknown>; run: Record<string, unknown>},
): Promise<void> {
  const {scope, items, finding} = opts
  const rows = function* () {
    for (const item of items) yield Object.assign({}, scope, finding(item))
  }
  await knex.transaction(async (trx) => {
    await trx(tables.findings).where(scope).delete()
    await insertRows(trx, tables.findings, rows())
    await trx(tables.runs).insert({...opts.scope, created_at: new Date().toISOString(), ...opts.run})
  })
}
