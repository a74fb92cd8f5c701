import {Errors} from '@oclif/core'

import {t} from '../i18n/index.js'

/**
 * oclif's flag and argument errors (node_modules/@oclif/core/lib/parser/errors.js, parse.js, validate.js and the
 * integer/url flag parsers) in the language in force. oclif words them in English only and exports neither the
 * parser's error classes nor codes, so each is recognised by its class name and fields where it has them
 * (NonExistentFlagsError.flags, UnexpectedArgsError.args, RequiredArgsError.args) and otherwise by oclif's wording,
 * pinned by test/cli/parse-errors.test.ts. An error this module does not recognise: a parser error gets a generic
 * sentence with oclif's text; any other CLIError (a command's own this.error) is left as it is (undefined).
 */

export interface ParseErrorText {
  /** The sentence after "Error:". */
  message: string
  /** Further lines (the failed validations of a FailedFlagValidationError). */
  problems: string[]
  /** oclif shows the command's usage after these (unknown flag, unexpected or missing argument). */
  showHelp: boolean
}

interface OclifParseError extends Error {
  flags?: unknown
  args?: unknown
  parse?: {input?: {argv?: unknown}; output?: {raw?: unknown}}
  showHelp?: boolean
}

/**
 * An argument's own parse function failed (`Args.integer` given `abc`, `0` below its min, `1.5`). oclif wraps a failed
 * flag parser as `Parsing --flag` (a CLIError) but lets an argument parser's plain Error through as it is, which
 * would look like a defect (exit 70); BaseCommand.parse wraps every argument's parser so that its failure is this
 * usage error (exit 2) naming the argument, recognised here by its class.
 */
export class ArgParseError extends Errors.CLIError {
  /** The argument's name as --help shows it (`COUNT`). */
  readonly arg: string
  readonly input: string
  /** The parser's own message (oclif's English, or a plantops parser's message in the language in force). */
  readonly reason: string

  constructor(arg: string, input: string, reason: string) {
    super(`Parsing argument ${arg.toUpperCase()}: ${reason}`, {exit: 2})
    this.name = 'ArgParseError'
    this.arg = arg.toUpperCase()
    this.input = input
    this.reason = reason
  }
}

const SEE_MORE = /\n?See more help with --help\s*$/
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

/** oclif's error text without colours and without its "See more help with --help" line. */
function plain(message: string): string {
  return message.replaceAll(ANSI, '').replace(SEE_MORE, '').trimEnd()
}

/** One-line messages of the parser and of the built-in flag parsers: wording → catalog sentence. */
const SENTENCES: Array<{re: RegExp; text: (m: RegExpExecArray) => string}> = [
  {re: /^Nonexistent flags?: (.*)$/, text: (m) => t('errors.flags.nonexistent', {count: m[1].split(', ').length, flags: m[1]})},
  {re: /^Unexpected arguments?: (.*)$/, text: (m) => t('errors.flags.unexpectedArgs', {count: m[1].split(', ').length, args: m[1]})},
  {re: /^Expected --([^=\s]+)=([\s\S]*) to be one of: (.*)$/, text: (m) => t('errors.flags.invalidOption', {flag: m[1], value: m[2], options: m[3]})},
  {re: /^Expected ([\s\S]*) to be one of: (.*)$/, text: (m) => t('errors.flags.argInvalidOption', {value: m[1], options: m[2]})},
  {re: /^Flag --(\S+) expects one of these values: (.*)$/, text: (m) => t('errors.flags.expectsOneOf', {flag: m[1], options: m[2]})},
  {re: /^Flag --(\S+) expects a value$/, text: (m) => t('errors.flags.expectsValue', {flag: m[1]})},
  {re: /^Flag --(\S+) can only be specified once$/, text: (m) => t('errors.flags.onlyOnce', {flag: m[1]})},
  {re: /^Unexpected flag (.*)$/, text: (m) => t('errors.flags.unexpectedFlag', {flag: m[1]})},
  {re: /^Expected an integer but received: (.*)$/, text: (m) => t('errors.flags.integer', {value: m[1]})},
  {re: /^Expected an integer greater than or equal to (\S+) but received: (.*)$/, text: (m) => t('errors.flags.integerMin', {min: m[1], value: m[2]})},
  {re: /^Expected an integer less than or equal to (\S+) but received: (.*)$/, text: (m) => t('errors.flags.integerMax', {max: m[1], value: m[2]})},
  {re: /^Expected a valid url but received: (.*)$/, text: (m) => t('errors.flags.url', {value: m[1]})},
]

/** The reasons a FailedFlagValidationError lists (validate.js). */
const REASONS: Array<{re: RegExp; text: (m: RegExpExecArray) => string}> = [
  {re: /^Missing required flag (\S+)$/, text: (m) => t('errors.flags.requiredFlag', {flag: m[1]})},
  {re: /^--([^=\s]+)=(.*) cannot also be provided when using --(\S+)$/, text: (m) => t('errors.flags.exclusive', {flag: m[1], value: m[2], other: m[3]})},
  {re: /^--(\S+) cannot also be provided when using --(\S+)$/, text: (m) => t('errors.flags.exclusiveFlag', {flag: m[1], other: m[2]})},
  {re: /^All of the following must be provided when using --(\S+): (.*)$/, text: (m) => t('errors.flags.dependsOn', {flag: m[1], flags: m[2]})},
  {re: /^Exactly one of the following must be provided: (.*)$/, text: (m) => t('errors.flags.exactlyOne', {flags: m[1]})},
  {re: /^At least one of the following must be provided: (.*)$/, text: (m) => t('errors.flags.atLeastOne', {flags: m[1]})},
  {re: /^Only the following can be provided when using --(\S+): (.*)$/, text: (m) => t('errors.flags.combinable', {flag: m[1], flags: m[2]})},
  {re: /^One of the following must be provided when using --(\S+): (.*)$/, text: (m) => t('errors.flags.some', {flag: m[1], flags: m[2]})},
]

function sentence(text: string, table: typeof SENTENCES): string | undefined {
  for (const {re, text: render} of table) {
    const m = re.exec(text)
    if (m) return render(m)
  }
  return undefined
}

/**
 * A message oclif wrapped as `Parsing --flag \n\t<reason>` (a flag's own parse function failed: an integer flag, a
 * plantops percentage): the reason translated when it is oclif's, as it is when it is plantops' own (already in the
 * language in force). Anything else: undefined.
 */
export function flagParsingText(message: string): string | undefined {
  const m = /^Parsing --(\S+)\s*\n\t([\s\S]*)$/.exec(plain(message))
  if (!m) return undefined
  const reason = m[2].trim()
  return t('errors.flags.parsing', {flag: m[1], message: sentence(reason, SENTENCES) ?? reason})
}

/** The flags on the command line of a parser error (its raw tokens), by name. */
function givenFlags(e: OclifParseError): Set<string> {
  const raw = e.parse?.output?.raw
  if (!Array.isArray(raw)) return new Set()
  return new Set((raw as Array<{type?: string; flag?: string}>).filter((r) => r.type === 'flag' && typeof r.flag === 'string').map((r) => r.flag!))
}

/** oclif's flag or argument error in the language in force; undefined for a CLIError that is not the parser's. */
export function parseErrorText(err: Error): ParseErrorText | undefined {
  const e = err as OclifParseError
  const text = plain(e.message ?? '')
  const isParser = e.parse !== undefined
  const showHelp = Boolean(e.showHelp && e.parse?.input?.argv)
  const out = (message: string, problems: string[] = []): ParseErrorText => ({message, problems, showHelp})

  if (err instanceof ArgParseError) {
    const reason = plain(err.reason).trim()
    return out(t('errors.flags.argParsing', {arg: err.arg, message: sentence(reason, SENTENCES) ?? reason}))
  }
  const parsing = flagParsingText(text)
  if (parsing) return out(parsing)
  const name = e.constructor?.name
  if (name === 'NonExistentFlagsError' && Array.isArray(e.flags)) {
    return out(t('errors.flags.nonexistent', {count: e.flags.length, flags: e.flags.join(', ')}))
  }
  if (name === 'UnexpectedArgsError' && Array.isArray(e.args)) {
    return out(t('errors.flags.unexpectedArgs', {count: e.args.length, args: e.args.join(', ')}))
  }
  const required = /^Missing (\d+) required args?/.exec(text)
  if (required) {
    const names = Array.isArray(e.args) ? (e.args as Array<{name?: string}>).map((a) => a.name).filter((n): n is string => Boolean(n)) : []
    const problems: string[] = []
    // oclif's note names every flag of the command that takes several values; it matters only for those the user
    // gave (their values may have swallowed the arguments), so only they are named, and no note without one
    const multiple = /Note: (.+?) allows? multiple values/.exec(text)
    const given = multiple ? multiple[1].split(', ').filter((f) => givenFlags(e).has(f.replace(/^--/, ''))) : []
    if (given.length > 0) problems.push(t('errors.flags.multipleNote', {count: given.length, flags: given.join(', ')}))
    return out(t('errors.flags.requiredArgs', {count: Number(required[1]), args: names.join(', ')}), problems)
  }
  const failed = /^The following errors? occurred:\n([\s\S]*)$/.exec(text)
  if (failed) {
    const reasons = failed[1].split('\n').map((l) => l.trim()).filter((l) => l !== '')
    return out(t('errors.flags.failed', {count: reasons.length}), reasons.map((r) => sentence(r, REASONS) ?? r))
  }
  const known = sentence(text, SENTENCES)
  if (known) return out(known)
  if (isParser) return out(t('errors.flags.unknown', {message: text}))
  return undefined
}
