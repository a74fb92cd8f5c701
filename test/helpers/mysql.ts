import {randomBytes} from 'node:crypto'

import {describe} from 'vitest'

import type {MysqlSourceConfig} from '../../src/lib/config/sources-schema.js'

/**
 * Real MariaDB for tests: 127.0.0.1:3306, root, no password (override with PLANTOPS_TEST_MYSQL_HOST/PORT/USER/PASSWORD).
 * Without a server the MySQL tests skip with a clear message; with PLANTOPS_REQUIRE_MYSQL=1 they fail instead.
 */
export const mysqlParams = {
  host: process.env.PLANTOPS_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.PLANTOPS_TEST_MYSQL_PORT ?? 3306),
  user: process.env.PLANTOPS_TEST_MYSQL_USER ?? 'root',
  password: process.env.PLANTOPS_TEST_MYSQL_PASSWORD ?? '',
}

let availability: Promise<string | null> | undefined

/** null when reachable, else the reason. */
export function mysqlUnavailableReason(): Promise<string | null> {
  availability ??= (async () => {
    const mysql = await import('mysql2/promise')
    try {
      const conn = await mysql.createConnection({...mysqlParams, connectTimeout: 3000})
      await conn.query('SELECT 1')
      await conn.end()
      return null
    } catch (error) {
      return `${(error as {code?: string}).code ?? ''} ${(error as Error).message}`.trim()
    }
  })()
  return availability
}

const reason = await mysqlUnavailableReason()
if (reason && process.env.PLANTOPS_REQUIRE_MYSQL === '1') {
  throw new Error(`PLANTOPS_REQUIRE_MYSQL=1 but MariaDB/MySQL at ${mysqlParams.host}:${mysqlParams.port} is not reachable: ${reason}`)
}
if (reason) {
  process.stderr.write(`\n[plantops tests] MySQL tests SKIPPED: no server at ${mysqlParams.host}:${mysqlParams.port} (${reason}). Start MariaDB, or set PLANTOPS_REQUIRE_MYSQL=1 to make this a failure.\n`)
}

export const mysqlAvailable = reason === null

/** `describe` for tests that need the real server: skipped (with the message above) when there is none. */
export const describeMysql = (name: string, fn: () => void) => (mysqlAvailable ? describe(name, fn) : describe.skip(`${name} [skipped: no MySQL server]`, fn))

/** A unique database name for one test file. */
export function uniqueDbName(prefix = 'pt'): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`.toLowerCase()
}

/** Create a fresh database, return an admin connection to it and a drop function. */
export async function createTestDatabase(prefix = 'pt'): Promise<{name: string; conn: import('mysql2/promise').Connection; drop: () => Promise<void>}> {
  const mysql = await import('mysql2/promise')
  const name = uniqueDbName(prefix)
  const admin = await mysql.createConnection({...mysqlParams, multipleStatements: true})
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
  await admin.changeUser({database: name})
  return {
    name,
    conn: admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await admin.end()
    },
  }
}

/** A validated-shape MySQL source on the test server's `database` (settings as plantops.yaml would give them). */
export function mysqlSourceConfig(database: string, over: Partial<MysqlSourceConfig> = {}): MysqlSourceConfig {
  return {
    client: 'mysql',
    role: 'erp',
    connection: {host: mysqlParams.host, port: mysqlParams.port, user: mysqlParams.user, password: mysqlParams.password, database},
    statementTimeoutSeconds: 300,
    connectTimeoutSeconds: 5,
    maxLagSeconds: 900,
    ...over,
  }
}
