import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {ConfigError} from '../../src/lib/cli/errors.js'
import {redact} from '../../src/lib/cli/secrets.js'
import {loadConfig, parseConfigText} from '../../src/lib/config/load.js'
import {redactConfig} from '../../src/lib/config/redact.js'

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, '/etc/plantops/plantops.yaml', env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).exitCode).toBe(2)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

const GOOD = `
sources:
  erp:
    role: erp
    client: mysql
    connection:
      host: 10.0.0.5
      port: 3306
      user: plantops_ro
      password: \${ERP_PW}
      database: erp_prod
  wms:
    role: wms
    client: sqlite
    connection:
      filename: ./wms.db
`

describe('plantops.yaml loading', () => {
  it('resolves ${ENV} secrets, fills defaults and registers the password for redaction', () => {
    const loaded = parseConfigText(GOOD, '/etc/plantops/plantops.yaml', {ERP_PW: 'Pa55-word-xyz'})
    const erp = loaded.config.sources.erp
    expect(erp.client).toBe('mysql')
    if (erp.client === 'mysql') expect(erp.connection.password).toBe('Pa55-word-xyz')
    expect(erp.statementTimeoutSeconds).toBe(300)
    expect(loaded.config.store).toEqual({client: 'sqlite', filename: '.plantops/state.db'})
    expect(loaded.warnings).toEqual([])
    expect(redact('failed with Pa55-word-xyz inside')).toBe('failed with *** inside')
    const shown = JSON.stringify(redactConfig(loaded.config))
    expect(shown).not.toContain('Pa55-word-xyz')
    expect(shown).toContain('***')
  })

  it('reports a wrong type with file:line:col and the path', () => {
    const problems = problemsOf(GOOD.replace('port: 3306', 'port: "three"'), {ERP_PW: 'x'})
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^plantops\.yaml:8:\d+ sources\.erp\.connection\.port: expected number/)
  })

  it('reports every problem at once, including unknown keys and bad enum values', () => {
    const text = GOOD.replace('role: wms', 'role: warehouse').replace('user: plantops_ro', 'user: plantops_ro\n      hots: typo') + 'stok: {}\n'
    const problems = problemsOf(text, {ERP_PW: 'x'})
    expect(problems.length).toBeGreaterThanOrEqual(3)
    expect(problems.some((p) => /sources\.erp\.connection: unknown key "hots"/.test(p))).toBe(true)
    expect(problems.some((p) => /sources\.wms\.role/.test(p))).toBe(true)
    expect(problems.some((p) => /\(top level\): unknown key "stok"/.test(p))).toBe(true)
  })

  it('names an unset environment variable and how to set it', () => {
    const problems = problemsOf(GOOD, {})
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/plantops\.yaml:10:\d+ sources\.erp\.connection\.password: environment variable ERP_PW is not set \(export ERP_PW=/)
  })

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('sources:\n  erp: [unclosed\n')
    expect(problems[0]).toMatch(/^plantops\.yaml:\d+:\d+ /)
  })

  it('warns about a plaintext password but accepts it', () => {
    const loaded = parseConfigText(GOOD.replace('${ERP_PW}', 'hunter2-plain'), '/x/plantops.yaml', {})
    expect(loaded.warnings).toHaveLength(1)
    expect(loaded.warnings[0]).toMatch(/plaintext password/)
    expect(loaded.warnings[0]).not.toContain('hunter2-plain')
  })

  it('reads passwordFile relative to the config file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-cfg-'))
    writeFileSync(path.join(dir, 'erp.pw'), 'from-file-secret\n')
    writeFileSync(path.join(dir, 'plantops.yaml'), GOOD.replace('password: ${ERP_PW}', 'passwordFile: erp.pw'))
    const loaded = loadConfig({configPath: path.join(dir, 'plantops.yaml'), env: {}})
    const erp = loaded.config.sources.erp
    if (erp.client === 'mysql') expect(erp.connection.password).toBe('from-file-secret')
    expect(loaded.dir).toBe(dir)
  })

  it('finds the file via --config, then PLANTOPS_CONFIG, then ./plantops.yaml, and says where it looked', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plantops-cfg-'))
    writeFileSync(path.join(dir, 'other.yaml'), 'sources: {}\n')
    expect(loadConfig({env: {PLANTOPS_CONFIG: path.join(dir, 'other.yaml')}, cwd: '/'}).path).toBe(path.join(dir, 'other.yaml'))
    expect(() => loadConfig({cwd: dir, env: {}})).toThrow(/config file not found: .*plantops\.yaml \(from the current directory\)/)
    expect(() => loadConfig({configPath: 'nope.yaml', cwd: dir, env: {}})).toThrow(/from --config/)
    // an empty PLANTOPS_CONFIG is no PLANTOPS_CONFIG (was: the current directory read as a file, EISDIR)
    writeFileSync(path.join(dir, 'plantops.yaml'), 'sources: {}\n')
    expect(loadConfig({cwd: dir, env: {PLANTOPS_CONFIG: ''}}).path).toBe(path.join(dir, 'plantops.yaml'))
  })

  it('rejects a capability section that names an unknown source', () => {
    const problems = problemsOf(`${GOOD}systems:\n  systems:\n    erp: {role: erp, source: nosuch}\n`, {ERP_PW: 'x'})
    expect(problems.some((p) => /no source named "nosuch"/.test(p))).toBe(true)
  })

  // issue 15 item 12
  it('a "billion laughs" YAML is a config error (exit 2) with the YAML library\'s alias-limit message', () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`)
    let error: unknown
    try {
      parseConfigText(lol.join('\n'), '/etc/plantops/plantops.yaml', {})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).exitCode).toBe(2)
    expect((error as Error).message).toMatch(/plantops\.yaml is not valid YAML: .*alias/i)
  })

  it('warns about a plaintext password held as the default of ${UNSET:-…}', () => {
    const loaded = parseConfigText(GOOD.replace('${ERP_PW}', '${ERP_PW_UNSET:-S3cr3t}'), '/etc/plantops/plantops.yaml', {})
    expect(loaded.warnings.join('\n')).toMatch(/sources\.erp\.connection\.password: a plaintext password/)
    expect(loaded.warnings.join('\n')).not.toContain('S3cr3t')
    // a plain ${VAR} is not plaintext
    expect(parseConfigText(GOOD, '/etc/plantops/plantops.yaml', {ERP_PW: 'x'}).warnings).toEqual([])
  })

  it('still refuses duplicate keys (checked in linear time), with their line', () => {
    const problems = (() => {
      try {
        parseConfigText(`${GOOD}plant: a\nplant: b\n`, '/etc/plantops/plantops.yaml', {ERP_PW: 'x'})
      } catch (error) {
        return (error as ConfigError).problems
      }
      return []
    })()
    expect(problems).toEqual([expect.stringMatching(/^plantops\.yaml:18:1 Map keys must be unique \("plant" appears twice\)/)])
  })

  it('configured SQL that is not one plain SELECT is a config problem naming its path (issue 9 item 7)', () => {
    const text = GOOD.replace('      database: erp_prod\n', "      database: erp_prod\n    lagQuery: \"SELECT 1 /*!50000 , (SELECT 2) */\"\n")
    const problems = problemsOf(text, {ERP_PW: 'x'})
    expect(problems).toEqual([expect.stringMatching(/sources\.erp\.lagQuery: refused: an executable comment/)])
    const ok = parseConfigText(GOOD.replace('      database: erp_prod\n', "      database: erp_prod\n    lagQuery: \"SELECT REPLACE('a?', '?', '') AS lag\"\n"), '/etc/plantops/plantops.yaml', {ERP_PW: 'x'})
    expect(ok.warnings).toEqual([])
  })
})
