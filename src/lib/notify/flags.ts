import {Flags} from '@oclif/core'

/**
 * `--notify CHANNEL…` and `--no-notify`, for every job command: add `...notifyFlags` to its `static flags`.
 * BaseCommand.withRun reads them; the job needs nothing else (its JSON result is summarised by src/lib/notify/jobs.ts).
 */
export const notifyFlags = {
  notify: Flags.string({
    summary: 'Alert these notify channels (repeatable or comma-separated) instead of the notify rules of plantops.yaml.',
    description: 'Sent on the conditions of the job\'s rules naming the channel; without one, when the exit code is non-zero (except 4).',
    multiple: true,
    multipleNonGreedy: true,
    delimiter: ',',
    helpGroup: 'NOTIFY',
  }),
  'no-notify': Flags.boolean({summary: 'Send no alert for this run, whatever the notify rules say.', helpGroup: 'NOTIFY', exclusive: ['notify']}),
}

export interface NotifyFlagValues {
  notify?: string[]
  'no-notify'?: boolean
}
