import { t, type Codec } from '../codec.ts'
import type { IoSpec, ParamSpec } from '../io.ts'
import type { ForEach, Node, Step, SuccessThreshold, Template } from '../node.ts'
import { DflowError, problem } from '../problem.ts'
import { isRef, type ArtifactRef, type ParamRef } from '../refs.ts'
import { bindItems, codecOfValues, loopItem, withFieldCodecs, type ItemRef } from './item.ts'
import { listOf } from './list-codec.ts'
import type { ForEachSource, Sequence } from './source.ts'

/** The outputs of a fan-out: every parameter becomes a list in item order. @example fan.outputs.num // ParamRef<number[]> */
export type ListRefsOf<S extends IoSpec> = {
  readonly [K in keyof S]: S[K] extends ParamSpec<infer A, boolean> ? ParamRef<A[]> : ArtifactRef
}

/** A step that runs once per item; its outputs are lists. @example const f: FanOut<typeof echo> = forEach(['a'], (i) => step('e', echo, { m: i })) */
export type FanOut<T extends Template> = Step<T, ListRefsOf<T['outputs']>>

/** A sequence to iterate over; its items are strings, as in Argo (`"0"`, `"1"`, … or formatted). @example const s: SequenceOver<string> = sequence({ count: 3 }) */
export interface SequenceOver<A> {
  readonly _tag: 'Sequence'
  readonly sequence: Sequence
  /** Phantom: the item's type. */
  readonly _item?: A
}

/**
 * Builds a sequence for {@link forEach}: its items are strings, as Argo gives them (`"5"`, `"4"`, … or
 * formatted by `format`).
 *
 * @example
 * ```ts
 * sequence({ start: 5, end: 0 })               // "5" "4" "3" "2" "1" "0"
 * sequence({ count: 2, format: 'user%02X' })   // "user00" "user01"
 * ```
 */
export const sequence = (s: Sequence): SequenceOver<string> => Object.freeze({ _tag: 'Sequence' as const, sequence: Object.freeze({ ...s }) })

type Over<A> = readonly A[] | ParamRef<readonly A[]> | ParamRef<A[]> | SequenceOver<A>

/** Whether a literal item is, or holds, a reference (which a literal list cannot carry). @example holdsRef({ a: gen.outputs.result }) // true */
export const holdsRef = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (isRef(v) || Object.values(v as Record<string, unknown>).some(holdsRef))

/** Whether a fan-out's list is a reference (a JSON list at run time). @example isRefOver(gen.outputs.result) // true */
export const isRefOver = (v: unknown): v is ParamRef<readonly unknown[]> => typeof v === 'object' && v !== null && (v as { _tag?: string })._tag === 'ParamRef'

/** The codec of a list codec's elements (`t.unknown` when it cannot tell). @example elementCodec(t.array(t.number)) // t.number */
export const elementCodec = (c: Codec<any>): Codec<any> => (c as { type?: Codec<any> }).type ?? (c as { _elem?: Codec<any> })._elem ?? t.unknown

/**
 * Fans a step out: one call per item of a literal list, of a list-valued reference (a previous step's JSON
 * output), or of a sequence. The body receives the item as a typed reference (`field(item, 'k')` for
 * objects). The resulting step's outputs are lists in item order (of the calls that succeeded). Calls are
 * named `name(0)`, `name(1)`, … in the run (Argo's naming). To bound how many run at once, put the fan-out
 * in a `subflow` with `parallelism` (Argo's template-level parallelism). A body that is another `forEach`, or
 * any composite node, needs a `name`; with a name, any body makes a {@link ForEach} node, whose calls are
 * `name(0)`, … . Every call runs to its end; the fan-out fails if one does, or, with a success threshold in
 * the options, if fewer succeeded than it asks.
 *
 * @example
 * ```ts
 * forEach(['hello world', 'goodbye world'], (item) => step('print', echo, { message: item }))
 * forEach(gen.outputs.result, (item) => step('sleep', sleeper, { seconds: item }))
 * forEach(sequence({ count: 5, format: 'user%02X' }), (item) => step('echo', echo, { message: item }))
 * // Argo: withItems / withParam / withSequence on the step
 * forEach(sequence({ count: 5 }), (i) => step('hello', hello, { i }), { continueOnSuccessRatio: 0.6 })
 * // succeeds when 3 of the 5 calls do (dflow's continue_on_success_ratio; or continueOnNumSuccess)
 * forEach(['a', 'b'], (item) => seq(step('x', t1, { m: item }), step('y', t2)), { name: 'per-item' })
 * // a composite body: calls per-item(0), per-item(1); Argo: a generated template called with withItems
 * forEach(['a', 'b'], (x) => forEach(['1', '2', '3'], (y) => step('s', echo2, { x, y })), { name: 'outer' })
 * // nested loops: the full product, 6 calls outer(0).s(0) … outer(1).s(2); each body reads its own item and the outer ones
 * ```
 */
export function forEach<A, T extends Template>(over: Over<A>, body: (item: ItemRef<A>) => Step<T>, options?: SuccessThreshold): FanOut<T>
export function forEach<A>(over: Over<A>, body: (item: ItemRef<A>) => Node, options: { readonly name: string }): ForEach
export function forEach<A>(over: Over<A>, body: (item: ItemRef<A>) => Node, options?: { readonly name?: string } & SuccessThreshold): Node {
  let source: ForEachSource
  let item: ItemRef<any>
  // The item references this call makes are named after its loop once the body is built (see bindItems).
  const token = {}
  if (Array.isArray(over)) {
    const items = over as readonly unknown[]
    const at = items.findIndex(holdsRef)
    if (at >= 0)
      throw new DflowError([
        problem(['forEach', String(at)], 'a literal list of items cannot hold references', 'fan out over a list-valued reference instead (a step output or an input declared as a list)'),
      ])
    source = { _tag: 'Items', items: Object.freeze([...items]) }
    item = loopItem(codecOfValues(items), token)
    if (items.length && items.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) {
      const keys = [...new Set(items.flatMap((x) => Object.keys(x as object)))]
      item = withFieldCodecs(item, Object.fromEntries(keys.map((k) => [k, codecOfValues(items.map((x) => (x as Record<string, unknown>)[k]))])))
    }
  } else if (isRefOver(over)) {
    source = { _tag: 'ItemsFrom', ref: over as ParamRef<readonly unknown[]> }
    item = loopItem(elementCodec(over.codec), token)
  } else {
    const s = over as { readonly sequence: Sequence }
    source = { _tag: 'Sequence', sequence: s.sequence }
    item = loopItem(t.string, token)
  }
  return fanOut(source, token, body(item as ItemRef<A>), options)
}

/**
 * The node a fan-out over `source` makes from the body its call built (`token`: the call's item token): one
 * step with a `forEach` field and list outputs, or — for a composite body, a nested fan-out, or a name — a
 * {@link ForEach} node. Shared by {@link forEach} and `slice`.
 *
 * @example
 * ```ts
 * fanOut({ _tag: 'Items', items: ['a'] }, token, step('print', echo, { message: item }), undefined)
 * ```
 */
export const fanOut = (source: ForEachSource, token: object, inner: Node, options: ({ readonly name?: string } & SuccessThreshold) | undefined): Node => {
  const { name: _name, ...given } = options ?? {}
  const threshold = Object.values(given).some((v) => v !== undefined) ? Object.freeze(given) : undefined
  // A body that is not one plain step (a composite node, or another fan-out), or a name, makes a ForEach node.
  if (inner._tag !== 'Step' || inner.forEach !== undefined || options?.name !== undefined) {
    if (threshold) throw new DflowError([problem(['forEach'], 'a success threshold applies to a fan-out of one step', 'put the body in a subflow and fan out a step calling it')])
    if (!options?.name) {
      const what = inner._tag === 'Step' ? 'whose body is another forEach' : 'over a composite body'
      throw new DflowError([problem(['forEach'], `a forEach ${what} needs a name`, "forEach(items, (item) => …, { name: 'per-item' }): its calls are per-item(0), per-item(1), …")])
    }
    return Object.freeze({ _tag: 'ForEach' as const, name: options.name, source: Object.freeze(source), body: bindItems(inner, token, options.name) })
  }
  const bound = bindItems(inner, token, inner.name) as Step
  const outputs = Object.freeze(
    Object.fromEntries(
      Object.entries(inner.outputs as Record<string, ParamRef | ArtifactRef>).map(([k, r]) => [k, r._tag === 'ParamRef' ? Object.freeze({ ...r, codec: listOf(r.codec) }) : r]),
    ),
  )
  return Object.freeze({
    ...bound,
    forEach: Object.freeze(source),
    ...(threshold ? { threshold } : {}),
    outputs,
  }) as unknown as Node
}
