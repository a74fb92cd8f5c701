import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {parseConfigText} from '../../src/lib/config/load.js'
import type {SourceReference} from '../../src/lib/config/references.js'
import {buildDemoPlant, demoSourcesConfig, type DemoPlant} from '../../src/lib/demo/index.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {demoSystemsConfig} from '../../src/lib/demo/systems-config.js'
import {collectReferences} from '../../src/lib/systems/all-references.js'
import {runAudit} from '../../src/lib/systems/audit/run-audit.js'
import {systemsConfigSchema} from '../../src/lib/systems/config.js'
import {systemsReferences} from '../../src/lib/systems/references.js'
import {english, type Msg} from '../../src/lib/systems/message.js'
import {tIn} from '../../src/lib/i18n/index.js'
import {tempDir} from '../helpers/cli.js'

describe('schema-drift references across areas', () => {
  it('systems: each audited system\'s freshness column, keyed', () => {
    const s = systemsConfigSchema.parse({systems: {erp: {role: 'erp', source: 'erp', updatedAt: {table: 'stock_balance', column: 'updated_at'}}, plm: {role: 'plm', updatedAt: {table: 'x', column: 'y'}}}})
    expect(systemsReferences(s)).toEqual([
      {
        source: 'erp',
        table: 'stock_balance',
        configPath: 'systems.systems.erp.updatedAt.table',
        columns: [{column: 'updated_at', configPath: 'systems.systems.erp.updatedAt.column', expected: 'date', keyed: true}],
        purpose: {key: 'references.purpose.systemsFreshness', vars: {system: 'erp', column: 'updated_at'}},
      },
    ])
    // the purpose is a message: English in --json and the store, the operator's language on screen
    const purpose = systemsReferences(s)[0].purpose
    expect(english(purpose)).toBe('freshness probe of system "erp" (SELECT MAX(updated_at))')
    expect(tIn('zh-CN', (purpose as Msg).key, (purpose as Msg).vars)).toBe('系统“erp”的数据新鲜度探测（SELECT MAX(updated_at)）')
  })

  it('an area without a references module, or one that throws, is skipped with a reason; the others still count', async () => {
    const fake = {source: 'erp', table: 't', configPath: 'stock.erp.table', columns: [], purpose: 'p'} satisfies SourceReference
    const r = await collectReferences({stock: {} as never, orders: {} as never, count: {} as never, systems: undefined}, async (area) => {
      if (area === 'stock') return () => [fake]
      if (area === 'orders') return undefined
      return () => {
        throw new Error('boom')
      }
    })
    expect(r.references).toEqual([fake])
    expect(r.skipped).toEqual([
      {area: 'orders', reason: 'plantops has no schema-drift references for the "orders" section yet'},
      {area: 'count', reason: 'collecting its references failed: boom'},
    ])
  })

  it('unconfigured sections contribute nothing', async () => {
    expect(await collectReferences({stock: undefined, orders: undefined, count: undefined, systems: undefined})).toEqual({references: [], skipped: []})
  })
})

describe('audit of the demo plant with its stock section (SQLite)', () => {
  let plant: DemoPlant
  let dir: string
  const yamlFor = (stock: Record<string, unknown>) =>
    JSON.stringify({version: 1, sources: demoSourcesConfig(plant), systems: demoSystemsConfig(plant), stock})

  beforeAll(async () => {
    dir = tempDir('pt-sys-demo-')
    plant = await buildDemoPlant({dir, stockRows: 1000})
  })

  it('the real stock module\'s references load, and the demo mapping has no drift', async () => {
    const loaded = parseConfigText(yamlFor(demoStockConfig(plant)), path.join(dir, 'plantops.yaml'), {})
    const {references, skipped} = await collectReferences(loaded.config)
    expect(skipped).toEqual([])
    expect(references.map((r) => r.configPath)).toContain('stock.erp.table')
    expect(references.map((r) => r.configPath)).toContain('stock.wms.table')
    const report = await runAudit({config: loaded.config, baseDir: dir, references})
    expect(report.findings.filter((f) => f.check !== 'freshness')).toEqual([])
    expect(report.systems.map((s) => `${s.system}:${s.reachable}:${s.referencesChecked}`)).toEqual([
      `erp:true:${references.filter((r) => r.source === 'erp').length}`,
      `wms:true:${references.filter((r) => r.source === 'wms').length}`,
      `mes:true:${references.filter((r) => r.source === 'mes').length}`,
    ])
  })

  it('every reference\'s purpose is a catalog message, English for the record and Chinese on a Chinese screen', async () => {
    const loaded = parseConfigText(yamlFor(demoStockConfig(plant)), path.join(dir, 'plantops.yaml'), {})
    const {references} = await collectReferences(loaded.config)
    expect(references.length).toBeGreaterThan(4)
    for (const r of references) {
      expect(typeof r.purpose, r.configPath).toBe('object')
      const m = r.purpose as Msg
      const zh = tIn('zh-CN', m.key, m.vars)
      expect(zh, r.configPath).not.toBe(english(m))
      expect(zh, r.configPath).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('a renamed ERP column in the stock mapping is critical and names stock.erp.columns.qty', async () => {
    const stock = demoStockConfig(plant) as {erp: {columns: Record<string, string>}}
    stock.erp.columns.qty = 'quantity'
    const loaded = parseConfigText(yamlFor(stock), path.join(dir, 'plantops.yaml'), {})
    const {references} = await collectReferences(loaded.config)
    const report = await runAudit({config: loaded.config, baseDir: dir, references})
    const drift = report.findings.filter((f) => f.check === 'schema-column')
    expect(drift).toHaveLength(1)
    expect(drift[0]).toMatchObject({severity: 'critical', system: 'erp', configPath: 'stock.erp.columns.qty'})
    expect(drift[0].message).toContain('column "stock_balance.quantity" does not exist in source "erp" (nightly stock reconciliation, ERP side)')
  })
})
