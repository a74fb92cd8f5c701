import path from 'node:path'

import {Command, Errors, Flags, Help, type Interfaces} from '@oclif/core'

import {loadConfig, type LoadedConfig} from '../config/load.js'
import {maxRunMinutes} from '../runs/config.js'
import {formatMinutes} from '../runs/duration.js'
import type {ChannelConfig} from '../notify/config.js'
import type {RunNotifier} from '../notify/hook.js'
import {acquireJobLock, type JobLock} from '../runs/job-lock.js'
import {RunRecorder, sweepAbandonedRuns} from '../runs/run-history.js'
import {SourceSet} from '../sources/source-set.js'
import {openStore, type Store} from '../store/store.js'
import {OUTPUT_FORMATS, planOutput, type OutputFormat, type OutputPlan, type TextOptions} from '../report/emit.js'
import {plantZone} from '../report/time.js'
import {terminalWidth} from '../report/width.js'
import {decideLanguage, langFromArgv, LANGUAGES, normaliseLanguage} from '../i18n/language.js'
import {currentLanguage, setLanguage, t} from '../i18n/index.js'
import {ConfigError, isPlantopsError, type PlantopsError} from './errors.js'
import {ExitCode} from './exit-codes.js'
import {ArgParseError, flagParsingText, parseErrorText, type ParseErrorText} from './parse-errors.js'
import {redact} from './secrets.js'
import {shownWarning} from './warnings.js'
import {installStdoutPipeGuard} from './stdout.js'
import {parseColumns} from './output-flags.js'
import {colorEnabled, createProgress, interactiveAllowed, type Progress} from './terminal.js'

/** oclif's FlagOutput / ArgOutput (not exported by @oclif/core's Interfaces). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ParsedValues = {[name: string]: any}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

export interface RunContext {
  loaded: LoadedConfig
  store: Store
  sources: SourceSet
  run: RunRecorder
}

export const FAIL_ON_NEVER = 'never'

/**
 * Every plantops command: --json (typed result), --config, --no-input, error kinds → exit codes,
 * colour rules, and `withRun` for jobs that read sources (lock + run history + cleanup).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static enableJsonFlag = true

  static baseFlags = {
    config: Flags.string({
      char: 'c',
      summary: 'Path to plantops.yaml (default: $PLANTOPS_CONFIG, then ./plantops.yaml).',
      helpGroup: 'GLOBAL',
    }),
    'no-input': Flags.boolean({
      summary: 'Never prompt; fail instead where input would be needed (implied when not on a TTY or when CI is set).',
      helpGroup: 'GLOBAL',
    }),
    lang: Flags.string({
      summary: 'Language of tables, sheets, summaries and messages (default: $PLANTOPS_LANG, then lang: in plantops.yaml, then the locale). --help stays English.',
      options: [...LANGUAGES],
      helpGroup: 'GLOBAL',
    }),
  }

  protected color = false
  /** Alerts of this command's run (src/lib/notify/hook.ts): prepared by withRun, delivered in `finally`. */
  protected notifier?: RunNotifier
  /** Notify channels for this invocation only (e.g. `demo --notify-url`). */
  protected notifyExtra?: Record<string, ChannelConfig>

  public async init(): Promise<void> {
    installStdoutPipeGuard()
    await super.init()
    await this.decideLanguage()
    this.color = colorEnabled()
    if (!this.color) {
      process.env.FORCE_COLOR = '0'
      const {default: chalk} = await import('chalk')
      chalk.level = 0
    }
  }

  /**
   * The language of this run (src/lib/i18n/language.ts decides): --lang, then PLANTOPS_LANG, then the locale;
   * `lang:` in plantops.yaml is applied by loadConfig when neither flag nor variable chose. Catalogs load on first use.
   */
  private async decideLanguage(): Promise<void> {
    let flag: string | undefined
    try {
      const {flags} = await this.parse()
      flag = (flags as {lang?: string}).lang
    } catch {
      // a bad flag: run() parses again and reports it, in the language --lang asks for when argv has a valid one
      // (`--format nope --lang zh-CN`), else in the one the environment chose
      flag = langFromArgv(this.argv)
    }
    setLanguage(decideLanguage({flag}))
    // a PLANTOPS_LANG that names no language is a configuration error (a typo must not silently switch languages);
    // --lang overrides it, so then it does not matter
    const env = process.env.PLANTOPS_LANG
    if (env && !normaliseLanguage(env) && !flag) {
      throw new ConfigError(t('lang.badEnv', {value: env, languages: LANGUAGES.join(', ')}), {code: 'LANG_INVALID', hints: [t('lang.badEnvHint')]})
    }
    shareLanguage()
  }

  /**
   * oclif's parse, with every argument's parser wrapped: oclif reports a failed flag parser as a usage error
   * (`Parsing --limit …`) but lets a failed argument parser's plain Error through (`runs show abc`: Args.integer
   * throws `new Error('Expected an integer …')`), which catch() would call a defect. Wrapped, it is an ArgParseError
   * (exit 2) naming the argument; a plantops error from a parser stays as it is.
   */
  protected async parse<F extends ParsedValues, B extends ParsedValues, A extends ParsedValues>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const input = options ?? (this.ctor as unknown as Interfaces.Input<F, B, A>)
    if (!input.args || Object.keys(input.args).length === 0) return super.parse(options, argv)
    // Command.parse spreads `options` (a command class: its own static fields) and reads flags, baseFlags and
    // enableJsonFlag from it directly (inherited from BaseCommand too): all kept, only `args` replaced
    const wrapped: Interfaces.Input<F, B, A> = {
      ...input,
      flags: input.flags,
      baseFlags: input.baseFlags,
      enableJsonFlag: input.enableJsonFlag,
      args: wrapArgParsers(input.args),
    }
    return super.parse(wrapped, argv)
  }

  /** Load and validate plantops.yaml; config warnings go to stderr. Exit 2 on any problem. */
  protected loadConfig(configFlag?: string): LoadedConfig {
    const loaded = loadConfig({configPath: configFlag})
    for (const w of loaded.warnings) this.warnOperator(w)
    return loaded
  }

  /**
   * A warning for the operator: always on stderr, also with --json (stdout stays pure JSON, and cron logs still
   * show what went wrong). Secrets are redacted. A warning made by warningText (src/lib/cli/warnings.ts) is shown in
   * the language in force.
   */
  protected warnOperator(message: string): void {
    process.stderr.write(`${t('cli.warning', {message: redact(shownWarning(message))})}\n`)
  }

  /** The output of this run: --format, else the --output extension, else the table (exit 2 when it cannot work). */
  protected planOutput(flags: {format?: string; output?: string}, formats: readonly OutputFormat[] = OUTPUT_FORMATS): OutputPlan {
    return planOutput(flags, this.jsonEnabled(), formats)
  }

  /** How the terminal text is drawn: colour, the terminal's width, --columns, the plant's time zone. */
  protected textOptions(loaded?: LoadedConfig, columns?: string): TextOptions {
    return {color: this.color, width: terminalWidth(), columns: parseColumns(columns), zone: plantZone(loaded?.config.timeZone)}
  }

  protected isInteractive(flags: {'no-input'?: boolean}): boolean {
    return !this.jsonEnabled() && interactiveAllowed({noInput: flags['no-input']})
  }

  protected progress(label: string): Progress {
    return createProgress({enabled: !this.jsonEnabled(), label})
  }

  /** Open plantops' own store (migrated). Callers close it. */
  protected async openStore(loaded: LoadedConfig): Promise<Store> {
    return openStore(loaded.config.store, loaded.dir)
  }

  /**
   * Run a job that reads sources: take the job lock (exit 4 when another live run holds it), record the run
   * (argv with secrets redacted, rows read per source, outcome, output files, exit code), sweep runs abandoned by
   * killed processes, mark the run failed on error or SIGINT/SIGTERM, and close everything.
   */
  protected async withRun<R>(opts: {job: string; loaded: LoadedConfig; lock?: boolean; notifyJob?: string}, fn: (ctx: RunContext) => Promise<R>): Promise<R> {
    // lang: in plantops.yaml is known by now: the reader threads word their errors in it too
    shareLanguage()
    const store = await this.openStore(opts.loaded)
    let lock: JobLock | undefined
    let run: RunRecorder | undefined
    const sources = new SourceSet(opts.loaded.config, opts.loaded.dir)
    const onSignal = (signal: NodeJS.Signals) => {
      const finish = async () => {
        if (run) run.setRowsRead(await sources.rowsRead().catch(() => ({})))
        await run?.markInterrupted(signal).catch(() => {})
        lock?.release()
        process.stderr.write(`\n${t('errors.cli.interrupted', {signal, run: run?.id ?? '?'})}\n`)
        process.exit(ExitCode.INTERRUPTED)
      }
      void finish()
    }
    // the maximum run time (runs.maxMinutes): a run that hangs (a stuck source, a lost connection nobody noticed)
    // fails with its own message and frees the lock instead of silencing every later cron start with exit 4
    const maxMinutes = maxRunMinutes(opts.loaded.config.runs, opts.job)
    const onOverrun = () => {
      const message = t('errors.cli.overrun', {job: opts.job, max: formatMinutes(maxMinutes)})
      const finish = async () => {
        if (run) run.setRowsRead(await sources.rowsRead().catch(() => ({})))
        await run?.finish({exitCode: ExitCode.SOURCE, error: message}).catch(() => {})
        lock?.release()
        if (this.jsonEnabled()) this.logJson({error: {code: 'RUN_TIMEOUT', message, problems: [], hints: [], exitCode: ExitCode.SOURCE}})
        const lines = [t('cli.error', {message: t('errors.cli.recordedFailed', {message, run: run?.id ?? '?'})}), t('cli.hint', {hint: t('errors.cli.overrunHint', {run: run?.id ?? 'ID', job: opts.job})})]
        process.stderr.write(`${lines.join('\n')}\n`)
        process.exit(ExitCode.SOURCE)
      }
      void finish()
    }
    let overrun: NodeJS.Timeout | undefined
    try {
      // handlers first: a signal arriving once the run is recorded (even before RunRecorder.start returns) marks it failed
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      await this.prepareNotifier(opts.notifyJob ?? opts.job, opts.loaded)
      await sweepAbandonedRuns(store.knex)
      if (opts.lock !== false) lock = acquireJobLock(path.join(opts.loaded.dir, '.plantops', 'locks'), opts.job, {maxMinutes, zone: plantZone(opts.loaded.config.timeZone)})
      run = await RunRecorder.start(store.knex, {job: opts.job, command: this.id ?? opts.job, argv: this.argv})
      overrun = setTimeout(onOverrun, Math.min(maxMinutes * 60_000, 2 ** 31 - 1))
      overrun.unref()
      const result = await fn({loaded: opts.loaded, store, sources, run})
      run.setRowsRead(await sources.rowsRead())
      await run.finish({exitCode: Number(process.exitCode ?? 0)})
      this.notifier?.finished(run, result)
      return result
    } catch (error) {
      this.notifier?.failed(run, error)
      if (run) {
        run.setRowsRead(await sources.rowsRead().catch(() => ({})))
        const code = isPlantopsError(error) ? error.exitCode : ExitCode.INTERNAL
        await run.finish({exitCode: code, error: error instanceof Error ? error.message : String(error)}).catch(() => {})
      }
      throw error
    } finally {
      clearTimeout(overrun)
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
      await sources.closeAll()
      lock?.release()
      await store.close().catch(() => {})
    }
  }

  /** --notify / --no-notify (src/lib/notify/flags.ts) and the notify rules: an unknown channel fails before the job runs. */
  private async prepareNotifier(job: string, loaded: LoadedConfig): Promise<void> {
    const {RunNotifier} = await import('../notify/hook.js')
    const {flags} = await this.parse()
    this.notifier = RunNotifier.prepare({loaded, job, flags: flags as {notify?: string[]; 'no-notify'?: boolean}, extra: this.notifyExtra})
  }

  /** Alerts go out once the exit code is final; a failed alert is a warning and never changes the exit code. */
  public async finally(err: Error | undefined): Promise<unknown> {
    await this.deliverAlerts(Number(process.exitCode ?? 0))
    return super.finally(err)
  }

  /**
   * Deliver the prepared alert now, with this exit code, and forget it: a command running several jobs (e.g.
   * `reconcile run A B`) sends one alert per job as each ends, each with that job's own exit code.
   */
  protected async deliverAlerts(exitCode: number): Promise<void> {
    const notifier = this.notifier
    if (!notifier) return
    this.notifier = undefined
    const code = process.exitCode
    const io = {warn: (m: string) => this.warnOperator(m), info: (m: string) => process.stderr.write(`${redact(m)}\n`)}
    await notifier.deliver(exitCode, io).catch(() => {})
    process.exitCode = code
  }

  /** Apply a --fail-on decision: exit code 1 when the job found what the caller asked to fail on. */
  protected failWhen(shouldFail: boolean): void {
    if (shouldFail) process.exitCode = ExitCode.VARIANCE
  }

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (isPlantopsError(err)) {
      // a plantops flag parser's error, which oclif wrapped as `Parsing --flag \n\t…` (English)
      err.message = flagParsingText(err.message) ?? err.message
      return this.reportPlantopsError(err)
    }
    if (err instanceof Errors.ExitError) throw err
    // oclif's own parse errors (unknown flag, missing argument) and this.error(): usage errors, exit 2 unless set
    if (err instanceof Errors.CLIError) {
      process.exitCode = err.oclif?.exit ?? ExitCode.USAGE
      const text = parseErrorText(err)
      // with --json: the documented error document only (oclif's own would serialise its parser state and package.json)
      if (this.jsonEnabled()) return this.logJson({error: usageErrorJson(err, this.id, text)})
      if (!text) return super.catch(err)
      return this.reportParseError(text, Number(process.exitCode))
    }
    // A defect: say so plainly; the stack only with DEBUG.
    process.exitCode = ExitCode.INTERNAL
    const message = redact(err?.message ?? String(err))
    if (this.jsonEnabled()) {
      this.logJson({error: {code: 'INTERNAL', message, exitCode: ExitCode.INTERNAL}})
      return
    }
    process.stderr.write(`${t('cli.error', {message: t('errors.cli.internal', {message})})}\n`)
    if (process.env.DEBUG) process.stderr.write(`${redact(err?.stack ?? '')}\n`)
    else process.stderr.write(`${t('errors.cli.defect')}\n`)
    throw new Errors.ExitError(ExitCode.INTERNAL)
  }

  /**
   * oclif's flag/argument error in the language in force (src/lib/cli/parse-errors.ts), with the hint to --help; the
   * usage oclif shows after some of them (unknown flag, unexpected or missing argument) stays, in English like --help.
   */
  private async reportParseError(text: ParseErrorText, exitCode: number): Promise<never> {
    const lines = [t('cli.error', {message: redact(text.message)})]
    for (const p of text.problems) lines.push(`  - ${redact(p)}`)
    lines.push(t('cli.hint', {hint: t('errors.cli.helpHint', {command: commandLine(this.id)})}))
    process.stderr.write(`${lines.join('\n')}\n`)
    if (text.showHelp) {
      process.stderr.write('\n')
      await new Help(this.config, {sections: ['flags', 'usage', 'arguments'], sendToStderr: true}).showHelp(process.argv.slice(2)).catch(() => {})
    }
    throw new Errors.ExitError(exitCode)
  }

  private reportPlantopsError(err: PlantopsError): never | void {
    process.exitCode = err.exitCode
    const problems = err instanceof ConfigError ? err.problems.map(redact) : []
    if (this.jsonEnabled()) {
      this.logJson({error: {code: err.code, message: redact(err.message), problems, hints: err.hints.map(redact), exitCode: err.exitCode}})
      return
    }
    const lines = [t('cli.error', {message: redact(err.message)})]
    for (const p of problems) lines.push(`  - ${p}`)
    for (const h of err.hints) lines.push(t('cli.hint', {hint: redact(h)}))
    if (process.env.DEBUG && err.stack) lines.push(redact(err.stack))
    process.stderr.write(`${lines.join('\n')}\n`)
    throw new Errors.ExitError(err.exitCode)
  }
}

/**
 * The language in force, for the worker threads (and child processes) this run starts: they decide their language
 * from the environment, and would otherwise miss --lang and lang: (a source error worded in a reader thread).
 */
function shareLanguage(): void {
  process.env.PLANTOPS_LANG = currentLanguage()
}

/** Each argument's parser, failing with an ArgParseError that names the argument instead of a plain Error. */
function wrapArgParsers<A extends ParsedValues>(args: Interfaces.ArgInput<A>): Interfaces.ArgInput<A> {
  const out: Record<string, Interfaces.Arg<unknown>> = {}
  for (const [name, arg] of Object.entries(args as Record<string, Interfaces.Arg<unknown>>)) {
    const parse = arg.parse
    out[name] = {
      ...arg,
      async parse(input, context, opts) {
        try {
          return await parse(input, context, opts)
        } catch (error) {
          if (isPlantopsError(error) || error instanceof ArgParseError) throw error
          throw new ArgParseError(name, input, error instanceof Error ? error.message : String(error))
        }
      },
    }
  }
  return out as Interfaces.ArgInput<A>
}

/** `plantops stock diff` for the command id `stock:diff`. */
function commandLine(commandId?: string): string {
  return `plantops${commandId ? ` ${commandId.replaceAll(':', ' ')}` : ''}`
}

/**
 * oclif's parse errors (unknown flag, bad option value, missing argument) as plantops' documented JSON error: the
 * message and problems in the language in force when parse-errors.ts knows the error, else oclif's text.
 */
export function usageErrorJson(err: Error & {oclif?: {exit?: number}}, commandId?: string, text?: ParseErrorText): {code: string; message: string; problems: string[]; hints: string[]; exitCode: number} {
  // eslint-disable-next-line no-control-regex
  const lines = redact(err.message ?? String(err)).replaceAll(/\u001B\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^See more help with/i.test(l))
  const hints = [t('errors.cli.helpHint', {command: commandLine(commandId)})]
  const exitCode = err.oclif?.exit ?? ExitCode.USAGE
  if (text) return {code: 'USAGE', message: redact(text.message), problems: text.problems.map(redact), hints, exitCode}
  return {code: 'USAGE', message: lines[0] ?? t('errors.cli.usage'), problems: lines.slice(1), hints, exitCode}
}
