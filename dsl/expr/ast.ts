import { t } from '../codec.ts'
import type { ParamRef } from '../refs.ts'

/** The output name under which a step's phase is read (`status(step)`). @example STATUS // '$status' */
export const STATUS = '$status'
/** The output name under which a step's exit code is read (`exitCode(step)`). @example EXIT_CODE // '$exitCode' */
export const EXIT_CODE = '$exitCode'
/** The output name under which a daemon step's address is read (Argo's `steps.NAME.ip`: locally steps share the host, so 127.0.0.1). @example STEP_IP // '$ip' */
export const STEP_IP = '$ip'

/** Anything an expression may read: every variable enters through a `${…}` hole. @example const v: ExprVar = h0.outputs.msg */
export type ExprVar = ParamRef<any>

/** The unary operators. @example const op: UnaryOp = '!' */
export type UnaryOp = '!' | '-'
/**
 * The binary operators; `=~` is a regular-expression match (Go's syntax); `??` is expr-lang's nil-coalescing:
 * the left value unless it is nil (`null`, or an output its step did not produce), then the right one.
 *
 * @example const op: BinaryOp = '<='
 */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | 'in' | '=~' | '??'
/** The whitelisted functions. @example const f: FnName = 'asInt' */
export type FnName = 'length' | 'asInt' | 'asFloat' | 'string' | 'toJson' | 'jsonpath' | 'flatten'

/** A literal value. @example const e: Expr = { _tag: 'Lit', value: 3 } */
export type LitValue = string | number | boolean | null

/**
 * An expression tree: pure data, the same whether built by `` expr`…` `` or by the builder functions.
 *
 * @example
 * ```ts
 * expr`${a.outputs.n} < 10` // { _tag: 'Binary', op: '<', left: { _tag: 'Var', ref }, right: { _tag: 'Lit', value: 10 } }
 * ```
 */
export type Expr =
  | { readonly _tag: 'Lit'; readonly value: LitValue }
  | {
      readonly _tag: 'Var'
      readonly ref: ExprVar
      /**
       * Pasted into the text by a plain `{{tag}}` (an imported govaluate condition), not read by expr-lang: an
       * output its step did not produce is then an error, as Argo's substitution of an absent value is.
       */
      readonly substituted?: true
    }
  | { readonly _tag: 'Unary'; readonly op: UnaryOp; readonly arg: Expr }
  | { readonly _tag: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly _tag: 'Cond'; readonly test: Expr; readonly then: Expr; readonly else: Expr }
  | { readonly _tag: 'Call'; readonly fn: FnName; readonly args: readonly Expr[] }
  | ForeignExpr

/**
 * An expression the DSL does not write, evaluated by a function of its arguments' values: what the Argo
 * importer makes of a `{{= … }}` in expr-lang that the DSL's expressions cannot say (`sprig.*`, `map` with `#`,
 * map literals). `text` is the source, for messages; `args` are read (each to its decoded value) and given to
 * `evaluate` in order, whose result is the expression's value (a string: Argo prints it into the field). No
 * interpreter prints it back: compiling one to Argo is an error.
 *
 * @example
 * ```ts
 * const e: ForeignExpr = { _tag: 'Foreign', text: 'sprig.upper(inputs.parameters.m)', args: [{ _tag: 'Var', ref: m }], evaluate: ([v]) => String(v).toUpperCase() }
 * ```
 */
export interface ForeignExpr {
  readonly _tag: 'Foreign'
  readonly text: string
  readonly args: readonly Expr[]
  readonly evaluate: (values: readonly unknown[]) => string
}

/**
 * The names of {@link FnName}, with their arity. `flatten(list)` is expr-lang's: the elements of a list of
 * lists at every depth, in order (how a consumer reads a grouped slice's stacked outputs on Argo).
 *
 * @example FUNCTIONS.jsonpath // 2
 */
export const FUNCTIONS: Readonly<Record<FnName, number>> = Object.freeze({ length: 1, asInt: 1, asFloat: 1, string: 1, toJson: 1, jsonpath: 2, flatten: 1 })

/**
 * The phase of a step (`Succeeded`, `Failed`, `Error`, `Skipped`, `Omitted`), as a reference usable in an
 * expression or as an argument (Argo's `steps.NAME.status`).
 *
 * @example
 * ```ts
 * when(expr`${status(flakey)} == "Failed"`, step('failed', report))
 * ```
 */
export const status = (step: { readonly name: string }): ParamRef<string> =>
  Object.freeze({ _tag: 'ParamRef' as const, source: Object.freeze({ kind: 'step' as const, step: step.name }), name: STATUS, codec: t.string })

/**
 * The exit code of a step's process, as a reference (Argo's `steps.NAME.exitCode`).
 *
 * @example
 * ```ts
 * step('echo-container', echo, { exitCode: exitCode(failing) })
 * ```
 */
export const exitCode = (step: { readonly name: string }): ParamRef<number> =>
  Object.freeze({ _tag: 'ParamRef' as const, source: Object.freeze({ kind: 'step' as const, step: step.name }), name: EXIT_CODE, codec: t.number })

const workflowVar = <A>(name: string, codec: ParamRef<A>['codec']): ParamRef<A> =>
  Object.freeze({ _tag: 'ParamRef' as const, source: Object.freeze({ kind: 'workflow' as const }), name, codec })

/** The workflow's phase (Argo's `workflow.status`): `Running` while the body runs, its outcome in the exit handler and a workflow hook's end. @example when(expr`${workflowStatus} == "Succeeded"`, step('celebrate', celebrate)) */
export const workflowStatus: ParamRef<string> = workflowVar('$status', t.string)

/**
 * The failed steps of the run, in an exit handler (Argo's `workflow.failures`): a JSON list of
 * `{displayName, message, templateName, phase, podName, finishedAt}`.
 *
 * @example
 * ```ts
 * step('notify', sendEmail, { failures: workflowFailures })
 * ```
 */
export const workflowFailures: ParamRef<string> = workflowVar('$failures', t.string)

/** How long the run has taken, in seconds, in an exit handler (Argo's `workflow.duration`). @example step('notify', n, { seconds: workflowDuration }) */
export const workflowDuration: ParamRef<number> = workflowVar('$duration', t.number)

/**
 * When the run was created, as Argo writes it (`2026-12-02T18:39:33Z`, RFC 3339 in UTC to the second): the
 * run's start, kept across restarts (Argo's `workflow.creationTimestamp`).
 *
 * @example
 * ```ts
 * step('stamp', note, { at: workflowCreationTimestamp })
 * ```
 */
export const workflowCreationTimestamp: ParamRef<string> = workflowVar('$creationTimestamp', t.string)

/**
 * The variables of a retry expression (`retry: { expression }`): the last attempt's exit code (-1 when it
 * has none), its phase (`Failed`, `Error`), its duration in whole seconds and its message — Argo's
 * `lastRetry.exitCode`, `lastRetry.status`, `lastRetry.duration`, `lastRetry.message`.
 *
 * @example
 * ```ts
 * step('fit', train, {}, { retry: { limit: 10, expression: expr`${lastRetry.exitCode} > 1 && ${lastRetry.message} =~ "pod deleted"` } })
 * ```
 */
export const lastRetry = Object.freeze({
  exitCode: workflowVar<number>('$lastRetry.exitCode', t.Int as unknown as ParamRef<number>['codec']),
  status: workflowVar<string>('$lastRetry.status', t.string),
  duration: workflowVar<number>('$lastRetry.duration', t.number),
  message: workflowVar<string>('$lastRetry.message', t.string),
})

/** The variables of a retry expression, by the reserved names their references carry, with Argo's names. @example LAST_RETRY_VARS['$lastRetry.status'] // 'lastRetry.status' */
export const LAST_RETRY_VARS: Readonly<Record<string, string>> = Object.freeze({
  '$lastRetry.exitCode': 'lastRetry.exitCode',
  '$lastRetry.status': 'lastRetry.status',
  '$lastRetry.duration': 'lastRetry.duration',
  '$lastRetry.message': 'lastRetry.message',
})

/** Whether a variable is one of {@link lastRetry}. @example isLastRetryVar(lastRetry.status) // true */
export const isLastRetryVar = (v: ExprVar): boolean => v.source.kind === 'workflow' && v.name in LAST_RETRY_VARS

/** The workflow-level variables, by the reserved names their references carry. @example WORKFLOW_VARS.$status // 'workflow.status' */
export const WORKFLOW_VARS: Readonly<Record<string, string>> = Object.freeze({ $status: 'workflow.status', $failures: 'workflow.failures', $duration: 'workflow.duration', $creationTimestamp: 'workflow.creationTimestamp' })

/** Whether a hole value is an expression variable. @example isExprVar(status(a)) // true */
export const isExprVar = (v: unknown): v is ExprVar =>
  typeof v === 'object' && v !== null && (v as { _tag?: string })._tag === 'ParamRef'

/** Whether a value is an expression tree. @example isExpr(expr`1 < 2`) // true */
export const isExpr = (v: unknown): v is Expr =>
  typeof v === 'object' && v !== null && ['Lit', 'Var', 'Unary', 'Binary', 'Cond', 'Call', 'Foreign'].includes((v as { _tag?: string })._tag ?? '')

/** The sub-expressions of a node, left to right. @example childrenOf(expr`${a} < 3`) // [{ _tag: 'Var', … }, { _tag: 'Lit', value: 3 }] */
export const childrenOf = (e: Expr): readonly Expr[] => {
  switch (e._tag) {
    case 'Lit':
    case 'Var':
      return []
    case 'Unary':
      return [e.arg]
    case 'Binary':
      return [e.left, e.right]
    case 'Cond':
      return [e.test, e.then, e.else]
    case 'Call':
    case 'Foreign':
      return e.args
  }
}

/**
 * Folds a tree bottom-up without recursion (an explicit stack), so that a tree of any depth — 10,000
 * chained `+` make a left-deep tree 10,000 deep — is walked without exhausting the call stack. `f` gets each
 * node with the results of its children, left to right; children are visited left to right.
 *
 * @example
 * ```ts
 * foldExpr(expr`1 + 2 * 3`, (e, kids) => 1 + kids.reduce((a, b) => a + b, 0)) // 5 nodes
 * ```
 */
export const foldExpr = <A>(root: Expr, f: (e: Expr, kids: readonly A[]) => A): A => {
  const stack: { readonly e: Expr; readonly kids: readonly Expr[]; readonly done: A[] }[] = [{ e: root, kids: childrenOf(root), done: [] }]
  for (;;) {
    const top = stack[stack.length - 1]!
    if (top.done.length < top.kids.length) {
      const next = top.kids[top.done.length]!
      stack.push({ e: next, kids: childrenOf(next), done: [] })
      continue
    }
    stack.pop()
    const a = f(top.e, top.done)
    if (!stack.length) return a
    stack[stack.length - 1]!.done.push(a)
  }
}

/** Every variable an expression reads, in order (a walk without recursion). @example varsOf(expr`${a} < ${b}`) // [a, b] */
export const varsOf = (e: Expr): readonly ExprVar[] => {
  const out: ExprVar[] = []
  const todo: Expr[] = [e]
  while (todo.length) {
    const x = todo.pop()!
    if (x._tag === 'Var') out.push(x.ref)
    const kids = childrenOf(x)
    for (let i = kids.length - 1; i >= 0; i--) todo.push(kids[i]!)
  }
  return out
}

/** A node with new children (in the order of {@link childrenOf}). */
const withChildren = (e: Expr, kids: readonly Expr[]): Expr => {
  switch (e._tag) {
    case 'Lit':
    case 'Var':
      return e
    case 'Unary':
      return Object.freeze({ ...e, arg: kids[0]! })
    case 'Binary':
      return Object.freeze({ ...e, left: kids[0]!, right: kids[1]! })
    case 'Cond':
      return Object.freeze({ ...e, test: kids[0]!, then: kids[1]!, else: kids[2]! })
    case 'Call':
    case 'Foreign':
      return Object.freeze({ ...e, args: Object.freeze([...kids]) })
  }
}

/**
 * The same expression with every variable node replaced by the expression `f` gives for it (given its
 * reference and the node); unchanged parts are shared (a walk without recursion).
 *
 * @example
 * ```ts
 * replaceVars(expr`${a} < 1`, (ref) => ({ _tag: 'Lit', value: 0 })) // expr`0 < 1`
 * ```
 */
export const replaceVars = (e: Expr, f: (ref: ExprVar, node: Expr) => Expr): Expr =>
  foldExpr<Expr>(e, (x, kids) => {
    if (x._tag === 'Var') return f(x.ref, x)
    const old = childrenOf(x)
    return kids.every((k, i) => k === old[i]) ? x : withChildren(x, kids)
  })

/**
 * The same expression with every variable replaced by `f(variable)`; unchanged parts are shared (a walk
 * without recursion).
 *
 * @example
 * ```ts
 * mapVars(expr`${a} < 1`, (v) => ({ ...v, name: 'b' })) // expr`${b} < 1`
 * ```
 */
export const mapVars = (e: Expr, f: (v: ExprVar) => ExprVar): Expr =>
  replaceVars(e, (ref, node) => {
    const r = f(ref)
    return r === ref ? node : Object.freeze({ ...node, ref: r } as Expr)
  })
