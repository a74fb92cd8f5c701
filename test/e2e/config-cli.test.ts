import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'

const CONFIG = `# a plant
sources:
  erp:
    role: erp
    client: mysql
    connection: {host: 127.0.0.1, port: 3306, user: ro, password: "\${PT_E2E_PW}", database: erp}
  wms:
    role: wms
    client: sqlite
    connection: {filename: wms.db}
`

describe('plantops config (built CLI)', () => {
  it('--version and --help work and are fast to load', () => {
    const v = runCli(['--version'])
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^plantops\/\d+\.\d+\.\d+ /)
    const h = runCli(['--help'])
    expect(h.code).toBe(0)
    for (const topic of ['config', 'runs']) expect(h.stdout).toContain(topic)
  })

  it('validate: exit 0 and a summary for a valid file', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'plantops.yaml'), CONFIG)
    const r = runCli(['config', 'validate', '--json'], {cwd: dir, env: {PT_E2E_PW: 'e2e-Secret-77'}})
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({valid: true, sources: ['erp', 'wms'], problems: []})
  })

  it('validate: exit 2 listing every problem with file:line, never a stack trace', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'plantops.yaml'), CONFIG.replace('port: 3306', 'port: "x"').replace('role: wms', 'role: wmz'))
    const r = runCli(['config', 'validate'], {cwd: dir, env: {PT_E2E_PW: 'x'}})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Error: plantops\.yaml has 2 problems/)
    expect(r.stderr).toMatch(/plantops\.yaml:6:\d+ sources\.erp\.connection\.port: expected number/)
    expect(r.stderr).toMatch(/sources\.wms\.role/)
    expect(r.stderr).not.toMatch(/\n\s+at .+\.js:\d+/)
    const j = runCli(['config', 'validate', '--json'], {cwd: dir, env: {PT_E2E_PW: 'x'}})
    expect(j.code).toBe(2)
    expect(j.json.valid).toBe(false)
    expect(j.json.problems).toHaveLength(2)
  })

  it('missing config and unset env var: exit 2 with what to do', () => {
    const dir = tempDir()
    const missing = runCli(['config', 'show'], {cwd: dir})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/config file not found/)
    expect(missing.stderr).toMatch(/plantops demo/)
    writeFileSync(path.join(dir, 'plantops.yaml'), CONFIG)
    const unset = runCli(['config', 'show', '--json'], {cwd: dir, env: {PT_E2E_PW: ''}})
    expect(unset.code).toBe(2)
    expect(unset.json.error.code).toBe('CONFIG_INVALID')
    expect(unset.json.error.problems[0]).toMatch(/PT_E2E_PW is not set/)
  })

  it('show: resolved config with secrets redacted', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'plantops.yaml'), CONFIG)
    const r = runCli(['config', 'show'], {cwd: dir, env: {PT_E2E_PW: 'e2e-Secret-77'}})
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('e2e-Secret-77')
    expect(r.stdout).toContain('password: "***"')
    expect(r.stdout).toContain('statementTimeoutSeconds: 300')
  })

  it('unknown flag is a usage error (exit 2)', () => {
    const r = runCli(['config', 'show', '--no-such-flag'])
    expect(r.code).toBe(2)
  })

  it('runs list on a fresh store', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'plantops.yaml'), 'sources: {}\n')
    const r = runCli(['runs', 'list', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.json).toEqual({runs: []})
    const missing = runCli(['runs', 'show', '42'], {cwd: dir})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no run with ID 42/)
  })
})
