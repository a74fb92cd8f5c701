/**
 * The exit-code contract. Cron jobs and monitoring depend on these numbers: never reuse one for another meaning.
 * Documented in README.md ("Exit codes").
 */
export const ExitCode = {
  /** Finished; nothing actionable (or --fail-on did not ask to fail). */
  OK: 0,
  /** Finished, and found variances/findings that --fail-on asked to fail on. */
  VARIANCE: 1,
  /** Usage or configuration error: bad flags, bad plantops.yaml, bad input file. */
  USAGE: 2,
  /** A source could not be read: connection, authentication, permission, timeout, missing table, replica lag, empty side. */
  SOURCE: 3,
  /** Another run of the same job is still running (job lock held). */
  LOCKED: 4,
  /** Interrupted by a signal (SIGINT/SIGTERM); the run is recorded as failed. */
  INTERRUPTED: 130,
  /** A defect in plantops itself (an unexpected error). Please report it with the output of DEBUG=plantops*. */
  INTERNAL: 70,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
