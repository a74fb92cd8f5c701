import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'

// plantops runs its compiled commands whatever NODE_ENV the operator's shell has: under NODE_ENV=development or test,
// oclif would otherwise load TypeScript on every start to look for the commands' sources (a start twice as long)

describe('NODE_ENV does not change how plantops starts', () => {
  it('never looks for TypeScript sources under NODE_ENV=development or test, and answers as without it', () => {
    const dir = tempDir('pt-node-env-')
    writeFileSync(path.join(dir, 'plantops.yaml'), 'sources: {}\n')
    const plain = runCli(['config', 'validate', '--json'], {cwd: dir, env: {NODE_ENV: undefined}})
    expect(plain.code, plain.stderr).toBe(0)
    for (const env of ['development', 'test']) {
      // oclif's own debug output says what its TypeScript lookup did
      const r = runCli(['config', 'validate', '--json'], {cwd: dir, env: {NODE_ENV: env, DEBUG: 'oclif:config:ts-path'}})
      expect(r.code, r.stderr).toBe(0)
      expect(r.json).toEqual(plain.json)
      expect(r.stderr).toContain('Skipping typescript path lookup')
      expect(r.stderr, env).not.toMatch(/tsconfig|ts-node|tsx/)
    }
  })
})
