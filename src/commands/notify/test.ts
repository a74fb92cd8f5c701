import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {t} from '../../lib/i18n/index.js'
import type {Delivery} from '../../lib/notify/http.js'
import {renderKeyValue} from '../../lib/report/table.js'

/** The JSON contract of `notify test`: the delivery record the run history keeps (src/lib/notify/http.ts). */
export type NotifyTestResult = Delivery

export default class NotifyTest extends BaseCommand<typeof NotifyTest> {
  static summary = 'Send a test message to a notify channel and show the vendor\'s answer, translated into what to fix.'
  static description = `Uses the channel exactly as a job would (signing, keywords, mentions, retries, timeout). Exit 0 when the
vendor accepted the message; 2 when the answer points at the configuration (keyword missing, signature failed, IP not
allowed, wrong token, credentials); 3 when the vendor could not be reached or stayed busy (timeout, network, 5xx, rate limited).`

  static examples = ['<%= config.bin %> notify test plant-dingtalk', '<%= config.bin %> notify test ops-mail --json']

  static args = {
    channel: Args.string({description: 'Channel name (a key of notify.channels in plantops.yaml).', required: true}),
  }

  async run(): Promise<NotifyTestResult> {
    const {args, flags} = await this.parse(NotifyTest)
    const loaded = this.loadConfig(flags.config)
    const cfg = loaded.config.notify
    const channel = cfg?.channels[args.channel]
    if (!channel) {
      const known = Object.keys(cfg?.channels ?? {})
      throw new UsageError(t('notify.test.noChannel', {name: args.channel, known: known.join(', ') || t('notify.noneConfigured')}), {hints: [t('notify.test.noChannelHint')]})
    }
    const {sendToChannel, policyOf} = await import('../../lib/notify/send.js')
    const {testSummary} = await import('../../lib/notify/test-message.js')
    const delivery = await sendToChannel(channel, {summary: testSummary(loaded.config.plant ?? null), mention: channel.mention ?? {mobiles: [], userIds: [], all: false}, test: true}, {name: args.channel, policy: policyOf(cfg)})
    const {deliveryAnswer, recordDeliveries} = await import('../../lib/notify/history.js')
    const store = await this.openStore(loaded)
    try {
      await recordDeliveries(store.knex, null, [delivery])
    } finally {
      await store.close()
    }
    const answer = deliveryAnswer(delivery)
    this.log(
      renderKeyValue(
        [
          [t('notify.test.channel'), `${delivery.channel} (${delivery.type})`],
          [t('notify.test.result'), delivery.status === 'sent' ? t('notify.test.sent') : t('notify.test.failed')],
          [t('notify.test.answer'), answer || t('notify.test.noAnswer')],
          [t('notify.test.attempts'), delivery.attempts],
          [t('notify.test.message'), t('notify.test.bytes', {n: delivery.bytes})],
          [t('notify.test.time'), t('notify.test.ms', {n: delivery.elapsedMs})],
          ...(delivery.hint ? ([[t('notify.test.fix'), delivery.hint]] as Array<[string, string]>) : []),
        ],
        {color: this.color},
      ),
    )
    if (delivery.status === 'failed') {
      const {msg} = await import('../../lib/notify/messages.js')
      const h = msg.hints
      const configFix = [h.keyword, h.sign, h.ip, h.token, h.disabled, h.auth, h.http, h.smtp].includes(delivery.hint ?? '')
      process.exitCode = configFix ? ExitCode.USAGE : ExitCode.SOURCE
    }
    return delivery
  }
}
