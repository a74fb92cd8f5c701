import type {Spill} from '../stock/spill.js'
import {compareFindings, type JobFinding} from './job-types.js'
import {mergeSortedLines} from './sorted-merge.js'

/** A job's sorted partition outputs (JSON lines of `kind`, or of several: one per reconciling thread) merged into one stream in key order. */
export function mergeSortedFindings(spill: Spill, kind: string | string[]): Generator<JobFinding> {
  return mergeSortedLines<JobFinding>(spill, kind, compareFindings)
}
