/**
 * Secrets never reach output, logs or errors. Every resolved password is registered here,
 * and everything plantops prints goes through `redact()` (the base command does it for errors and JSON).
 */
const known = new Set<string>()

export const REDACTED = '***'

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 1) known.add(value)
}

/** Keys whose values are always hidden, whatever their content. */
const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|credential|dsn|url)$/i

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key)
}

/** Hide registered secrets and anything that looks like credentials inside a connection string. */
export function redact(text: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]+):([^@/\s]*)@/gi, `$1$2:${REDACTED}@`)
  // longest first, so a secret that contains another is hidden whole
  for (const s of [...known].sort((a, b) => b.length - a.length)) {
    if (s.length < 3) continue // too short to hide without mangling ordinary text
    out = out.split(s).join(REDACTED)
  }
  return out
}

/** Deep copy of a value with secret-looking keys and registered secrets hidden. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== undefined && v !== null && v !== '' && typeof v !== 'object' ? REDACTED : redactValue(v)
    }
    return out as T
  }
  return value
}
