import {Errors, type Hook} from '@oclif/core'
import {closest, distance} from 'fastest-levenshtein'

import {ExitCode} from '../lib/cli/exit-codes.js'
import {setLanguage, t} from '../lib/i18n/index.js'
import {decideLanguage, langFromArgv} from '../lib/i18n/language.js'

/**
 * An unknown command (`plantops stok diff`): say so, suggest the nearest command, exit 2 (a usage error). With
 * --json, the documented error document on stdout. Never prompts (cron has no terminal).
 */
const hook: Hook.CommandNotFound = async function (opts) {
  // no command ran, so nobody decided the language yet: --lang in what was typed, else the environment
  setLanguage(decideLanguage({flag: langFromArgv(opts.argv)}))
  const commands = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  const words = [...opts.id.split(':'), ...(opts.argv ?? []).filter((a) => !a.startsWith('-'))]
  const typed = (n: number) => words.slice(0, n).join(':')
  // compare the typed words with each command id of the same depth; the nearest over all depths wins
  let best: string | undefined
  let bestScore = Number.POSITIVE_INFINITY
  for (let n = 1; n <= Math.min(words.length, 3); n++) {
    const same = commands.filter((c) => c.split(':').length === n)
    if (same.length === 0) continue
    const candidate = closest(typed(n), same)
    const score = distance(typed(n), candidate) / Math.max(candidate.length, 1)
    if (score < bestScore) {
      best = candidate
      bestScore = score
    }
  }
  const shown = (id: string) => id.replaceAll(':', ' ')
  const bin = opts.config.bin
  const unknown = shown(opts.id)
  const suggestion = best && bestScore <= 0.5 ? shown(best) : undefined
  const message = suggestion ? t('errors.notFound.didYouMean', {command: unknown, bin, suggestion}) : t('errors.notFound.message', {command: unknown, bin})
  const hints = [...(suggestion ? [`${bin} ${suggestion} --help`] : []), t('errors.notFound.listHint', {bin})]
  if ((opts.argv ?? []).includes('--json')) {
    process.stdout.write(`${JSON.stringify({error: {code: 'COMMAND_NOT_FOUND', message, problems: [], hints, exitCode: ExitCode.USAGE}}, null, 2)}\n`)
  } else {
    process.stderr.write(`${[t('cli.error', {message}), ...hints.map((hint) => t('cli.hint', {hint}))].join('\n')}\n`)
  }
  throw new Errors.ExitError(ExitCode.USAGE)
}

export default hook
