import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig} from '../../src/lib/demo/index.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {binPath, runCli, tempDir} from '../helpers/cli.js'

/** Spawn the built CLI with stdout piped into a reader that closes after the first chunk (like `| head -1`). */
function runIntoClosingReader(args: string[], cwd: string): Promise<{code: number | null; stderr: string; first: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {cwd, env: {...process.env, NO_COLOR: '1', PLANTOPS_CONFIG: undefined} as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let first = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.once('data', (d) => {
      first = String(d).split('\n')[0]
      child.stdout.destroy()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr, first}))
  })
}

describe('the output layer through the built CLI (SQLite demo plant)', () => {
  let dir: string
  beforeAll(async () => {
    dir = tempDir('pt-output-')
    const plant = await buildDemoPlant({dir, stockRows: 2000})
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
  }, 120_000)

  it('a closed pipe (EPIPE on stdout) ends quietly with the run\'s own result, and the run is not recorded as failed', async () => {
    const r = await runIntoClosingReader(['stock', 'diff', '--all', '--format', 'csv'], dir)
    expect(r.first).toMatch(/^item,warehouse,lot,/)
    expect(r.stderr).not.toMatch(/EPIPE|defect|internal error/i)
    expect(r.code).toBe(0)
    const runs = runCli(['runs', 'list', '--json'], {cwd: dir})
    expect(runs.json.runs[0]).toMatchObject({job: 'stock-diff', status: 'ok', exitCode: 0})
  })

  it('--json with a bad flag, a bad option value or a missing argument prints only the documented error, exit 2', () => {
    for (const args of [
      ['stock', 'diff', '--bogus', '--json'],
      ['stock', 'diff', '--fail-on', 'sometimes', '--json'],
      ['count', 'report', '--json'],
    ]) {
      const r = runCli(args, {cwd: dir})
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.json, r.stdout.slice(0, 300)).toBeDefined()
      expect(Object.keys(r.json)).toEqual(['error'])
      expect(Object.keys(r.json.error).sort()).toEqual(['code', 'exitCode', 'hints', 'message', 'problems'])
      expect(r.json.error.exitCode).toBe(2)
      expect(r.stdout.length).toBeLessThan(2000)
      expect(r.stdout).not.toMatch(/package\.json|"pjson"|"flags"/)
    }
    expect(runCli(['stock', 'diff', '--fail-on', 'sometimes', '--json'], {cwd: dir}).json.error.message).toMatch(/--fail-on=sometimes .*over-tolerance/)
  })

  it('an unknown command suggests the nearest one, exit 2', () => {
    const r = runCli(['stok', 'diff'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Did you mean "plantops stock diff"\?/)
    const j = runCli(['conifg', 'validate', '--json'], {cwd: dir})
    expect(j.code).toBe(2)
    expect(j.json.error).toMatchObject({code: 'COMMAND_NOT_FOUND', exitCode: 2})
    expect(j.json.error.message).toMatch(/plantops config validate/)
  })
})
