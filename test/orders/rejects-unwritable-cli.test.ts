import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {runCliAsync, tempDir} from '../helpers/cli.js'
import {buildBadRowsXlsx} from './fixture-builder.js'
import {makeItemMasterSqlite, ORDERS_SECTION, writeConfig} from './helpers.js'

/**
 * A rejects workbook that cannot be written, through the built CLI. The rejects are written inside the import's store
 * transaction (when they cannot be saved, nothing is imported); the workbook writer used to wait forever when its file
 * could not be opened, holding that transaction, so the command hung (ignoring SIGTERM) and every other command failed
 * with "database is locked". Now: exit 2 within seconds naming --rejects and the path, nothing imported, the run
 * failed, the lock released.
 */
describe.runIf(existsSync('/proc/self'))('orders import --rejects that cannot be written (built CLI)', {timeout: 180_000}, () => {
  let dir: string
  let config: string
  const cli = (args: string[], timeoutMs = 60_000) => runCliAsync([...args, '--config', config], {cwd: dir, timeoutMs})

  beforeAll(async () => {
    dir = tempDir('pt-rejects-unwritable-')
    makeItemMasterSqlite(path.join(dir, 'erp.db'))
    config = writeConfig(dir)
    await buildBadRowsXlsx(path.join(dir, 'bad.xlsx'))
    writeFileSync(path.join(dir, 'file.csv'), 'x\n')
  })

  it('--rejects in a directory where no file can be created: exit 2 within seconds, rolled back, the next command works', async () => {
    const started = Date.now()
    // /proc exists but takes no new file: the workbook's temp file cannot be opened (ENOENT)
    const r = await cli(['orders', 'import', path.join(dir, 'bad.xlsx'), '--rejects', '/proc/'])
    const took = Date.now() - started
    expect(r.code, r.stderr).toBe(2)
    expect(took).toBeLessThan(30_000)
    expect(r.stderr).toContain('cannot write /proc/bad.rejects.xlsx (--rejects): ENOENT: no such file or directory')
    expect(r.stderr).toContain('choose another --rejects')
    expect(r.stderr).not.toMatch(/Unhandled|internal error|^\s+at /m)

    // the store is not locked: the next commands run, the run is recorded failed, nothing was imported
    const runs = await cli(['runs', 'list', '--job', 'orders-import', '--json'])
    expect(runs.code, runs.stderr).toBe(0)
    expect(runs.json.runs.map((x: {status: string; exitCode: number}) => [x.status, x.exitCode])).toEqual([['failed', 2]])
    const imports = await cli(['orders', 'imports', '--json'])
    expect(imports.code, imports.stderr).toBe(0)
    expect(imports.json.imports).toEqual([])
    expect(readdirSync(path.join(dir, '.plantops', 'locks'))).toEqual([])
  })

  it('--rejects under a regular file: exit 2, the hint names --rejects (not --output)', async () => {
    const r = await cli(['orders', 'import', path.join(dir, 'bad.xlsx'), '--rejects', path.join(dir, 'file.csv', 'sub') + path.sep])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toContain(`cannot write ${path.join(dir, 'file.csv', 'sub', 'bad.rejects.xlsx')} (--rejects): ENOTDIR: not a directory`)
    expect(r.stderr).toContain('--rejects.')
    expect(r.stderr).not.toContain('--output')
    // a clean import afterwards: the rejects where they can go
    const ok = await cli(['orders', 'import', path.join(dir, 'bad.xlsx'), '--rejects', path.join(dir, 'review.xlsx'), '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.files[0]).toMatchObject({imported: 2, rejected: 5, rejectsFile: path.join(dir, 'review.xlsx')})
  })

  it('orders.rejectsDir that cannot take the file: the error names orders.rejectsDir (the operator did not pass --rejects)', async () => {
    const cfgFile = writeConfig(dir, {orders: {...ORDERS_SECTION, rejectsDir: '/proc'}})
    const r = await runCliAsync(['orders', 'import', path.join(dir, 'bad.xlsx'), '--config', cfgFile], {cwd: dir, timeoutMs: 60_000})
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toContain('cannot write /proc/bad.rejects.xlsx (orders.rejectsDir): ENOENT: no such file or directory')
    expect(r.stderr).toContain('choose another orders.rejectsDir')
    expect(r.stderr).not.toContain('--rejects')
    writeConfig(dir)
  })
})
