import type { ArtifactSpec, IoSpec, ParamSpec } from './io.ts'
import type { ArtifactRef, ParamRef, Ref, RefsOf } from './refs.ts'
import type { FnTemplate } from './fn/fn.ts'
import type { FailurePolicy, Retry } from './retry.ts'
import type { BatchJobOptions } from './batch.ts'
import type { ScriptTemplate } from './template.ts'
import type { Expr } from './expr/ast.ts'
import type { ForEachSource } from './control/source.ts'
import type { KeyTemplate } from './control/key.ts'
import type { Depends } from './control/depends.ts'
import type { Exposable } from './control/output-choice.ts'

/**
 * A file or folder on the machine that starts the workflow, given to a step as an input artifact. A
 * relative path is resolved by the interpreter against its base folder (the current folder by default).
 *
 * @example
 * ```ts
 * step('count', wc, { file: localArtifact('data/input.txt') })
 * ```
 */
export interface LocalArtifact {
  readonly _tag: 'LocalArtifact'
  readonly path: string
}

/** A {@link LocalArtifact}. @example localArtifact('foo.txt') */
export const localArtifact = (path: string): LocalArtifact => Object.freeze({ _tag: 'LocalArtifact', path })

/**
 * What a step may pass for an input parameter of type `A`: a value, a reference, or an expression over references
 * (evaluated when the step starts; Argo: `{{=…}}`), whose value is the parameter's text.
 *
 * @example
 * ```ts
 * const n: ParamArg<number> = 3 // or a.outputs.n, or expr`${a.outputs.n} * 10`
 * ```
 */
export type ParamArg<A> = A | ParamRef<A> | Expr
/** What a step may pass for an input artifact. @example const f: ArtifactArg = localArtifact('data.txt') // or a.outputs.f */
export type ArtifactArg = ArtifactRef | LocalArtifact
/**
 * Any argument value.
 *
 * @example
 * ```ts
 * const a: Arg = 'hello'
 * ```
 */
export type Arg = ParamArg<unknown> | ArtifactArg

type ArgOf<S> = S extends ParamSpec<infer A, boolean> ? ParamArg<A> : S extends ArtifactSpec<boolean> ? ArtifactArg : never
type IsOpt<S> = S extends ParamSpec<any, true> ? true : S extends ArtifactSpec<true> ? true : false

/**
 * The arguments a template takes: required ones for inputs without a default, optional ones otherwise.
 * A `ParamRef<number>` where a string is declared is a type error.
 *
 * @example
 * ```ts
 * type A = ArgsOf<{ n: ParamSpec<number, false>; m: ParamSpec<number, true> }>
 * // { readonly n: ParamArg<number> } & { readonly m?: ParamArg<number> }
 * ```
 */
export type ArgsOf<I extends IoSpec> = {
  readonly [K in keyof I as IsOpt<I[K]> extends true ? never : K]: ArgOf<I[K]>
} & {
  readonly [K in keyof I as IsOpt<I[K]> extends true ? K : never]?: ArgOf<I[K]>
}

/**
 * A template whose body is a workflow of its own (steps or a DAG), with declared inputs and outputs that
 * expose inner steps' outputs. Built by `subflow`.
 *
 * @example
 * ```ts
 * const inner: Subflow = subflow({ name: 'inner', body: () => seq(step('a', hello)) })
 * inner._tag  // 'Subflow'
 * ```
 */
export interface Subflow<I extends IoSpec = IoSpec, O extends IoSpec = IoSpec> {
  readonly _tag: 'Subflow'
  readonly name: string
  readonly inputs: I
  readonly outputs: O
  /** For each output, the inner reference it exposes (or a choice between two, see `ifExpr`). */
  readonly exposes: Readonly<Record<string, Exposable>>
  readonly body: Node
  /** At most this many of its steps (fan-out calls included) at once (Argo: the template's `parallelism`). */
  readonly parallelism?: number
  /** Retries of the whole body: a failed call runs every step of its body again, from scratch (Argo: the template's `retryStrategy`). */
  readonly retry?: Retry
}

/**
 * Any template.
 *
 * @example
 * ```ts
 * const tpl: Template = shell({ name: 'hello', script: () => sh`echo hi` })
 * ```
 */
export type Template = ScriptTemplate<any, any> | Subflow<any, any> | FnTemplate<any, any>

/** Templates that run one process (a pod on Argo). @example isLeaf(hello) // true */
export type LeafTemplate = ScriptTemplate<any, any> | FnTemplate<any, any>

/**
 * How a failure of a step affects its parent.
 *
 * @example
 * ```ts
 * const c: ContinueOn = { failed: true }  // a failed step does not fail its parent
 * ```
 */
export interface ContinueOn {
  /** The step failed (non-zero exit): carry on. */
  readonly failed?: boolean
  /** The step errored (could not be run at all): carry on. */
  readonly error?: boolean
}

/**
 * Options of a step (of a call of template `T`). `retry` and `timeout` override the template's.
 *
 * @example
 * ```ts
 * const o: StepOptions = { key: 'first', continueOn: { failed: true } }
 * ```
 */
export interface StepOptions<T extends Template = Template> extends FailurePolicy {
  /** A stable, user-chosen identity, unique within a run; queries can find the step by it (`` key`iter-${i}` `` to build it from inputs). */
  readonly key?: string | KeyTemplate
  /** Extra dependencies inside a `dag`: step names, steps, or a `forEach` node (references already imply their own). */
  readonly dependsOn?: readonly (string | { readonly name: string; readonly _tag?: 'Step' } | ForEach)[]
  readonly continueOn?: ContinueOn
  /** Run the step only when this expression is true; otherwise it is recorded `Skipped`. */
  readonly when?: Expr
  /** Inside a `dag`: run when this condition on other tasks' outcomes holds, else `Omitted` (Argo's `depends`). */
  readonly depends?: Depends
  /**
   * An exit hook: a step run when this one ends, whatever its phase. Given as a function, it receives this
   * step's output references: `onExit: (out) => step('exit', report, { message: out.result })`.
   */
  readonly onExit?: Step | ((outputs: RefsOf<T['outputs']>) => Step)
  /**
   * Lifecycle hooks (Argo's `hooks` but `exit`), by name: each hook's step starts at most once, in parallel to
   * this step, as soon as its condition holds — checked when this step starts running and when it ends —, and
   * this step counts as done once its hooks have ended. Given as a function, it receives this step's output
   * references. Not on a `forEach` step.
   */
  readonly hooks?: Readonly<Record<string, LifecycleHook>> | ((outputs: RefsOf<T['outputs']>) => Readonly<Record<string, LifecycleHook>>)
  /**
   * This step's job settings when its calls run as batch jobs (the template asks for `batch`, or the run is on
   * the dispatcher): partition or queue, nodes, walltime, header lines, modules, environment, pre/post,
   * layered over the template's `batch` settings (these win; header lines and modules are added, pre/post
   * joined, env merged). No `system`: the template's or the run's. Elsewhere ignored (Argo's batch pods render the template's settings only).
   */
  readonly batch?: BatchJobOptions
}

/**
 * A call of a template with arguments: the leaf of every workflow. `outputs` holds typed references to
 * what the call produces.
 *
 * @example
 * ```ts
 * const a: Step = step('a', hello)
 * a.name  // 'a'
 * ```
 */
export interface Step<T extends Template = Template, O = RefsOf<T['outputs']>> extends FailurePolicy {
  readonly _tag: 'Step'
  readonly name: string
  readonly template: T
  readonly args: Readonly<Record<string, Arg>>
  readonly key?: string | KeyTemplate
  readonly dependsOn: readonly string[]
  readonly continueOn: ContinueOn
  /** Run only when true (else `Skipped`); set by `when(…)` or the step option. */
  readonly when?: Expr
  /** Inside a `dag`: a condition on other tasks' outcomes (set by the step option). */
  readonly depends?: Depends
  /** Run when this step ends, whatever its phase (Argo's `hooks.exit`). */
  readonly onExit?: Step
  /** Its lifecycle hooks (set by the step option), in the order given. */
  readonly hooks?: readonly NamedHook[]
  /** Its job settings as a batch job, over the template's (set by the step option). */
  readonly batch?: BatchJobOptions
  /** Fan out: one call per item (set by `forEach`); the outputs are then lists in item order. */
  readonly forEach?: ForEachSource
  /** For a fan-out: succeed when enough items succeeded (set by `forEach`'s options). */
  readonly threshold?: SuccessThreshold
  /** References to its outputs (for a fan-out: lists in item order, see `FanOut`). */
  readonly outputs: O
}

/**
 * A lifecycle hook (Argo's `LifecycleHook`: `expression` and `template`): `run` starts, at most once and in
 * parallel to what the hook is attached to (a step, or the workflow), as soon as `when` holds. A hook's step
 * that ends `Error` fails the step's parent (its steps or dag); one that ends `Failed` is ignored (Argo's rules).
 *
 * @example
 * ```ts
 * const h: LifecycleHook = { when: expr`${status({ name: 'train' })} == "Running"`, run: step('notify', notify) }
 * step('train', train, {}, { hooks: { running: h } })
 * ```
 */
export interface LifecycleHook {
  readonly when: Expr
  readonly run: Step
}

/** A lifecycle hook with its name: its step's id is `STEP.hooks.NAME` (the workflow's: `hooks.NAME`). @example const h: NamedHook = { name: 'running', when, run: step('notify', notify) } */
export interface NamedHook extends LifecycleHook {
  readonly name: string
}

/**
 * Children run one after another.
 *
 * @example
 * ```ts
 * const s: Seq = seq(step('a', hello), step('b', hello))
 * s.children.length  // 2
 * ```
 */
export interface Seq {
  readonly _tag: 'Seq'
  readonly children: readonly Node[]
}

/**
 * When a group of parallel children counts as succeeded although some failed: when at least
 * `continueOnNumSuccess` children, or at least `continueOnSuccessRatio` of them, succeeded. With either set,
 * a failing child no longer stops its siblings.
 *
 * @example
 * ```ts
 * const o: SuccessThreshold = { continueOnSuccessRatio: 0.6 } // 3 of 5 is enough
 * ```
 */
export interface SuccessThreshold {
  readonly continueOnNumSuccess?: number
  readonly continueOnSuccessRatio?: number
}

/**
 * Children run at the same time.
 *
 * @example
 * ```ts
 * const p: Par = par(step('a', hello), step('b', hello))
 * p._tag  // 'Par'
 * ```
 */
export interface Par {
  readonly _tag: 'Par'
  readonly children: readonly Node[]
  /** Succeed when enough children succeeded (see {@link SuccessThreshold}). */
  readonly threshold?: SuccessThreshold
}

/**
 * Children run as soon as what they depend on (by reference or `dependsOn`) has finished.
 *
 * @example
 * ```ts
 * const d: Dag = dag(step('a', hello), step('b', hello))
 * d._tag  // 'Dag'
 * ```
 */
export interface Dag {
  readonly _tag: 'Dag'
  readonly children: readonly Node[]
  /**
   * `false`: after a failure the tasks that do not depend on it still start, as with Argo's `failFast: false`
   * (by default no new task starts after an unhandled failure; running ones end either way).
   */
  readonly failFast?: false
}

/**
 * Runs its body only when the condition holds; otherwise every step in it is `Skipped`. Built by `when`.
 *
 * @example
 * ```ts
 * const n = when(ex.eq(a.outputs.n, 1), seq(step('b', hello)))
 * n._tag  // 'When'
 * ```
 */
export interface When {
  readonly _tag: 'When'
  readonly cond: Expr
  readonly body: Node
}

/**
 * Runs its body once per item (a composite body; a single step fans out with its own `forEach` field).
 * Calls are named `NAME(0)`, `NAME(1)`, …; the outputs of steps inside are not visible outside it. Built
 * by `forEach(items, (item) => node, { name })`.
 *
 * @example
 * ```ts
 * const n = forEach([1, 2], (item) => seq(step('print', hello)), { name: 'each' })
 * n._tag  // 'ForEach'
 * ```
 */
export interface ForEach {
  readonly _tag: 'ForEach'
  readonly name: string
  readonly source: ForEachSource
  readonly body: Node
}

/**
 * A node of a workflow body: the `_tag` union every interpreter folds over.
 *
 * @example
 * ```ts
 * const n: Node = seq(step('a', hello), step('b', hello))
 * n._tag  // 'Seq'
 * ```
 */
export type Node = Step<Template, any> | Seq | Par | Dag | When | ForEach

/**
 * The tags of {@link Node}.
 *
 * @example
 * ```ts
 * const tag: NodeTag = 'Dag'
 * ```
 */
export type NodeTag = Node['_tag']

/**
 * A handler for every node kind: interpreters build one of these, so that a new kind of node is a compile
 * error in each of them until handled.
 *
 * @example
 * ```ts
 * const count = foldNode<number>({ Step: () => 1, Seq: (n, go) => sum(n.children.map(go)), Par: …, Dag: … })
 * ```
 */
export type NodeCases<R> = { readonly [K in NodeTag]: (node: Extract<Node, { _tag: K }>, recur: (n: Node) => R) => R }

/** Folds a node tree with a table of cases. @example foldNode(cases)(wf.body) */
export const foldNode = <R>(cases: NodeCases<R>): ((n: Node) => R) => {
  const go = (n: Node): R => (cases[n._tag] as (node: Node, recur: (n: Node) => R) => R)(n, go)
  return go
}

/**
 * Options of a workflow.
 *
 * @example
 * ```ts
 * const o: WorkflowOptions<{ message: ParamSpec<string, true> }> = { parameters: { message: param(t.string, { default: 'hi' }) }, parallelism: 4 }
 * ```
 */
export interface WorkflowOptions<P extends ParamsSpec, A extends ArtifactsSpec = {}> {
  /** Workflow parameters: their values are given when the workflow is run (or default). */
  readonly parameters?: P
  /**
   * Workflow artifacts: files or folders given when the workflow is run (Argo's `spec.arguments.artifacts`;
   * `dflow compile FILE -a NAME=REF`). The body reads them as typed references, like parameters; they are
   * seen by the workflow's own body (pass them to a sub-workflow as arguments). See {@link ArtifactsSpec}.
   */
  readonly artifacts?: A
  /** At most this many leaf steps at once. */
  readonly parallelism?: number
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  /** Runs when the body ends, whatever its outcome; it can read `workflowStatus` and `workflowFailures` (Argo's `spec.onExit`). */
  readonly onExit?: Node
  /**
   * The workflow's lifecycle hooks (Argo's `spec.hooks` but `exit`), by name: conditions on `workflowStatus`
   * ("Running" at the start; the body's outcome at its end), each hook's step run at most once, at the top level.
   */
  readonly hooks?: Readonly<Record<string, LifecycleHook>>
}

/**
 * Workflow parameters: parameters only, no artifacts.
 *
 * @example
 * ```ts
 * const p: ParamsSpec = { message: param(t.string, { default: 'hi' }) }
 * ```
 */
export type ParamsSpec = Readonly<Record<string, ParamSpec<any, boolean>>>

/**
 * Workflow artifacts: artifact declarations only (`artifact()`, `artifact({ optional: true })`, or a shaped one
 * such as `artifactList()`); a declared `path` or `archive` means nothing here (validation says so).
 *
 * @example
 * ```ts
 * const a: ArtifactsSpec = { data: artifact(), extra: artifact({ optional: true }) }
 * ```
 */
export type ArtifactsSpec = Readonly<Record<string, ArtifactSpec<boolean>>>

/**
 * A whole workflow: a name, parameters and a body. The value every interpreter takes.
 *
 * @example
 * ```ts
 * const wf: Workflow = workflow('hello', seq(step('a', hello)))
 * wf.name  // 'hello'
 * ```
 */
export interface Workflow<P extends ParamsSpec = ParamsSpec, A extends ArtifactsSpec = ArtifactsSpec> {
  readonly _tag: 'Workflow'
  readonly name: string
  readonly parameters: P
  /** Workflow artifacts (absent when none are declared). */
  readonly artifacts?: A
  readonly body: Node
  readonly parallelism?: number
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  /** The exit handler: runs when the body ends, whatever its outcome. */
  readonly onExit?: Node
  /** Its lifecycle hooks, in the order given (see {@link WorkflowOptions.hooks}). */
  readonly hooks?: readonly NamedHook[]
}
