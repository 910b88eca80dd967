import { isRight } from 'fp-ts/lib/Either.js'
import * as io from 'io-ts'
import { decodeParam, type Codec } from '../codec.ts'

/**
 * The codec of a fan-out's aggregated output: a list of the element codec's values, each given either as a
 * value or as its wire string (Argo aggregates output parameters as JSON lists of strings).
 *
 * @example
 * ```ts
 * decodeParam(listOf(t.number), '["1","2"]') // { ok: true, value: [1, 2] }
 * decodeParam(listOf(t.number), '[1,2]')     // { ok: true, value: [1, 2] }
 * ```
 */
export const listOf = <A>(codec: Codec<A>): Codec<A[]> =>
  new io.Type<A[], unknown, unknown>(
    `Array<${codec.name}>`,
    (u): u is A[] => Array.isArray(u) && u.every((x) => codec.is(x)),
    (u, c) => {
      if (!Array.isArray(u)) return io.failure(u, c, 'not a list')
      const out: A[] = []
      for (const x of u) {
        const direct = codec.decode(x)
        if (isRight(direct)) {
          out.push(direct.right)
          continue
        }
        const viaWire = typeof x === 'string' ? decodeParam(codec, x) : undefined
        if (!viaWire?.ok) return io.failure(u, c, `an element is not a ${codec.name}`)
        out.push(viaWire.value)
      }
      return io.success(out)
    },
    (a) => a.map((x) => codec.encode(x)),
  )
