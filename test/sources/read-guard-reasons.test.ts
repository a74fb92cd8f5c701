import {afterAll, describe, expect, it} from 'vitest'

import {currentLanguage, setLanguage, type Language} from '../../src/lib/i18n/index.js'
import {checkConfiguredSelect, checkReadOnly, GUARD_REASONS, guardReason, type GuardReason} from '../../src/lib/sources/read-guard.js'
import {noEnglish} from '../helpers/english.js'

/**
 * The guard's refusals carry a code and variables (issue 12): every code has a statement that produces it, and its
 * reason reads in English exactly as before and in Chinese under zh-CN (SQL words kept as written).
 */
const CASES: Array<[GuardReason, string, boolean, string]> = [
  ['nul', 'SELECT 1\u0000', false, 'a NUL character in the statement'],
  ['semicolonLookalike', 'SELECT 1；', false, 'a character that looks like a semicolon (U+FF1B)'],
  ['optimizerHint', 'SELECT /*+ SET_VAR(max_statement_time=0) */ 1', false, 'an optimizer hint comment /*+…*/ (MySQL runs hints, and SET_VAR hints change session settings)'],
  ['executableComment', 'SELECT 1 /*M!100000 , 2 */', false, 'an executable comment /*M!…*/ (MariaDB/MySQL run its content as SQL)'],
  ['unterminatedComment', 'SELECT 1 /* x', false, 'an unterminated comment'],
  ['unterminatedQuote', "SELECT 'x", false, 'an unterminated quote'],
  ['empty', ';', false, 'empty statement'],
  ['moreThanOne', 'SELECT 1; DELETE FROM t', false, 'more than one statement'],
  ['unbalanced', 'SELECT (1', false, 'unbalanced parentheses'],
  ['placeholder', 'SELECT * FROM t WHERE a = ?', true, "a ? placeholder: configured SQL is sent as written, with no values to bind (write the value, or quote a literal '?')"],
  ['setStatement', 'SET STATEMENT max_statement_time=0 FOR SELECT 1', false, "SET STATEMENT … FOR overrides the session's read-only setting and timeout"],
  ['explainAnalyze', 'EXPLAIN ANALYZE SELECT 1', false, 'EXPLAIN ANALYZE executes the statement'],
  ['explainNotSelect', 'EXPLAIN DELETE FROM t', false, 'EXPLAIN of DELETE that is not a SELECT'],
  ['withName', 'WITH (SELECT 1) SELECT 1', true, 'cannot read the WITH clause (expected a name)'],
  ['withAs', 'WITH a SELECT 1', true, 'cannot read the WITH clause (expected AS)'],
  ['withParen', 'WITH a AS SELECT 1', true, 'cannot read the WITH clause (expected "(")'],
  ['afterWith', 'WITH a AS (SELECT 1) DELETE FROM t', false, 'the statement after WITH is DELETE, not a read'],
  ['afterWithConfigured', 'WITH a AS (SELECT 1) UPDATE t SET x = 1', true, 'the statement after WITH is UPDATE, configured SQL must be one plain SELECT'],
  ['notRead', 'UPDATE stock SET qty = 0', false, 'statements starting with UPDATE are not reads'],
  ['notPlainSelect', 'SHOW GRANTS', true, 'statements starting with SHOW are not a plain SELECT'],
  ['selectInto', "SELECT * FROM stock INTO OUTFILE '/tmp/x'", true, 'SELECT … INTO writes a file or variables'],
  ['lockInShareMode', 'SELECT * FROM stock LOCK IN SHARE MODE', true, 'a locking read (LOCK IN SHARE MODE)'],
  ['lockingRead', 'SELECT * FROM stock FOR UPDATE', true, 'a locking read (FOR UPDATE)'],
  ['procedure', 'SELECT * FROM stock PROCEDURE ANALYSE()', true, 'SELECT … PROCEDURE runs a procedure'],
  ['setStatementInside', 'SELECT 1 FROM t WHERE a IN (SET STATEMENT x=1 FOR SELECT 1)', true, "SET STATEMENT overrides the session's read-only setting and timeout"],
]

const before = currentLanguage()
const speak = (lang: Language) => setLanguage({lang, source: 'flag', detail: `--lang ${lang}`})
afterAll(() => speak(before))

function refusal(sql: string, configured: boolean) {
  const v = configured ? checkConfiguredSelect(sql) : checkReadOnly(sql)
  if (v.ok) throw new Error(`accepted: ${sql}`)
  return v
}

describe('read guard reasons (codes, worded per language)', () => {
  it('every reason code has a statement here', () => {
    expect(CASES.map(([code]) => code).sort()).toEqual([...GUARD_REASONS].sort())
  })

  it.each(CASES)('%s: the code, the English reason unchanged, a Chinese reason', (code, sql, configured, english) => {
    const v = refusal(sql, configured)
    expect(v.code).toBe(code)
    speak('en')
    expect(guardReason(v)).toBe(english)
    speak('zh-CN')
    const zh = guardReason(v)
    expect(zh).toMatch(/[\u4e00-\u9fff]/)
    expect(zh).not.toBe(english)
    noEnglish(zh, code)
    // the SQL words in the variables stay as written
    for (const value of Object.values(v.vars ?? {})) expect(zh).toContain(value)
  })

  it('a refusal carries no sentence, and the accepted path is the shared {ok: true}', () => {
    expect(checkConfiguredSelect('UPDATE t SET a = 1')).toEqual({ok: false, code: 'notPlainSelect', vars: {first: 'UPDATE'}})
    expect(checkReadOnly('SELECT 1 ; ; ')).toEqual({ok: false, code: 'moreThanOne'})
    expect(checkReadOnly('SELECT 1')).toEqual({ok: true})
  })
})
