/**
 * How an output parameter's value is read from the text a step leaves, on every interpreter. Argo's
 * executor drops exactly one trailing newline from an output parameter read from a file (its default
 * too) and from a script's stdout (`outputs.result`), so that `echo 4 > f` gives `4`; a big parameter
 * travels as an artifact, whose bytes are kept as they are.
 */

/**
 * The value an output parameter takes from the text of its file or stdout: one trailing newline dropped
 * (Argo's rule), or the text unchanged for a big parameter (an artifact on Argo).
 *
 * @example
 * ```ts
 * outputValueOf('4\n', false)    // '4'
 * outputValueOf('a\n\n', false)  // 'a\n'
 * outputValueOf('a\n', true)     // 'a\n'
 * ```
 */
export const outputValueOf = (text: string, big: boolean): string => (!big && text.endsWith('\n') ? text.slice(0, -1) : text)

/**
 * The text to write (or to declare as Argo's `valueFrom.default`) so that reading it back with
 * {@link outputValueOf} gives exactly `value`: a value that ends with a newline gets one more, which the
 * reader drops. Used by the function-OP runtime for what a body returns, and for output defaults.
 *
 * @example
 * ```ts
 * outputTextOf('value\n', false) // 'value\n\n' (read back: 'value\n')
 * outputTextOf('42', false)      // '42'
 * outputTextOf('a\n', true)      // 'a\n' (an artifact: read back as it is)
 * ```
 */
export const outputTextOf = (value: string, big: boolean): string => (!big && value.endsWith('\n') ? `${value}\n` : value)
