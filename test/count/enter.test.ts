import {beforeAll, describe, expect, it} from 'vitest'

import {getCount, getLines} from '../../src/lib/count/count-store.js'
import {enterCounts} from '../../src/lib/count/enter.js'
import {openStore} from '../../src/lib/store/store.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {writeSqlitePlant} from './small-plant.js'

/** count enter checks each answer as it is typed, unit included, and asks again (as inquirer does on a validate message). */
describe('count enter validates each entry as typed', () => {
  let dir: string

  beforeAll(async () => {
    dir = tempDir('pt-count-enter-')
    await writeSqlitePlant(dir)
    const s = runCli(['count', 'sample', '--size', '36', '--seed', '1', '--output', 'sheets.xlsx', '--json'], {cwd: dir})
    expect(s.code, s.stderr).toBe(0)
  })

  it('a count in a unit the line is not counted in (12 PCS on a G/KG line) is refused at once and asked again', async () => {
    const store = await openStore({client: 'sqlite', filename: '.plantops/state.db'}, dir)
    try {
      const header = await getCount(store.knex, 1)
      const weighed = (await getLines(store.knex, 1)).find((l) => l.erpUnit === 'KG')!
      expect(weighed.unit).toBe('G')
      const refusals: string[] = []
      let done = false
      const r = await enterCounts(store.knex, header, {
        counter: 'Bo',
        countedAt: () => '2030-01-01 09:00:00',
        ask: async (q) => {
          if (done) return 'q'
          if (!q.message.startsWith(`Line ${weighed.lineNo}/`)) return ''
          // what inquirer does: validate each answer, show the message and ask again until it is accepted
          for (const answer of ['12 PCS', '12 kg']) {
            const v = q.validate(answer)
            if (v === true) {
              done = true
              return answer
            }
            refusals.push(v)
          }
          throw new Error('no answer accepted')
        },
      })
      expect(refusals).toEqual(['counted in PCS, but the line is counted in G (or KG)'])
      expect(r.rejected).toEqual([])
      expect([r.typed, r.recorded]).toEqual([1, 1])
      const stored = (await getLines(store.knex, 1)).find((l) => l.id === weighed.id)!
      expect(stored.countedQty?.toFixed()).toBe('12000')
    } finally {
      await store.close()
    }
  })
})
