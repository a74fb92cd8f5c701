import {t} from '../i18n/index.js'

/** "3h 05m", "12m", "40s" (in Chinese 3小时05分, 12分钟, 40秒): how long, for messages, in the language in force. */
export function formatMinutes(minutes: number): string {
  if (minutes < 1) return t('runs.duration.seconds', {s: Math.round(minutes * 60)})
  const h = Math.floor(minutes / 60)
  const m = Math.floor(minutes % 60)
  return h > 0 ? t('runs.duration.hoursMinutes', {h, m: String(m).padStart(2, '0')}) : t('runs.duration.minutes', {m})
}
