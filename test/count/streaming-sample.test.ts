import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseConfigText} from '../../src/lib/config/load.js'
import {readPopulation, type PopulationLine} from '../../src/lib/count/population.js'
import {SeededRandom} from '../../src/lib/count/random.js'
import {sampleSize} from '../../src/lib/count/sample-size.js'
import {BottomK, linePriority, sampleAbc, sampleRandom, sampleSalt, StratifiedSampler, type SampleUnit} from '../../src/lib/count/sampling.js'
import {SourceSet} from '../../src/lib/sources/source-set.js'
import {readFileSync} from 'node:fs'
import {runCli, tempDir} from '../helpers/cli.js'
import {writeSqlitePlant} from './small-plant.js'

function population(n: number): SampleUnit[] {
  return Array.from({length: n}, (_, i) => ({key: `K${i}`, location: `L${String(i).padStart(5, '0')}`, sku: 'S', lot: null, abcClass: i % 10 === 0 ? 'A' : i % 10 < 4 ? 'B' : 'C'}))
}

const keys = (ls: Array<{key: string}>) => ls.map((l) => l.key).sort()

describe('bottom-k sampling (bounded memory)', () => {
  it('priorities are uniform in [0, 1) and depend on the salt', () => {
    const ps = Array.from({length: 20_000}, (_, i) => linePriority(7, `K${i}`))
    expect(Math.min(...ps)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...ps)).toBeLessThan(1)
    // 10 equal bins: χ²(9) at 0.999 is 27.9
    const bins = Array.from({length: 10}, () => 0)
    for (const p of ps) bins[Math.floor(p * 10)]++
    expect(bins.reduce((s, b) => s + (b - 2000) ** 2 / 2000, 0)).toBeLessThan(27.9)
    expect(linePriority(7, 'K1')).not.toBe(linePriority(8, 'K1'))
  })

  it('keeps exactly the k smallest priorities, whatever the read order, and holds no more than k', () => {
    const pop = population(5000)
    const salt = 12345
    const expected = [...pop].sort((a, b) => linePriority(salt, a.key) - linePriority(salt, b.key)).slice(0, 50)
    const heap = new BottomK<SampleUnit>(50, salt)
    for (const u of [...pop].reverse()) heap.offer(u)
    heap.offer(pop[0]) // the same line read twice is one line
    expect(heap.size).toBe(50)
    expect(heap.smallest().map((u) => u.key)).toEqual(expected.map((u) => u.key))
  })

  it('the n smallest of a bottom-k (n ≤ k) are the bottom-n: a size known only at the end is cut from the kept lines', () => {
    const pop = population(3000)
    const big = new BottomK<SampleUnit>(384, 99)
    const small = new BottomK<SampleUnit>(341, 99)
    for (const u of pop) {
      big.offer(u)
      small.offer(u)
    }
    expect(big.smallest(341).map((u) => u.key)).toEqual(small.smallest().map((u) => u.key))
  })

  it('the streaming stratified sampler gives the in-memory samples for the same seed', () => {
    const pop = population(4000)
    const s = new StratifiedSampler<SampleUnit>(384, sampleSalt(new SeededRandom(42)))
    for (const u of pop) s.add(u)
    expect(s.sizes).toEqual({A: 400, B: 1200, C: 2400})
    expect(keys(s.takeUnstratified(351))).toEqual(keys(sampleRandom(pop, 351, new SeededRandom(42))))
    const abc = s.take(351, {A: 4, B: 2, C: 1})
    const mem = sampleAbc(pop, 351, {A: 4, B: 2, C: 1}, new SeededRandom(42))
    expect(abc.allocation).toEqual(mem.allocation)
    expect(keys(abc.lines)).toEqual(keys(mem.lines))
  })
})

describe('count sample streams the population (built CLI, SQLite plant)', () => {
  let dir: string
  let lines: PopulationLine[]
  const sets: SourceSet[] = []
  const cli = (args: string[]) => runCli(args, {cwd: dir})

  beforeAll(async () => {
    dir = tempDir('pt-count-stream-')
    await writeSqlitePlant(dir)
    const file = path.join(dir, 'plantops.yaml')
    const loaded = parseConfigText(readFileSync(file, 'utf8'), file)
    const set = new SourceSet(loaded.config, loaded.dir)
    sets.push(set)
    lines = (await readPopulation(set, loaded.config.count!, {}, {stock: loaded.config.stock, baseDir: loaded.dir})).lines
  })
  afterAll(async () => {
    for (const s of sets) await s.closeAll()
  })

  it('draws the same lines as the in-memory sample of the whole population (fixed size and from confidence)', () => {
    expect(lines).toHaveLength(36)
    const fixed = cli(['count', 'sample', '--size', '12', '--seed', '42', '--output', 'a.xlsx', '--json'])
    expect(fixed.code, fixed.stderr).toBe(0)
    const got = (r: typeof fixed) => r.json.lines.map((l: {location: string; sku: string}) => `${l.location}|${l.sku}`).sort()
    const want = (ls: PopulationLine[]) => ls.map((l) => `${l.location}|${l.sku}`).sort()
    expect(got(fixed)).toEqual(want(sampleRandom(lines, 12, new SeededRandom(42))))

    const n = sampleSize({population: 36, confidence: 95, margin: 5}).size
    const fromConfidence = cli(['count', 'sample', '--seed', '42', '--output', 'b.xlsx', '--json'])
    expect(fromConfidence.code, fromConfidence.stderr).toBe(0)
    expect(fromConfidence.json.count.sampleSize).toBe(n)
    expect(got(fromConfidence)).toEqual(want(sampleRandom(lines, n, new SeededRandom(42))))

    const abc = cli(['count', 'sample', '--method', 'abc', '--size', '10', '--seed', '9', '--output', 'c.xlsx', '--json'])
    expect(abc.code, abc.stderr).toBe(0)
    expect(got(abc)).toEqual(want(sampleAbc(lines, 10, {A: 4, B: 2, C: 1}, new SeededRandom(9)).lines))
  })
})
