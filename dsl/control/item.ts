import { t, type Codec } from '../codec.ts'
import type { Node } from '../node.ts'
import type { ArtifactRef, ParamRef, Ref } from '../refs.ts'
import { mapRefs } from './map-refs.ts'

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

/** A reference to the item (or a field of it) with a codec; of the loop named `loop`, else of the innermost one. @example itemRef(t.string) */
export const itemRef = <A>(codec: Codec<A>, path: readonly string[] = [], loop?: string): ItemRef<A> =>
  Object.freeze({
    _tag: 'ParamRef' as const,
    source: Object.freeze({ kind: 'item' as const, path: Object.freeze([...path]), ...(loop !== undefined ? { loop } : {}) }),
    name: path.length ? path.join('.') : 'item',
    codec,
  })

/** The `forEach` call that made an item reference (a token of that call), for the references built from it. */
const madeBy = new WeakMap<object, object>()

/**
 * The item a `forEach` call hands to its body: a reference remembered as made by that call (`token`), so
 * that {@link bindItems} can name its loop once the body is built.
 *
 * @example
 * ```ts
 * const token = {}
 * const item = loopItem(t.string, token)
 * ```
 */
export const loopItem = <A>(codec: Codec<A>, token: object): ItemRef<A> => {
  const r = itemRef(codec)
  madeBy.set(r, token)
  return r
}

/**
 * Names the loop of the item references a `forEach` call made (its `token`) in the body it built: they
 * become references to the item of the loop `loop`, so that an inner loop's body can read both its own
 * item and an outer one's.
 *
 * @example
 * ```ts
 * bindItems(step('s', echo2, { x, y }), tokenOfX, 'outer') // args.x.source: { kind: 'item', path: [], loop: 'outer' }
 * ```
 */
export const bindItems = (n: Node, token: object, loop: string): Node =>
  mapRefs(n, (r: Ref) => (madeBy.get(r) === token ? Object.freeze({ ...r, source: Object.freeze({ ...r.source, loop }) }) : r))

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
  const r = itemRef(codec as Codec<A[K]>, [...item.source.path, key], item.source.loop)
  const token = madeBy.get(item)
  if (token) madeBy.set(r, token)
  return r
}

/**
 * A slice's part of a list artifact: an artifact reference whose source is the item field `key` (the part's
 * path in the artifact, from its catalog) and whose `list` is the sliced artifact; made by the same `forEach`
 * call as `item`, so that {@link bindItems} names its loop.
 *
 * @example
 * ```ts
 * partOf(item, 'foo', prep.outputs.foo) // { _tag: 'ArtifactRef', source: { kind: 'item', path: ['foo'] }, name: 'foo', list: prep.outputs.foo }
 * ```
 */
export const partOf = (item: ItemRef<Record<string, unknown>>, key: string, list: ArtifactRef): ArtifactRef => {
  const f = field(item, key)
  const r: ArtifactRef = Object.freeze({ _tag: 'ArtifactRef' as const, source: f.source, name: f.name, list })
  const token = madeBy.get(item)
  if (token) madeBy.set(r, token)
  return r
}
