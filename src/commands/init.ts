import {Errors} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {UsageError} from '../lib/cli/errors.js'
import {ExitCode} from '../lib/cli/exit-codes.js'
import {t} from '../lib/i18n/index.js'
import {sourceProbe} from '../lib/init/probe.js'
import {runInitWizard, type InitResult, type WizardPrompts} from '../lib/init/wizard.js'

export type InitCommandResult = InitResult

export default class Init extends BaseCommand<typeof Init> {
  static summary = 'Set up plantops for a plant, interactively: sources (tested as you add them), a proposed stock mapping and orders-mes reconcile job (recognised column names), plantops.yaml.'
  static description = `Needs a terminal. Without one (cron, CI, --no-input, --json) it refuses with exit 2: copy the annotated example plantops.yaml from README.md ("Configuration") instead and check it with \`plantops config validate\`.`
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init --config /etc/plantops/plantops.yaml']

  async run(): Promise<InitCommandResult> {
    const {flags} = await this.parse(Init)
    if (!this.isInteractive(flags)) {
      throw new UsageError(t('init.error.needsTty'), {code: 'INIT_NEEDS_TTY', hints: [t('init.error.needsTtyHint'), t('init.error.demoHint')]})
    }
    const inq = await import('@inquirer/prompts')
    const prompts: WizardPrompts = {
      input: (o) => inq.input(o),
      select: (o) => inq.select(o),
      confirm: (o) => inq.confirm(o),
      password: (o) => inq.password({message: o.message, mask: o.mask ?? '*'}),
    }
    const target = flags.config || process.env.PLANTOPS_CONFIG || 'plantops.yaml'
    let result: InitResult
    try {
      result = await runInitWizard(target, {prompts, probe: sourceProbe, say: (l) => this.logToStderr(l)})
    } catch (error) {
      if ((error as Error).name === 'ExitPromptError') {
        this.logToStderr(`\n${t('init.cancelled')}`)
        throw new Errors.ExitError(ExitCode.INTERRUPTED)
      }
      throw error
    }
    if (!result.written) return result
    this.log(t('init.wrote', {file: result.path}))
    if (result.validation.valid) this.log(t('init.valid'))
    else {
      this.log(t('init.problems'))
      for (const p of result.validation.problems) this.log(`  - ${p}`)
      process.exitCode = ExitCode.USAGE
    }
    for (const v of result.unsetPasswordVariables) this.log(t('init.exportPassword', {variable: v}))
    this.log(t('init.next', {commands: ['plantops systems audit', 'plantops systems map', 'plantops stock diff', ...(result.ordersMes ? ['plantops reconcile run orders-mes'] : [])].join('   ·   ')}))
    return result
  }
}
