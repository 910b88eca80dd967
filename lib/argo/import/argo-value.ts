import * as io from 'io-ts'

/**
 * The codec of a value Argo substitutes into a govaluate condition: Argo pastes the text in, then govaluate's
 * lexer reads it — digits as a number, `true`/`false` as a boolean, any other word as a string (Argo turns
 * govaluate's variables into strings: `shouldExecute` in workflow/controller/operator.go). Its name, `string`,
 * gives it the static type of what Argo pastes, and makes the local evaluator read it through this codec
 * (it reads an `any` variable as JSON); compared with a number literal, it is read as a number (see `govaluate`).
 *
 * @example
 * ```ts
 * argoValue.decode('5')     // Right(5)
 * argoValue.decode('heads') // Right('heads')
 * ```
 */
export const argoValue: io.Type<string | number | boolean, string, unknown> = new io.Type<string | number | boolean, string, unknown>(
  'string',
  (u): u is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof u),
  (u, c) => {
    if (typeof u !== 'string') return io.failure(u, c, 'expected a string on the wire')
    const s = u.trim()
    if (/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s)) return io.success(Number(s))
    if (s === 'true' || s === 'false') return io.success(s === 'true')
    return io.success(u)
  },
  (a) => String(a),
)
