import {t} from '../i18n/index.js'
import {ExitCode, type ExitCodeValue} from './exit-codes.js'

/**
 * An error the operator can act on: printed as a message plus hints, without a stack trace,
 * and mapped to a documented exit code. Anything that is not a PlantopsError is a defect (exit 70).
 */
export class PlantopsError extends Error {
  readonly exitCode: ExitCodeValue
  /** Stable machine-readable code, e.g. CONFIG_INVALID, SOURCE_UNREACHABLE. */
  readonly code: string
  /** What the operator should do next, one line each. */
  readonly hints: string[]

  constructor(message: string, opts: {code: string; exitCode: ExitCodeValue; hints?: string[]; cause?: unknown}) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = new.target.name
    this.code = opts.code
    this.exitCode = opts.exitCode
    this.hints = opts.hints ?? []
  }
}

/** plantops.yaml is missing, unparsable or invalid (exit 2). */
export class ConfigError extends PlantopsError {
  /** Every problem found, each already located ("plantops.yaml:12:5 sources.erp.port: expected a number"). */
  readonly problems: string[]

  constructor(message: string, opts: {problems?: string[]; hints?: string[]; code?: string; cause?: unknown} = {}) {
    super(message, {code: opts.code ?? 'CONFIG_INVALID', exitCode: ExitCode.USAGE, hints: opts.hints, cause: opts.cause})
    this.problems = opts.problems ?? []
  }
}

/** Bad flags, arguments or input files (exit 2). */
export class UsageError extends PlantopsError {
  constructor(message: string, opts: {hints?: string[]; code?: string; cause?: unknown} = {}) {
    super(message, {code: opts.code ?? 'USAGE', exitCode: ExitCode.USAGE, hints: opts.hints, cause: opts.cause})
  }
}

/** A source (replica) could not be read: unreachable, refused, timed out, missing table, too stale, empty (exit 3). */
export class SourceError extends PlantopsError {
  readonly source: string

  constructor(source: string, message: string, opts: {code?: string; hints?: string[]; cause?: unknown} = {}) {
    super(t('errors.source.prefix', {source, message}), {code: opts.code ?? 'SOURCE_UNREADABLE', exitCode: ExitCode.SOURCE, hints: opts.hints, cause: opts.cause})
    this.source = source
  }
}

/** The job lock is held by another live run (exit 4). */
export class LockedError extends PlantopsError {
  constructor(message: string, hints: string[] = []) {
    super(message, {code: 'JOB_LOCKED', exitCode: ExitCode.LOCKED, hints})
  }
}

/** A statement that is not a read was sent to a replica source: refused before it reached the server. */
export class ReadOnlyViolation extends PlantopsError {
  constructor(source: string, reason: string) {
    super(t('errors.source.notARead', {source, reason}), {
      code: 'READ_ONLY_VIOLATION',
      exitCode: ExitCode.USAGE,
      hints: [t('errors.source.notAReadHint')],
    })
  }
}

export function isPlantopsError(err: unknown): err is PlantopsError {
  return err instanceof PlantopsError
}
