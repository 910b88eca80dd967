import * as t from 'io-ts'
import { isRight } from 'fp-ts/lib/Either.js'

/**
 * A codec for parameter values: any io-ts type whose input is `unknown`.
 *
 * @example
 * ```ts
 * import { t } from 'dflow-ts'
 * const n: Codec<number> = t.number
 * ```
 */
export type Codec<A> = t.Type<A, unknown, unknown>

/**
 * Encodes a parameter value to its wire form (Argo carries parameters as strings): a string stays as it
 * is; anything else becomes the JSON of `codec.encode(value)`.
 *
 * @example
 * ```ts
 * encodeParam(t.number, 4)            // '4'
 * encodeParam(t.string, 'hi')         // 'hi'
 * encodeParam(t.array(t.number), [1]) // '[1]'
 * ```
 */
export const encodeParam = <A>(codec: Codec<A>, value: A): string => {
  const encoded = codec.encode(value)
  return typeof encoded === 'string' ? encoded : JSON.stringify(encoded)
}

/**
 * The result of decoding a wire string: the value, or why it does not fit.
 *
 * @example
 * ```ts
 * const d: Decoded<number> = decodeParam(t.number, '4')  // { ok: true, value: 4 }
 * ```
 */
export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

/** A JSON value whose strings that are themselves non-string JSON (wire strings) are read as such, inside lists and objects. */
const unwire = (v: unknown): unknown => {
  if (typeof v === 'string') {
    try {
      const p: unknown = JSON.parse(v)
      return typeof p === 'string' ? v : p
    } catch {
      return v
    }
  }
  if (Array.isArray(v)) return v.map(unwire)
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwire(x)]))
  return v
}

/**
 * Whether every number in a JSON value is finite (JSON.parse reads `1e400` as Infinity).
 *
 * @example
 * ```ts
 * finite([1, { a: 2 }])      // true
 * finite(JSON.parse('1e400')) // false
 * ```
 */
export const finite = (v: unknown): boolean =>
  typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) ? v.every(finite) : typeof v === 'object' && v !== null ? Object.values(v).every(finite) : true

/**
 * Decodes a wire string with a codec. A non-string JSON reading is tried first (`"4"` is the number 4
 * for `t.number`); then the same with wire strings inside it read as JSON (`'["1","4"]'`, a fan-out's
 * outputs as Argo aggregates them, is `[1, 4]` for `t.array(t.number)`); if the codec rejects both, the
 * raw string is tried (`"4"` stays `'4'` for `t.string`, and `'"x"'` keeps its quotes). A failure says
 * what was expected and what was seen. A number out of range (`1e400`, which JSON reads as Infinity) is not
 * a number: only the raw reading (a string) may take it.
 *
 * @example
 * ```ts
 * decodeParam(t.number, '4')    // { ok: true, value: 4 }
 * decodeParam(t.string, '4')    // { ok: true, value: '4' }
 * decodeParam(t.array(t.number), '["1","4"]') // { ok: true, value: [1, 4] }
 * decodeParam(t.number, 'four') // { ok: false, message: 'expected number, got "four"' }
 * decodeParam(t.number, '1e400') // { ok: false, message: 'expected number, got "1e400" (not a finite number)' }
 * ```
 */
export const decodeParam = <A>(codec: Codec<A>, wire: string): Decoded<A> => {
  // what every reading below comes to for t.string (a non-string JSON reading never decodes), without the
  // failed decodes' error objects or a JSON parse's exception: the wire as it is
  if ((codec as Codec<unknown>) === t.string) return { ok: true, value: wire as A }
  let parsed: unknown
  let isJson = false
  try {
    parsed = JSON.parse(wire)
    isJson = typeof parsed !== 'string'
  } catch {
    /* not JSON: only the raw reading remains */
  }
  // JSON reads a number out of range (1e400) as Infinity, which no wire string can carry back: not a number.
  const outOfRange = isJson && !finite(parsed)
  if (isJson && !outOfRange) {
    const r = codec.decode(parsed)
    if (isRight(r)) return { ok: true, value: r.right }
    // Argo aggregates a fan-out's outputs as a list of wire strings (["1","4"]): read those too.
    const u = codec.decode(unwire(parsed))
    if (isRight(u)) return { ok: true, value: u.right }
  }
  const raw = codec.decode(wire)
  if (isRight(raw)) return { ok: true, value: raw.right }
  const shown = wire.length > 80 ? `${wire.slice(0, 77)}...` : wire
  return { ok: false, message: `expected ${codec.name}, got ${JSON.stringify(shown)}${outOfRange ? ' (not a finite number)' : ''}` }
}

/**
 * Whether a value produced under codec `from` may feed an input declared with codec `to`. io-ts codecs
 * carry no structural type at run time, so this compares their names; `unknown` accepts anything.
 * TypeScript catches most mismatches first; this catches the ones that went through `any`.
 *
 * @example
 * ```ts
 * codecsCompatible(t.number, t.number) // true
 * codecsCompatible(t.number, t.string) // false
 * ```
 */
export const codecsCompatible = (from: Codec<any>, to: Codec<any>): boolean =>
  from.name === to.name || to.name === 'unknown' || from.name === 'unknown'

/**
 * io-ts, re-exported: the codecs that declare parameter types (`t.number`, `t.array(t.string)`, `t.type({ … })`).
 *
 * @example
 * ```ts
 * import { param, t } from 'dflow-ts'
 * const n = param(t.number, { default: 5 })
 * ```
 */
export { t }
