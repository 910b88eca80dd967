import type { IoSpec } from '../io.ts'
import type { Node, Subflow } from '../node.ts'
import { refsOf, specOfRef, type RefsOf } from '../refs.ts'
import { exposedRef, type Exposable } from './output-choice.ts'
import type { SpecsOfRefs, SubflowBody } from '../subflow.ts'

/** The fields of {@link recurse}: those of `subflow`, with a body that also receives the template itself. @example recurse({ name: 'loop', inputs: { n: param(t.number) }, body: ({ n }, self) => … }) */
export interface RecurseFields<I extends IoSpec, R extends Readonly<Record<string, Exposable>>> {
  readonly name: string
  readonly inputs?: I
  /** Builds the body from the inputs and the template being defined (call it with `step` to recurse). */
  readonly body: (inputs: RefsOf<I>, self: Subflow<I, {}>) => Node | SubflowBody<R>
  readonly parallelism?: number
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && ['Step', 'Seq', 'Par', 'Dag', 'When', 'ForEach'].includes((v as Node)._tag)

/**
 * A sub-workflow that calls itself: its body receives the template being defined, to call with `step`
 * (under a `when` that eventually stops it). The recursive calls' own outputs are not visible to the body
 * (the template's outputs are only known once the body is built). Locally, recursion deeper than
 * `MAX_DEPTH` (100) nested calls fails the step with a clear error; Argo applies its own limit.
 *
 * @example
 * ```ts
 * const loop = recurse({
 *   name: 'loop',
 *   inputs: { counter: param(t.number), limit: param(t.number) },
 *   body: ({ counter, limit }, self) => {
 *     const it = step('iterate-counter', inc, { counter })
 *     return seq(it, when(expr`${it.outputs.result} < ${limit}`, step('continue', self, { counter: it.outputs.result, limit })))
 *   },
 * })
 * // Argo: the steps template `loop` whose step `continue` calls `loop`
 * ```
 */
export const recurse = <I extends IoSpec = {}, R extends Readonly<Record<string, Exposable>> = {}>(fields: RecurseFields<I, R>): Subflow<I, SpecsOfRefs<R>> => {
  const inputs = (fields.inputs ?? {}) as I
  // The one mutable moment: the template must exist before its body can call it; it is frozen below.
  const self: { -readonly [K in keyof Subflow<I, any>]: Subflow<I, any>[K] } = {
    _tag: 'Subflow',
    name: fields.name,
    inputs,
    outputs: {},
    exposes: {},
    body: { _tag: 'Seq', children: [] },
    ...(fields.parallelism !== undefined ? { parallelism: fields.parallelism } : {}),
  }
  const built = fields.body(refsOf(inputs, { kind: 'input' }), self as Subflow<I, {}>)
  const { run, outputs } = isNode(built) ? { run: built, outputs: {} as R } : { run: built.run, outputs: built.outputs ?? ({} as R) }
  self.body = run
  self.outputs = Object.freeze(Object.fromEntries(Object.entries(outputs).map(([k, r]) => [k, specOfRef(exposedRef(r))])))
  self.exposes = Object.freeze({ ...outputs })
  return Object.freeze(self) as Subflow<I, SpecsOfRefs<R>>
}

/** How deep recursive calls may nest in the local interpreter. @example MAX_DEPTH // 100 */
export const MAX_DEPTH = 100
