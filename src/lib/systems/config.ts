import {z} from 'zod'

/** The `systems` section of plantops.yaml. Placeholder until the systems capability defines it. */
export const systemsConfigSchema = z.looseObject({})

export type SystemsConfig = z.infer<typeof systemsConfigSchema>
