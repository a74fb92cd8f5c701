import {describe, expect, it} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {cellErrorText, dateCell, formatExcelNumber, numberCell, parseTextDate, parseTextDecimal, readTextDecimal, serialToIsoDate} from '../../src/lib/sheets/cells.js'

describe('cell normalisation', () => {
  it('converts date serials of both date systems without any time-zone shift', () => {
    expect(serialToIsoDate(46347, 1900)).toBe('2026-11-21')
    expect(serialToIsoDate(44885, 1904)).toBe('2026-11-21')
    expect(serialToIsoDate(46347.99, 1900)).toBe('2026-11-21') // a time of day does not move the date
    expect(serialToIsoDate(1, 1900)).toBe('1900-01-01')
    expect(serialToIsoDate(61, 1900)).toBe('1900-03-01') // after Excel's phantom 1900-02-29
    expect(serialToIsoDate(60, 1900)).toBeNull()
    expect(serialToIsoDate(0, 1904)).toBeNull()
  })

  it('reads dates typed as text in the four usual formats, and refuses impossible ones', () => {
    for (const t of ['2026/11/21', '2026-11-21', '2026年11月21日', '21.11.2026', '２０２６/１１/２１', '20261121', '2026/11/21 14:30']) {
      expect(parseTextDate(t), t).toBe('2026-11-21')
    }
    expect(parseTextDate('2026-2-3')).toBe('2026-02-03')
    expect(parseTextDate('2026-02-30')).toBeNull()
    expect(parseTextDate('2026-13-45')).toBeNull()
    expect(parseTextDate('11/21/2026')).toBeNull() // ambiguous US order is not guessed
    expect(parseTextDate('tomorrow')).toBeNull()
  })

  it('reads numbers typed as text exactly: thousands separators, full-width digits, currency signs', () => {
    expect(parseTextDecimal('1,234.50')!.toFixed()).toBe('1234.5')
    expect(parseTextDecimal('１２３４')!.toFixed()).toBe('1234')
    expect(parseTextDecimal('１，２００')!.toFixed()).toBe('1200')
    expect(parseTextDecimal('¥1,280.50')!.toFixed()).toBe('1280.5')
    expect(parseTextDecimal('￥12.5 元')!.toFixed()).toBe('12.5')
    expect(parseTextDecimal(' 0.1 ')!.toFixed()).toBe('0.1')
    expect(parseTextDecimal('12345678901234567890.123456789')!.toFixed()).toBe('12345678901234567890.123456789')
    expect(parseTextDecimal('1,23')).toBeNull()
    expect(parseTextDecimal('abc')).toBeNull()
    expect(parseTextDecimal('')).toBeNull()
  })

  it('shows numeric cells as Excel does (15 significant digits, no float noise)', () => {
    expect(formatExcelNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatExcelNumber(1280)).toBe('1280')
    expect(formatExcelNumber(12.300000000000001)).toBe('12.3')
    expect(formatExcelNumber(20261121001)).toBe('20261121001')
  })

  it('converts date-formatted serials with their time of day, in both date systems', () => {
    expect(dateCell(46347, 1900)).toEqual({text: '2026-11-21', date: '2026-11-21'})
    expect(dateCell(44885, 1904)).toEqual({text: '2026-11-21', date: '2026-11-21'})
    expect(dateCell(46347.5, 1900)).toEqual({text: '2026-11-21 12:00:00', date: '2026-11-21'})
    expect(dateCell(1, 1900).date).toBe('1900-01-01')
    expect(dateCell(Number.NaN, 1900).error).toBe('invalid_date')
  })

  it('keeps numeric cells as written, shown as Excel shows them', () => {
    expect(numberCell('1.2000000000000002')).toEqual({text: '1.2', num: 1.2000000000000002})
    expect(numberCell('1280')).toEqual({text: '1280', num: 1280})
    expect(numberCell('abc').error).toBe('#NUM!')
  })

  it('words why a cell cannot be read in the language in force, and keeps an Excel error value as written', () => {
    try {
      setLanguage({lang: 'en', source: 'flag', detail: '--lang en'})
      expect(cellErrorText(dateCell(Number.NaN, 1900).error!)).toBe('invalid date')
      expect(cellErrorText('formula_uncalculated')).toBe('formula result is an error value (such as #N/A) or was never calculated')
      expect(cellErrorText('#N/A')).toBe('#N/A')
      setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
      expect(cellErrorText('invalid_date')).toBe('无效日期')
      expect(cellErrorText('error_value')).toBe('错误值')
      expect(cellErrorText('formula_uncalculated')).toMatch(/^公式结果是错误值/)
      expect(cellErrorText('#REF!')).toBe('#REF!')
    } finally {
      setLanguage({lang: 'en', source: 'default', detail: ''})
    }
  })
})

describe('a typed decimal with an exponent: bounded like the sources\' quantities (±400)', () => {
  it('within the bound parses exactly as before; beyond it is refused as out of range, not as "not a number"', () => {
    expect(parseTextDecimal('1.5e3')!.toFixed()).toBe('1500')
    expect(parseTextDecimal('-2E-3')!.toFixed()).toBe('-0.002')
    expect(parseTextDecimal('１ｅ２')!.toFixed()).toBe('100')
    expect(parseTextDecimal('1e400')!.toFixed()).toHaveLength(401)
    expect(parseTextDecimal('1e-400')!.toFixed()).toHaveLength(402)
    for (const s of ['1e401', '1e-401', '1e50000000', '1e-500', '-3.5E+999', '1e99999999999999999999']) {
      expect(parseTextDecimal(s), s).toBeNull()
      const r = readTextDecimal(s)
      expect(r.ok, s).toBe(false)
      expect(!r.ok && r.outOfRange?.code, s).toBe('exponent')
    }
    for (const s of ['abc', '1e', 'e5', '1,23']) {
      const r = readTextDecimal(s)
      expect(!r.ok && r.outOfRange, s).toBeNull()
    }
    expect(readTextDecimal('1,234.5')).toMatchObject({ok: true})
  })
})
