import {z} from 'zod'

/** The `stock` section of plantops.yaml. Placeholder until the stock capability defines it. */
export const stockConfigSchema = z.looseObject({})

export type StockConfig = z.infer<typeof stockConfigSchema>
