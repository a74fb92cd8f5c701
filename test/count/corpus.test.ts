import {readdirSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/cli/errors.js'
import {readCountWorkbook} from '../../src/lib/count/read-sheets.js'
import {CORPUS_DIR as CORPUS} from '../helpers/corpus.js'

/** Real-world workbooks that are not count sheets: each is refused with a reason (exit 2 in the CLI), never a crash. */
describe('count sheets: robustness over real-world workbooks', () => {
  it('refuses every workbook of the SheetJS corpus with a clear reason', async () => {
    const files = readdirSync(CORPUS).filter((f) => !f.startsWith('.'))
    expect(files.length).toBeGreaterThan(50)
    for (const f of files) {
      const r = await readCountWorkbook(path.join(CORPUS, f), 1).catch((error: Error) => error)
      if (r instanceof Error) {
        expect(r, f).toBeInstanceOf(UsageError)
        expect(r.message).toMatch(/cannot read|legacy Excel|not a readable|is empty|no worksheet/)
      } else {
        expect(r.problems.length, f).toBeGreaterThan(0)
      }
    }
  })
})
