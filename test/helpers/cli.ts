import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const binPath = path.join(repoRoot, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON when --json was passed */
  json: any
}

/** Run the built CLI exactly as a user would (`node bin/run.js …`), with no TTY and colour off. */
export function runCli(args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number} = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [binPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: {...process.env, NO_COLOR: '1', PLANTOPS_CONFIG: undefined, ...opts.env} as NodeJS.ProcessEnv,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  let json: unknown
  if (args.includes('--json')) {
    try {
      json = JSON.parse(r.stdout)
    } catch {
      json = undefined
    }
  }
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json}
}

export function tempDir(prefix = 'plantops-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}
