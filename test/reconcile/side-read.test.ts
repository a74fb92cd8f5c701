import knexFactory from 'knex'
import {describe, expect, it} from 'vitest'

import {buildSideRead} from '../../src/lib/reconcile/side-read.js'

describe('the side SELECT', () => {
  const mysql = knexFactory({client: 'mysql2'})
  const sqlite = knexFactory({client: 'better-sqlite3', useNullAsDefault: true})
  it('selects configured columns under fixed aliases, NULL for unconfigured ones, filters bound', () => {
    const r = buildSideRead(mysql, {table: 'stock_balance', columns: {item: 'item_code', lot: undefined, qty: 'qty'}, filters: {status: ['OK', 'HOLD']}})
    expect(r.sql).toBe('select `item_code` as `item`, NULL as `lot`, `qty` as `qty` from `stock_balance` where `status` in (?, ?)')
    expect(r.bindings).toEqual(['OK', 'HOLD'])
  })
  it('leaves out columns given as null (not read at all)', () => {
    const r = buildSideRead(sqlite, {table: 'bin_stock', columns: {location: 'location_code', qty: null}})
    expect(r.sql).toBe('select `location_code` as `location` from `bin_stock`')
  })
  it('wraps a free SELECT as a derived table; quotes odd identifiers; refines with conditions and order', () => {
    const r = buildSideRead(mysql, {query: 'SELECT a, b FROM t ORDER BY a', columns: {item: 'we`ird'}, where: [['a', '>', 'x']], refine: (q) => q.whereIn('a', ['1']).orderBy('a')})
    expect(r.sql).toBe('select `we``ird` as `item` from (SELECT a, b FROM t ORDER BY a) AS plantops_side where `a` > ? and `a` in (?) order by `a` asc')
    expect(r.bindings).toEqual(['x', '1'])
  })
  it('reads FLOAT aliases as DOUBLE', () => {
    const r = buildSideRead(mysql, {table: 't', columns: {qty: 'q'}, doubles: new Set(['qty'])})
    expect(r.sql).toBe('select `q` + 0e0 as `qty` from `t`')
  })
})
