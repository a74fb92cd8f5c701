import {SourceError} from '../cli/errors.js'
import {redact} from '../cli/secrets.js'
import {t} from '../i18n/index.js'

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
  const at = target ? t('errors.source.at', {target}) : ''
  const what = reading ? t('errors.source.reading', {reading}) : ''
  const make = (what: string, errCode: string, hints: string[]) => new SourceError(source, what, {code: errCode, hints, cause: undefined})

  const lost = code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ER_CONNECTION_KILLED' || e.errno === 1927
  if (lost && reading) {
    return make(t('errors.source.connectionLost', {reading, at, detail: msg || code}), 'SOURCE_CONNECTION_LOST', [t('errors.source.connectionLostHint')])
  }
  if ((code === 'ER_QUERY_INTERRUPTED' || e.errno === 1317) && !/max_statement_time|execution time/i.test(msg)) {
    return make(t('errors.source.queryKilled', {reading: what, at, detail: msg}), 'SOURCE_QUERY_KILLED', [t('errors.source.queryKilledHint')])
  }
  switch (code) {
    case 'ECONNREFUSED':
      return make(t('errors.source.refused', {at}), 'SOURCE_UNREACHABLE', [t('errors.source.refusedHint'), t('errors.source.hostPortHint', {source})])
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(t('errors.source.hostNotFound', {at}), 'SOURCE_UNREACHABLE', [t('errors.source.hostNotFoundHint', {source})])
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
      return make(t('errors.source.timedOut', {at}), 'SOURCE_TIMEOUT', [t('errors.source.timedOutHint')])
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      // the server's message names the account ('plantops_ro'@'127.0.0.1'), never the password
      return make(t('errors.source.auth', {at, detail: msg}), 'SOURCE_AUTH', [t('errors.source.authHint', {source})])
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
      return make(t('errors.source.permission', {detail: msg}), 'SOURCE_PERMISSION', [t('errors.source.permissionHint')])
    case 'ER_BAD_DB_ERROR':
      return make(t('errors.source.noDatabase', {at, detail: msg}), 'SOURCE_NO_DATABASE', [t('errors.source.noDatabaseHint', {source})])
    case 'ER_NO_SUCH_TABLE':
      return make(t('errors.source.noTable', {detail: msg}), 'SOURCE_NO_TABLE', [t('errors.source.noTableAuditHint')])
    case 'ER_BAD_FIELD_ERROR':
      return make(t('errors.source.noColumn', {detail: msg}), 'SOURCE_NO_COLUMN', [t('errors.source.noColumnAuditHint')])
    case 'ER_STATEMENT_TIMEOUT':
    case 'ER_QUERY_TIMEOUT':
    case 'ER_QUERY_INTERRUPTED':
    case 'ER_QUERY_EXCEEDED_TIME':
      return make(t('errors.source.statementTimeout', {reading: what, detail: msg}), 'SOURCE_TIMEOUT', [t('errors.source.statementTimeoutHint', {source})])
    case 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION':
    case 'ER_OPTION_PREVENTS_STATEMENT':
      return make(t('errors.source.writeRefused', {detail: msg}), 'SOURCE_READ_ONLY', [t('errors.source.writeDefectHint')])
    case 'SQLITE_CANTOPEN':
      return make(t('errors.source.sqliteOpen', {at}), 'SOURCE_UNREACHABLE', [t('errors.source.sqliteOpenHint', {source})])
    case 'SQLITE_READONLY':
      return make(t('errors.source.sqliteReadOnly', {detail: msg}), 'SOURCE_READ_ONLY', [t('errors.source.writeDefectHint')])
    default:
      break
  }
  if (e.errno === 1969 || /max_statement_time|maximum statement execution time/i.test(msg)) {
    return make(t('errors.source.statementTimeout', {reading: '', detail: msg}), 'SOURCE_TIMEOUT', [t('errors.source.statementTimeoutHint', {source})])
  }
  if (/no such table/i.test(msg)) return make(t('errors.source.noTable', {detail: msg}), 'SOURCE_NO_TABLE', [t('errors.source.noTableHint')])
  if (/no such column/i.test(msg)) return make(t('errors.source.noColumn', {detail: msg}), 'SOURCE_NO_COLUMN', [t('errors.source.noColumnHint')])
  if (/Knex: Timeout acquiring a connection/i.test(msg)) return make(t('errors.source.connectTimeout', {at}), 'SOURCE_TIMEOUT', [t('errors.source.connectTimeoutHint')])
  return make(`${code ? `${code}: ` : ''}${msg}`, 'SOURCE_ERROR', [t('errors.source.otherHint')])
}

/** A statement answered with an OK packet instead of rows: it did something else than read. Never counted as a row. */
export function noResultSetError(source: string, reading: string): SourceError {
  return new SourceError(source, t('errors.source.noResultSet', {reading}), {
    code: 'SOURCE_NO_RESULT_SET',
    hints: [t('errors.source.noResultSetHint')],
  })
}
