import {closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {LockedError} from '../cli/errors.js'
import {formatMinutes} from './config.js'

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
export function acquireJobLock(dir: string, job: string, opts: {maxMinutes?: number} = {}): JobLock {
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
      throw new LockedError(
        `another "${job}" run is still running (pid ${holder!.pid} on ${holder!.host}, started ${holder!.startedAt})` +
          `${Number.isFinite(ageMinutes) ? `, for ${formatMinutes(Math.max(0, ageMinutes))}` : ''}` +
          (overdue ? `: it has held the lock longer than the maximum run time (${formatMinutes(opts.maxMinutes!)}, runs.maxMinutes) and may be hung` : ''),
        [
          overdue
            ? `Check process ${holder!.pid} on ${holder!.host} (ps -p ${holder!.pid}); if it is hung, stop it (kill ${holder!.pid}): the next run takes the lock over.`
            : 'Wait for it to finish; `plantops runs list` shows it.',
          `If that process is gone on another host, remove the lock file ${file}.`,
        ],
      )
    }
  }
  throw new LockedError(`could not take the lock for "${job}" (${file})`, [`Remove ${file} if no plantops run is active.`])
}
