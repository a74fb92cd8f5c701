import {describe, expect, it} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'
import {writeSqlitePlant} from './small-plant.js'

describe('count sample --size above the lines in scope (built CLI)', () => {
  it('samples every line and says so (stderr and the JSON warnings), exit 0', async () => {
    const dir = tempDir('pt-count-size-')
    await writeSqlitePlant(dir)
    const r = runCli(['count', 'sample', '--size', '99999', '--seed', '1', '--output', 'sheets.xlsx', '--json'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    const n = r.json.lines.length
    expect(n).toBeGreaterThan(5)
    expect(n).toBeLessThan(99999)
    expect(r.json.warnings).toContain(`--size 99999 is more than the ${n} lines in scope: all of them are sampled`)
    const fits = runCli(['count', 'sample', '--size', String(n - 1), '--seed', '1', '--output', 'sheets2.xlsx'], {cwd: dir})
    expect(fits.code, fits.stderr).toBe(0)
    expect(fits.stderr).not.toMatch(/more than the/)
  })
})
