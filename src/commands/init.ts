import {Errors} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {UsageError} from '../lib/cli/errors.js'
import {ExitCode} from '../lib/cli/exit-codes.js'
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
      throw new UsageError('plantops init is interactive and needs a terminal (stdin and stdout a TTY, no --no-input, no --json, CI unset)', {
        code: 'INIT_NEEDS_TTY',
        hints: [
          'Non-interactive set-up: copy the annotated example plantops.yaml from README.md ("Configuration"), fill in your sources with password: ${ENV_VAR}, then run `plantops config validate`.',
          '`plantops demo` writes a complete working example to start from.',
        ],
      })
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
        this.logToStderr('\ninit cancelled; nothing written.')
        throw new Errors.ExitError(ExitCode.INTERRUPTED)
      }
      throw error
    }
    if (!result.written) return result
    this.log(`wrote ${result.path}`)
    if (result.validation.valid) this.log('config validate: valid')
    else {
      this.log('config validate found problems:')
      for (const p of result.validation.problems) this.log(`  - ${p}`)
      process.exitCode = ExitCode.USAGE
    }
    for (const v of result.unsetPasswordVariables) this.log(`before running plantops: export ${v}=…  (the password of that source's read-only account)`)
    this.log(`next: plantops systems audit   ·   plantops systems map   ·   plantops stock diff${result.ordersMes ? '   ·   plantops reconcile run orders-mes' : ''}`)
    return result
  }
}
