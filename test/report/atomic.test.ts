import {execFileSync, spawn} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {PlantopsError} from '../../src/lib/cli/errors.js'
import {ExitCode} from '../../src/lib/cli/exit-codes.js'
import {withAtomicFile, writeFileAtomic} from '../../src/lib/report/atomic.js'
import {type Column} from '../../src/lib/report/columns.js'
import {writeCsv} from '../../src/lib/report/csv.js'
import {writeXlsx} from '../../src/lib/report/xlsx.js'
import {RejectSpool, writeRejectsWorkbook} from '../../src/lib/orders/rejects.js'
import {tempDir} from '../helpers/cli.js'

/**
 * The atomic writer (src/lib/report/atomic.ts) and the writers on it: a regular file is replaced by a rename, a
 * symlink is followed (the link stays), a FIFO or device is written straight into, and a file that cannot be written
 * fails as a usage error (exit 2) naming the path and the flag, however it is written (CSV, XLSX, text), instead of
 * an unhandled 'error' event, a defect (exit 70) or a promise that never settles.
 */

type R = {item: string; qty: string}
const columns: Column<R>[] = [
  {key: 'item', header: 'item'},
  {key: 'qty', header: 'qty', kind: 'qty'},
]
const rows: R[] = [
  {item: 'RM-1', qty: '12.5'},
  {item: 'RM-2', qty: '3'},
]
const CSV = 'item,qty\nRM-1,12.5\nRM-2,3\n'

/** Settles within `ms`, or fails the test (a writer that never settles held the orders import's transaction). */
function settles<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** The usage error a write failed with (exit 2), or the test fails on whatever else happened. */
async function usageError(p: Promise<unknown>): Promise<PlantopsError> {
  const error = await settles(p).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the write should have failed').toBeInstanceOf(PlantopsError)
  const e = error as PlantopsError
  expect(e.exitCode).toBe(ExitCode.USAGE)
  return e
}

async function xlsxFirstColumn(file: string): Promise<unknown[]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const ws = wb.worksheets[0]
  const out: unknown[] = []
  ws.eachRow((row) => out.push(row.getCell(1).value))
  return out
}

const hasProc = existsSync('/proc/self')

describe('atomic output files', () => {
  it('a regular file is replaced by a rename: a new file (new inode), the complete content, no temp file left', async () => {
    const dir = tempDir('pt-atomic-')
    const file = path.join(dir, 'report.csv')
    writeFileSync(file, 'old\n')
    const before = statSync(file).ino
    expect(await writeCsv(file, columns, rows, {flag: '--output'})).toBe(2)
    expect(readFileSync(file, 'utf8')).toBe(CSV)
    expect(statSync(file).ino).not.toBe(before)
    expect(readdirSync(dir)).toEqual(['report.csv'])
  })

  it('a symlink to a regular file: the file it points to is replaced (beside it), the link stays a link', async () => {
    const dir = tempDir('pt-atomic-link-')
    mkdirSync(path.join(dir, 'real'))
    mkdirSync(path.join(dir, 'links'))
    const real = path.join(dir, 'real', 'stock.csv')
    writeFileSync(real, 'old\n')
    const link = path.join(dir, 'links', 'out.csv')
    symlinkSync('../real/stock.csv', link)

    await writeCsv(link, columns, rows, {flag: '--output'})
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe('../real/stock.csv')
    expect(readFileSync(real, 'utf8')).toBe(CSV)
    // the temp file went beside the real file (the rename stays in one directory) and is gone
    expect(readdirSync(path.join(dir, 'links'))).toEqual(['out.csv'])
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['stock.csv'])

    // the same through the text and XLSX writers
    await writeFileAtomic(link, '{"ok":true}\n', {flag: '--output'})
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(real, 'utf8')).toBe('{"ok":true}\n')
    const xlsxReal = path.join(dir, 'real', 'stock.xlsx')
    const xlsxLink = path.join(dir, 'links', 'out.xlsx')
    writeFileSync(xlsxReal, 'old')
    symlinkSync(xlsxReal, xlsxLink)
    await writeXlsx(xlsxLink, [{name: 'S', columns, rows}], {flag: '--output'})
    expect(lstatSync(xlsxLink).isSymbolicLink()).toBe(true)
    expect(await xlsxFirstColumn(xlsxReal)).toEqual(['item', 'RM-1', 'RM-2'])
  })

  it('a symlink that points nowhere yet: the file it names is created, the link stays', async () => {
    const dir = tempDir('pt-atomic-dangling-')
    const link = path.join(dir, 'out.csv')
    symlinkSync('target.csv', link)
    await writeCsv(link, columns, rows)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(path.join(dir, 'target.csv'), 'utf8')).toBe(CSV)
    expect(readdirSync(dir).sort()).toEqual(['out.csv', 'target.csv'])
  })

  it('a FIFO is written straight into (a reader gets every row) and stays a FIFO', async () => {
    const dir = tempDir('pt-atomic-fifo-')
    const fifo = path.join(dir, 'out.csv')
    execFileSync('mkfifo', [fifo])
    // the reader is another process: an open for reading blocks until the writer opens the FIFO
    const reader = spawn('cat', [fifo])
    let read = ''
    reader.stdout.setEncoding('utf8').on('data', (d: string) => (read += d))
    const exited = new Promise<number | null>((resolve) => reader.on('close', resolve))
    try {
      expect(await settles(writeCsv(fifo, columns, rows, {flag: '--output'}))).toBe(2)
      expect(await settles(exited)).toBe(0)
    } finally {
      reader.kill('SIGKILL')
    }
    expect(read).toBe(CSV)
    expect(lstatSync(fifo).isFIFO()).toBe(true)
    expect(readdirSync(dir)).toEqual(['out.csv'])
  })

  it('a directory stays an error (exit 2), and is left as it was', async () => {
    const dir = tempDir('pt-atomic-dir-')
    const target = path.join(dir, 'out.csv')
    mkdirSync(target)
    const e = await usageError(writeCsv(target, columns, rows, {flag: '--output'}))
    expect(e.message).toBe(`cannot write ${target} (--output): EISDIR: illegal operation on a directory`)
    expect(statSync(target).isDirectory()).toBe(true)
  })

  it('a directory that cannot exist (a file on the way): exit 2 naming the path, the flag and the reason', async () => {
    const dir = tempDir('pt-atomic-notdir-')
    writeFileSync(path.join(dir, 'file.csv'), 'x')
    const target = path.join(dir, 'file.csv', 'sub', 'out.csv')
    for (const write of [
      () => writeCsv(target, columns, rows, {flag: '--output'}),
      () => writeXlsx(target, [{name: 'S', columns, rows}], {flag: '--output'}),
      () => writeFileAtomic(target, 'x', {flag: '--output'}),
    ]) {
      const e = await usageError(write())
      expect(e.message).toBe(`cannot write ${target} (--output): ENOTDIR: not a directory`)
      expect(e.hints.join('\n')).toContain('--output')
    }
    // another flag is named as given (the orders import's --rejects)
    const e = await usageError(writeXlsx(target, [{name: 'S', columns, rows}], {flag: '--rejects'}))
    expect(e.message).toContain('(--rejects)')
    expect(e.hints.join('\n')).toContain('--rejects')
    expect(e.hints.join('\n')).not.toContain('--output')
  })

  it.runIf(hasProc)('a directory where no file can be created (/proc): exit 2 from every writer, nothing left behind', async () => {
    for (const [target, write] of [
      ['/proc/pt-atomic.csv', (t: string) => writeCsv(t, columns, rows, {flag: '--output'})],
      ['/proc/pt-atomic.xlsx', (t: string) => writeXlsx(t, [{name: 'S', columns, rows}], {flag: '--output'})],
      ['/proc/pt-atomic.json', (t: string) => writeFileAtomic(t, '{}', {flag: '--output'})],
      ['/proc/pt-atomic.txt', (t: string) => withAtomicFile(t, async (tmp) => writeFileSync(tmp, 'x'), {flag: '--output'})],
    ] as const) {
      const e = await usageError(write(target))
      expect(e.message).toBe(`cannot write ${target} (--output): ENOENT: no such file or directory`)
    }
  })

  it('an error of what is written (not of the file) stays what it was, and the old file is kept', async () => {
    const dir = tempDir('pt-atomic-src-')
    const file = path.join(dir, 'out.csv')
    writeFileSync(file, 'old\n')
    async function* failing(): AsyncGenerator<R> {
      yield rows[0]
      throw new Error('source went away')
    }
    await expect(settles(writeCsv(file, columns, failing(), {flag: '--output'}))).rejects.toThrow('source went away')
    await expect(settles(writeXlsx(file, [{name: 'S', columns, rows: failing()}], {flag: '--output'}))).rejects.toThrow('source went away')
    expect(readFileSync(file, 'utf8')).toBe('old\n')
    expect(readdirSync(dir)).toEqual(['out.csv'])
  })
})

describe('the rejects workbook of the orders import', () => {
  it.runIf(hasProc)('cannot be written: settles with exit 2 naming --rejects, and the spool is removed', async () => {
    const spool = new RejectSpool()
    await spool.add({file: 'a.xlsx', sheet: 'S', row: 2, texts: ['SO-1', 'x'], problems: [{field: 'qty', message: 'not a number: "x"', column: 1}]})
    const target = '/proc/pt-rejects.xlsx'
    const e = await usageError(writeRejectsWorkbook(target, ['order_no', 'qty'], spool))
    expect(e.message).toBe(`cannot write ${target} (--rejects): ENOENT: no such file or directory`)
    expect(e.hints.join('\n')).toContain('--rejects')
    await settles(spool.dispose())
  })
})
