import {describe, expect, it} from 'vitest'

import {checkReadOnly} from '../../src/lib/sources/read-guard.js'

describe('read-only guard', () => {
  it.each([
    'SELECT * FROM stock',
    '  select item, sum(qty) from stock group by item;',
    "SELECT 'DELETE FROM x; UPDATE y' AS s",
    'SELECT `update`, `delete` FROM t',
    'WITH a AS (SELECT 1 AS x) SELECT * FROM a',
    'SHOW REPLICA STATUS',
    'SHOW GRANTS',
    'DESCRIBE stock',
    'EXPLAIN SELECT * FROM stock',
    '(SELECT 1) UNION (SELECT 2)',
    "SELECT CONVERT(name USING utf8mb4) FROM t WHERE c = _utf8mb4'x' COLLATE utf8mb4_bin",
    "SELECT CAST(x AS CHAR CHARACTER SET utf8mb4) FROM t",
    'SELECT name, type FROM pragma_table_info(?)',
    '-- comment\nSELECT 1',
  ])('accepts a read: %s', (sql) => {
    expect(checkReadOnly(sql)).toEqual({ok: true})
  })

  it.each([
    ['UPDATE stock SET qty = 0', /not reads/],
    ['delete from stock', /not reads/],
    ['INSERT INTO t VALUES (1)', /not reads/],
    ['SELECT 1; DROP TABLE stock', /more than one statement/],
    ['WITH x AS (SELECT 1) DELETE FROM stock', /contains DELETE/],
    ['SELECT * FROM stock FOR UPDATE', /locking read/],
    ['SELECT * FROM stock LOCK IN SHARE MODE', /contains LOCK|locking/],
    ["SELECT * INTO OUTFILE '/tmp/x' FROM stock", /INTO/],
    ['SELECT 1 /*! ; DROP TABLE stock */', /more than one statement|DROP/],
    ['SET SESSION TRANSACTION READ WRITE', /not reads/],
    ['CALL purge_stock()', /not reads/],
    ["SELECT 'unterminated", /unterminated/],
    ['EXPLAIN ANALYZE DELETE FROM stock', /ANALYZE|DELETE/],
    ['', /empty/],
  ])('refuses: %s', (sql, reason) => {
    const v = checkReadOnly(sql)
    expect(v.ok).toBe(false)
    if (!v.ok) expect(v.reason).toMatch(reason)
  })
})
