import {describe, expect, it} from 'vitest'

import {assessGrants, grantCoversDatabase, grantsFix, isBroadAccount, parseGrantLine} from '../../src/lib/systems/audit/grants.js'
import {checkTypeCompat} from '../../src/lib/systems/audit/type-compat.js'
import {meetsFailOn, makeFinding} from '../../src/lib/systems/audit/findings.js'
import {ageInHours} from '../../src/lib/systems/audit/run-audit.js'
import {isIndexed} from '../../src/lib/sources/catalog.js'

describe('SHOW GRANTS parsing', () => {
  it('reads privileges, column lists and object names (MySQL and MariaDB forms)', () => {
    const g = parseGrantLine("GRANT SELECT (`item_code`, `qty`), INSERT ON `erp_prod`.`stock_balance` TO `plantops`@`%`")
    expect(g).toMatchObject({privileges: ['SELECT', 'INSERT'], database: 'erp_prod', table: 'stock_balance', withGrantOption: false})
    expect(parseGrantLine("GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION")).toMatchObject({privileges: ['ALL PRIVILEGES'], database: '*', table: '*', withGrantOption: true})
    expect(parseGrantLine('GRANT USAGE ON *.* TO `ro`@`%` IDENTIFIED BY PASSWORD \'*ABC\'')).toMatchObject({privileges: ['USAGE'], database: '*'})
    expect(parseGrantLine('GRANT `etl_role` TO `ro`@`%`')).toMatchObject({roles: ['etl_role'], database: null})
    expect(parseGrantLine('SET DEFAULT ROLE etl FOR ro@%')).toBeNull()
  })

  it('matches wildcard database grants like the server does', () => {
    expect(grantCoversDatabase('erp\\_%', 'erp_prod')).toBe(true)
    expect(grantCoversDatabase('erp\\_%', 'erpxprod')).toBe(false)
    expect(grantCoversDatabase('erp_prod', 'erp_prod')).toBe(true)
    expect(grantCoversDatabase('wms', 'erp_prod')).toBe(false)
    expect(grantCoversDatabase('*', 'anything')).toBe(true)
  })

  it('a SELECT-only account is clean; write grants on the database or *.* are flagged, elsewhere separately', () => {
    const clean = assessGrants(['GRANT USAGE ON *.* TO `ro`@`%`', 'GRANT SELECT ON `erp_prod`.* TO `ro`@`%`'], 'erp_prod')
    expect(clean).toMatchObject({onDatabase: [], elsewhere: [], canSelect: true})
    const bad = assessGrants(['GRANT SELECT, INSERT, UPDATE ON `erp_prod`.* TO `ro`@`%`', 'GRANT DELETE ON `scratch`.* TO `ro`@`%`'], 'erp_prod')
    expect(bad.onDatabase.map((p) => p.privilege)).toEqual(['INSERT', 'UPDATE'])
    expect(bad.elsewhere.map((p) => `${p.privilege} ${p.scope}`)).toEqual(['DELETE scratch.*'])
    const global = assessGrants(['GRANT ALL ON *.* TO `x`@`%`'], 'erp_prod')
    expect(global.onDatabase.map((p) => p.privilege)).toEqual(['ALL PRIVILEGES'])
    const grantOption = assessGrants(['GRANT SELECT ON `erp_prod`.* TO `x`@`%` WITH GRANT OPTION'], 'erp_prod')
    expect(grantOption.onDatabase.map((p) => p.privilege)).toEqual(['GRANT OPTION'])
  })
})

describe('the fix for an account that can write', () => {
  it('root or any admin/global account: create a dedicated SELECT-only account, never REVOKE on it', () => {
    const root = assessGrants(["GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION"], 'erp_prod')
    expect(isBroadAccount(root, "'root'@'127.0.0.1'")).toBe(true)
    const fix = grantsFix(root, "'root'@'127.0.0.1'", 'erp_prod', 'erp')
    expect(fix).not.toMatch(/REVOKE/)
    expect(fix).toContain("CREATE USER 'plantops_ro'@'127.0.0.1' IDENTIFIED BY '<a new password>'; GRANT SELECT ON `erp_prod`.* TO 'plantops_ro'@'127.0.0.1';")
    expect(fix).toContain('sources.erp.connection.user')
    const etl = assessGrants(['GRANT SELECT, INSERT ON *.* TO `etl`@`%`'], 'erp_prod')
    expect(grantsFix(etl, "'etl'@'%'", 'erp_prod', 'erp')).not.toMatch(/REVOKE/)
  })

  it('a narrow account (writes on the read database only): the dedicated account, or revoking exactly those privileges', () => {
    const v = assessGrants(['GRANT SELECT, INSERT, UPDATE ON `erp_prod`.* TO `pt`@`%`'], 'erp_prod')
    expect(isBroadAccount(v, "'pt'@'%'")).toBe(false)
    const fix = grantsFix(v, "'pt'@'%'", 'erp_prod', 'erp')
    expect(fix).toContain("CREATE USER 'plantops_ro'@'%'")
    expect(fix).toContain("REVOKE INSERT, UPDATE ON `erp_prod`.* FROM 'pt'@'%';")
    expect(fix).not.toMatch(/REVOKE ALL/)
  })
})

describe('column type compatibility', () => {
  it('accepts exact types and flags lossy or wrong ones', () => {
    expect(checkTypeCompat('number', 'decimal(18,4)')).toEqual({ok: true})
    expect(checkTypeCompat('number', 'double')).toMatchObject({ok: false, severity: 'warning'})
    expect(checkTypeCompat('number', 'varchar(20)')).toMatchObject({ok: false, severity: 'warning'})
    expect(checkTypeCompat('number', 'datetime')).toMatchObject({ok: false, severity: 'critical'})
    expect(checkTypeCompat('text', 'int(11)')).toEqual({ok: true})
    expect(checkTypeCompat('text', 'blob')).toMatchObject({ok: false, severity: 'critical'})
    expect(checkTypeCompat('date', 'timestamp')).toEqual({ok: true})
    expect(checkTypeCompat('date', 'varchar(19)')).toMatchObject({ok: false, severity: 'warning'})
    expect(checkTypeCompat('date', '')).toEqual({ok: true}) // SQLite column without a declared type
  })
})

describe('audit helpers', () => {
  it('--fail-on thresholds', () => {
    const w = makeFinding({severity: 'warning', system: 'erp', check: 'index', message: 'm'})
    const c = makeFinding({severity: 'critical', system: 'erp', check: 'grants', message: 'm'})
    expect(meetsFailOn([w], 'critical')).toBe(false)
    expect(meetsFailOn([w], 'warning')).toBe(true)
    expect(meetsFailOn([c], 'critical')).toBe(true)
    expect(meetsFailOn([c], 'never')).toBe(false)
  })

  it('age of the newest change, from the server clock', () => {
    expect(ageInHours('2026-11-20 10:00:00', '2026-11-21 12:30:00')).toBe(26.5)
    expect(ageInHours(null, '2026-11-21 12:30:00')).toBeNull()
  })

  it('an index covers a keyed column when it leads it, or follows other keyed columns', () => {
    const ix = [
      {index: 'ix_key', seq: 1, column: 'item_code'},
      {index: 'ix_key', seq: 2, column: 'warehouse_code'},
      {index: 'ix_other', seq: 1, column: 'status'},
      {index: 'ix_other', seq: 2, column: 'lot_no'},
    ]
    const keyed = new Set(['item_code', 'warehouse_code', 'lot_no'])
    expect(isIndexed('item_code', keyed, ix)).toBe(true)
    expect(isIndexed('warehouse_code', keyed, ix)).toBe(true)
    expect(isIndexed('lot_no', keyed, ix)).toBe(false) // behind a non-keyed column
  })
})
