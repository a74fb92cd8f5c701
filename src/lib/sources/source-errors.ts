import {SourceError} from '../cli/errors.js'
import {redact} from '../cli/secrets.js'

/**
 * Turn a driver error into one operator-facing SourceError (exit 3): what failed, on which source, what to check.
 * Never includes the password or a full connection string.
 */
export function toSourceError(source: string, error: unknown, where?: {host?: string; port?: number; database?: string; filename?: string}): SourceError {
  if (error instanceof SourceError) return error
  const e = error as {code?: string; errno?: number; message?: string; sqlMessage?: string}
  const code = e.code ?? ''
  const msg = redact(e.sqlMessage ?? e.message ?? String(error))
  const target = where?.filename ?? (where?.host ? `${where.host}:${where.port ?? 3306}${where.database ? `/${where.database}` : ''}` : '')
  const at = target ? ` at ${target}` : ''
  const make = (what: string, errCode: string, hints: string[]) => new SourceError(source, what, {code: errCode, hints, cause: undefined})

  switch (code) {
    case 'ECONNREFUSED':
      return make(`connection refused${at}`, 'SOURCE_UNREACHABLE', ['Is the database server running and listening on that host and port?', `Check sources.${source}.connection.host/port in plantops.yaml.`])
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(`host not found${at}`, 'SOURCE_UNREACHABLE', [`Check the host name in sources.${source}.connection.host and DNS.`])
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
      return make(`connection timed out or was dropped${at}`, 'SOURCE_TIMEOUT', ['Check network/firewall access to the replica, or raise connectTimeoutSeconds.'])
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return make(`authentication failed${at} (${msg.replace(/'[^']*'@/, "'…'@")})`, 'SOURCE_AUTH', [`Check sources.${source}.connection.user and that the password variable/file it references holds the right password.`])
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
      return make(`permission denied: ${msg}`, 'SOURCE_PERMISSION', ['Grant the plantops account SELECT on the tables its mappings name.'])
    case 'ER_BAD_DB_ERROR':
      return make(`database does not exist${at}: ${msg}`, 'SOURCE_NO_DATABASE', [`Check sources.${source}.connection.database.`])
    case 'ER_NO_SUCH_TABLE':
      return make(`table not found: ${msg}`, 'SOURCE_NO_TABLE', ['Check the table names in the mapping, or run `plantops systems audit` to see schema drift.'])
    case 'ER_BAD_FIELD_ERROR':
      return make(`column not found: ${msg}`, 'SOURCE_NO_COLUMN', ['A mapped column was renamed or dropped: run `plantops systems audit` to see schema drift.'])
    case 'ER_STATEMENT_TIMEOUT':
    case 'ER_QUERY_TIMEOUT':
    case 'ER_QUERY_INTERRUPTED':
      return make(`query exceeded the statement timeout: ${msg}`, 'SOURCE_TIMEOUT', [`Raise sources.${source}.statementTimeoutSeconds, or narrow the query (filters, indexes).`])
    case 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION':
    case 'ER_OPTION_PREVENTS_STATEMENT':
      return make(`the server refused a write: ${msg}`, 'SOURCE_READ_ONLY', ['plantops never writes to a source; this is a defect, please report it.'])
    case 'SQLITE_CANTOPEN':
      return make(`cannot open database file${at}`, 'SOURCE_UNREACHABLE', [`Check sources.${source}.connection.filename (relative paths are relative to plantops.yaml).`])
    case 'SQLITE_READONLY':
      return make(`the database is read-only and refused a write: ${msg}`, 'SOURCE_READ_ONLY', ['plantops never writes to a source; this is a defect, please report it.'])
    default:
      break
  }
  if (e.errno === 1969 || /max_statement_time|maximum statement execution time/i.test(msg)) {
    return make(`query exceeded the statement timeout: ${msg}`, 'SOURCE_TIMEOUT', [`Raise sources.${source}.statementTimeoutSeconds, or narrow the query.`])
  }
  if (/no such table/i.test(msg)) return make(`table not found: ${msg}`, 'SOURCE_NO_TABLE', ['Check the table names in the mapping.'])
  if (/no such column/i.test(msg)) return make(`column not found: ${msg}`, 'SOURCE_NO_COLUMN', ['A mapped column was renamed or dropped: run `plantops systems audit`.'])
  if (/Knex: Timeout acquiring a connection/i.test(msg)) return make(`could not connect in time${at}`, 'SOURCE_TIMEOUT', ['Check that the server is reachable, or raise connectTimeoutSeconds.'])
  return make(`${code ? `${code}: ` : ''}${msg}`, 'SOURCE_ERROR', ['Check the source\'s connection settings and that the replica is healthy.'])
}
