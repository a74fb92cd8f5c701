import {readdirSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/cli/errors.js'
import {openSheets} from '../../src/lib/sheets/read.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {makeItemMasterSqlite, writeConfig} from '../orders/helpers.js'
import {CORPUS_DIR} from '../helpers/corpus.js'

const CORPUS = CORPUS_DIR
const files = readdirSync(CORPUS).sort()

/** Read every row of every sheet, or fail with a UsageError; never hang (bounded by the timeout). */
async function readAll(file: string): Promise<{sheets: number; rows: number} | {refused: string; code: string}> {
  try {
    let sheets = 0
    let rows = 0
    for await (const s of openSheets(file)) {
      sheets++
      for await (const _ of s.rows) rows++
    }
    return {sheets, rows}
  } catch (error) {
    if (error instanceof UsageError) return {refused: error.message, code: error.code}
    throw error
  }
}

describe('robustness over the SheetJS corpus (real workbooks from Excel, LibreOffice, Numbers, WPS)', () => {
  it(`reads or clearly refuses every one of the ${files.length} files`, async () => {
    const outcome: Record<string, string> = {}
    for (const f of files) {
      const r = await Promise.race([
        readAll(path.join(CORPUS, f)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${f}: reading did not finish in 20 s`)), 20_000)),
      ])
      outcome[f] = 'refused' in r ? `refused ${r.code}` : `read ${r.sheets} sheets ${r.rows} rows`
    }
    expect(files.length).toBeGreaterThanOrEqual(70)
    // the two legacy .xls are refused as such; everything else is read (wtf_path.xlsx keeps its workbook in wtf/, found
    // through the package relationships as Excel finds it)
    expect(outcome['AutoFilter.xls']).toBe('refused INPUT_XLS')
    expect(outcome['A4X_2013.xls']).toBe('refused INPUT_XLS')
    const refused = Object.entries(outcome).filter(([, o]) => o.startsWith('refused'))
    expect(refused.map(([f]) => f)).toEqual(['A4X_2013.xls', 'AutoFilter.xls'])
    expect(outcome['wtf_path.xlsx']).toBe('read 2 sheets 9 rows')
    expect(outcome['large_strings.xlsx']).toBe('read 3 sheets 27644 rows')
  }, 120_000)

  it('through the CLI: no order headers → exit 2 with a message, never a stack trace', () => {
    const dir = tempDir('plantops-corpus-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    writeConfig(dir)
    for (const f of ['AutoFilter.xls', 'wtf_path.xlsx', 'ErrorTypes.xlsx', 'formula_stress_test.xlsx', '1904_1904.xlsx', 'sheet_visibility_strict.xlsx']) {
      const r = runCli(['orders', 'import', path.join(CORPUS, f), '--dry-run', '--config', path.join(dir, 'plantops.yaml')], {timeoutMs: 60_000})
      expect(r.code, `${f}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toMatch(/^Error: /)
      expect(r.stderr).not.toMatch(/^\s+at /m)
      expect(r.stderr).toMatch(/hint: /)
    }
  }, 120_000)
})
