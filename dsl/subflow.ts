import type { ArtifactSpec, IoSpec, ParamSpec } from './io.ts'
import type { Node, Subflow } from './node.ts'
import type { Retry } from './retry.ts'
import { refsOf, specOfRef, type ArtifactRef, type ParamRef, type RefsOf } from './refs.ts'
import { exposedRef, type Exposable, type OutputChoice } from './control/output-choice.ts'
import { exprOutput, type OutputExpr } from './control/output-expr.ts'
import { isExpr, type Expr } from './expr/ast.ts'

/**
 * What a sub-workflow body may expose as an output: an {@link Exposable}, or an expression over its steps'
 * outputs (`` expr`…` ``, `ex.*`), which becomes an output of the type the expression has
 * (`exprOutput(e)`; `exprOutput(e, codec)` names the type, statically too).
 *
 * @example const o: Exposes = expr`${producer.outputs.msg} ?? "fallback"`
 */
export type Exposes = Exposable | Expr

/**
 * The outputs a sub-workflow declares for the references it exposes (an expression's output is a parameter,
 * of its codec's type when given by `exprOutput`, else `unknown`).
 *
 * @example
 * ```ts
 * type O = SpecsOfRefs<{ n: ParamRef<number>; data: ArtifactRef }>
 * // { readonly n: ParamSpec<number, false>; readonly data: ArtifactSpec<false> }
 * ```
 */
export type SpecsOfRefs<R extends Readonly<Record<string, Exposes>>> = {
  readonly [K in keyof R]: R[K] extends ParamRef<infer A> | OutputChoice<ParamRef<infer A>> | OutputExpr<infer A>
    ? ParamSpec<A, false>
    : R[K] extends ArtifactRef | OutputChoice<ArtifactRef>
      ? ArtifactSpec<false>
      : R[K] extends Expr
        ? ParamSpec<unknown, false>
        : never
}

/**
 * What a sub-workflow body returns: the node to run, and the inner outputs it exposes.
 *
 * @example
 * ```ts
 * const b: SubflowBody<{ n: ParamRef<number> }> = { run: seq(a), outputs: { n: a.outputs.n } }
 * ```
 */
export interface SubflowBody<R extends Readonly<Record<string, Exposes>>> {
  readonly run: Node
  readonly outputs?: R
}

/**
 * The fields of {@link subflow}.
 *
 * @example
 * ```ts
 * const f: SubflowFields<{}, {}> = { name: 'inner', body: () => seq(step('a', hello)) }
 * subflow(f)
 * ```
 */
export interface SubflowFields<I extends IoSpec, R extends Readonly<Record<string, Exposes>>> {
  readonly name: string
  readonly inputs?: I
  /** Builds the body from references to the inputs (called once, when the sub-workflow is defined). */
  readonly body: (inputs: RefsOf<I>) => Node | SubflowBody<R>
  /** At most this many of its steps (fan-out calls included) at once. */
  readonly parallelism?: number
  /**
   * Retries of the whole sub-workflow, as a leaf template's `retry`: a failed call is run again from scratch —
   * every step of its body, under the ids `NAME(n).STEP` of attempt n — up to `limit` more times, under the
   * policy, the expression and the backoff (Argo: `retryStrategy` on the steps or dag template). A
   * sub-workflow has no exit code (`lastRetry.exitCode` reads -1), so `OnTransientError` is refused.
   */
  readonly retry?: Retry
}

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && ['Step', 'Seq', 'Par', 'Dag', 'When', 'ForEach'].includes((v as Node)._tag)

/**
 * A template made of steps: a sub-workflow with its own inputs and outputs, callable with `step` like any
 * other template (Argo: a steps or DAG template).
 *
 * @example
 * ```ts
 * const twice = subflow({
 *   name: 'twice',
 *   inputs: { n: param(t.number) },
 *   body: ({ n }) => {
 *     const a = step('a', inc, { n })
 *     const b = step('b', inc, { n: a.outputs.n })
 *     return { run: seq(a, b), outputs: { n: b.outputs.n } }
 *   },
 * })
 * step('outer', twice, { n: 1 }).outputs.n // ParamRef<number>
 * ```
 */
export const subflow = <I extends IoSpec = {}, R extends Readonly<Record<string, Exposes>> = {}>(
  fields: SubflowFields<I, R>,
): Subflow<I, SpecsOfRefs<R>> => {
  const inputs = (fields.inputs ?? {}) as I
  const built = fields.body(refsOf(inputs, { kind: 'input' }))
  const { run, outputs } = isNode(built) ? { run: built, outputs: {} as R } : { run: built.run, outputs: built.outputs ?? ({} as R) }
  const exposes: Record<string, Exposable> = Object.fromEntries(Object.entries(outputs).map(([k, x]) => [k, isExpr(x) ? exprOutput(x) : x]))
  return Object.freeze({
    _tag: 'Subflow' as const,
    name: fields.name,
    inputs,
    outputs: Object.freeze(Object.fromEntries(Object.entries(exposes).map(([k, r]) => [k, specOfRef(exposedRef(r))]))) as SpecsOfRefs<R>,
    exposes: Object.freeze(exposes),
    body: run,
    ...(fields.parallelism !== undefined ? { parallelism: fields.parallelism } : {}),
    ...(fields.retry !== undefined ? { retry: fields.retry } : {}),
  })
}
