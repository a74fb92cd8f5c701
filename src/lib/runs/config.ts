import {z} from 'zod'

/** Default maximum run time of a job (minutes): far above a normal nightly run, short of the next night's start. */
export const DEFAULT_MAX_RUN_MINUTES = 240

/**
 * `runs:` in plantops.yaml: how long a job may run before plantops stops it (exit 3, run marked failed, lock released)
 * and after which a lock still held is reported as overdue (`runs list`, exit 4's message).
 */
export const runsConfigSchema = z.strictObject({
  /** Maximum run time of any job, in minutes (default 240). */
  maxMinutes: z.number().positive().default(DEFAULT_MAX_RUN_MINUTES),
  /** Per job (stock-diff, orders-import, count-sample, count-report, systems-audit): minutes. */
  byJob: z.record(z.string().min(1), z.number().positive()).default({}),
})

export type RunsConfig = z.infer<typeof runsConfigSchema>

/** The maximum run time of `job` in minutes. */
export function maxRunMinutes(cfg: RunsConfig | undefined, job: string): number {
  return cfg?.byJob[job] ?? cfg?.maxMinutes ?? DEFAULT_MAX_RUN_MINUTES
}
