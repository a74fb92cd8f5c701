import type {NormalizeConfig} from '../stock/config.js'

/** The internal marker of a NULL lot when NULL and empty lots are configured as different lots. */
export const NULL_LOT = '\u0000'

/**
 * A code normaliser. `asIs`, when present, is a table of 256 bytes: 1 for each byte a code may hold and be returned
 * as it is, by this normaliser and by `looseCode` alike (a reader of raw bytes can then take such a code's bytes as
 * its normal and loose form without making a string).
 */
export interface KeyNormalizer {
  (value: unknown): string
  readonly asIs?: Uint8Array
}

const STRICT_UTF8 = new TextDecoder('utf-8', {fatal: true})

/**
 * Text of a database value (numbers as codes are kept as written). Binary values (VARBINARY, BLOB, binary strings)
 * that are valid UTF-8 read as that text; others as their bytes in hex (`0x42FF`), so two codes that differ only in
 * bytes that are not UTF-8 stay two codes instead of both decoding to `B\uFFFD`.
 */
export function codeText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (value instanceof Uint8Array) {
    try {
      return STRICT_UTF8.decode(value)
    } catch {
      return `0x${Buffer.from(value).toString('hex').toUpperCase()}`
    }
  }
  return String(value)
}
const text = codeText

// ASCII-only strings need neither NFKC nor the Unicode trim beyond \s: a fast path for the common case.
const NON_ASCII = /[^\u0000-\u007f]/

/** A code normaliser for one side: trim, case fold, full-width → half-width (NFKC), as configured. */
export function codeNormalizer(cfg: NormalizeConfig): KeyNormalizer {
  const fold = cfg.caseFold === true || cfg.caseFold === 'upper' ? 'upper' : cfg.caseFold === 'lower' ? 'lower' : null
  const {trim, fullWidth} = cfg
  const normalize = (value: unknown): string => {
    let s = text(value)
    if (fullWidth && NON_ASCII.test(s)) s = s.normalize('NFKC')
    if (trim && s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32 || NON_ASCII.test(s))) s = s.trim()
    if (fold === 'upper') s = s.toUpperCase()
    else if (fold === 'lower') s = s.toLowerCase()
    return s
  }
  return Object.assign(normalize, {asIs: asIsBytes(fold)})
}

/**
 * The bytes of codes returned as they are by a normaliser folding case to `fold` and by `looseCode`: printable ASCII
 * without space (nothing to trim, to width-fold or to strip), without lower case (looseCode upper-cases), and without
 * upper case when the normaliser lower-cases. (Exactly isAlreadyLoose's characters, less upper case for 'lower'.)
 */
function asIsBytes(fold: 'upper' | 'lower' | null): Uint8Array {
  const table = new Uint8Array(256)
  for (let b = 0x21; b <= 0x7e; b++) if (!(b >= 0x61 && b <= 0x7a) && !(fold === 'lower' && b >= 0x41 && b <= 0x5a)) table[b] = 1
  return table
}

/** A lot normaliser: the code normaliser, plus NULL handling (same as empty, or a distinct NULL lot). */
export function lotNormalizer(cfg: NormalizeConfig): KeyNormalizer {
  const code = codeNormalizer(cfg)
  const normalize = (value: unknown): string => {
    if (value === null || value === undefined) return cfg.nullLotIsEmpty ? '' : NULL_LOT
    return code(value)
  }
  // a lot that is text is normalised as a code
  return Object.assign(normalize, {asIs: code.asIs})
}

/** Display form of a lot ('' for the NULL lot). */
export function displayLot(lot: string): string {
  return lot === NULL_LOT ? '' : lot
}

/**
 * Whether s[from, to) is its own loose code for certain: printable ASCII with no white space and no lower-case letter.
 * looseCode's fast path; over a range, without the slice, for the packed cross-reference's entries (stock/compact-map.ts).
 */
export function isAlreadyLoose(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x21 || c > 0x7e || (c > 0x60 && c < 0x7b)) return false
  }
  return true
}

/**
 * The loosest reading of a code: NFKC, upper case, no white space at all. Two codes with the same loose form differ
 * only in case, spaces or full-width characters: the evidence for a `code_format` cause.
 */
export function looseCode(value: unknown): string {
  let s = text(value)
  // the common case: printable ASCII with no white space and no lower-case letter is its own loose form
  if (isAlreadyLoose(s, 0, s.length)) return s
  if (NON_ASCII.test(s)) s = s.normalize('NFKC')
  return s.replace(/\s+/g, '').toUpperCase()
}
