import {describe, expect, it} from 'vitest'

import {checkConfiguredSelect, checkReadOnly, guardReason} from '../../src/lib/sources/read-guard.js'

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
    'DESC erp.stock qty',
    'EXPLAIN stock',
    'EXPLAIN SELECT * FROM stock',
    'EXPLAIN QUERY PLAN SELECT * FROM stock',
    '(SELECT 1) UNION (SELECT 2)',
    "SELECT CONVERT(name USING utf8mb4) FROM t WHERE c = _utf8mb4'x' COLLATE utf8mb4_bin",
    'SELECT CAST(x AS CHAR CHARACTER SET utf8mb4) FROM t',
    'SELECT name, type FROM pragma_table_info(?)',
    '-- comment\nSELECT 1',
    '# comment\nSELECT 1',
    'SELECT 1 -- trailing comment',
    'SELECT 1 --',
    'SELECT 1 /* a plain comment; DELETE */',
  ])('accepts a read: %s', (sql) => {
    expect(checkReadOnly(sql)).toEqual({ok: true})
  })

  it.each([
    "SELECT REPLACE(sku, ' ', '') AS sku, qty FROM bins",
    "SELECT INSERT(sku, 1, 2, 'X') AS s FROM bins",
    'SELECT t.update, t.delete, s.into FROM t JOIN s ON s.id = t.id',
    "SELECT item FROM stock WHERE note = '?'",
    "SELECT 'it\\'s' AS s, \"dq\" AS d FROM dual",
    'WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r',
    'WITH a AS (SELECT 1 AS x), b AS (SELECT 2 AS y) (SELECT * FROM a, b)',
    'SELECT * FROM stock FOR SYSTEM_TIME AS OF TIMESTAMP \'2024-01-01\'',
    'SELECT last_update, for_share_qty FROM t',
    'SELECT 数量 FROM 库存',
    'SELECT 1 - -1',
  ])('accepts configured SELECTs: %s', (sql) => {
    expect(checkConfiguredSelect(sql)).toEqual({ok: true})
  })

  it.each([
    ['UPDATE stock SET qty = 0', /not reads/],
    ['delete from stock', /not reads/],
    ['INSERT INTO t VALUES (1)', /not reads/],
    ['REPLACE INTO t VALUES (1)', /not reads/],
    ['SELECT 1; DROP TABLE stock', /more than one statement/],
    ['SELECT 1;;', /more than one statement/],
    ['WITH x AS (SELECT 1) DELETE FROM stock', /after WITH is DELETE/],
    ['WITH x AS (SELECT 1) UPDATE stock SET qty = 1', /after WITH is UPDATE/],
    ['SELECT * FROM stock FOR UPDATE', /locking read/],
    ['SELECT * FROM stock FOR SHARE', /locking read/],
    ['SELECT * FROM stock LOCK IN SHARE MODE', /locking/],
    ["SELECT * INTO OUTFILE '/tmp/x' FROM stock", /INTO/],
    ['SELECT 1 /*! ; DROP TABLE stock */', /executable comment/],
    ['SELECT 1 /*!50000 DELETE */', /executable comment/],
    ['/*!50000 DELETE FROM stock */', /executable comment/],
    ['SET SESSION TRANSACTION READ WRITE', /not reads/],
    ['CALL purge_stock()', /not reads/],
    ['HANDLER stock OPEN', /not reads/],
    ['DO RELEASE_LOCK("x")', /not reads/],
    ["LOAD DATA INFILE '/tmp/x' INTO TABLE stock", /not reads/],
    ['SELECT 1；DELETE FROM stock', /semicolon/],
    ["SELECT 'unterminated", /unterminated/],
    ['SELECT 1 /* unterminated', /unterminated/],
    ['EXPLAIN ANALYZE DELETE FROM stock', /ANALYZE/],
    ['EXPLAIN DELETE FROM stock', /not a SELECT/],
    ['DESCRIBE DELETE FROM stock', /not a SELECT/],
    ['DESC ANALYZE SELECT 1', /ANALYZE/],
    ['SELECT 1 /*m! , 2 */', /executable comment/],
    ['ANALYZE SELECT 1', /not reads/],
    ['', /empty/],
    [';', /empty/],
    ['SELECT (1', /unbalanced/],
  ])('refuses: %s', (sql, reason) => {
    const v = checkReadOnly(sql)
    expect(v.ok).toBe(false)
    if (!v.ok) expect(guardReason(v)).toMatch(reason)
  })

  // issue 15 item 1/2: the bypass classes found on MariaDB 10.11, one by one
  describe('reads SQL the way the MariaDB lexer does', () => {
    it.each([
      // executable comments in every form and position
      ["/*M! SET STATEMENT tx_read_only=0 FOR UPDATE erp SET qty = 999 WHERE item IN (*/ SELECT 'A1' /*M! ) */", /executable comment \/\*M!/],
      ['SELECT 1 /*M!100000 , (SELECT 1) */', /executable comment/],
      ["SELECT 1 /*!INTO OUTFILE '/tmp/x' */", /executable comment \/\*!/],
      ["SELECT 1 /*!99999 INTO OUTFILE '/tmp/x' */", /executable comment/],
      ['SELECT /*+ SET_VAR(max_statement_time=0) */ 1', /optimizer hint/],
      // SET STATEMENT overrides tx_read_only and max_statement_time
      ['SET STATEMENT tx_read_only=0 FOR UPDATE erp SET qty = 999', /SET STATEMENT/],
      ['SET STATEMENT max_statement_time=0 FOR SELECT SLEEP(10)', /SET STATEMENT/],
      ['set statement tx_read_only=0 for insert into t values (1)', /SET STATEMENT/],
      // `--` followed by a non-space is not a comment
      ["SELECT 1 --x\nINTO OUTFILE '/tmp/x'", /INTO/],
      ["SELECT 1 --1 INTO OUTFILE '/tmp/x'", /INTO/],
      ['SELECT 1 --1 INTO @a', /INTO/],
      ["SELECT 1 --1, 'x' INTO DUMPFILE '/tmp/x'", /INTO/],
      // keywords glued to numbers, quotes and punctuation
      ["SELECT 1e1INTO OUTFILE '/tmp/x'", /INTO/],
      ["SELECT 'a'INTO OUTFILE'/tmp/x'", /INTO/],
      ['SELECT 1INTO@a', /INTO/],
      ["SELECT 1 INTO`x`", /INTO/],
      ["SELECT 0x41INTO DUMPFILE '/tmp/x'", /INTO/],
      ["SELECT 1.5INTO OUTFILE '/tmp/x'", /INTO/],
      // INTO in every spelling and position
      ["SELECT * FROM stock INTO OUTFILE '/tmp/x'", /INTO/],
      ["SELECT * FROM stock INTO DUMPFILE '/tmp/x'", /INTO/],
      ['SELECT qty FROM stock LIMIT 1 INTO @q', /INTO/],
      ["(SELECT 1) INTO OUTFILE '/tmp/x'", /INTO/],
      ["SELECT 1 FROM t WHERE a IN (SELECT 1 INTO OUTFILE '/tmp/x')", /INTO/],
      ["SELECT 1 Into\tOutfile '/tmp/x'", /INTO/],
      ['SELECT * FROM t FOR\nUPDATE', /locking read/],
      ['SELECT * FROM t FOR UPDATE SKIP LOCKED', /locking/],
      // backslash escapes: a quote hidden by \ is not a string end
      ["SELECT 'a\\' ; DELETE FROM t -- '", /^(?!)/],
    ])('refuses: %s', (sql, reason) => {
      const v = checkConfiguredSelect(sql)
      if (String(reason) === '/^(?!)/') {
        // the whole tail is one string literal to the server (backslash escapes are on in plantops' sessions)
        expect(v).toEqual({ok: true})
        return
      }
      expect(v.ok).toBe(false)
      if (!v.ok) expect(guardReason(v)).toMatch(reason)
    })

    it('configured SQL has no ? placeholders (nothing binds them), but a literal \'?\' is text', () => {
      const v = checkConfiguredSelect('SELECT * FROM t WHERE a = ?')
      expect(v).toEqual({ok: false, code: 'placeholder'})
      if (!v.ok) expect(guardReason(v)).toMatch(/placeholder/)
      expect(checkConfiguredSelect("SELECT * FROM t WHERE a = '?' AND `b?` = 1 /* ? */")).toEqual({ok: true})
    })

    it('configured SQL is a SELECT only: no SHOW, DESCRIBE, EXPLAIN, VALUES', () => {
      for (const sql of ['SHOW GRANTS', 'DESCRIBE stock', 'EXPLAIN SELECT 1', 'VALUES (1)', 'TABLE stock']) {
        const v = checkConfiguredSelect(sql)
        expect(v.ok, sql).toBe(false)
      }
    })

    it('`--\'` starts a string to the server, not a comment: the guard agrees', () => {
      expect(checkConfiguredSelect("SELECT 1 --'\n; DELETE FROM t -- '")).toEqual({ok: true})
    })

    it('SQLite: `--x` is a comment and there are no backslash escapes', () => {
      expect(checkConfiguredSelect('SELECT 1 --x INTO', 'sqlite')).toEqual({ok: true})
      expect(checkConfiguredSelect("SELECT 'a\\' ; DELETE FROM t", 'sqlite').ok).toBe(false)
      expect(checkConfiguredSelect('SELECT [into] FROM t', 'sqlite')).toEqual({ok: true})
    })
  })
})
