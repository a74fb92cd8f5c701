import {readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {parse, stringify} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {copyPlant, runCli, tempDir} from '../helpers/cli.js'
import {FakeVendor, runCliAsync} from '../notify/vendor-server.js'
import {NEUTRAL, noEnglish} from '../helpers/english.js'

const require = createRequire(import.meta.url)
const ExcelJS = require('exceljs') as typeof import('exceljs')

/**
 * The Chinese interface of the jobs around the stock diff, through the built CLI on the demo plant: alerts received by
 * fake DingTalk/WeCom/Feishu robots on 127.0.0.1, run history, `reconcile run` (table, summary, XLSX; CSV and JSON the
 * same in both languages), the demo's reconcile job blocks, count record's rejection reasons and the replica lag guard.
 *
 * Runs that do not depend on each other go side by side; runs of a locked job (reconcile run, stock diff) side by side
 * go to copies of the plant (the same data and config, each with its own store and locks).
 */

const SLOW = 300_000 // the built CLI on a shared 2-core machine


async function sheets(file: string): Promise<Array<{name: string; rows: string[][]}>> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  return wb.worksheets.map((ws) => {
    const rows: string[][] = []
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))))
    return {name: ws.name, rows}
  })
}

/** Volatile values of a JSON document (timings, run ids, how many runs saw a key) masked; everything else must be the same. */
function stable(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc), (k, v) => (/Ms$|^runId$|^id$|Seconds$|^elapsed|^runs_seen$|^runsSeen$/.test(k) && typeof v === 'number' ? 0 : v))
}

/** CSV text with one column (by header name) blanked: how many runs saw a key grows with every run. */
function withoutColumn(csv: string, name: string): string {
  const lines = csv.split('\n')
  const i = lines[0].split(',').indexOf(name)
  expect(i).toBeGreaterThanOrEqual(0)
  return lines.map((l) => l.split(',').map((c, j) => (j === i ? '' : c)).join(',')).join('\n')
}

describe('Chinese interface of alerts, run history and reconcile jobs (built CLI, SQLite demo plant, local fake robots)', () => {
  let work: string
  let dir: string
  let config: string
  let demo: {code: number; stdout: string; stderr: string}
  let dingtalk: FakeVendor
  let wecom: FakeVendor
  let feishu: FakeVendor
  const env = () => ({...NEUTRAL, DT: dingtalk.url, WC: wecom.url, FS: feishu.url})
  const cli = (args: string[], lang: 'zh-CN' | 'en', extra: NodeJS.ProcessEnv = {}) => runCliAsync([...args, '--config', config, '--lang', lang], {cwd: dir, env: {...env(), ...extra}})
  /** The same in a fresh copy of the plant (`file`: the config file's name in it). */
  const inCopy = (args: string[], lang: 'zh-CN' | 'en', extra: NodeJS.ProcessEnv = {}, file = 'plantops.yaml') => {
    const copy = copyPlant(dir, 'plantops-i18n-jobs-copy-')
    return runCliAsync([...args, '--config', path.join(copy, file), '--lang', lang], {cwd: copy, env: {...env(), ...extra}})
  }

  beforeAll(async () => {
    dingtalk = await new FakeVendor('dingtalk', {keywords: ['plantops']}).start()
    wecom = await new FakeVendor('wecom').start()
    feishu = await new FakeVendor('feishu', {keywords: ['plantops']}).start()
    work = tempDir('plantops-i18n-jobs-')
    dir = path.join(work, 'plant')
    // the whole demo (stock diff and the three reconcile jobs), in Chinese
    demo = runCli(['demo', '--dir', dir, '--rows', '500', '--lang', 'zh-CN'], {cwd: work, env: {...NEUTRAL, PLANTOPS_COLUMNS: '100'}, timeoutMs: SLOW})
    expect(demo.code, demo.stderr).toBe(0)
    config = path.join(dir, 'plantops.yaml')
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, any>
    doc.notify = {
      ...doc.notify,
      timeoutSeconds: 5,
      channels: {
        dt: {type: 'dingtalk', webhook: '${DT}', keywords: ['plantops']},
        wc: {type: 'wecom', webhook: '${WC}'},
        fs: {type: 'feishu', webhook: '${FS}', keywords: ['plantops']},
      },
      // --notify picks the channels; the rule says when (always: the demo's runs are clean enough to exit 0)
      rules: [{jobs: ['reconcile-run', 'stock-diff'], channels: ['dt', 'wc', 'fs'], on: ['always']}],
    }
    writeFileSync(config, stringify(doc))
  }, SLOW)

  afterAll(async () => {
    await Promise.all([dingtalk?.stop(), wecom?.stop(), feishu?.stop()])
  })

  it('demo: the three reconcile job blocks in Chinese; display names from the config stay as configured', () => {
    for (const job of ['orders-mes', 'shipments', 'items']) expect(demo.stdout).toContain(`对账任务 ${job}`)
    for (const word of ['一致率', '偏差率（qty）', '可能原因', '首次发现的差异', '自上次运行已解决', '变更未同步', '不一致', '同步中']) expect(demo.stdout).toContain(word)
    expect(demo.stdout).toContain('missing_in_mes')
    expect(demo.stdout).not.toMatch(/Match rate|Probable causes|New findings|Resolved since last run|records read in/)
    noEnglish(demo.stdout + demo.stderr, 'demo')
  })

  it('alerts: a reconcile run reaches DingTalk, WeCom and Feishu in Chinese with --lang zh-CN, in English with --lang en', async () => {
    const received = () => [dingtalk, wecom, feishu].map((v) => v.received.length)
    const before = received()
    const zh = await cli(['reconcile', 'run', 'orders-mes', '--notify', 'dt,wc,fs', '--json'], 'zh-CN')
    expect(zh.code, zh.stderr).toBe(0)
    expect(received().map((n, i) => n - before[i])).toEqual([1, 1, 1])
    const dt = dingtalk.received.at(-1)!
    const wc = wecom.received.at(-1)!
    const fs = feishu.received.at(-1)!
    for (const r of [dt, wc, fs]) expect(r.refused).toBeNull()
    // the vendors' payload shapes are the same in both languages: only the words change
    expect(Object.keys(dt.body).sort()).toEqual(['at', 'markdown', 'msgtype'])
    expect(wc.body.msgtype).toBe('markdown')
    expect(fs.body.msg_type).toBe('interactive')
    const texts = {dingtalk: dt.body.markdown.text as string, wecom: wc.body.markdown.content as string, feishu: `${fs.body.card.header.title.content}\n${fs.body.card.elements[0].content}`}
    for (const [vendor, text] of Object.entries(texts)) {
      for (const word of ['plantops · 对账任务', '有超出容差的差异', '任务', '一致率', '偏差率 qty', '可能原因', '变更未同步', 'missing_in_mes', '与上次运行相比']) expect(text, `${vendor}: ${word}`).toContain(word)
      expect(text, vendor).not.toMatch(/Reconciliation|match rate|Probable causes|variances over tolerance|Since the last run/)
      noEnglish(text, `the ${vendor} alert`)
    }
    expect(zh.stderr).toMatch(/通知：dt 已发送（\d+ 字节，\d+ 毫秒）/)

    const en = await cli(['reconcile', 'run', 'orders-mes', '--notify', 'dt,wc,fs', '--json'], 'en')
    expect(en.code, en.stderr).toBe(0)
    for (const text of [dingtalk.received.at(-1)!.body.markdown.text, wecom.received.at(-1)!.body.markdown.content, feishu.received.at(-1)!.body.card.elements[0].content] as string[]) {
      for (const words of ['Reconciliation', 'variances over tolerance', 'match rate', 'deviation rate qty', 'probable cause change not propagated', 'Since the last run']) expect(text).toContain(words)
      // the plant's name is Chinese; the frame around it is not
      expect(text).not.toMatch(/对账任务|一致率|可能原因|有超出容差的差异|与上次运行相比/)
    }
    expect(en.stderr).toMatch(/notify: dt sent \(\d+ bytes, \d+ ms\)/)
  }, SLOW)

  it('alerts: a stock diff alert in Chinese (statuses, causes and the top variances as the stock table words them)', async () => {
    const r = await cli(['stock', 'diff', '--show-cost', '--notify', 'wc', '--json'], 'zh-CN')
    expect(r.code, r.stderr).toBe(0)
    const text = wecom.received.at(-1)!.body.markdown.content as string
    for (const word of ['库存对账（ERP 对 WMS）', '键总数', '超出容差', '仅ERP有', '库存记录准确率', '差异金额最大的', '差异金额']) expect(text).toContain(word)
    expect(text).not.toMatch(/Top \d+ variances|over tolerance|probable cause/)
    noEnglish(text, 'the stock diff alert')
  }, SLOW)

  it('runs list and runs show: headers, labels and statuses in Chinese; the stored codes stay English in JSON', async () => {
    const [list, json] = await Promise.all([cli(['runs', 'list', '--limit', '5'], 'zh-CN', {PLANTOPS_COLUMNS: '120'}), cli(['runs', 'list', '--limit', '1', '--json'], 'zh-CN')])
    expect(list.code, list.stderr).toBe(0)
    for (const word of ['编号', '任务', '开始时间（', '用时', '状态', '退出码', '读取行数', '正常']) expect(list.stdout).toContain(word)
    noEnglish(list.stdout, 'runs list')
    expect(json.json.runs[0].status).toBe('ok')
    const id = String(json.json.runs[0].id)
    const show = await cli(['runs', 'show', id], 'zh-CN', {PLANTOPS_COLUMNS: '120'})
    expect(show.code, show.stderr).toBe(0)
    for (const word of ['运行编号', '命令', '开始时间（', '结束时间（', '主机 / 进程号 / 用户', '结果', '输出文件', '通知', '（wecom）：已发送', '尝试 1 次']) expect(show.stdout).toContain(word)
    noEnglish(show.stdout, 'runs show')
  }, SLOW)

  it('reconcile run: table and summary in Chinese; XLSX headers read back in Chinese; CSV and JSON the same in both languages', async () => {
    const xlsx = path.join(work, 'orders-mes.xlsx')
    const xlsxEn = path.join(work, 'orders-mes-en.xlsx')
    const [table, written, writtenEn, csvEn, csvZh, jsonEn, jsonZh] = await Promise.all([
      cli(['reconcile', 'run', 'orders-mes'], 'zh-CN', {PLANTOPS_COLUMNS: '200'}),
      inCopy(['reconcile', 'run', 'orders-mes', '--output', xlsx], 'zh-CN'),
      inCopy(['reconcile', 'run', 'orders-mes', '--output', xlsxEn], 'en'),
      inCopy(['reconcile', 'run', 'orders-mes', '--format', 'csv'], 'en'),
      inCopy(['reconcile', 'run', 'orders-mes', '--format', 'csv'], 'zh-CN'),
      inCopy(['reconcile', 'run', 'orders-mes', '--json'], 'en'),
      inCopy(['reconcile', 'run', 'orders-mes', '--json'], 'zh-CN'),
    ])
    expect(table.code, table.stderr).toBe(0)
    for (const word of ['对账任务', '键总数（so_no × line_no）', '一致率', '偏差率（qty）', '可能原因', '状态', '字段', '说明', '首次发现（次数）', '不一致', '变更未同步', 'missing_in_mes', '总用时']) expect(table.stdout).toContain(word)
    noEnglish(table.stdout + table.stderr, 'reconcile run')

    expect(written.code, written.stderr).toBe(0)
    expect(written.stderr).toMatch(/已写入 \d+ 个键到 .*orders-mes\.xlsx · orders-mes：键 \d+ · 不一致 \d+ · missing_in_mes \d+ · orphan_in_mes \d+/)
    noEnglish(written.stderr, 'reconcile run --output')
    const [findings, summary] = await sheets(xlsx)
    expect(findings.name).toBe('orders-mes')
    expect(findings.rows[0]).toEqual(['任务', 'so_no', 'line_no', '状态代码', '可能原因', '字段', 'ERP值', 'MES值', '首次发现', '连续出现次数', '状态', '说明'])
    expect(findings.rows.some((r) => r[3] === 'differs' && r[10] === '不一致')).toBe(true)
    expect(findings.rows.some((r) => r[4] === '变更未同步')).toBe(true)
    expect(summary.name).toBe('汇总')
    expect(summary.rows[0]).toEqual(['项目', '数值'])
    expect(summary.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['对账任务', '一致率', '偏差率（qty）']))
    expect(writtenEn.code, writtenEn.stderr).toBe(0)
    const [findingsEn] = await sheets(xlsxEn)
    expect(findingsEn.rows[0]).toEqual(['job', 'so_no', 'line_no', 'status', 'cause', 'field', 'left_value (ERP)', 'right_value (MES)', 'first_seen', 'runs_seen', 'status_label', 'detail'])

    expect(csvEn.code, csvEn.stderr).toBe(0)
    expect(csvZh.code, csvZh.stderr).toBe(0)
    expect(csvEn.stdout.split('\n')[0]).toBe('job,so_no,line_no,status,cause,field,left_value,right_value,first_seen,runs_seen,status_label,detail')
    expect(withoutColumn(csvZh.stdout, 'runs_seen')).toBe(withoutColumn(csvEn.stdout, 'runs_seen'))
    expect(csvZh.stdout).not.toMatch(/[\u4e00-\u9fff]/)
    expect(jsonEn.code, jsonEn.stderr).toBe(0)
    expect(JSON.stringify(stable(jsonZh.json))).toBe(JSON.stringify(stable(jsonEn.json)))
  }, SLOW)

  it('count record: a rejected row says why in Chinese', async () => {
    const sheetsFile = path.join(work, 'count-sheets.xlsx')
    const sample = await cli(['count', 'sample', '--size', '4', '--seed', '3', '--output', sheetsFile], 'zh-CN')
    expect(sample.code, sample.stderr).toBe(0)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(sheetsFile)
    const ws = wb.worksheets[0]
    ws.getRow(2).getCell(1).value = 999 // a line the count does not have
    ws.getRow(2).getCell(7).value = 5
    const filled = path.join(work, 'count-filled.xlsx')
    await wb.xlsx.writeFile(filled)
    const id = String(sample.stdout.match(/盘点 (\d+) 已开启/)?.[1])
    const record = await cli(['count', 'record', id, filled], 'zh-CN', {PLANTOPS_COLUMNS: '140'})
    expect(record.code).toBe(2)
    expect(record.stdout).toContain(`第 999 行不是盘点 ${id} 的行`)
    noEnglish(record.stdout + record.stderr, 'count record')
  }, SLOW)

  it('a lagging replica: the refusal and the --allow-stale warning in Chinese; the stock diff keeps its JSON warnings English', async () => {
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, any>
    doc.sources.mes.lagQuery = 'SELECT 5000'
    doc.sources.wms.lagQuery = 'SELECT 5000'
    const stale = path.join(dir, 'plantops-stale.yaml')
    writeFileSync(stale, stringify(doc))
    const run = (args: string[], lang: 'zh-CN' | 'en') => runCliAsync([...args, '--config', stale, '--lang', lang], {cwd: dir, env: env()})
    const [refused, code, allowed, stock, english] = await Promise.all([
      run(['reconcile', 'run', 'orders-mes'], 'zh-CN'),
      inCopy(['reconcile', 'run', 'orders-mes', '--json'], 'zh-CN', {}, 'plantops-stale.yaml'),
      inCopy(['reconcile', 'run', 'orders-mes', '--allow-stale', '--json'], 'zh-CN', {}, 'plantops-stale.yaml'),
      inCopy(['stock', 'diff', '--allow-stale', '--json'], 'zh-CN', {}, 'plantops-stale.yaml'),
      inCopy(['stock', 'diff', '--allow-stale', '--json'], 'en', {}, 'plantops-stale.yaml'),
    ])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('副本落后 5000 秒（maxLagSeconds 为 900）；拒绝对过期数据对账')
    expect(refused.stderr).toContain('请等待副本追上')
    noEnglish(refused.stderr, 'the SOURCE_STALE error')
    expect(code.json.error).toMatchObject({code: 'SOURCE_STALE', exitCode: 3})

    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.stderr).toContain('数据源“mes”：副本落后 5000 秒（maxLagSeconds 为 900）；仍然对账（--allow-stale）')
    noEnglish(allowed.stderr, 'the --allow-stale warning')

    expect(stock.code, stock.stderr).toBe(0)
    expect(stock.stderr).toContain('数据源“wms”：副本落后 5000 秒')
    expect(stock.json.summary.warnings).toContain('source "wms": replica is 5000 s behind (maxLagSeconds 900); reconciling anyway (--allow-stale)')
    expect(english.stderr).toContain('source "wms": replica is 5000 s behind (maxLagSeconds 900); reconciling anyway (--allow-stale)')
  }, SLOW)
})
