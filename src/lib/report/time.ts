/**
 * Times as the plant reads them. plantops stores instants in UTC (ISO 8601 with Z); everything shown — terminal,
 * CSV, XLSX — is the plant's local time in one zone: `timeZone` in plantops.yaml, else the machine's (TZ), and is
 * labelled with that zone. Times that carry no zone (e.g. a snapshot read from a WMS clock) are shown as they are.
 */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** The zone times are shown in: the configured one, else the machine's. */
export function plantZone(configured?: string | null): string {
  return configured || machineZone()
}

/** True when `zone` is an IANA zone name this Node knows (e.g. Asia/Shanghai, Europe/Berlin, UTC). */
export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: zone})
    return true
  } catch {
    return false
  }
}

const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i

/** The instant a stored value stands for, or null when it has no zone (then it is shown as is). */
export function toInstant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value
  if (typeof value !== 'string' || !INSTANT.test(value.trim())) return null
  const d = new Date(value.trim().replace(' ', 'T'))
  return Number.isNaN(d.getTime()) ? null : d
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function parts(d: Date, zone: string): Record<string, string> {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'})
    formatters.set(zone, f)
  }
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]))
}

/** `2026-12-02 21:20:03` in `zone`; a value without a zone is returned as it is (T replaced by a space). */
export function formatTime(value: unknown, zone: string): string {
  if (value === null || value === undefined || value === '') return ''
  const d = toInstant(value)
  if (!d) return String(value).replace('T', ' ')
  const p = parts(d, zone)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/**
 * The wall-clock time in `zone` as a Date whose UTC fields are that wall clock: what a spreadsheet cell holds (Excel
 * dates have no zone). Null for a value without a zone that is not a plain date/time either.
 */
export function wallClockDate(value: unknown, zone: string): Date | null {
  const d = toInstant(value)
  if (d) {
    const p = parts(d, zone)
    return new Date(Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)))
  }
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim())
    if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)))
  }
  return null
}

/** The zone's label for a column header: `Asia/Shanghai`, with its UTC offset (`UTC+8`) for readers who think in offsets. */
export function zoneLabel(zone: string, at: Date = new Date()): string {
  const offset = new Intl.DateTimeFormat('en-US', {timeZone: zone, timeZoneName: 'shortOffset'}).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? ''
  const utc = offset.replace(/^GMT/, 'UTC') || 'UTC'
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : `${zone}, ${utc}`
}
