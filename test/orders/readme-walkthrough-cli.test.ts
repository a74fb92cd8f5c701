import {spawnSync} from 'node:child_process'
import {cpSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {binPath, cliEnv, repoRoot, tempDir} from '../helpers/cli.js'

/**
 * The README's orders walkthrough is what happens (issue 13 item 23): every command of it is run by a shell as
 * printed, in order, from a copy of the repository's root, and every line of the outputs pasted in the README must
 * appear in the real output, in order. Only what cannot repeat is normalised: the clone's path (the README's is
 * /home/lead/plantops), times, the user, the SHA-256 of the rejects workbook (it holds its own write time).
 */
const README_ROOT = '/home/lead/plantops'

function section(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  const start = readme.indexOf('### `plantops orders import` / `plantops orders imports`')
  const end = readme.indexOf('`plantops orders import FILE...', start)
  expect(start).toBeGreaterThan(0)
  expect(end).toBeGreaterThan(start)
  return readme.slice(start, end)
}

function normalise(text: string, root: string): string[] {
  const user = os.userInfo().username
  return text
    .replaceAll(root, README_ROOT)
    .replaceAll(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, 'YYYY-MM-DD hh:mm:ss')
    .replaceAll(/(orders-bad-rows\.rejects\.xlsx\s*│\s*)[0-9a-f]{12}/g, '$1<sha256>')
    .replaceAll(`│ ${user} `, '│ root ')
    .split('\n')
    .map((l) => l.replaceAll(/ +/g, ' ').replaceAll(/─+/g, '─').trimEnd())
    .filter((l) => l !== '')
}

describe('README: the orders walkthrough (built CLI)', () => {
  it('every command runs as printed and prints what the README shows', () => {
    const blocks = [...section().matchAll(/```(sh|text)\n([\s\S]*?)```/g)].map((m) => ({kind: m[1], body: m[2]}))
    expect(blocks.filter((b) => b.kind === 'text').length).toBeGreaterThanOrEqual(4)
    const root = tempDir('pt-readme-orders-')
    cpSync(path.join(repoRoot, 'fixtures'), path.join(root, 'fixtures'), {recursive: true})
    let cwd = root
    let output = ''
    let checked = 0
    for (const b of blocks) {
      if (b.kind === 'sh') {
        const script = `plantops() { "${process.execPath}" "${binPath}" "$@"; }\nset -e\n{\n${b.body}} 2>&1\necho "@@cwd=$(pwd)"`
        const r = spawnSync('sh', ['-c', script], {cwd, encoding: 'utf8', env: cliEnv({TZ: 'UTC', PLANTOPS_CONFIG: '', PLANTOPS_COLUMNS: ''}), timeout: 300_000})
        expect(r.status, `${b.body}\n${r.stdout}\n${r.stderr}`).toBe(0)
        const at = r.stdout.lastIndexOf('@@cwd=')
        cwd = r.stdout.slice(at + 6).trim()
        output = r.stdout.slice(0, at)
        continue
      }
      // the pasted lines appear in the real output, in order
      const real = normalise(output, root)
      let from = 0
      for (const line of normalise(b.body, README_ROOT)) {
        const i = real.indexOf(line, from)
        expect(i, `README line not in the output:\n${line}\n--- real output:\n${real.join('\n')}`).toBeGreaterThanOrEqual(0)
        from = i + 1
        checked++
      }
    }
    expect(checked).toBeGreaterThan(40)
  }, 600_000)
})
