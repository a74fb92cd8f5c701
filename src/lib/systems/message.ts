import {t, tIn} from '../i18n/index.js'
import {displayWidth} from '../report/width.js'

/**
 * A catalog message kept as its key and variables, so the same fact can be written in English where it is a record
 * (audit findings in --json and in the store's history) and shown in the language in force to the operator.
 * A variable may itself be a message (a reason inside a finding), or a function of the renderer (a list whose items
 * are messages): either is rendered in the same language.
 */
export interface Msg {
  key: string
  vars?: Record<string, unknown>
}

export function msg(key: string, vars?: Record<string, unknown>): Msg {
  return vars === undefined ? {key} : {key, vars}
}

function isMsg(v: unknown): v is Msg {
  return typeof v === 'object' && v !== null && typeof (v as Msg).key === 'string' && Object.keys(v).every((k) => k === 'key' || k === 'vars')
}

/**
 * A list variable whose items are messages: rendered item by item in the renderer's language, joined by a separator
 * message, then `tail` (e.g. "…" when the list was cut). Plain data, so a finding's messages can be stored as JSON.
 */
export interface MsgList {
  list: Array<Msg | string>
  separator: Msg | string
  tail?: string
}

export function msgList(list: Array<Msg | string>, separator: Msg | string, tail?: string): MsgList {
  return tail === undefined ? {list, separator} : {list, separator, tail}
}

function isMsgList(v: unknown): v is MsgList {
  return typeof v === 'object' && v !== null && Array.isArray((v as MsgList).list) && (v as MsgList).separator !== undefined
}

function resolveVars(vars: Record<string, unknown> | undefined, render: (m: Msg | string) => string): Record<string, unknown> | undefined {
  if (!vars) return vars
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, isMsg(v) ? render(v) : isMsgList(v) ? v.list.map(render).join(render(v.separator)) + (v.tail ?? '') : v]),
  )
}

/** A message or a plain text (e.g. read back from JSON: a finding's messages kept in the store). */
export function isMessage(v: unknown): v is Msg | string {
  return typeof v === 'string' || isMsg(v)
}

/** The message in English (JSON, run history, stored findings). */
export function english(m: Msg | string): string {
  if (typeof m === 'string') return m
  return tIn('en', m.key, resolveVars(m.vars, english))
}

/** The message in the language in force (terminal output). */
export function local(m: Msg | string): string {
  if (typeof m === 'string') return m
  return t(m.key, resolveVars(m.vars, local))
}

/**
 * Where a record keeps its messages for people: a symbol-keyed, non-enumerable property, so JSON.stringify (--json),
 * the store and deep-equality checks see only the English text fields. A copy made by spreading loses it (the
 * English text is then shown).
 */
export const TEXT: unique symbol = Symbol('plantops.text')

/** Attach the catalog messages to a record (see TEXT). */
export function withText<T extends {[TEXT]?: unknown}>(record: T, text: NonNullable<T[typeof TEXT]>): T {
  Object.defineProperty(record, TEXT, {value: text, enumerable: false, configurable: true, writable: true})
  return record
}

/** Pad `s` with spaces to `width` display columns (Chinese characters count 2). */
export function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)))
}
