import {z} from 'zod'

/** The `orders` section of plantops.yaml. Placeholder until the orders capability defines it. */
export const ordersConfigSchema = z.looseObject({})

export type OrdersConfig = z.infer<typeof ordersConfigSchema>
