import type { ArtifactSpec, IoSpec, ParamSpec } from '../io.ts'
import type { FailurePolicy } from '../retry.ts'
import type { CachePolicy } from '../cache.ts'
import type { ContainerOptions } from '../template.ts'
import type { NestedPaths } from './shapes.ts'

/** What a function OP's body receives for an artifact of a given shape. @example type L = ArtifactValueOf<ReturnType<typeof artifactList>> // readonly string[] */
export type ArtifactValueOf<S> = S extends { readonly shape: 'list' }
  ? readonly string[]
  : S extends { readonly shape: 'record' }
    ? Readonly<Record<string, string>>
    : S extends { readonly shape: 'nested' }
      ? NestedPaths
      : string

/** The body's input values: decoded parameters, artifact paths (null for an omitted optional artifact). @example type I = FnInputsOf<{ n: ParamSpec<number, false> }> // { readonly n: number } */
export type FnInputsOf<I extends IoSpec> = {
  readonly [K in keyof I]: I[K] extends ParamSpec<infer A, boolean> ? A : I[K] extends ArtifactSpec<true> ? ArtifactValueOf<I[K]> | null : ArtifactValueOf<I[K]>
}

type OutputOptional<S> = S extends ParamSpec<any, true> ? true : S extends ArtifactSpec<true> ? true : false
type OutputValueOf<S> = S extends ParamSpec<infer A, boolean> ? A : ArtifactValueOf<S>

/**
 * What the body returns: a value for each output parameter (those with a default may be left out) and,
 * for each output artifact, the path(s) it wrote (relative to its work folder, or absolute).
 *
 * @example
 * ```ts
 * const out: FnOutputsOf<{ msg: ParamSpec<string, false>; bar: ArtifactSpec<false> }> = { msg: 'hi', bar: 'bar.txt' }
 * ```
 */
export type FnOutputsOf<O extends IoSpec> = {
  readonly [K in keyof O as OutputOptional<O[K]> extends true ? never : K]: OutputValueOf<O[K]>
} & {
  readonly [K in keyof O as OutputOptional<O[K]> extends true ? K : never]?: OutputValueOf<O[K]> | null
}

/**
 * What a function OP's body gets besides its inputs: its work folder (also the current folder), the step's
 * key (or name), the workflow's run name, a progress reporter and a logger (both land in the step's log
 * and records).
 *
 * @example
 * ```ts
 * async ({ n }, ctx) => { for (let i = 0; i < n; i++) { ctx.progress(i + 1, n); ctx.log('done', i) } return {} }
 * ```
 */
export interface FnContext {
  readonly workdir: string
  readonly key: string
  readonly workflowName: string
  readonly progress: (current: number, total: number) => void
  readonly log: (...args: readonly unknown[]) => void
}

/** The body of a function OP. @example const body: FnBody<{ n: ParamSpec<number, false> }, {}> = ({ n }, ctx) => (ctx.log(n), {}) */
export type FnBody<I extends IoSpec, O extends IoSpec> = (inputs: FnInputsOf<I>, ctx: FnContext) => FnOutputsOf<O> | Promise<FnOutputsOf<O>>

/**
 * A typed function OP (dflow's Python OP, in TypeScript): a function with declared inputs and outputs,
 * checked before and after it runs, executed in a process of its own. `module` is the URL of the module
 * that defines it (`import.meta.url`): the runner imports that module and finds the OP by `name` among its
 * exports (a template, or a workflow that uses it). Built by {@link fn}.
 *
 * @example
 * ```ts
 * const op: FnTemplate = fn({ name: 'noop', module: import.meta.url }, () => ({}))
 * ```
 */
export interface FnTemplate<I extends IoSpec = IoSpec, O extends IoSpec = IoSpec> extends ContainerOptions, FailurePolicy, CachePolicy {
  readonly _tag: 'FnTemplate'
  readonly name: string
  readonly inputs: I
  readonly outputs: O
  readonly module: string
  readonly body: FnBody<I, O>
  /** Local folders shipped with the OP (on NODE_PATH and PYTHONPATH where it runs). */
  readonly packages: readonly string[]
}

/** The fields of {@link fn}. @example const f: FnFields<{}, {}> = { name: 'noop', module: import.meta.url, retry: { limit: 2 } } */
export interface FnFields<I extends IoSpec, O extends IoSpec> extends ContainerOptions, FailurePolicy, CachePolicy {
  readonly name: string
  /** The defining module's URL: pass `import.meta.url`. */
  readonly module: string
  readonly inputs?: I
  readonly outputs?: O
  readonly packages?: readonly string[]
}

/**
 * Defines a function OP. Inputs are decoded by their codecs before the body runs and outputs checked after
 * it returns: a mismatch fails the step naming the field, the expected type and the value. Throw
 * `TransientError` (exit 1) or `FatalError` (exit 2) to steer retries. Locally it runs in a worker process
 * of its own; on Argo it compiles to a `node` script template holding the bundled module.
 *
 * @example
 * ```ts
 * const duplicate = fn(
 *   { name: 'duplicate', module: import.meta.url, inputs: { msg: param(t.string), num: param(t.number) }, outputs: { msg: param(t.string) } },
 *   ({ msg, num }) => ({ msg: msg.repeat(num) }),
 * )
 * step('dup', duplicate, { msg: 'Hello', num: 3 }) // outputs.msg: 'HelloHelloHello'
 * ```
 */
export const fn = <I extends IoSpec = {}, O extends IoSpec = {}>(fields: FnFields<I, O>, body: FnBody<I, O>): FnTemplate<I, O> => {
  const { inputs, outputs, packages, ...rest } = fields
  return Object.freeze({
    ...rest,
    _tag: 'FnTemplate' as const,
    inputs: (inputs ?? {}) as I,
    outputs: (outputs ?? {}) as O,
    body,
    packages: Object.freeze([...(packages ?? [])]),
  })
}
