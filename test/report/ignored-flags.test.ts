import {describe, expect, it} from 'vitest'

import {ignoredOutputFlags} from '../../src/lib/report/emit.js'

describe('ignoredOutputFlags', () => {
  it('says which output flags the chosen output does not use', () => {
    expect(ignoredOutputFlags({format: 'csv', output: 'v.csv', json: false}, {columns: ['item'], csvHeaders: 'labels', bom: true})).toEqual([
      "--columns only chooses the terminal table's columns: it is ignored for csv output (CSV, XLSX and JSON keep every column, a stable contract)",
    ])
    expect(ignoredOutputFlags({format: 'xlsx', output: 'v.xlsx', json: false}, {bom: true, csvHeaders: 'labels'})).toEqual([
      '--csv-headers only changes a CSV header row: it is ignored for xlsx output',
      '--bom only applies to CSV: it is ignored for xlsx output',
    ])
    // --json without --output: the JSON is the output; with --output the file keeps its own format
    expect(ignoredOutputFlags({format: 'table', output: undefined, json: true}, {columns: ['item']})).toHaveLength(1)
    expect(ignoredOutputFlags({format: 'csv', output: 'v.csv', json: true}, {csvHeaders: 'labels', bom: true})).toEqual([])
  })

  it('says nothing when every flag given is used, or left at its default', () => {
    expect(ignoredOutputFlags({format: 'table', output: undefined, json: false}, {columns: ['item'], csvHeaders: 'codes', bom: false})).toEqual([])
    expect(ignoredOutputFlags({format: 'json', output: undefined, json: false}, {})).toEqual([])
  })
})
