import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {parseConfigText} from '../../src/lib/config/load.js'
import {resolveFields} from '../../src/lib/orders/fields.js'
import {matchHeaderRow} from '../../src/lib/orders/header-match.js'
import {saveAliases} from '../../src/lib/orders/save-aliases.js'
import {tempDir} from '../helpers/cli.js'

const cells = (...texts: string[]) => texts.map((text) => ({text}))

describe('header mapping', () => {
  const fields = resolveFields({fields: {qty: {aliases: ['订货量']}, batch: {aliases: ['批次号'], required: false}}})

  it('matches headers in any language, ignoring case, width, spaces, punctuation and a BOM', () => {
    const m = matchHeaderRow(3, cells('\uFEFF订单编号', ' LINE no. ', 'Ｉｔｅｍ　Ｃｏｄｅ', '订货量', '单位', 'Unit-Price', '交货日期', '批次号', '备注'), fields)
    expect(Object.fromEntries(m.columns)).toEqual({order_no: 0, line_no: 1, sku: 2, qty: 3, uom: 4, unit_price: 5, due_date: 6, batch: 7, note: 8})
    expect(m.missing).toEqual([])
    expect(m.headers[0]).toBe('订单编号')
  })

  it('lists the required fields and the headers it could not match', () => {
    const m = matchHeaderRow(1, cells('单号', '行号', '货品', '订购量', '颜色'), fields)
    expect(m.missing.map((f) => f.name)).toEqual(['sku', 'qty'])
    expect(m.unmatchedHeaders).toEqual(['货品', '订购量', '颜色'])
  })

  it('ignores the columns a rejects workbook adds, and gives each column to one field only', () => {
    const m = matchHeaderRow(1, cells('errors', '单号', '订单号', '行号', '物料编码', '数量', 'source_file', 'source_sheet', 'source_row'), fields)
    expect(m.columns.get('order_no')).toBe(2) // "订单号" is listed before "单号" among the aliases
    expect(m.unmatchedHeaders).toEqual(['单号'])
    expect([...m.reserved.values()]).toEqual([0, 6, 7, 8])
  })
})

describe('saving a mapping answer to plantops.yaml', () => {
  it('adds aliases with the YAML document API, keeping comments and everything else as it was', async () => {
    const file = path.join(tempDir('plantops-alias-'), 'plantops.yaml')
    const original = [
      '# plant config (comment kept)',
      'sources:',
      '  erp: {role: erp, client: sqlite, connection: {filename: ./erp.db}}  # the ERP replica',
      'orders:',
      '  # which columns are which',
      '  fields:',
      '    qty: {aliases: [订货量]}',
      '  trigger: {field: status, in: [已付款]}',
      '',
    ].join('\n')
    writeFileSync(file, original)
    const added = await saveAliases(file, {sku: '货品', qty: '订购量'})
    expect(added).toEqual([
      {field: 'sku', alias: '货品'},
      {field: 'qty', alias: '订购量'},
    ])
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('# plant config (comment kept)')
    expect(text).toContain('# the ERP replica')
    expect(text).toContain('# which columns are which')
    const cfg = parseConfigText(text, file, {}).config
    expect(cfg.orders!.fields.qty.aliases).toEqual(['订货量', '订购量'])
    expect(cfg.orders!.fields.sku.aliases).toEqual(['货品'])
    expect(cfg.orders!.trigger).toEqual({field: 'status', in: ['已付款']})
    // saving the same answer again changes nothing
    expect(await saveAliases(file, {sku: '货品'})).toEqual([])
    expect(readFileSync(file, 'utf8')).toBe(text)
  })

  it('creates the orders section when the config has none', async () => {
    const file = path.join(tempDir('plantops-alias-'), 'plantops.yaml')
    writeFileSync(file, 'sources: {}\n')
    await saveAliases(file, {sku: '货品'})
    expect(parseConfigText(readFileSync(file, 'utf8'), file, {}).config.orders!.fields.sku.aliases).toEqual(['货品'])
  })
})
