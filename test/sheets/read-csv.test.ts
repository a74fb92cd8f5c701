import {writeFileSync} from 'node:fs'
import path from 'node:path'

import iconv from 'iconv-lite'
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/cli/errors.js'
import {detectCsvEncoding, openSheets} from '../../src/lib/sheets/read.js'
import {tempDir} from '../helpers/cli.js'

async function rowsOf(file: string, encoding?: string): Promise<string[][]> {
  const out: string[][] = []
  for await (const s of openSheets(file, {encoding})) for await (const r of s.rows) out.push(r.cells.map((c) => c.text))
  return out
}

describe('CSV reading', () => {
  const dir = tempDir('plantops-csv-')
  const text = '订单导出 2026-11-21\r\n订单编号,物料编码,数量,收货地址\r\nSO-1,FG-10004,"1,200","浙江省台州市, 椒江区"\r\nSO-2,FG-10005,３,"多行\n地址"\r\n'

  it('detects UTF-8 with BOM, UTF-8 without BOM, and GB18030 (Chinese Excel) without BOM', async () => {
    const bom = path.join(dir, 'bom.csv')
    const utf8 = path.join(dir, 'utf8.csv')
    const gbk = path.join(dir, 'gbk.csv')
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))
    writeFileSync(utf8, text)
    writeFileSync(gbk, iconv.encode(text, 'gbk'))
    expect(await detectCsvEncoding(bom)).toBe('utf-8')
    expect(await detectCsvEncoding(utf8)).toBe('utf-8')
    expect(await detectCsvEncoding(gbk)).toBe('gb18030')
    const expected = [['订单导出 2026-11-21'], ['订单编号', '物料编码', '数量', '收货地址'], ['SO-1', 'FG-10004', '1,200', '浙江省台州市, 椒江区'], ['SO-2', 'FG-10005', '３', '多行\n地址']]
    for (const f of [bom, utf8, gbk]) expect(await rowsOf(f), f).toEqual(expected)
    // the BOM does not end up inside the first header
    expect((await rowsOf(bom))[0][0].charCodeAt(0)).not.toBe(0xfeff)
  })

  it('finds a semicolon or tab delimiter', async () => {
    const semi = path.join(dir, 'semi.csv')
    writeFileSync(semi, '订单编号;物料编码;数量\nSO-1;FG-10004;1,5\n')
    expect(await rowsOf(semi)).toEqual([
      ['订单编号', '物料编码', '数量'],
      ['SO-1', 'FG-10004', '1,5'],
    ])
    const tab = path.join(dir, 'tab.txt')
    writeFileSync(tab, 'a\tb\n1\t2\n')
    expect(await rowsOf(tab)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
  })

  it('--encoding forces one; an unknown encoding is a usage error', async () => {
    const gbk = path.join(dir, 'gbk2.csv')
    writeFileSync(gbk, iconv.encode('订单编号,数量\n', 'gbk'))
    expect((await rowsOf(gbk, 'gbk'))[0]).toEqual(['订单编号', '数量'])
    expect((await rowsOf(gbk, 'utf-8'))[0][0]).toContain('\uFFFD')
    await expect(rowsOf(gbk, 'klingon')).rejects.toBeInstanceOf(UsageError)
  })

  it('an empty file and a directory are refused clearly', async () => {
    const empty = path.join(dir, 'empty.csv')
    writeFileSync(empty, '')
    await expect(rowsOf(empty)).rejects.toThrow(/is empty/)
    await expect(rowsOf(dir)).rejects.toThrow(/is a directory/)
  })
})
