import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {displayWidth} from '../../src/lib/report/width.js'
import {copyPlant, repoRoot, runCliAsync, tempDir} from '../helpers/cli.js'
import {englishSentences, NEUTRAL, noEnglish} from '../helpers/english.js'

const require = createRequire(import.meta.url)
const ExcelJS = require('exceljs') as typeof import('exceljs')

/**
 * The Chinese interface through the built CLI on the demo plant: the human output in Chinese (tables, summaries,
 * workbooks, the rejects' errors column, a config error with its hint), the machine output (CSV, JSON) the same
 * byte for byte in both languages, and the language decided by --lang, PLANTOPS_LANG and the locale.
 *
 * One demo plant for the whole file, built in Chinese (its output is the first test). Runs that do not depend on each
 * other go side by side; a locked job (stock diff, systems audit) runs side by side only in copies of the plant
 * (the same data, each with its own store and locks).
 */



/** Box-drawn tables: every line of a table has the same display width, at most `width`. */
function expectAligned(text: string, width: number): void {
  const lines = text.split('\n')
  let table: string[] = []
  const check = () => {
    if (table.length === 0) return
    const widths = new Set(table.map(displayWidth))
    expect(widths.size, `a table drawn with lines of different widths:\n${table.join('\n')}`).toBe(1)
    expect([...widths][0]).toBeLessThanOrEqual(width)
    table = []
  }
  for (const l of lines) {
    if (l.startsWith('┌')) check()
    if (/^[┌│├└]/.test(l)) table.push(l)
    else check()
  }
  check()
}

async function sheetHeaders(file: string): Promise<Array<{name: string; header: string[]; oddHeader?: string; oddFooter?: string}>> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  return wb.worksheets.map((ws) => ({
    name: ws.name,
    header: (ws.getRow(1).values as unknown[]).slice(1).map(String),
    oddHeader: ws.headerFooter?.oddHeader,
    oddFooter: ws.headerFooter?.oddFooter,
  }))
}

/** Volatile values of a JSON document (timings, run ids, how many runs saw a key) masked; everything else must be the same. */
function stable(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc), (k, v) => (/Ms$|^runId$|^id$|Seconds$|^elapsed|^runs_seen$/.test(k) && typeof v === 'number' ? 0 : v))
}

/** A smaller plant than the demo's default (20,000 rows): every seeded discrepancy is in it, each stock diff costs half. */
const ROWS = '2000'
/** Several runs side by side per test: generous on a loaded machine (no timing is asserted by the timeout). */
const SLOW = 300_000

let work: string
let dir: string
let demo: Awaited<ReturnType<typeof runCliAsync>>
/** Pristine copies of the plant, for the systems describe and for locked jobs run side by side. */
let sysDir: string

beforeAll(async () => {
  work = tempDir('plantops-i18n-')
  dir = path.join(work, 'plant')
  demo = await runCliAsync(['demo', '--dir', dir, '--no-diff', '--rows', ROWS, '--lang', 'zh-CN'], {cwd: work, env: {...NEUTRAL, PLANTOPS_COLUMNS: '100'}})
  if (demo.code === 0) sysDir = copyPlant(dir, 'plantops-i18n-sys-')
}, SLOW)

describe('Chinese interface (built CLI, SQLite demo plant)', () => {
  const zh = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) => runCliAsync([...args, '--lang', 'zh-CN'], {cwd, env: {...NEUTRAL, ...env}})
  const en = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) => runCliAsync([...args, '--lang', 'en'], {cwd, env: {...NEUTRAL, ...env}})
  const copy = () => copyPlant(dir, 'plantops-i18n-copy-')

  it('demo: the plant summary and next steps in Chinese', () => {
    expect(demo.code, demo.stderr).toBe(0)
    expect(demo.stdout).toContain('演示工厂')
    expect(demo.stdout).toContain('预置的差异')
    expect(demo.stdout).toContain('下一步：')
    expect(demo.stdout).toContain('PLANTOPS_LANG=zh-CN')
    expectAligned(demo.stdout, 100)
    noEnglish(demo.stdout, 'demo')
  }, SLOW)

  it('stock diff: the table and summary in Chinese, aligned at 80 and 100 columns', async () => {
    const widths = ['80', '100']
    const runs = await Promise.all(widths.map((width, i) => zh(['stock', 'diff', '--show-cost'], {PLANTOPS_COLUMNS: width}, i === 0 ? dir : copy())))
    for (const [i, width] of widths.entries()) {
      const r = runs[i]
      expect(r.code, r.stderr).toBe(0)
      for (const word of ['库存记录准确率', '超出容差', '容差内', '仅ERP有', '仅WMS有', '可能原因', '单位换算错误', '批次串号', '正负号相反', '在途', '物料编码', '仓库']) expect(r.stdout).toContain(word)
      expectAligned(r.stdout, Number(width))
      noEnglish(r.stdout + r.stderr, `stock diff at ${width} columns`)
    }
  }, SLOW)

  it('stock diff: CSV and JSON are byte for byte the same in both languages; --csv-headers labels changes the header row only', async () => {
    const [csvEn, csvZh, labels, jsonEn, jsonZh] = await Promise.all([
      en(['stock', 'diff', '--format', 'csv']),
      zh(['stock', 'diff', '--format', 'csv'], {}, copy()),
      zh(['stock', 'diff', '--format', 'csv', '--csv-headers', 'labels'], {}, copy()),
      en(['stock', 'diff', '--json'], {}, copy()),
      zh(['stock', 'diff', '--json'], {}, copy()),
    ])
    expect(csvEn.code, csvEn.stderr).toBe(0)
    expect(csvZh.stdout).toBe(csvEn.stdout)
    expect(csvEn.stdout.split('\n')[0]).toBe('item,warehouse,lot,erp_qty,wms_qty,diff,diff_pct,uom,status,cause,first_seen,value_diff,in_transit_qty,explained,action,item_name,warehouse_name,stale')
    expect(csvZh.stdout).toContain('over_tolerance')
    expect(csvZh.stdout).not.toContain('超出容差')
    const [head, ...rest] = labels.stdout.split('\n')
    expect(head.split(',').slice(0, 3)).toEqual(['物料编码', '仓库', '批次'])
    expect(rest.join('\n')).toBe(csvEn.stdout.split('\n').slice(1).join('\n'))

    expect(jsonEn.code, jsonEn.stderr).toBe(0)
    // the same document apart from what differs between any two runs (run id, read and elapsed times, runs_seen)
    expect(JSON.stringify(stable(jsonZh.json))).toBe(JSON.stringify(stable(jsonEn.json)))
    expect(jsonZh.stdout).not.toMatch(/[\u4e00-\u9fff]{2}.*(超出容差|可能原因)/)
  }, SLOW)

  it('stock diff XLSX: Chinese sheet names, headers and labels', async () => {
    const file = path.join(work, 'variances.xlsx')
    const r = await zh(['stock', 'diff', '--output', file])
    expect(r.code, r.stderr).toBe(0)
    const sheets = await sheetHeaders(file)
    expect(sheets.map((s) => s.name)).toEqual(['库存差异', '汇总'])
    expect(sheets[0].header.slice(0, 10)).toEqual(['物料编码', '仓库', '批次', 'ERP数量', 'WMS数量', '差异', '差异%', '计量单位', '状态', '可能原因'])
    noEnglish(r.stderr, 'stock diff --output')
  }, SLOW)

  it('count: the sheets, the record summary and the report (terminal and XLSX) in Chinese; CSV and JSON the same in both languages', async () => {
    const sheetsFile = path.join(work, 'count-sheets.xlsx')
    const sample = await zh(['count', 'sample', '--size', '8', '--counters', '2', '--seed', '7', '--output', sheetsFile], {PLANTOPS_COLUMNS: '100'})
    expect(sample.code, sample.stderr).toBe(0)
    expect(sample.stdout).toContain('盲盘：打印盘点表')
    expectAligned(sample.stdout, 100)
    noEnglish(sample.stdout + sample.stderr, 'count sample')

    const sheets = await sheetHeaders(sheetsFile)
    expect(sheets).toHaveLength(2)
    for (const s of sheets) {
      expect(s.header).toEqual(['行号', '库位', '物料编码', '物料名称', '批次', '计量单位', '实盘数量', '盘点人', '备注'])
      expect(s.oddHeader).toContain('plantops count 1 · ')
      expect(s.oddHeader).toContain('盲盘')
      expect(s.oddHeader).toContain('第 &P 页，共 &N 页')
      expect(s.oddFooter).toContain('盘点人签字')
      expect(s.oddFooter).toContain('复核人签字')
    }

    // a counter fills in the Chinese sheets; they are recorded as any sheet
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(sheetsFile)
    for (const ws of wb.worksheets) ws.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value) {
        row.getCell(7).value = n
        row.getCell(8).value = '王芳'
      }
    })
    const filled = path.join(work, 'count-filled.xlsx')
    await wb.xlsx.writeFile(filled)
    const record = await zh(['count', 'record', '1', filled])
    expect(record.code, record.stderr).toBe(0)
    expect(record.stdout).toContain('已录入 8 行')
    noEnglish(record.stdout + record.stderr, 'count record')

    // count report takes no lock and only reads the recorded count: the six reports side by side
    const xlsx = path.join(work, 'count-report.xlsx')
    const adj = path.join(work, 'count-adjustments.xlsx')
    const [report, written, csvEn, csvZh, jsonEn, jsonZh] = await Promise.all([
      zh(['count', 'report', '1'], {PLANTOPS_COLUMNS: '100'}),
      zh(['count', 'report', '1', '--output', xlsx, '--adjustments', adj]),
      en(['count', 'report', '1', '--format', 'csv']),
      zh(['count', 'report', '1', '--format', 'csv']),
      en(['count', 'report', '1', '--json']),
      zh(['count', 'report', '1', '--json']),
    ])
    expect(report.code, report.stderr).toBe(0)
    for (const word of ['库存记录准确率', '实盘数量', '复盘清单', '差异金额']) expect(report.stdout).toContain(word)
    expectAligned(report.stdout, 100)
    noEnglish(report.stdout + report.stderr, 'count report')

    expect(written.code, written.stderr).toBe(0)
    noEnglish(written.stderr, 'count report --output')
    const reportSheets = await sheetHeaders(xlsx)
    expect(reportSheets.map((s) => s.name)).toEqual(['盘点明细', '库存记录准确率', '复盘清单', '调整建议'])
    expect(reportSheets[0].header).toEqual(expect.arrayContaining(['行号', '库位', '物料编码', '批次', '实盘数量', 'ABC分类']))
    const adjSheets = await sheetHeaders(adj)
    expect(adjSheets[0].header).toEqual(expect.arrayContaining(['调整建议', '库位', '物料编码', '差异金额']))

    expect(csvEn.code, csvEn.stderr).toBe(0)
    expect(csvZh.stdout).toBe(csvEn.stdout)
    expect(jsonEn.code, jsonEn.stderr).toBe(0)
    expect(jsonZh.stdout).toBe(jsonEn.stdout)
  }, SLOW)

  it('orders import: the summary and the rejects workbook\'s errors column in Chinese', async () => {
    const review = path.join(work, 'review')
    const r = await zh(['orders', 'import', path.join(repoRoot, 'fixtures/orders/orders-bad-rows.xlsx'), '--rejects', `${review}/`], {PLANTOPS_COLUMNS: '100'})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('被拒绝')
    expect(r.stdout).toContain('请在')
    noEnglish(r.stdout + r.stderr, 'orders import')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(review, 'orders-bad-rows.rejects.xlsx'))
    const ws = wb.worksheets[0]
    expect(ws.name).toBe('被拒绝的行')
    const errors: string[] = []
    ws.eachRow((row, n) => {
      if (n > 1) errors.push(String(row.getCell(1).value))
    })
    expect(errors.length).toBeGreaterThan(0)
    for (const e of errors) expect(e, e).toMatch(/[\u4e00-\u9fff]/)
    const text = errors.join('\n')
    noEnglish(text, 'the rejects errors column')
    expect(text).toMatch(/ERP 物料主数据中没有|必须大于 0|不是有效日期|不是数字|重复/)
  }, SLOW)

  it('config: show states the language and why; validate in Chinese; a PLANTOPS_LANG typo is a config error with its hint in Chinese', async () => {
    const [show, validate, bad] = await Promise.all([
      zh(['config', 'show']),
      zh(['config', 'validate']),
      runCliAsync(['config', 'show'], {cwd: dir, env: {...NEUTRAL, LANG: 'zh_CN.UTF-8', PLANTOPS_LANG: 'klingon'}}),
    ])
    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toContain('# 语言：zh-CN（来自 --lang zh-CN）')
    expect(validate.stdout).toMatch(/：有效（3 个数据源/)
    noEnglish(validate.stdout, 'config validate')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('错误：PLANTOPS_LANG=klingon 不是 plantops 支持的语言')
    expect(bad.stderr).toContain('提示：')
    noEnglish(bad.stderr, 'the PLANTOPS_LANG error')
  }, SLOW)

  it('LANG=zh_CN.UTF-8 alone selects Chinese; --lang en wins over it; PLANTOPS_LANG over the locale; English by default', async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv, cwd = dir) => runCliAsync(args, {cwd, env: {...NEUTRAL, ...env}})
    const [locale, show, flag, flagShow, env, lcAll, plain] = await Promise.all([
      run(['stock', 'diff'], {LANG: 'zh_CN.UTF-8'}),
      run(['config', 'show'], {LANG: 'zh_CN.UTF-8'}),
      run(['stock', 'diff', '--lang', 'en'], {LANG: 'zh_CN.UTF-8'}, copy()),
      run(['config', 'show', '--lang', 'en'], {LANG: 'zh_CN.UTF-8', PLANTOPS_LANG: 'zh-CN'}),
      run(['config', 'show'], {LANG: 'en_US.UTF-8', PLANTOPS_LANG: 'zh-CN'}),
      run(['config', 'show'], {LANG: 'zh_CN.UTF-8', LC_ALL: 'en_US.UTF-8'}),
      run(['config', 'show'], {}),
    ])
    expect(locale.code, locale.stderr).toBe(0)
    expect(locale.stdout).toContain('库存记录准确率')
    expect(show.stdout).toContain('# 语言：zh-CN（来自系统区域设置 LANG=zh_CN.UTF-8）')

    expect(flag.stdout).toContain('Record accuracy')
    expect(flag.stdout).not.toContain('库存记录准确率')
    // the check of the Chinese outputs above would see English: it finds the catalog's sentences in this one
    expect(englishSentences().length).toBeGreaterThan(50)
    expect(englishSentences().filter((s) => flag.stdout.includes(s))).not.toEqual([])
    expect(flagShow.stdout).toContain('# language: en (from --lang en)')

    expect(env.stdout).toContain('# 语言：zh-CN（来自 PLANTOPS_LANG=zh-CN）')
    expect(lcAll.stdout).toContain('# language: en (from the locale, LC_ALL=en_US.UTF-8)')
    expect(plain.stdout).toMatch(/# language: en \(the default/)
  }, SLOW)

  it('lang: in plantops.yaml applies unless --lang or PLANTOPS_LANG say otherwise', async () => {
    const cfg = path.join(dir, 'plantops.yaml')
    const other = path.join(dir, 'plantops-zh.yaml')
    require('node:fs').writeFileSync(other, `lang: zh-CN\n${readFileSync(cfg, 'utf8')}`)
    const [r, overridden] = await Promise.all([
      runCliAsync(['config', 'show', '--config', other], {cwd: dir, env: NEUTRAL}),
      runCliAsync(['config', 'show', '--config', other], {cwd: dir, env: {...NEUTRAL, PLANTOPS_LANG: 'en'}}),
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`# 语言：zh-CN（来自 lang: zh-CN in ${other}）`)
    expect(overridden.stdout).toContain('# language: en (from PLANTOPS_LANG=en)')
  }, SLOW)
})

describe('Chinese interface: systems map, systems audit and init (built CLI, SQLite demo plant)', () => {
  const zh = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = sysDir) => runCliAsync([...args, '--lang', 'zh-CN'], {cwd, env: {...NEUTRAL, ...env}})
  const en = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = sysDir) => runCliAsync([...args, '--lang', 'en'], {cwd, env: {...NEUTRAL, ...env}})
  /** An audit's JSON without what differs between any two audits (ids, times, the age of the newest change). */
  const auditDoc = (json: unknown) => JSON.stringify(stable(json), (k, v) => (/At$|[aA]uditId$|^ageHours$/.test(k) ? 0 : typeof v === 'string' ? v.replace(/\d+\.\d h old/g, 'N h old') : v))

  beforeAll(() => {
    // a copy of the plant taken before any command ran on it
    expect(sysDir, 'the demo plant was not built').toBeTruthy()
  })

  it('systems map: the text in Chinese, aligned at 80 and 100 columns; --lang en still English', async () => {
    const widths = ['80', '100']
    const [english, ...runs] = await Promise.all([en(['systems', 'map']), ...widths.map((width) => zh(['systems', 'map'], {PLANTOPS_COLUMNS: width}))])
    for (const [i, width] of widths.entries()) {
      const r = runs[i]
      expect(r.code, r.stderr).toBe(0)
      for (const word of ['系统', '数据流', '数据对象', '手工录入', '点对点接口', '手工重复录入', '被重复声明的主数据', '从未审计', '电子表格']) expect(r.stdout, word).toContain(word)
      expect(r.stdout).toContain('=手工=>')
      expectAligned(r.stdout, Number(width))
      noEnglish(r.stdout + r.stderr, `systems map at ${width} columns`)
    }
    expect(english.stdout).toMatch(/Point-to-point interfaces\s*│ 11 \(6 automated\); a hub would need 9 connectors/)
    expect(english.stdout).toContain('customer =manual=> erp')
    expect(english.stdout).not.toMatch(/[\u4e00-\u9fff]{2}.*(数据流|手工录入)/)
  }, SLOW)

  it('systems map: DOT and Mermaid labels and the title in Chinese; the JSON is the same in both languages', async () => {
    const [dot, mermaid, dotEn, jsonEn, jsonZh] = await Promise.all([
      zh(['systems', 'map', '--format', 'dot']),
      zh(['systems', 'map', '--format', 'mermaid']),
      en(['systems', 'map', '--format', 'dot']),
      en(['systems', 'map', '--json']),
      zh(['systems', 'map', '--json']),
    ])
    expect(dot.code, dot.stderr).toBe(0)
    expect(dot.stdout).toMatch(/label="[^"]* — 系统地图"/)
    expect(dot.stdout).toContain('负责人：张伟 (IT)')
    expect(dot.stdout).toMatch(/label="sales-orders · 手工重复录入（每天 120 次，3 人） · daily"/)
    expect(dot.stdout).toMatch(/\\n外部"/)
    noEnglish(dot.stdout, 'systems map --format dot')
    expect(mermaid.stdout).toContain('-.->|"sales-orders · 手工重复录入（每天 120 次，3 人） · daily"|') // full-width parentheses need no encoding
    expect(mermaid.stdout).toContain('数据库同步')
    noEnglish(mermaid.stdout, 'systems map --format mermaid')
    expect(dotEn.stdout).toContain('MANUAL re-keying (120/day, 3 people)')
    expect(dotEn.stdout).toContain('— system map"')

    expect(jsonEn.code, jsonEn.stderr).toBe(0)
    expect(jsonZh.stdout).toBe(jsonEn.stdout)
  }, SLOW)

  it('systems map: the Graphviz warning and the no-systems error with its hint in Chinese', async () => {
    const empty = path.join(tempDir('plantops-i18n-nosys-'), 'plantops.yaml')
    require('node:fs').writeFileSync(empty, 'sources: {}\n')
    const [svg, r] = await Promise.all([zh(['systems', 'map', '--format', 'svg'], {PLANTOPS_DOT: '/nonexistent/dot'}), zh(['systems', 'map', '--config', empty])])
    expect(svg.code, svg.stderr).toBe(0)
    expect(svg.stderr).toContain('警告：未安装 Graphviz（找不到 /nonexistent/dot）')
    noEnglish(svg.stderr, 'the Graphviz warning')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('中没有系统：无法绘制系统地图')
    expect(r.stderr).toContain('提示：添加 `systems:` 部分')
    noEnglish(r.stderr, 'the no-systems error')
  }, SLOW)

  it('systems audit: findings, severities and the summary in Chinese; --json the same in both languages', async () => {
    // systems audit takes the job lock: the English and JSON audits in copies of the plant (each a first audit, as the first here)
    const copy = () => copyPlant(sysDir, 'plantops-i18n-audit-')
    const [r, english, jsonEn, jsonZh] = await Promise.all([
      zh(['systems', 'audit'], {PLANTOPS_COLUMNS: '100'}),
      en(['systems', 'audit'], {}, copy()),
      en(['systems', 'audit', '--json'], {}, copy()),
      zh(['systems', 'audit', '--json'], {}, copy()),
    ])
    expect(r.code, r.stderr).toBe(0)
    // the demo's data was written days ago: each system's newest change is older than its limit
    for (const word of ['健康状况', '副本延迟', '最近一次变更', '严重 0 项，警告 3 项，提示 0 项', '警告     erp · 数据新鲜度', '该副本的数据似乎已过时', '处理：检查为 "erp" 供数的复制或同步任务']) {
      expect(r.stdout, word).toContain(word)
    }
    expectAligned(r.stdout, 100)
    noEnglish(r.stdout + r.stderr, 'systems audit')

    expect(english.stdout).toContain('0 critical, 3 warning, 0 info')
    expect(english.stdout).toMatch(/WARNING {2}erp · freshness {2}\(systems\.systems\.erp\.updatedAt\.maxAgeHours\)\n {2}newest stock_balance\.updated_at on "erp" is /)
    expect(english.stdout).toContain('  fix: Check replication/the sync job feeding "erp"')

    expect(jsonEn.code, jsonEn.stderr).toBe(0)
    // every configured area's mappings were checked (each area's references.js is found, also in the CLI bundle)
    expect(jsonEn.json.skippedAreas).toEqual([])
    expect(jsonZh.json.findings).toHaveLength(3)
    expect(auditDoc(jsonZh.json)).toBe(auditDoc(jsonEn.json))
    expect(jsonZh.stdout).not.toMatch(/[\u4e00-\u9fff]/)

    const since = await zh(['systems', 'audit', '--since-last'])
    expect(since.code, since.stderr).toBe(0)
    expect(since.stdout).toMatch(/^与审计 \d+（.*）相比：新增 0 项，已解决 0 项，未变 3 项。$/m)
    noEnglish(since.stdout, 'systems audit --since-last')

    // the map shows each system's health from that audit, in Chinese
    const map = await zh(['systems', 'map'])
    expect(map.stdout).toMatch(/│ erp +│ 金蝶云星空 ERP.*│ 警告 +│/)
  }, SLOW)

  it('init: without a terminal, the refusal and the non-interactive path in Chinese; in English with --lang en', async () => {
    const d = tempDir('plantops-i18n-init-')
    const [r, e] = await Promise.all([
      runCliAsync(['init', '--lang', 'zh-CN'], {cwd: d, env: NEUTRAL}),
      runCliAsync(['init', '--lang', 'en'], {cwd: d, env: {...NEUTRAL, LANG: 'zh_CN.UTF-8'}}),
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('错误：plantops init 是交互式向导，需要终端')
    expect(r.stderr).toContain('提示：非交互式配置：复制 README.md')
    expect(r.stderr).toContain('`plantops demo` 会生成一个完整可用的示例')
    noEnglish(r.stderr, 'init without a terminal')
    expect(e.code).toBe(2)
    expect(e.stderr).toContain('plantops init is interactive and needs a terminal')
  }, SLOW)
})
