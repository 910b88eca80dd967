import { codecsCompatible } from '../codec.ts'
import type { IoSpec } from '../io.ts'
import type { Node, Subflow } from '../node.ts'
import { refsOf, specOfRef, type RefsOf } from '../refs.ts'
import { exposedRef, type Exposable } from './output-choice.ts'
import type { SpecsOfRefs, SubflowBody } from '../subflow.ts'

/** The fields of {@link recurse}: those of `subflow`, with a body that also receives the template itself. @example recurse({ name: 'loop', inputs: { n: param(t.number) }, body: ({ n }, self) => … }) */
export interface RecurseFields<I extends IoSpec, O extends IoSpec, R extends Readonly<Record<string, Exposable>>> {
  readonly name: string
  readonly inputs?: I
  /**
   * The outputs, declared before the body is built, so that the body reads the outputs of its own recursive
   * calls (`step('fib-1', self, { n }).outputs.fib`); the body must then expose exactly these, with fitting codecs.
   */
  readonly outputs?: O
  /** Builds the body from the inputs and the template being defined (call it with `step` to recurse). */
  readonly body: (inputs: RefsOf<I>, self: Subflow<I, O>) => Node | SubflowBody<R>
  readonly parallelism?: number
}

/** Checks that a body exposes exactly the declared outputs, each of the declared kind and a fitting codec. */
const checkDeclared = (name: string, declared: IoSpec, exposed: Readonly<Record<string, Exposable>>): void => {
  const want = Object.keys(declared).sort().join(', ')
  const got = Object.keys(exposed).sort().join(', ')
  if (want !== got) throw new TypeError(`recurse "${name}": the body exposes outputs (${got || 'none'}) other than those declared (${want})`)
  for (const [k, spec] of Object.entries(declared)) {
    const r = exposedRef(exposed[k]!)
    const ok = spec._tag === 'Param' ? r._tag === 'ParamRef' && codecsCompatible(r.codec, spec.codec) : r._tag === 'ArtifactRef'
    if (!ok) throw new TypeError(`recurse "${name}": output "${k}" is declared ${spec._tag === 'Param' ? `a ${spec.codec.name} parameter` : 'an artifact'} but the body exposes ${r._tag === 'ParamRef' ? `a ${r.codec.name} parameter` : 'an artifact'}`)
  }
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && ['Step', 'Seq', 'Par', 'Dag', 'When', 'ForEach'].includes((v as Node)._tag)

/**
 * A sub-workflow that calls itself: its body receives the template being defined, to call with `step`
 * (under a `when` that eventually stops it). To read the outputs of its own recursive calls, declare them in
 * `outputs` (the body must expose exactly those); without, they are what the body exposes, known only once it
 * is built, so the recursive calls' outputs are not visible to the body. Locally, recursion deeper than
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
 *
 * const fib = recurse({
 *   name: 'fibonacci',
 *   inputs: { num: param(t.number) },
 *   outputs: { fib: param(t.number) },
 *   body: ({ num }, self) => {
 *     const one = step('fib-sub-1', self, { num: expr`${num} - 1` })
 *     const two = step('fib-sub-2', self, { num: expr`${num} - 2` })
 *     const add = step('add', plus, { a: one.outputs.fib, b: two.outputs.fib }) // the recursive calls' outputs
 *     // … exposed as { fib: ifExpr(expr`${num} <= 2`, base.outputs.result, add.outputs.result) }
 *   },
 * })
 * ```
 */
export const recurse = <I extends IoSpec = {}, R extends Readonly<Record<string, Exposable>> = {}, O extends IoSpec = {}>(
  fields: RecurseFields<I, O, R>,
): Subflow<I, {} extends O ? SpecsOfRefs<R> : O> => {
  const inputs = (fields.inputs ?? {}) as I
  // The one mutable moment: the template must exist before its body can call it; it is frozen below.
  const self: { -readonly [K in keyof Subflow<I, any>]: Subflow<I, any>[K] } = {
    _tag: 'Subflow',
    name: fields.name,
    inputs,
    outputs: fields.outputs ?? {},
    exposes: {},
    body: { _tag: 'Seq', children: [] },
    ...(fields.parallelism !== undefined ? { parallelism: fields.parallelism } : {}),
  }
  const built = fields.body(refsOf(inputs, { kind: 'input' }), self as Subflow<I, O>)
  const { run, outputs } = isNode(built) ? { run: built, outputs: {} as R } : { run: built.run, outputs: built.outputs ?? ({} as R) }
  self.body = run
  if (fields.outputs) checkDeclared(fields.name, fields.outputs, outputs)
  else self.outputs = Object.freeze(Object.fromEntries(Object.entries(outputs).map(([k, r]) => [k, specOfRef(exposedRef(r))])))
  self.exposes = Object.freeze({ ...outputs })
  return Object.freeze(self) as Subflow<I, {} extends O ? SpecsOfRefs<R> : O>
}

/** How deep recursive calls may nest in the local interpreter. @example MAX_DEPTH // 100 */
export const MAX_DEPTH = 100
