import {label, t} from '../i18n/index.js'

/**
 * Every human string of the notify area, worded through the message catalogs (src/lib/i18n, section `notify`) in the
 * language in force (--lang, PLANTOPS_LANG, the config's `lang:`, the locale): a cron alert of a Chinese plant is
 * Chinese. Functions take plain values and return plain text or markdown fragments; the vendors' payload shapes do
 * not depend on the language.
 */
export const msg = {
  // ── the alert message ───────────────────────────────────────────────
  title: (job: string, plant: string | null) => (plant ? t('notify.titlePlant', {job: jobTitle(job), plant}) : t('notify.title', {job: jobTitle(job)})),
  /** The worst thing that happened, in words (status: ok, findings, over-tolerance, source-error, error). */
  headline: (status: string) => {
    const key = `notify.headline.${status}` // i18n-dynamic: notify.headline.*
    const text = label(key)
    return text === key ? status : text
  },
  get plant() {
    return label('notify.plant')
  },
  get job() {
    return label('notify.job')
  },
  get when() {
    return label('notify.when')
  },
  run: (id: number) => t('notify.run', {id}),
  get exitCode() {
    return label('notify.exitCode')
  },
  get lag() {
    return label('notify.lag')
  },
  lagValue: (source: string, seconds: number | null) => t('notify.lagValue', {source, lag: seconds === null ? label('common.na') : t('common.seconds', {s: seconds})}),
  get counts() {
    return label('notify.counts')
  },
  get valueAtRisk() {
    return label('notify.valueAtRisk')
  },
  get changes() {
    return label('notify.changes')
  },
  get output() {
    return label('notify.output')
  },
  get error() {
    return label('notify.error')
  },
  /** After a fact's label: ": " (English), "：" (Chinese). */
  get colon() {
    return label('notify.colon')
  },
  get listSeparator() {
    return label('common.listSeparator')
  },
  /** How the changes since the last run are joined on one line. */
  get changeSeparator() {
    return label('notify.changeSeparator')
  },
  more: (n: number) => t('notify.more', {n}),
  moreLines: (n: number) => t('notify.moreLines', {count: n}),
  get testTitle() {
    return label('notify.testTitle')
  },
  testBody: (channel: string, when: string) => t('notify.testBody', {channel, when}),
  emailSubject: (title: string, headline: string) => t('notify.emailSubject', {title, headline}),

  // ── per-job summaries (src/lib/notify/jobs.ts) ──────────────────────
  /** A count's label: keys, match, withinTolerance, overTolerance, onlyInErp, onlyInWms, recordAccuracy, counted… */
  label: (name: string) => {
    const key = `notify.label.${name}` // i18n-dynamic: notify.label.*
    return label(key)
  },
  deviationRate: (field: string) => t('notify.deviationRate', {field}),
  topVariances: (n: number, byValue: boolean) => (byValue ? t('notify.topVariancesByValue', {n}) : t('notify.topVariances', {n})),
  get recountList() {
    return label('notify.recountList')
  },
  get reconcileCauses() {
    return label('notify.reconcileCauses')
  },
  reconcileFindings: (n: number) => t('notify.reconcileFindings', {n}),
  causeLine: (cause: string, n: number) => t('notify.causeLine', {cause, n}),
  /** One reconcile finding: key, status (display name), cause (label), the differing fields with both values. */
  reconcileLine: (f: {key: string[]; status: string; cause: string | null; fields: Array<{field: string; left: string | null; right: string | null}>}) =>
    [
      t('notify.findingHead', {key: f.key.join(' / '), status: f.status}),
      f.cause ? t('notify.probableCause', {cause: f.cause}) : '',
      f.fields.length > 0 ? t('notify.fieldsPart', {fields: f.fields.map((x) => t('notify.fieldChange', {field: x.field, left: x.left ?? '—', right: x.right ?? '—'})).join(label('notify.fieldSeparator'))}) : '',
    ].join(''),
  get findings() {
    return label('notify.findings')
  },
  get filesWithProblems() {
    return label('notify.filesWithProblems')
  },
  newCount: (n: number) => t('notify.newCount', {n}),
  allNew: (n: number) => t('notify.allNew', {n}),
  allNewFindings: (n: number) => t('notify.allNewFindings', {n}),
  resolvedCount: (n: number) => t('notify.resolvedCount', {n}),
  newOverish: (n: number) => t('notify.newOverish', {n}),
  /** One stock variance: status and cause already as labels. */
  stockLine: (v: {item: string; name: string | null; warehouse: string; lot: string; erp: string | null; wms: string | null; uom: string; diff: string; value: string | null; status: string; cause: string | null; since: string | null}) =>
    [
      t('notify.stockWhere', {item: v.name ? `${v.item} ${v.name}` : v.item, warehouse: v.warehouse}),
      v.lot ? t('notify.lot', {lot: v.lot}) : '',
      t('notify.stockQty', {erp: v.erp ?? '—', wms: v.wms ?? '—', uom: v.uom}),
      v.value === null ? t('notify.stockDiff', {diff: v.diff}) : t('notify.stockDiffValue', {diff: v.diff, value: v.value}),
      t('notify.stockStatus', {status: v.status}),
      v.cause ? t('notify.probableCause', {cause: v.cause}) : '',
      v.since ? t('notify.since', {date: v.since}) : '',
    ].join(''),
  countLine: (x: {line: number | null; location: string; item: string; description: string | null; lot: string | null; wmsStatus: string; erpStatus: string}) =>
    [
      x.line === null ? '' : t('notify.countLineNo', {line: x.line}),
      t('notify.countWhere', {location: x.location, item: x.description ? `${x.item} ${x.description}` : x.item}),
      x.lot ? t('notify.lot', {lot: x.lot}) : '',
      t('notify.countStatuses', {wms: x.wmsStatus, erp: x.erpStatus}),
    ].join(''),
  findingLine: (f: {severity: string; system: string; message: string; fix: string | null}) => `[${severity(f.severity)}] ${f.system}: ${f.message}${f.fix ? ` — ${f.fix}` : ''}`,
  failedFile: (file: string, message: string) => t('notify.failedFile', {file, message}),
  rejectedFile: (file: string, n: number, rejects: string | null) => (rejects ? t('notify.rejectedFileTo', {file, n, rejects}) : t('notify.rejectedFile', {file, n})),

  // ── results, warnings, hints ────────────────────────────────────────
  sent: (channel: string, ms: number, bytes: number) => t('notify.sent', {channel, bytes, ms}),
  failed: (channel: string, why: string) => t('notify.failed', {channel, why}),
  get allChannels() {
    return label('notify.allChannels')
  },
  unknownChannel: (name: string, known: string[]) => t('notify.unknownChannel', {name, known: known.join(', ') || label('notify.noneConfigured')}),
  get noChannels() {
    return label('notify.noChannels')
  },
  get channelsAre() {
    return label('notify.channelsAre')
  },
  attachmentFailed: (why: string) => t('notify.attachmentFailed', {why}),

  /** What to fix for each kind of failure (recorded with the delivery, shown by `notify test` and `runs show`). */
  get hints() {
    return {
      keyword: label('notify.hint.keyword'),
      sign: label('notify.hint.sign'),
      ip: label('notify.hint.ip'),
      rateLimited: label('notify.hint.rateLimited'),
      token: label('notify.hint.token'),
      disabled: label('notify.hint.disabled'),
      badRequest: label('notify.hint.badRequest'),
      tooLong: label('notify.hint.tooLong'),
      network: label('notify.hint.network'),
      timeout: label('notify.hint.timeout'),
      server: label('notify.hint.server'),
      auth: label('notify.hint.auth'),
      smtp: label('notify.hint.smtp'),
      http: label('notify.hint.http'),
    }
  },
}

/** An audit finding's severity in words (critical, warning, info); an unknown one as it is. */
function severity(s: string): string {
  const key = `notify.severity.${s}` // i18n-dynamic: notify.severity.*
  const text = label(key)
  return text === key ? s : text
}

/** A job's title in the message (stock-diff → "Stock diff (ERP vs WMS)"); a job without one by its name. */
export function jobTitle(job: string): string {
  const key = `notify.jobTitle.${job}` // i18n-dynamic: notify.jobTitle.*
  const text = label(key)
  return text === key ? job : text
}
