import {spawn, spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {cpSync, mkdtempSync} from 'node:fs'
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

export interface CliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  input?: string
  timeoutMs?: number
}

function parsed(args: string[], stdout: string): unknown {
  if (!args.includes('--json')) return undefined
  try {
    return JSON.parse(stdout)
  } catch {
    return undefined
  }
}

/**
 * The environment of a CLI run: this process's, as a user's shell would pass it, with colour off and without the
 * variables the test runner adds. vitest sets NODE_ENV=test, which a user's shell does not, and under it oclif runs
 * in development mode: it loaded typescript on every start to look for the commands' sources, about 0.5 CPU-s more
 * per start, until bin/run.js turned that off (test/cli/node-env.test.ts); anything else NODE_ENV may still change
 * stays out of the tests this way. Every child process a test starts (also through `sh -c` or `script`) takes its
 * environment from here.
 */
export function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {...process.env, NODE_ENV: undefined, NO_COLOR: '1', PLANTOPS_CONFIG: undefined, ...env}
}

const childEnv = (opts: CliOptions) => cliEnv(opts.env)

/** Run the built CLI exactly as a user would (`node bin/run.js …`), with no TTY and colour off. */
export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [binPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: childEnv(opts),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: parsed(args, r.stdout)}
}

/**
 * `runCli` without blocking the test process: independent runs can go side by side (`Promise.all`), which a 2-core CI
 * machine finishes in about half the time. Killed after `timeoutMs` (code -1, like `runCli`).
 */
export function runCliAsync(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {cwd: opts.cwd ?? repoRoot, env: childEnv(opts)})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.stdin.end(opts.input ?? '')
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr, json: parsed(args, stdout)})
    })
  })
}

/**
 * A copy of a plant directory (its SQLite files, plantops.yaml, manifest) without its `.plantops` state: the same data
 * with its own store and job locks, so that runs of a locked job (stock diff, count sample, …) can go side by side.
 */
export function copyPlant(dir: string, prefix = 'plantops-copy-'): string {
  const to = path.join(tempDir(prefix), path.basename(dir))
  cpSync(dir, to, {recursive: true, filter: (src) => path.basename(src) !== '.plantops'})
  return to
}

export function tempDir(prefix = 'plantops-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}
