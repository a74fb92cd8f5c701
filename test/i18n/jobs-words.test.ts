import {afterEach, describe, expect, it} from 'vitest'

import {progressLine} from '../../src/lib/cli/terminal.js'
import {setLanguage} from '../../src/lib/i18n/index.js'
import {summarizeRun} from '../../src/lib/notify/jobs.js'
import {msg} from '../../src/lib/notify/messages.js'
import {renderSummary} from '../../src/lib/notify/summary.js'
import {causeName, statusName} from '../../src/lib/reconcile/job-types.js'
import {checkReplicaLag} from '../../src/lib/sources/lag.js'
import type {ReplicaNote, Source} from '../../src/lib/sources/source.js'

/**
 * The words of progress, reconcile statuses and causes, alerts and the lag guard in the language in force (unit level;
 * the built CLI is exercised in cli-zh-jobs.test.ts).
 */
const zh = () => setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
const en = () => setLanguage({lang: 'en', source: 'flag', detail: '--lang en'})

describe('job words in the language in force', () => {
  afterEach(en)

  it('progress: callers pass stable codes; known ones are worded, unknown ones (side labels, file names) shown as they are', () => {
    en()
    expect(progressLine('stock diff', 'reading', {'ERP rows': 1200, 'WMS rows': 3})).toBe('stock diff: reading · ERP rows 1,200 · WMS rows 3')
    zh()
    expect(progressLine('stock diff', 'checking replica lag')).toBe('库存对账: 检查副本延迟')
    expect(progressLine('stock diff', 'merging', {partitions: 8, of: 64})).toBe('库存对账: 合并中 · 分区 8 · 共 64')
    expect(progressLine('对账 orders-mes', 'reading', {ERP: 10, MES: 20})).toBe('对账 orders-mes: 读取中 · ERP 10 · MES 20')
    expect(progressLine('orders import', 'orders-2026-11.xlsx', {rows: 5})).toBe('订单导入: orders-2026-11.xlsx · 行数 5')
  })

  it('reconcile statuses: configured display names as configured, else worded with the side\'s label; causes worded', () => {
    const s = {names: {match: 'match', differs: 'differs', only_in_left: 'missing_in_mes', only_in_right: 'only_in_right', in_flight: 'in_flight'} as const, left: {label: 'ERP', source: 'erp'}, right: {label: 'MES', source: 'mes'}}
    en()
    expect(['match', 'differs', 'only_in_left', 'only_in_right', 'in_flight'].map((x) => statusName(s, x as never))).toEqual(['match', 'differs', 'missing_in_mes', 'only_in_right (MES)', 'in_flight'])
    expect(causeName('change_not_propagated')).toBe('change_not_propagated')
    zh()
    expect(['match', 'differs', 'only_in_left', 'only_in_right', 'in_flight'].map((x) => statusName(s, x as never))).toEqual(['一致', '不一致', 'missing_in_mes', '仅MES有', '同步中'])
    expect(causeName('unit_factor')).toBe('单位换算错误')
    expect(causeName('no_such_cause')).toBe('no_such_cause')
  })

  it('a reconcile alert in Chinese: title, headline, counts, causes, changes', () => {
    zh()
    const summary = {
      job: 'orders-mes',
      names: {match: 'match', differs: 'differs', only_in_left: 'missing_in_mes', only_in_right: 'only_in_right', in_flight: 'in_flight'},
      left: {label: 'ERP', source: 'erp', lagSeconds: 2},
      right: {label: 'MES', source: 'mes', lagSeconds: null},
      keys: {total: 20, match: 15, differs: 3, only_in_left: 1, only_in_right: 0, in_flight: 1},
      causes: {late: 2, change_not_propagated: 1},
      deviationRatePct: {qty: '0.7812'},
      matchRatePct: '75',
      newByStatus: {differs: 1, only_in_left: 0, only_in_right: 0},
      resolved: {count: 2, rows: []},
    }
    const s = summarizeRun({job: 'reconcile-run', plant: '示范工厂', runId: 7, startedAt: '2026-12-02T21:00:00Z', exitCode: 0, outputs: [], outcome: {}, result: {job: 'orders-mes', summary, rows: [], output: 'f.csv'}}, 10)
    expect(s.counts.map((c) => c.label)).toEqual(['任务', '键总数', '一致', '不一致', 'missing_in_mes', '仅MES有', '同步中', '一致率', '偏差率 qty'])
    expect(s.top).toEqual({title: '可能原因', total: 2, lines: ['逾期：2', '变更未同步：1']})
    expect(s.changes).toEqual(['新增 1 条', '已解决 2 条'])
    const {title, text} = renderSummary(s, {maxBytes: 4096})
    expect(title).toBe('plantops · 对账任务 · 示范工厂')
    expect(text).toContain('**有超出容差的差异**')
    expect(text).toContain('- **任务**：对账任务（运行 7）')
    expect(text).toContain('- **副本延迟**：erp 2 秒，mes 不适用')
    expect(text).toContain('- **与上次运行相比**：新增 1 条；已解决 2 条')
    // e-mail: the subject is the title and the headline; the text part is the plain rendering
    expect(msg.emailSubject(title, msg.headline(s.status))).toBe('plantops · 对账任务 · 示范工厂：有超出容差的差异')
    expect(renderSummary(s, {maxBytes: 4096, plain: true}).text.split('\n')[0]).toBe('plantops · 对账任务 · 示范工厂 — 有超出容差的差异')
    expect(msg.testBody('plant', '2026-12-02T21:00:00Z')).toContain('这是 plantops 发往通道 **plant** 的测试消息')
    en()
    expect(renderSummary(s, {maxBytes: 4096}).title).toBe('plantops · Reconciliation · 示范工厂')
    expect(msg.emailSubject('t', msg.headline('ok'))).toBe('t: all clear')
  })

  it('the lag guard: refusal and warning worded in the language in force; the warning also handed over keyed', async () => {
    const source = (lagSeconds: number | null, note?: ReplicaNote) => ({config: {maxLagSeconds: 900}, replicaStatus: async () => ({isReplica: true, lagSeconds, via: 'lag-query', note})}) as unknown as Source
    zh()
    await expect(checkReplicaLag(['mes'], async () => source(5000), {warn: () => {}})).rejects.toMatchObject({code: 'SOURCE_STALE', message: '数据源“mes”：副本落后 5000 秒（maxLagSeconds 为 900）；拒绝对过期数据对账', hints: ['请等待副本追上，或加 --allow-stale 照常对账（报告会注明数据滞后）。']})
    const warned: Array<[string, {key: string; vars: Record<string, unknown>}]> = []
    const r = await checkReplicaLag(['mes', 'erp'], async (n) => source(n === 'mes' ? 5000 : null, n === 'erp' ? 'stopped' : undefined), {allowStale: true, warn: (m, k) => warned.push([m, k])})
    expect(r.stale).toEqual([{source: 'mes', lagSeconds: 5000, maxLagSeconds: 900}, {source: 'erp', lagSeconds: null, maxLagSeconds: 900}])
    expect(warned.map(([m]) => m)).toEqual(['数据源“mes”：副本落后 5000 秒（maxLagSeconds 为 900）；仍然对账（--allow-stale）', '数据源“erp”：副本延迟未知（复制已停止或中断（延迟未知））；仍然对账（--allow-stale）'])
    expect(warned[0][1]).toEqual({key: 'lag.warn.behind', vars: {source: 'mes', lag: 5000, max: 900}})
    en()
    const english: string[] = []
    await checkReplicaLag(['erp'], async () => source(null), {allowStale: true, warn: (m) => english.push(m)})
    expect(english).toEqual(['source "erp": replication lag is unknown (replication stopped?); reconciling anyway (--allow-stale)'])
    // the source's note is a code (sources/source.ts ReplicaNote), nested in the message in each language
    await expect(checkReplicaLag(['erp'], async () => source(null, 'noPrivilege'), {warn: () => {}})).rejects.toMatchObject({message: 'source "erp": replication lag is unknown (lag unknown: the account lacks REPLICATION CLIENT (or SLAVE MONITOR) privilege); refusing to reconcile stale data'})
    zh()
    await expect(checkReplicaLag(['erp'], async () => source(null, 'noPrivilege'), {warn: () => {}})).rejects.toMatchObject({message: '数据源“erp”：副本延迟未知（延迟未知：该账号缺少 REPLICATION CLIENT（或 SLAVE MONITOR）权限）；拒绝对过期数据对账'})
    en()
  })
})
