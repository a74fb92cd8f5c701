import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {corpusFile} from '../helpers/corpus.js'
import {buildXlsx, row} from '../sheets/xlsx-builder.js'
import {writeSqlitePlant} from './small-plant.js'

/**
 * count record reads filled sheets through the one sheets reader (built CLI): formulas by their cached result as
 * Excel shows it (=12*0.1 is 1.2, not 1.2000000000000002), every run of rich text, sheet names of openpyxl-saved
 * workbooks; a --counted-at before the count's snapshot is refused.
 */
describe('count record through the sheets reader (built CLI)', () => {
  let dir: string
  let lines: Array<{line: number; location: string; sku: string; item: string}>
  const cli = (args: string[]) => runCli(args, {cwd: dir})

  beforeAll(async () => {
    dir = tempDir('pt-count-sheets-')
    await writeSqlitePlant(dir)
    const s = cli(['count', 'sample', '--size', '4', '--seed', '5', '--output', 'sheets.xlsx', '--json'])
    expect(s.code, s.stderr).toBe(0)
    lines = s.json.lines
  })

  it('corpus workbooks that are not count sheets: exit 2 with a message, never a stack trace', () => {
    for (const f of ['AutoFilter.xls', 'wtf_path.xlsx', 'ErrorTypes.xlsx', 'formula_stress_test.xlsx']) {
      const r = cli(['count', 'record', '1', corpusFile(f)])
      expect(r.code, `${f}: ${r.stderr}`).toBe(2)
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m)
      expect(r.stdout + r.stderr).toMatch(/legacy Excel|cannot read|no count sheet|no header row|no worksheet/)
    }
  }, 120_000)

  it('refuses a --counted-at before the snapshot (exit 2, both times)', async () => {
    const file = path.join(dir, 'early.xlsx')
    await buildXlsx(file, [{name: 'S', rows: row(1, ['Line 行号', 'Counted 实盘数量']) + row(2, [String(lines[0].line), '<c><v>3</v></c>'])}])
    const r = cli(['count', 'record', '1', 'early.xlsx', '--counted-at', '2020-01-01 10:00', '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.json.error.code).toBe('COUNTED_BEFORE_SNAPSHOT')
    expect(r.json.error.message).toMatch(/2020-01-01 10:00:00 is before the snapshot of count 1 \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)/)
  })

  it('records formula results exactly and rich text completely, from an openpyxl-saved workbook', async () => {
    const file = path.join(dir, 'filled.xlsx')
    const [l1, l2] = lines
    const code2 = l2.item
    const rows =
      row(1, ['<c t="s"><v>0</v></c>', '<c t="s"><v>1</v></c>', '<c t="s"><v>2</v></c>', '<c t="s"><v>3</v></c>']) +
      row(2, [`<c><v>${l1.line}</v></c>`, `<c t="inlineStr"><is><t>${l1.location}</t></is></c>`, '<c/>', '<c><f>12*0.1</f><v>1.2000000000000002</v></c>']) +
      row(3, [
        `<c><v>${l2.line}</v></c>`,
        `<c t="inlineStr"><is><t>${l2.location}</t></is></c>`,
        `<c t="inlineStr"><is><r><t>${code2.slice(0, 3)}</t></r><r><rPr><b/></rPr><t>${code2.slice(3)}</t></r></is></c>`,
        '<c t="inlineStr"><is><r><t>1</t></r><r><t>0</t></r></is></c>',
      ])
    await buildXlsx(file, [{name: '盘点', rows, pageHeader: 'plantops count 1 · 2026-11-21 · 盘点 · blind count'}], {
      producer: 'openpyxl',
      shared: ['<t>Line 行号</t>', '<t>Location 库位</t>', '<r><t>Item </t></r><r><t>物料</t></r>', '<r><t>Counted </t></r><r><rPr><b/></rPr><t>实盘数量</t></r>'],
    })
    const r = cli(['count', 'record', '1', 'filled.xlsx', '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json).toMatchObject({recorded: 2, rejected: []})
    const rep = cli(['count', 'record', '1', 'filled.xlsx', '--json'])
    expect(rep.json).toMatchObject({recorded: 0, unchanged: 2})
    const uncounted = rep.json.uncounted.map((u: {line: number}) => u.line)
    expect(uncounted).not.toContain(l1.line)
    const report = cli(['count', 'report', '1', '--json'])
    const counted = Object.fromEntries((report.json.lines as Array<{line: number; counted: string}>).map((l) => [l.line, l.counted]))
    expect(counted[l1.line]).toBe('1.2')
    expect(counted[l2.line]).toBe('10')
    const other = path.join(dir, 'other-count.xlsx')
    await buildXlsx(other, [{name: '盘点', rows: row(1, ['Line 行号', 'Counted 实盘数量']) + row(2, [String(l1.line), '<c><v>3</v></c>']), pageHeader: 'plantops count 9 · x'}], {producer: 'openpyxl'})
    const wrong = cli(['count', 'record', '1', 'other-count.xlsx', '--json'])
    expect(wrong.code).toBe(2)
    expect(wrong.json.rejected[0]).toMatchObject({where: 'other-count.xlsx:盘点', reason: 'this sheet belongs to count 9, not count 1'})
  })
})
