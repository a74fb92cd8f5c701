import {existsSync} from 'node:fs'
import path from 'node:path'

import {repoRoot} from './cli.js'

/**
 * The real-world workbooks of shared/corpus (SheetJS test files): beside the clone (CI: a fresh clone with shared/
 * beside it), or /work/shared. Missing is a failure, not a skip: a robustness test that silently does not run is a defect.
 */
const candidates = [path.resolve(repoRoot, '..', 'shared', 'corpus', 'sheetjs-xlsx'), '/work/shared/corpus/sheetjs-xlsx']

export const CORPUS_DIR = candidates.find((c) => existsSync(c)) ?? candidates[0]

export function corpusFile(name: string): string {
  const file = path.join(CORPUS_DIR, name)
  if (!existsSync(file)) throw new Error(`test corpus file not found: ${file} (expected shared/corpus beside the repository or /work/shared)`)
  return file
}
