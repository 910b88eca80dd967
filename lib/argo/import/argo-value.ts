import * as io from 'io-ts'

/**
 * The codec of a value Argo substitutes into a govaluate condition: Argo pastes the text in, then govaluate's
 * lexer reads it — digits as a number, `true`/`false` as a boolean, any other word as a string (Argo turns
 * govaluate's variables into strings: `shouldExecute` in workflow/controller/operator.go). Its static type is
 * unknown (`any`), so the comparison's meaning is decided by the value, as on Argo.
 *
 * @example
 * ```ts
 * argoValue.decode('5')     // Right(5)
 * argoValue.decode('heads') // Right('heads')
 * ```
 */
export const argoValue: io.Type<string | number | boolean, string, unknown> = new io.Type<string | number | boolean, string, unknown>(
  'ArgoValue',
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
