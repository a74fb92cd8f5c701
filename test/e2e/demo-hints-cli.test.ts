import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it, vi} from 'vitest'

import {binPath, cliEnv, runCli, tempDir} from '../helpers/cli.js'

/**
 * Every command `plantops demo` tells a new user to run works as printed, from where the user is (issue 13 item 23):
 * the hints are run by a shell, exactly as printed, with `plantops` being the built CLI.
 */
// nine CLI runs in one test: generous on a loaded machine (no timing is asserted by the timeout)
vi.setConfig({testTimeout: 300_000})

function runPrinted(command: string, cwd: string): {code: number; stdout: string; stderr: string} {
  const script = `plantops() { "${process.execPath}" "${binPath}" "$@"; }\n${command}`
  const r = spawnSync('sh', ['-c', script], {cwd, encoding: 'utf8', env: cliEnv({PLANTOPS_CONFIG: ''}), timeout: 120_000})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}

describe('plantops demo: the printed hints work as printed (built CLI)', () => {
  let cwd: string
  let demo: ReturnType<typeof runCli>
  const dirName = 'my plant' // a space: the hints must quote the path
  beforeAll(() => {
    cwd = tempDir('pt-demo-hints-')
    demo = runCli(['demo', '--dir', dirName, '--rows', '2000'], {cwd})
  }, 180_000)

  /** The hints: the "Next:" list and every "(plantops … for …)" title. */
  function hints(stdout: string): string[] {
    const next = stdout.slice(stdout.indexOf('\nNext:\n') + 7).split('\n').map((l) => l.trim()).filter((l) => l.startsWith('plantops '))
    const titles = [...stdout.matchAll(/\((plantops [^()]+?) for (?:all|the findings)\):/g)].map((m) => m[1])
    return [...next, ...titles]
  }

  it('every hint names the config and runs from where the demo ran', () => {
    expect(demo.code, demo.stderr).toBe(0)
    const all = hints(demo.stdout)
    // the Next list (5), the variances title, one title per reconcile job (3)
    expect(all.length).toBeGreaterThanOrEqual(9)
    expect(all).toContain('plantops stock diff --config "my plant/plantops.yaml" --output variances.xlsx')
    expect(all).toContain('plantops reconcile run items --config "my plant/plantops.yaml"')
    for (const h of all) {
      expect(h).toContain('--config "my plant/plantops.yaml"')
      const r = runPrinted(h, cwd)
      // exit 1 is the answer of --fail-on (the demo plant has variances), not a failure of the hint
      expect([0, 1], `${h}\n${r.stderr}`).toContain(r.code)
      expect(r.stderr, h).not.toMatch(/Error/)
    }
    for (const f of ['variances.xlsx', 'variances.csv', 'orders-mes.xlsx']) expect(existsSync(path.join(cwd, f)), f).toBe(true)
  })

  it('reconcile list shows the last runs in the plant zone, labelled (not stored UTC ISO text)', () => {
    const r = runPrinted('plantops reconcile list --config "my plant/plantops.yaml"', cwd)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Last run \((UTC|[A-Za-z_]+\/[A-Za-z_]+)/)
    expect(r.stdout).toMatch(/#\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)
    expect(r.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/)
  })

  it("the plant's plantops.yaml names its real directory, and the command in its comment works from anywhere", () => {
    const file = path.join(cwd, dirName, 'plantops.yaml')
    const head = readFileSync(file, 'utf8').split('\n').slice(0, 4).join('\n')
    expect(head).not.toContain('demo-plant')
    expect(head).toContain(`demo plant in ${path.join(cwd, dirName)},`)
    const command = head.match(/^#\s+(plantops .+)$/m)![1]
    expect(command).toBe(`plantops stock diff --config "${file}"`)
    const elsewhere = path.join(cwd, 'elsewhere')
    mkdirSync(elsewhere)
    const r = runPrinted(command, elsewhere)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Record accuracy/)
  })
})
