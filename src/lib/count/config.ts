import {z} from 'zod'

/** The `count` section of plantops.yaml. Placeholder until the count capability defines it. */
export const countConfigSchema = z.looseObject({})

export type CountConfig = z.infer<typeof countConfigSchema>
