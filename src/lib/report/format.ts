import path from 'node:path'

import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'

/** The file formats an extension names. */
export const FORMAT_BY_EXTENSION: Record<string, string> = {'.csv': 'csv', '.xlsx': 'xlsx', '.json': 'json'}

/**
 * The output format of a command: `--format` when given; else, with `--output`, the one its extension names
 * (`.csv`, `.xlsx`, `.json`, or the command's own, e.g. `.svg`); else the terminal format. Exit 2 when a file's
 * format cannot be told, when `--format` and the extension disagree, and when the terminal format is asked for a file.
 */
export function resolveFormat<F extends string>(opts: {
  format: string | undefined
  output: string | undefined
  /** The command's formats; the first is the terminal one (e.g. table), written to stdout only. */
  formats: readonly F[]
  byExtension?: Record<string, F>
}): F {
  const terminal = opts.formats[0]
  const byExt = (opts.byExtension ?? (FORMAT_BY_EXTENSION as Record<string, F>))
  const fileFormats = opts.formats.filter((f) => f !== terminal)
  const ext = opts.output ? path.extname(opts.output).toLowerCase() : ''
  const fromExt = ext && byExt[ext] && opts.formats.includes(byExt[ext]) ? byExt[ext] : undefined
  if (opts.format !== undefined) {
    const format = opts.format as F
    if (opts.output && format === terminal) {
      throw new UsageError(t('errors.report.terminalFormat', {format: terminal, output: opts.output, formats: fileFormats.map((f) => `--format ${f}`).join(', ')}), {
        hints: [fromExt ? t('errors.report.leaveOutFormat', {ext, format: fromExt}) : t('errors.report.formatExample', {format: fileFormats[0]})],
      })
    }
    if (fromExt && fromExt !== format) {
      throw new UsageError(t('errors.report.formatMismatch', {format, output: opts.output, ext, extFormat: fromExt}), {hints: [t('errors.report.formatMismatchHint', {extFormat: fromExt, format})]})
    }
    return format
  }
  if (!opts.output) return terminal
  if (fromExt) return fromExt
  throw new UsageError(t('errors.report.unknownExtension', {output: opts.output}), {
    hints: [
      t('errors.report.unknownExtensionHint', {
        formats: fileFormats.map((f) => `--format ${f}`).join(t('errors.report.or')),
        names: Object.entries(byExt).filter(([, f]) => fileFormats.includes(f)).map(([e]) => `*${e}`).join(', '),
      }),
    ],
  })
}
