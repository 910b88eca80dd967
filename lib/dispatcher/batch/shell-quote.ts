/**
 * Quotes a string as one POSIX shell word (single quotes; a `'` becomes `'\''`).
 *
 * @example
 * ```ts
 * shellQuote("it's") // "'it'\\''s'"
 * shellQuote('plain-word_1') // 'plain-word_1'
 * ```
 */
export const shellQuote = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
