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

export type RenderedVar = (render: (m: Msg) => string) => string

function resolveVars(vars: Record<string, unknown> | undefined, render: (m: Msg) => string): Record<string, unknown> | undefined {
  if (!vars) return vars
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, isMsg(v) ? render(v) : typeof v === 'function' ? (v as RenderedVar)(render) : v]))
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
