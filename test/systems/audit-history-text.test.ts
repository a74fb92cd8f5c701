import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {decideLanguage} from '../../src/lib/i18n/language.js'
import {makeFinding, type Finding} from '../../src/lib/systems/audit/findings.js'
import {diffFindings, loadAudit, recordAudit} from '../../src/lib/systems/audit/history.js'
import type {AuditReport} from '../../src/lib/systems/audit/run-audit.js'
import {renderFindings} from '../../src/lib/systems/audit/text.js'
import {msg, msgList} from '../../src/lib/systems/message.js'
import {openStore} from '../../src/lib/store/store.js'
import {tempDir} from '../helpers/cli.js'

/**
 * `systems audit --since-last` (issue 12): the resolved findings come back from the store; their messages are kept
 * as catalog keys and variables (systems_findings.text_json) and shown in the language in force. Rows stored before
 * (text_json null) keep their English text. JSON and the English columns of the store stay English.
 */

function lang(l: 'en' | 'zh-CN'): void {
  setLanguage(decideLanguage({flag: l}))
}

afterEach(() => lang('en'))

function report(findings: Finding[]): AuditReport {
  return {
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    systems: [],
    findings,
    counts: {critical: findings.filter((f) => f.severity === 'critical').length, warning: findings.filter((f) => f.severity === 'warning').length, info: 0},
    skippedAreas: [],
  }
}

const tableMissing = () =>
  makeFinding({
    severity: 'critical',
    system: 'erp',
    source: 'erp',
    check: 'schema-table',
    message: msg('audit.finding.tableMissing', {table: 'inv_balance', purpose: 'stock', source: 'erp', path: 'stock.erp.table'}),
    fix: msg('audit.fix.tableMissing', {path: 'stock.erp.table'}),
    configPath: 'stock.erp.table',
    subject: 'inv_balance',
  })

const grantsElsewhere = () =>
  makeFinding({
    severity: 'warning',
    system: 'erp',
    source: 'erp',
    check: 'grants',
    message: msg('audit.finding.grantsElsewhere', {
      who: "'ro'@'%'",
      list: msgList([msg('audit.finding.privilegeOn', {privilege: 'INSERT', scope: '`crm`.*'}), msg('audit.finding.privilegeOn', {privilege: 'UPDATE', scope: '`hr`.*'})], msg('audit.finding.privilegeSeparator'), '…'),
    }),
    configPath: 'sources.erp.connection.user',
    subject: 'write-elsewhere',
  })

describe('audit findings read back from the store', () => {
  it('are shown in the language in force (message, fix, a list of messages); their English text fields unchanged', async () => {
    const dir = tempDir('plantops-audit-text-')
    const store = await openStore({client: 'sqlite', filename: path.join(dir, 'state.db')}, dir)
    try {
      const first = [tableMissing(), grantsElsewhere()]
      const englishText = first.map((f) => ({message: f.message, fix: f.fix}))
      expect(englishText[1].message).toBe("the account 'ro'@'%' can write elsewhere on this server: INSERT on `crm`.*; UPDATE on `hr`.*…")
      await recordAudit(store.knex, report(first), null)
      const secondId = await recordAudit(store.knex, report([]), null)
      const previous = await loadAudit(store.knex, {beforeId: secondId})
      const since = diffFindings(previous!, [])
      expect(since.resolved).toHaveLength(2)
      // what --json and the run history see: the English text, no stored-messages field
      expect(JSON.parse(JSON.stringify(since.resolved)).map((f: Finding) => ({message: f.message, fix: f.fix}))).toEqual(englishText)

      lang('zh-CN')
      const zh = renderFindings(since.resolved)
      expect(zh).toContain('表 "inv_balance"（stock）在数据源 "erp" 中不存在；配置位置：stock.erp.table')
      expect(zh).toContain('如果表已改名，请更新 stock.erp.table；如果副本不完整，请联系 DBA。')
      expect(zh).toContain("账号 'ro'@'%' 能够写入这台服务器上的其他数据库：`crm`.* 上的 INSERT；`hr`.* 上的 UPDATE…")
      expect(zh).not.toMatch(/does not exist|can write elsewhere|If the table was renamed/)
      lang('en')
      const en = renderFindings(since.resolved)
      expect(en).toContain('table "inv_balance" (stock) does not exist in source "erp"')
      expect(en).toContain(englishText[1].message)
    } finally {
      await store.close()
    }
  })

  it('a row stored before the messages were kept (text_json null) or with a damaged value shows its English text', async () => {
    const dir = tempDir('plantops-audit-text-old-')
    const store = await openStore({client: 'sqlite', filename: path.join(dir, 'state.db')}, dir)
    try {
      const id = await recordAudit(store.knex, report([tableMissing(), grantsElsewhere()]), null)
      const rows = (await store.knex('systems_findings').where({audit_id: id}).orderBy('id')) as Array<{id: number; text_json: string | null}>
      expect(rows.every((r) => typeof r.text_json === 'string')).toBe(true)
      await store.knex('systems_findings').where({id: rows[0].id}).update({text_json: null})
      await store.knex('systems_findings').where({id: rows[1].id}).update({text_json: '{"message": 42}'})
      const loaded = await loadAudit(store.knex)
      lang('zh-CN')
      const zh = renderFindings(loaded!.findings)
      expect(zh).toContain('table "inv_balance" (stock) does not exist in source "erp"; it is named at stock.erp.table')
      expect(zh).toContain("the account 'ro'@'%' can write elsewhere on this server")
    } finally {
      await store.close()
    }
  })
})
