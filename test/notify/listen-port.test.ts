import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import net from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {binPath, cliEnv, runCliAsync, tempDir} from '../helpers/cli.js'

/**
 * `notify listen --port N` on a port it cannot have is the operator's to change (exit 2, saying which port and what to
 * do), not a defect (exit 70 "internal error: listen EADDRINUSE"). The port is taken by a net.Server in this process;
 * the CLI runs without blocking it (runCliAsync).
 */
describe('notify listen on a port it cannot have (built CLI)', () => {
  const cwd = tempDir('plantops-listen-port-')
  let server: net.Server
  let port = 0

  beforeAll(async () => {
    server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    port = (server.address() as net.AddressInfo).port
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('a port in use: exit 2, "port N on 127.0.0.1 is in use: choose another --port", --json with its code, zh-CN', async () => {
    const [text, json, zh] = await Promise.all([
      runCliAsync(['notify', 'listen', '--port', String(port), '--lang', 'en'], {cwd, timeoutMs: 30_000}),
      runCliAsync(['notify', 'listen', '--port', String(port), '--lang', 'en', '--json'], {cwd, timeoutMs: 30_000}),
      runCliAsync(['notify', 'listen', '--port', String(port), '--lang', 'zh-CN'], {cwd, timeoutMs: 30_000}),
    ])
    expect(text.code, text.stderr).toBe(2)
    expect(text.stderr).toBe(`Error: port ${port} on 127.0.0.1 is in use: choose another --port\n  hint: --port 0 takes any free port and prints it on stderr.\n`)
    expect(json.code, json.stderr).toBe(2)
    expect(json.json).toEqual({
      error: {
        code: 'PORT_IN_USE',
        message: `port ${port} on 127.0.0.1 is in use: choose another --port`,
        problems: [],
        hints: ['--port 0 takes any free port and prints it on stderr.'],
        exitCode: 2,
      },
    })
    expect(zh.code).toBe(2)
    expect(zh.stderr.split('\n')[0]).toBe(`错误：127.0.0.1 上的端口 ${port} 已被占用：请用 --port 换一个端口`)
    for (const r of [text, json, zh]) expect(r.stderr + r.stdout).not.toMatch(/internal error|EADDRINUSE|defect|内部错误/)
  }, 60_000)

  // a privileged port as a user who may not bind it: as root, the CLI runs as nobody (setpriv); skipped where neither
  // works (ports below 1024 open to everyone: net.ipv4.ip_unprivileged_port_start)
  const unprivilegedStart = (() => {
    try {
      return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim())
    } catch {
      return 1024
    }
  })()
  const isRoot = process.getuid?.() === 0
  const hasSetpriv = isRoot && spawnSync('setpriv', ['--version']).status === 0
  const canTest = process.platform === 'linux' && unprivilegedStart > 80 && (!isRoot || hasSetpriv)

  it.runIf(canTest)('a privileged port (80) as a user who may not bind it: exit 2, said so', () => {
    const argv = [binPath, 'notify', 'listen', '--port', '80', '--lang', 'en', '--json']
    const r = isRoot
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...argv], {cwd: '/tmp', env: cliEnv({HOME: '/tmp'}), encoding: 'utf8', timeout: 30_000})
      : spawnSync(process.execPath, argv, {cwd, env: cliEnv(), encoding: 'utf8', timeout: 30_000})
    expect(r.status, r.stderr).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'PORT_DENIED',
        message: 'port 80 on 127.0.0.1 may not be used by this user (ports below 1024 need administrator rights): choose another --port',
        problems: [],
        hints: ['--port 0 takes any free port and prints it on stderr.'],
        exitCode: 2,
      },
    })
  }, 60_000)
})
