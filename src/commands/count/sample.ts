import path from 'node:path'

import {Flags} from '@oclif/core'

import {t} from '../../lib/i18n/index.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {openCount, type SampleResult} from '../../lib/count/open-count.js'
import {parseSeed} from '../../lib/count/random.js'
import {SAMPLE_METHODS, type SampleMethod} from '../../lib/count/sampling.js'
import {percentFlag, requireCountConfig} from '../../lib/count/section.js'
import type {AbcClass} from '../../lib/count/config.js'
import {countSampleText} from '../../lib/count/view.js'

export type CountSampleResult = SampleResult

export default class CountSample extends BaseCommand<typeof CountSample> {
  static summary = 'Open a blind count: sample WMS stock lines, keep a private snapshot of the system quantities, write count sheets.'
  static description =
    'The population is the WMS stock lines (location × item × lot) in scope, read from the replica in one snapshot. Methods: random (simple random sample), abc (stratified by ABC class, more weight on A), due (every location once per its class frequency). The seed is always recorded and printed; the same seed and data give the same sample. No output of plantops shows a system quantity of the count until its lines are counted.'
  static examples = [
    '<%= config.bin %> count sample --warehouse RM --size 40 --counters 2 --seed 7 --output count-sheets.xlsx',
    '<%= config.bin %> count sample --method abc --confidence 95 --margin 5',
    '<%= config.bin %> count sample --method due',
    '<%= config.bin %> count sample --recount 3 --output recount.xlsx',
  ]

  static flags = {
    warehouse: Flags.string({summary: 'Only this warehouse (WMS or ERP code).'}),
    zone: Flags.string({summary: 'Only this zone (WMS locations.zone).'}),
    class: Flags.string({summary: 'Only lines of this ABC class.', options: ['A', 'B', 'C']}),
    size: Flags.integer({summary: 'Lines to sample (default: from --confidence and --margin).', min: 1}),
    confidence: percentFlag('confidence', 'Confidence level in percent (default from count.confidence, 95).'),
    margin: percentFlag('margin', 'Margin of error in percent (default from count.margin, 5).'),
    method: Flags.string({summary: 'How lines are chosen.', options: [...SAMPLE_METHODS], default: 'random'}),
    seed: Flags.string({summary: 'Seed for a reproducible sample (0..4294967295); without it a fresh seed is drawn and printed.'}),
    counters: Flags.integer({summary: 'Split the lines evenly into this many sheets, one route per counter (default: one sheet per zone).', min: 1, max: 200}),
    output: Flags.string({char: 'o', summary: 'Count sheets file (.xlsx); default count-<id>.xlsx in the current directory.'}),
    recount: Flags.integer({summary: 'Open a recount of exactly the lines of this count that are over tolerance.', min: 1, exclusive: ['size', 'method', 'zone', 'class', 'confidence', 'margin']}),
    today: Flags.string({summary: 'Date the due method counts from (YYYY-MM-DD; default: the snapshot date).', hidden: true}),
  }

  async run(): Promise<CountSampleResult> {
    const {flags} = await this.parse(CountSample)
    const loaded = this.loadConfig(flags.config)
    const cfg = requireCountConfig(loaded)
    let seed: number | undefined
    try {
      seed = flags.seed === undefined ? undefined : parseSeed(flags.seed)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    if (flags.output && !/\.xlsx$/i.test(flags.output)) throw new UsageError(t('errors.count.outputXlsx', {value: flags.output}))
    if (flags.today && !/^\d{4}-\d{2}-\d{2}$/.test(flags.today)) throw new UsageError(t('errors.count.today', {value: flags.today}))
    return this.withRun({job: 'count-sample', loaded}, async (ctx) => {
      const result = await openCount(ctx.store.knex, ctx.sources, cfg, {
        method: flags.method as SampleMethod,
        size: flags.size,
        confidence: flags.confidence === undefined ? undefined : Number(flags.confidence),
        margin: flags.margin === undefined ? undefined : Number(flags.margin),
        seed,
        scope: {warehouse: flags.warehouse, zone: flags.zone, class: flags.class as AbcClass | undefined},
        counters: flags.counters,
        output: flags.output ? path.resolve(flags.output) : undefined,
        dir: process.cwd(),
        today: flags.today,
        recount: flags.recount,
        runId: ctx.run.id,
      }, {stock: loaded.config.stock, baseDir: loaded.dir})
      for (const w of result.warnings) this.warnOperator(w)
      if (!result.count || !result.sheets) {
        ctx.run.outcome({count: null, lines: 0})
        if (!this.jsonEnabled()) this.log(t('count.sample.nothing'))
        return result
      }
      ctx.run.outcome({count: result.count.id, kind: result.count.kind, method: result.count.method, seed: result.count.seed, lines: result.count.sampleSize, population: result.count.populationSize})
      ctx.run.output(result.sheets.path)
      if (!this.jsonEnabled()) this.log(countSampleText(result, this.textOptions(loaded)))
      return result
    })
  }
}
