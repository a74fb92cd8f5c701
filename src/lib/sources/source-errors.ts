import {SourceError} from '../cli/errors.js'
import {redact} from '../cli/secrets.js'

/**
 * Turn a driver error into one operator-facing SourceError (exit 3): what failed, on which source, what to check.
 * Never includes the password or a full connection string.
 */
export function toSourceError(source: string, error: unknown, where?: {host?: string; port?: number; database?: string; filename?: string}, reading?: string): SourceError {
  if (error instanceof SourceError) return error
  const e = error as {code?: string; errno?: number; message?: string; sqlMessage?: string}
  const code = e.code ?? ''
  const msg = redact(e.sqlMessage ?? e.message ?? String(error))
  const target = where?.filename ?? (where?.host ? `${where.host}:${where.port ?? 3306}${where.database ? `/${where.database}` : ''}` : '')
  const at = target ? ` at ${target}` : ''
  const make = (what: string, errCode: string, hints: string[]) => new SourceError(source, what, {code: errCode, hints, cause: undefined})

  const lost = code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ER_CONNECTION_KILLED' || e.errno === 1927
  if (lost && reading) {
    return make(`connection lost while reading ${reading}${at} (${msg || code})`, 'SOURCE_CONNECTION_LOST', [
      'The server closed the connection mid-read: a DBA or tool killed it (KILL), the server restarted, or the network dropped. The run stopped; re-run it.',
    ])
  }
  if ((code === 'ER_QUERY_INTERRUPTED' || e.errno === 1317) && !/max_statement_time|execution time/i.test(msg)) {
    return make(`the query${reading ? ` reading ${reading}` : ''} was killed on the server (KILL QUERY)${at}: ${msg}`, 'SOURCE_QUERY_KILLED', [
      'Someone (a DBA, a monitoring tool, a query killer) interrupted the query on the server; re-run it, or ask who kills long queries on this replica.',
    ])
  }
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
      // the server's message names the account ('plantops_ro'@'127.0.0.1'), never the password
      return make(`authentication failed${at} (${msg})`, 'SOURCE_AUTH', [`Check sources.${source}.connection.user and that the password variable/file it references holds the right password.`])
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
    case 'ER_QUERY_EXCEEDED_TIME':
      return make(`query${reading ? ` reading ${reading}` : ''} exceeded the statement timeout the statement timeout: ${msg}`, 'SOURCE_TIMEOUT', [`Raise sources.${source}.statementTimeoutSeconds, or narrow the query (filters, indexes).`])
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

/** A statement answered with an OK packet instead of rows: it did something else than read. Never counted as a row. */
export function noResultSetError(source: string, reading: string): SourceError {
  return new SourceError(source, `the statement reading ${reading} returned no result set (it is not a plain SELECT); nothing was counted`, {
    code: 'SOURCE_NO_RESULT_SET',
    hints: ['Configured SQL (query:, lagQuery:) must be one plain SELECT that returns rows.'],
  })
}
