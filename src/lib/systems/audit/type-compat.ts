import type {ColumnReference} from '../../config/references.js'
import {msg, type Msg} from '../message.js'

export type Compat = {ok: true; note?: string} | {ok: false; severity: 'critical' | 'warning'; why: Msg}

const NUMERIC = /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|dec|fixed|real|number)\b/i
const FLOAT = /^(float|double|double precision)\b/i
const TEXT = /^(char|varchar|nchar|nvarchar|varchar2|text|tinytext|mediumtext|longtext|enum|set|character|clob|string)\b/i
const DATE = /^(date|datetime|timestamp|time|year)\b/i
const BINARY = /^(binary|varbinary|blob|tinyblob|mediumblob|longblob|bit|json|geometry|point)\b/i

/**
 * Is a column's declared type fit for what the mapping needs? MySQL DATA_TYPE or SQLite's declared type.
 * Text stored in a number column (or numbers as text) works but deserves a warning; binary data where text,
 * numbers or dates are expected is critical; an empty SQLite declared type accepts anything.
 */
export function checkTypeCompat(expected: ColumnReference['expected'], declared: string): Compat {
  const t = declared.trim()
  if (expected === 'any' || t === '') return {ok: true}
  const isNum = NUMERIC.test(t)
  const isFloat = FLOAT.test(t)
  const isText = TEXT.test(t)
  const isDate = DATE.test(t)
  const isBin = BINARY.test(t)
  switch (expected) {
    case 'number':
      if (isNum) return {ok: true}
      if (isFloat) return {ok: false, severity: 'warning', why: msg('audit.compat.float', {type: t})}
      if (isText) return {ok: false, severity: 'warning', why: msg('audit.compat.textForNumber', {type: t})}
      return {ok: false, severity: 'critical', why: msg('audit.compat.noQuantity', {type: t})}
    case 'text':
      if (isText || isNum) return {ok: true}
      if (isBin) return {ok: false, severity: 'critical', why: msg('audit.compat.binary', {type: t})}
      return {ok: false, severity: 'warning', why: msg('audit.compat.notText', {type: t})}
    case 'date':
      if (isDate) return {ok: true}
      if (isText) return {ok: false, severity: 'warning', why: msg('audit.compat.textForDate', {type: t})}
      if (isNum) return {ok: true, note: 'numeric timestamp'}
      return {ok: false, severity: 'critical', why: msg('audit.compat.noDate', {type: t})}
    default:
      return {ok: true}
  }
}
