import {z} from 'zod'

export const SOURCE_ROLES = ['erp', 'wms', 'mes', 'plm', 'crm', 'scada', 'other'] as const
export type SourceRole = (typeof SOURCE_ROLES)[number]

const mysqlConnection = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(3306),
  user: z.string().min(1),
  password: z.string().optional(),
  passwordFile: z.string().optional(),
  database: z.string().min(1),
  socketPath: z.string().optional(),
})

const sqliteConnection = z.strictObject({
  filename: z.string().min(1),
})

const common = {
  role: z.enum(SOURCE_ROLES),
  description: z.string().optional(),
  statementTimeoutSeconds: z.number().positive().default(300),
  connectTimeoutSeconds: z.number().positive().default(10),
  maxLagSeconds: z.number().nonnegative().default(900),
  /** Optional heartbeat query returning the lag in seconds (pt-heartbeat style), used instead of SHOW REPLICA STATUS. */
  lagQuery: z.string().min(1).optional(),
}

export const sourceSchema = z.discriminatedUnion('client', [
  z.strictObject({client: z.literal('mysql'), connection: mysqlConnection, ...common}),
  z.strictObject({client: z.literal('sqlite'), connection: sqliteConnection, ...common}),
])

export type SourceConfig = z.infer<typeof sourceSchema>
export type MysqlSourceConfig = Extract<SourceConfig, {client: 'mysql'}>
export type SqliteSourceConfig = Extract<SourceConfig, {client: 'sqlite'}>

export const sourcesSchema = z.record(
  z.string().regex(/^[A-Za-z][\w-]*$/, 'source names are letters, digits, "-" and "_", starting with a letter'),
  sourceSchema,
)

export const storeSchema = z
  .discriminatedUnion('client', [
    z.strictObject({client: z.literal('sqlite'), filename: z.string().min(1).default('.plantops/state.db')}),
    z.strictObject({client: z.literal('mysql'), connection: mysqlConnection}),
  ])
  .default({client: 'sqlite', filename: '.plantops/state.db'})

export type StoreConfig = z.infer<typeof storeSchema>
