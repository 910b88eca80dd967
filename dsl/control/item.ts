import { t, type Codec } from '../codec.ts'
import type { ParamRef } from '../refs.ts'

/**
 * The current item of a `forEach`, as a typed reference; `field(item, 'image')` reads a field of an
 * object item (Argo's `{{item.image}}`).
 *
 * @example
 * ```ts
 * forEach(['a', 'b'], (item) => step('print', echo, { message: item })) // item: ParamRef<string>
 * ```
 */
export type ItemRef<A> = ParamRef<A>

/** A reference to the item (or a field of it) with a codec. @example itemRef(t.string) */
export const itemRef = <A>(codec: Codec<A>, path: readonly string[] = []): ItemRef<A> =>
  Object.freeze({ _tag: 'ParamRef' as const, source: Object.freeze({ kind: 'item' as const, path: Object.freeze([...path]) }), name: path.length ? path.join('.') : 'item', codec })

/** The codec that describes every value of a list, as well as the names can tell. @example codecOfValues([1, 2]) // t.number */
export const codecOfValues = (values: readonly unknown[]): Codec<any> => {
  const kinds = new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)))
  if (kinds.size !== 1) return t.unknown
  const [k] = kinds
  return k === 'string' ? t.string : k === 'number' ? t.number : k === 'boolean' ? t.boolean : t.unknown
}

const fieldCodecs = new WeakMap<object, Readonly<Record<string, Codec<any>>>>()

/** Remembers what the fields of an item hold (for literal lists of objects). @example withFieldCodecs(item, { image: t.string }) */
export const withFieldCodecs = <A>(item: ItemRef<A>, codecs: Readonly<Record<string, Codec<any>>>): ItemRef<A> => {
  fieldCodecs.set(item, codecs)
  return item
}

/**
 * A field of an object item: a reference typed by the item's type.
 *
 * @example
 * ```ts
 * forEach([{ image: 'debian', tag: '9.1' }], (item) => step('cat', osRelease, { image: field(item, 'image'), tag: field(item, 'tag') }))
 * ```
 */
export const field = <A, K extends keyof A & string>(item: ItemRef<A>, key: K): ItemRef<A[K]> => {
  if (item.source.kind !== 'item') throw new TypeError('field() takes the item of a forEach')
  const props = (item.codec as { props?: Record<string, Codec<any>> }).props
  const codec = props?.[key] ?? fieldCodecs.get(item)?.[key] ?? t.unknown
  return itemRef(codec as Codec<A[K]>, [...item.source.path, key])
}
