import {Flags} from '@oclif/core'

import {t} from '../../lib/i18n/index.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {percentFlag} from '../../lib/count/section.js'
import {sampleSize, type SampleSize} from '../../lib/count/sample-size.js'
import {renderKeyValue} from '../../lib/report/table.js'

export type CountSizeResult = SampleSize

export default class CountSize extends BaseCommand<typeof CountSize> {
  static summary = 'How many lines to count for a confidence level and margin of error (reads no source).'
  static description =
    "Cochran's formula for a proportion (p = 0.5) with the finite population correction, rounded to the nearest line: the Krejcie & Morgan (1970) table. Use it to plan a count before sampling."
  static examples = ['<%= config.bin %> count size --population 1000', '<%= config.bin %> count size --population 25000 --confidence 99 --margin 3 --json']

  static flags = {
    population: Flags.integer({summary: 'Stock lines in the population (location × item × lot).', required: true, min: 0}),
    confidence: percentFlag('confidence', 'Confidence level in percent.', '95'),
    margin: percentFlag('margin', 'Margin of error in percent.', '5'),
  }

  async run(): Promise<CountSizeResult> {
    const {flags} = await this.parse(CountSize)
    const r = sampleSize({population: flags.population, confidence: Number(flags.confidence), margin: Number(flags.margin)})
    this.log(t('count.size.line', {size: r.size, population: r.population.toLocaleString('en-US'), confidence: r.confidence, margin: r.margin}))
    this.log(
      renderKeyValue(
        [
          ['χ² (1 df)', r.chiSquare],
          [t('count.size.n0'), r.n0.toFixed(2)],
          [t('count.size.fpc'), r.size],
        ],
        {color: this.color},
      ),
    )
    return r
  }
}
