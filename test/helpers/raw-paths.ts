import {expect} from 'vitest'

import type {RawRowSink, Reader} from '../../src/lib/sources/source.js'

/** How rows reached a raw read's sink: as raw rows, or as arrays of values (the fall-back). */
export interface RowsSeen {
  raw: number
  values: number
}

/** A reader that counts, in `seen`, how the rows of its raw reads reached the sink (methods forwarded one by one: a Source's live on its prototype). */
export function countingReader(reader: Reader, seen: RowsSeen): Reader {
  return {
    query: (sql, b) => reader.query(sql, b),
    stream: (sql, b) => reader.stream(sql, b),
    streamBatches: (sql, b, o) => reader.streamBatches(sql, b, o),
    eachRow: reader.eachRow ? (sql, b, fn, o) => reader.eachRow!(sql, b, fn, o) : undefined,
    eachRawRow: (sql, b, sink: RawRowSink, o) =>
      reader.eachRawRow!(sql, b, {
        start: (k) => sink.start(k),
        raw: (r) => {
          seen.raw++
          sink.raw(r)
        },
        row: (v) => {
          seen.values++
          sink.row(v)
        },
      }, o),
  }
}

/**
 * A read done both ways (`old`: the value path, `raw`: the raw path) gave the same error and the same spill bytes per
 * partition, and the raw path really read raw (or, `expectRaw` false, fell back to values for every row).
 */
export function expectSameSpill(old: RowsSeen & {error?: string; bytes: string[]}, raw: RowsSeen & {error?: string; bytes: string[]}, expectRaw: boolean): void {
  expect(old.raw).toBe(0)
  expect(raw.error).toBe(old.error)
  expect(raw.bytes.join('')).toBe(old.bytes.join(''))
  expect(raw.bytes).toEqual(old.bytes)
  if (expectRaw) {
    expect(raw.raw).toBeGreaterThan(0)
    expect(raw.values).toBe(0)
  } else expect(raw.raw).toBe(0)
}
