/**
 * Every human string of the notify area, in one place, so they can move to the i18n catalogs (src/lib/i18n) as they are.
 * English for now. Functions take plain values and return plain text or markdown fragments.
 */
export const msg = {
  // ── the alert message ───────────────────────────────────────────────
  title: (job: string, plant: string | null) => `plantops · ${jobTitle(job)}${plant ? ` · ${plant}` : ''}`,
  headline: {
    ok: 'all clear',
    findings: 'findings to review',
    'over-tolerance': 'variances over tolerance',
    'source-error': 'a source could not be read',
    error: 'the job failed',
  } as Record<string, string>,
  plant: 'Plant',
  job: 'Job',
  when: 'When',
  run: 'Run',
  exitCode: 'Exit code',
  lag: 'Replica lag',
  lagValue: (source: string, seconds: number | null) => `${source} ${seconds === null ? 'n/a' : `${seconds} s`}`,
  counts: 'Counts',
  valueAtRisk: 'Value at risk',
  top: (n: number) => `Top ${n} by value`,
  changes: 'Since the last run',
  output: 'Report',
  error: 'Error',
  more: (n: number) => `… and ${n} more`,
  moreLines: (n: number) => `… and ${n} more line${n === 1 ? '' : 's'} (see the report)`,
  testTitle: 'plantops · test message',
  testBody: (channel: string, when: string) => `This is a test message from plantops for channel **${channel}**, sent ${when}.\n\nIf you read this, alerts from plantops jobs will arrive here.`,
  emailSubject: (title: string, headline: string) => `${title}: ${headline}`,

  // ── per-job summaries (src/lib/notify/jobs.ts) ──────────────────────
  label: {
    keys: 'keys',
    match: 'match',
    withinTolerance: 'within tolerance',
    overTolerance: 'over tolerance',
    onlyInErp: 'only in ERP',
    onlyInWms: 'only in WMS',
    recordAccuracy: 'record accuracy',
    counted: 'counted',
    uncounted: 'uncounted',
    wmsOver: 'WMS over tolerance',
    erpOver: 'ERP over tolerance',
    iraWms: 'IRA WMS',
    iraErp: 'IRA ERP',
    systems: 'systems',
    critical: 'critical',
    warning: 'warning',
    info: 'info',
    files: 'files',
    rowsRead: 'rows read',
    imported: 'imported',
    updated: 'updated',
    unchanged: 'unchanged',
    rejected: 'rejected',
    reconcileJob: 'job',
    matchRate: 'match rate',
    deviationRate: (field: string) => `deviation rate ${field}`,
  },
  topVariances: (n: number, byValue: boolean) => (byValue ? `Top ${n} variances by value` : `Top ${n} variances`),
  recountList: 'Recount list',
  reconcileCauses: 'Probable causes',
  reconcileFindings: (n: number) => `First ${n} findings`,
  causeLine: (cause: string, n: number) => `${cause.replaceAll('_', ' ')}: ${n}`,
  reconcileLine: (f: {key: string[]; status: string; cause: string | null; fields: Array<{field: string; left: string | null; right: string | null}>}) =>
    `${f.key.join(' / ')}: ${f.status}${f.cause ? `, probable cause ${f.cause.replaceAll('_', ' ')}` : ''}${f.fields.length > 0 ? ` (${f.fields.map((x) => `${x.field} ${x.left ?? '—'} → ${x.right ?? '—'}`).join('; ')})` : ''}`,
  findings: 'Findings',
  filesWithProblems: 'Files with problems',
  newCount: (n: number) => `${n} new`,
  allNew: (n: number) => `all ${n} variances are new (no earlier run of this scope, or everything changed)`,
  allNewFindings: (n: number) => `all ${n} findings are new (no earlier run of this job, or everything changed)`,
  resolvedCount: (n: number) => `${n} resolved`,
  newOverish: (n: number) => `new over tolerance/one-sided: ${n}`,
  stockLine: (v: {item: string; name: string | null; warehouse: string; lot: string; erp: string | null; wms: string | null; uom: string; diff: string; value: string | null; status: string; cause: string | null; since: string | null}) =>
    `${v.item}${v.name ? ` ${v.name}` : ''} @ ${v.warehouse}${v.lot ? ` lot ${v.lot}` : ''}: ERP ${v.erp ?? '—'} → WMS ${v.wms ?? '—'} ${v.uom} (diff ${v.diff}${v.value === null ? '' : `, value ${v.value}`}) ${v.status.replaceAll('_', ' ')}${v.cause ? `, probable cause ${v.cause}` : ''}${v.since ? `, since ${v.since}` : ''}`,
  countLine: (x: {line: number | null; location: string; item: string; description: string | null; lot: string | null; wmsStatus: string; erpStatus: string}) =>
    `${x.line === null ? '' : `line ${x.line} `}${x.location}: ${x.item}${x.description ? ` ${x.description}` : ''}${x.lot ? ` lot ${x.lot}` : ''} (WMS ${x.wmsStatus}, ERP ${x.erpStatus})`,
  findingLine: (f: {severity: string; system: string; message: string; fix: string | null}) => `[${f.severity}] ${f.system}: ${f.message}${f.fix ? ` — ${f.fix}` : ''}`,
  failedFile: (file: string, message: string) => `${file}: ${message}`,
  rejectedFile: (file: string, n: number, rejects: string | null) => `${file}: ${n} row(s) rejected${rejects ? ` → ${rejects}` : ''}`,

  // ── results, warnings, hints ────────────────────────────────────────
  sent: (channel: string, ms: number, bytes: number) => `notify: ${channel} sent (${bytes} bytes, ${ms} ms)`,
  failed: (channel: string, why: string) => `notify: ${channel} failed: ${why} (the job's result and exit code are unchanged)`,
  unknownChannel: (name: string, known: string[]) => `--notify ${name}: no notify channel named "${name}" (configured: ${known.join(', ') || 'none'})`,
  noChannels: 'no notify channels are configured: add a notify section to plantops.yaml (see README "Alerts")',
  attachmentFailed: (why: string) => `the report file could not be sent as a file message: ${why}`,

  hints: {
    keyword: 'Keyword missing: the message must contain one of the robot\'s custom keywords. Add it to the channel\'s `keywords:` list in plantops.yaml (plantops puts the first one in the title), or change the robot\'s security setting.',
    sign: 'Signature failed: the channel\'s `secret` does not match the robot\'s signing secret (or the clock is more than an hour off). Copy the secret (DingTalk: SEC…) again into the referenced variable/file, and check the system clock (NTP).',
    ip: 'IP not allowed: the robot only accepts some IP addresses. Add this host\'s public egress IP to the robot\'s IP list, or switch the robot to keywords/signing.',
    rateLimited: 'Rate limited: the robot accepts about 20 messages a minute (DingTalk then throttles for 10 minutes). plantops sends one message per run per channel; look for other senders sharing this robot, and do not schedule jobs at the same minute.',
    token: 'The robot was not found: the webhook token/key is wrong, or the robot was removed from the group. Copy the webhook URL again from the group\'s robot settings.',
    disabled: 'The robot is disabled or stopped. Re-enable it in the group settings.',
    badRequest: 'The vendor refused the message format. This is a plantops defect if it persists: report it with the vendor answer.',
    tooLong: 'The message is too long for the vendor. This is a plantops defect (messages are cut to each vendor\'s limit): report it.',
    network: 'The vendor could not be reached: check DNS, proxy and firewall rules from this host to the webhook\'s host.',
    timeout: 'No answer in time: check the network path to the webhook\'s host; raise notify.timeoutSeconds only if the link is slow.',
    server: 'The vendor answered with a server error: usually transient; plantops retried. Try `plantops notify test` later.',
    auth: 'The server refused the credentials: check the user and the referenced password.',
    smtp: 'The mail server refused the message: check host, port, tls and the from/to addresses.',
    http: 'The webhook answered with an HTTP error: check its URL, method and headers.',
  },
}

const JOB_TITLES: Record<string, string> = {
  'stock-diff': 'Stock diff (ERP vs WMS)',
  'reconcile-run': 'Reconciliation',
  'count-report': 'Cycle count report',
  'systems-audit': 'Systems audit',
  'orders-import': 'Orders import',
}

export function jobTitle(job: string): string {
  return JOB_TITLES[job] ?? job
}
