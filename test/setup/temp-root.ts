import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Every temporary file of a test run (the tests' own directories, the built CLI's spills, the demo plants) under one
 * directory of this run, removed when the run ends: the test workers and the processes they start inherit TMPDIR,
 * which os.tmpdir() reads. Without it each run left some 500 directories in /tmp.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'plantops-test-run-'))
  const before = process.env.TMPDIR
  process.env.TMPDIR = root
  return () => {
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
    rmSync(root, {recursive: true, force: true})
  }
}
