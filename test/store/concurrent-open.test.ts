import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {openStore} from '../../src/lib/store/store.js'

// Two plantops commands started at the same moment on a fresh store (two cron jobs, or `systems map` at two widths):
// both find no migrations table and create it; the second must wait for the first, not fail with "already exists"
describe('opening a fresh store from several connections at once', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })

  it('every opener succeeds and the migrations are applied once', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-store-race-'))
      dirs.push(dir)
      const stores = await Promise.all(Array.from({length: 4}, () => openStore({client: 'sqlite', filename: 'state.db'}, dir)))
      const names = (await stores[0].knex('plantops_migrations').select('name')).map((r: {name: string}) => r.name)
      expect(names.length).toBeGreaterThan(0)
      expect(new Set(names).size).toBe(names.length)
      for (const s of stores) await s.close()
    }
  })
})
