import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {buildDemoPlant, demoSourcesConfig} from '../../src/lib/demo/index.js'
import {demoStockConfig} from '../../src/lib/demo/stock-config.js'
import {runCliAsync, tempDir} from '../helpers/cli.js'

/**
 * An --output that cannot be written, through the built CLI: exit 2 with "cannot write <path> (--output): <reason>",
 * no stack trace, the run recorded as failed and the job lock released. Before, a CSV died of an unhandled 'error'
 * event (exit 1, the run left 'running', the lock file left), and JSON/XLSX exited 70 as a defect.
 */
describe.runIf(existsSync('/proc/self'))('an --output that cannot be written (built CLI)', {timeout: 180_000}, () => {
  let dir: string
  beforeAll(async () => {
    dir = tempDir('pt-output-errors-')
    const plant = await buildDemoPlant({dir, stockRows: 300})
    writeFileSync(path.join(dir, 'plantops.yaml'), stringify({sources: demoSourcesConfig(plant), stock: demoStockConfig(plant)}))
  })

  it('stock diff --output in a directory where no file can be created: exit 2, no stack trace, the run failed, the lock released', async () => {
    // /proc exists but takes no new file: the temp file's open fails (ENOENT), as in a read-only or immutable directory
    for (const output of ['/proc/pt-out.csv', '/proc/pt-out.json', '/proc/pt-out.xlsx']) {
      const r = await runCliAsync(['stock', 'diff', '--output', output], {cwd: dir, timeoutMs: 60_000})
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain(`cannot write ${output} (--output): ENOENT: no such file or directory`)
      expect(r.stderr).not.toMatch(/Unhandled|internal error|^\s+at /m)
    }
    const runs = await runCliAsync(['runs', 'list', '--json'], {cwd: dir})
    expect(runs.code, runs.stderr).toBe(0)
    const diffs = runs.json.runs.filter((r: {job: string}) => r.job === 'stock-diff')
    expect(diffs.map((r: {status: string; exitCode: number}) => [r.status, r.exitCode])).toEqual([
      ['failed', 2],
      ['failed', 2],
      ['failed', 2],
    ])
    expect(readdirSync(path.join(dir, '.plantops', 'locks'))).toEqual([])
    // the next run is not locked out
    const ok = await runCliAsync(['stock', 'diff', '--output', path.join(dir, 'ok.csv')], {cwd: dir})
    expect(ok.code, ok.stderr).toBe(0)
  })
})
