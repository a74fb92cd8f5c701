import {cpSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {NEUTRAL, noEnglish} from '../helpers/english.js'

const require = createRequire(import.meta.url)
const ExcelJS = require('exceljs') as typeof import('exceljs')

/**
 * The detail of a reconcile job's findings under --lang zh-CN (built CLI, the demo plant's orders-mes job): Chinese in
 * the table and the XLSX, English in the CSV and JSON, the CSV byte for byte the same in both languages.
 */

const SLOW = 300_000 // the built CLI on a shared 2-core machine
const CJK = /[\u4e00-\u9fff]/
/** The English details the demo's orders-mes job has (late, code_format, cancelled_not_propagated, change_not_propagated). */
const ENGLISH = [/\d+ days late/, /same code but for case, spaces or full-width characters/, /ERP X, MES still STARTED/, /ERP changed [\d-]+ [\d:]+ after MES [\d-]+ [\d:]+/]
const CHINESE = [/逾期 \d+ 天/, /编码相同，仅大小写、空格或全角字符不同/, /ERP 为 X，MES 仍为 STARTED/, /ERP [\d-]+ [\d:]+ 变更，晚于 MES [\d-]+ [\d:]+/]

describe('reconcile finding details in Chinese (built CLI, SQLite demo plant)', () => {
  let plant: string
  /** A fresh copy of the demo plant (its run history as the demo left it): every run below sees the same history. */
  const fresh = () => {
    const dir = path.join(tempDir('pt-detail-zh-'), 'plant')
    cpSync(plant, dir, {recursive: true})
    return path.join(dir, 'plantops.yaml')
  }
  const run = (args: string[], lang: 'en' | 'zh-CN', config = fresh()) => runCli(['reconcile', 'run', 'orders-mes', ...args, '--config', config, '--lang', lang], {env: {...NEUTRAL, PLANTOPS_COLUMNS: '400'}})

  beforeAll(() => {
    plant = path.join(tempDir('pt-detail-demo-'), 'plant')
    // 2,000 stock rows: the orders-mes job's seeded findings do not depend on the plant's size
    const demo = runCli(['demo', '--dir', plant, '--rows', '2000', '--json'], {env: NEUTRAL, timeoutMs: 240_000})
    expect(demo.code, demo.stderr).toBe(0)
  }, SLOW)

  it('the table shows the details in Chinese; the CSV keeps them in English, byte for byte the same as under --lang en', () => {
    const table = run([], 'zh-CN')
    expect(table.code, table.stderr).toBe(0)
    for (const re of CHINESE) expect(table.stdout).toMatch(re)
    for (const re of ENGLISH) expect(table.stdout).not.toMatch(re)
    expect(table.stdout).toContain('MES = ERP × 12') // unit_factor: a formula in both languages
    noEnglish(table.stdout, 'reconcile run orders-mes (table)')
    const tableEn = run([], 'en')
    for (const re of ENGLISH) expect(tableEn.stdout).toMatch(re)

    const csvZh = run(['--format', 'csv'], 'zh-CN')
    const csvEn = run(['--format', 'csv'], 'en')
    expect(csvZh.code, csvZh.stderr).toBe(0)
    expect(csvEn.code, csvEn.stderr).toBe(0)
    expect(csvZh.stdout).toBe(csvEn.stdout)
    for (const re of ENGLISH) expect(csvZh.stdout).toMatch(re)
    expect(csvZh.stdout).not.toMatch(CJK)
    expect(csvZh.stdout.split('\n')[0]).toBe('job,so_no,line_no,status,cause,field,left_value,right_value,first_seen,runs_seen,status_label,detail')
  }, SLOW)

  it('the XLSX detail column is in Chinese; the JSON keeps the English detail with its code, the same in both languages', async () => {
    const config = fresh()
    const xlsx = path.join(path.dirname(config), 'orders-mes.xlsx')
    const written = run(['--output', xlsx], 'zh-CN', config)
    expect(written.code, written.stderr).toBe(0)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(xlsx)
    const ws = wb.worksheets[0]
    const header = (ws.getRow(1).values as unknown[]).slice(1)
    const col = header.indexOf('说明') + 1
    expect(col).toBeGreaterThan(0)
    const details: string[] = []
    ws.eachRow((row, n) => {
      const v = row.getCell(col).value
      if (n > 1 && v !== null && v !== undefined && v !== '') details.push(String(v))
    })
    for (const re of CHINESE) expect(details.some((d) => re.test(d)), `${re} in ${JSON.stringify(details)}`).toBe(true)
    for (const d of details) for (const re of ENGLISH) expect(d).not.toMatch(re)

    const jsonZh = run(['--json'], 'zh-CN')
    const jsonEn = run(['--json'], 'en')
    expect(jsonZh.code, jsonZh.stderr).toBe(0)
    const fields = (doc: {jobs: Array<{rows: Array<{fields: Array<Record<string, unknown>>}>}>}) => doc.jobs[0].rows.flatMap((r) => r.fields)
    expect(fields(jsonZh.json)).toEqual(fields(jsonEn.json))
    const late = fields(jsonZh.json).find((f) => f.detail_code === 'late')
    expect(late?.detail).toMatch(/^\d+ days late$/)
    const codes = new Set(fields(jsonZh.json).map((f) => f.detail_code))
    for (const c of ['late', 'code_format', 'cancelled', 'changed_after', 'unit_factor']) expect(codes.has(c), c).toBe(true)
    expect(JSON.stringify(fields(jsonZh.json))).not.toMatch(CJK)
    // the JSON file (--format json) is the same document
    const file = path.join(path.dirname(config), 'orders-mes.json')
    expect(run(['--format', 'json', '--output', file], 'zh-CN').code).toBe(0)
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {rows: Array<{fields: Array<Record<string, unknown>>}>}
    expect(doc.rows.flatMap((r) => r.fields)).toEqual(fields(jsonEn.json))
  }, SLOW)
})
