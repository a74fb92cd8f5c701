import {closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {LockedError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import {formatTime, plantZone, zoneLabel} from '../report/time.js'
import {formatMinutes} from './duration.js'

export interface LockInfo {
  pid: number
  host: string
  job: string
  startedAt: string
  runId?: number
}

export interface JobLock {
  info: LockInfo
  path: string
  release(): void
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One run per job at a time: an exclusive lock file `<dir>/<job>.lock` holding the owner's pid and host.
 * A lock left by a process that no longer exists on this host is stale and taken over; a live one is refused (exit 4).
 */
export function acquireJobLock(dir: string, job: string, opts: {maxMinutes?: number; zone?: string} = {}): JobLock {
  mkdirSync(dir, {recursive: true})
  const file = path.join(dir, `${job.replace(/[^\w.-]/g, '_')}.lock`)
  const info: LockInfo = {pid: process.pid, host: os.hostname(), job, startedAt: new Date().toISOString()}
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, JSON.stringify(info))
      closeSync(fd)
      let released = false
      return {
        info,
        path: file,
        release() {
          if (released) return
          released = true
          try {
            const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo
            if (current.pid === info.pid && current.host === info.host) unlinkSync(file)
          } catch {
            // already gone
          }
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let holder: LockInfo | undefined
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo
      } catch {
        holder = undefined // half-written or vanished: treat as stale
      }
      const stale = !holder || (holder.host === info.host && !isProcessAlive(holder.pid))
      if (stale) {
        try {
          unlinkSync(file)
        } catch {
          // someone else removed it first; try again
        }
        continue
      }
      const ageMinutes = (Date.now() - Date.parse(holder!.startedAt)) / 60_000
      const overdue = opts.maxMinutes !== undefined && Number.isFinite(ageMinutes) && ageMinutes > opts.maxMinutes
      // when it started in the plant's zone, labelled (the lock file keeps the UTC instant)
      const zone = plantZone(opts.zone)
      const started = Number.isFinite(Date.parse(holder!.startedAt)) ? `${formatTime(holder!.startedAt, zone)} ${zoneLabel(zone)}` : holder!.startedAt
      const who = {job, pid: holder!.pid, host: holder!.host, started}
      throw new LockedError(
        t('errors.lock.running', who) +
          (Number.isFinite(ageMinutes) ? t('errors.lock.runningFor', {duration: formatMinutes(Math.max(0, ageMinutes))}) : '') +
          (overdue ? t('errors.lock.overdue', {max: formatMinutes(opts.maxMinutes!)}) : ''),
        [overdue ? t('errors.lock.overdueHint', who) : t('errors.lock.waitHint'), t('errors.lock.goneHint', {file})],
      )
    }
  }
  throw new LockedError(t('errors.lock.cannotTake', {job, file}), [t('errors.lock.cannotTakeHint', {file})])
}
