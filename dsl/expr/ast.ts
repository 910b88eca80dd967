import { t } from '../codec.ts'
import type { ParamRef } from '../refs.ts'

/** The output name under which a step's phase is read (`status(step)`). @example STATUS // '$status' */
export const STATUS = '$status'
/** The output name under which a step's exit code is read (`exitCode(step)`). @example EXIT_CODE // '$exitCode' */
export const EXIT_CODE = '$exitCode'

/** Anything an expression may read: every variable enters through a `${…}` hole. @example const v: ExprVar = h0.outputs.msg */
export type ExprVar = ParamRef<any>

/** The unary operators. @example const op: UnaryOp = '!' */
export type UnaryOp = '!' | '-'
/** The binary operators, loosest binding last in the parser. @example const op: BinaryOp = '<=' */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | 'in'
/** The whitelisted functions. @example const f: FnName = 'asInt' */
export type FnName = 'length' | 'asInt' | 'asFloat' | 'string' | 'toJson' | 'jsonpath'

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
  | { readonly _tag: 'Var'; readonly ref: ExprVar }
  | { readonly _tag: 'Unary'; readonly op: UnaryOp; readonly arg: Expr }
  | { readonly _tag: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly _tag: 'Cond'; readonly test: Expr; readonly then: Expr; readonly else: Expr }
  | { readonly _tag: 'Call'; readonly fn: FnName; readonly args: readonly Expr[] }

/** The names of {@link FnName}, with their arity. @example FUNCTIONS.jsonpath // 2 */
export const FUNCTIONS: Readonly<Record<FnName, number>> = Object.freeze({ length: 1, asInt: 1, asFloat: 1, string: 1, toJson: 1, jsonpath: 2 })

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

/** The workflow's phase, in an exit handler (Argo's `workflow.status`). @example when(expr`${workflowStatus} == "Succeeded"`, step('celebrate', celebrate)) */
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

/** The workflow-level variables, by the reserved names their references carry. @example WORKFLOW_VARS.$status // 'workflow.status' */
export const WORKFLOW_VARS: Readonly<Record<string, string>> = Object.freeze({ $status: 'workflow.status', $failures: 'workflow.failures', $duration: 'workflow.duration' })

/** Whether a hole value is an expression variable. @example isExprVar(status(a)) // true */
export const isExprVar = (v: unknown): v is ExprVar =>
  typeof v === 'object' && v !== null && (v as { _tag?: string })._tag === 'ParamRef'

/** Whether a value is an expression tree. @example isExpr(expr`1 < 2`) // true */
export const isExpr = (v: unknown): v is Expr =>
  typeof v === 'object' && v !== null && ['Lit', 'Var', 'Unary', 'Binary', 'Cond', 'Call'].includes((v as { _tag?: string })._tag ?? '')

/** Every variable an expression reads, in order. @example varsOf(expr`${a} < ${b}`) // [a, b] */
export const varsOf = (e: Expr): readonly ExprVar[] => {
  switch (e._tag) {
    case 'Lit':
      return []
    case 'Var':
      return [e.ref]
    case 'Unary':
      return varsOf(e.arg)
    case 'Binary':
      return [...varsOf(e.left), ...varsOf(e.right)]
    case 'Cond':
      return [...varsOf(e.test), ...varsOf(e.then), ...varsOf(e.else)]
    case 'Call':
      return e.args.flatMap(varsOf)
  }
}

/**
 * The same expression with every variable replaced by `f(variable)`; unchanged parts are shared.
 *
 * @example
 * ```ts
 * mapVars(expr`${a} < 1`, (v) => ({ ...v, name: 'b' })) // expr`${b} < 1`
 * ```
 */
export const mapVars = (e: Expr, f: (v: ExprVar) => ExprVar): Expr => {
  const same = (next: Expr, changed: boolean): Expr => (changed ? Object.freeze(next) : e)
  switch (e._tag) {
    case 'Lit':
      return e
    case 'Var': {
      const ref = f(e.ref)
      return same({ ...e, ref }, ref !== e.ref)
    }
    case 'Unary': {
      const arg = mapVars(e.arg, f)
      return same({ ...e, arg }, arg !== e.arg)
    }
    case 'Binary': {
      const left = mapVars(e.left, f)
      const right = mapVars(e.right, f)
      return same({ ...e, left, right }, left !== e.left || right !== e.right)
    }
    case 'Cond': {
      const [test, then, other] = [mapVars(e.test, f), mapVars(e.then, f), mapVars(e.else, f)]
      return same({ ...e, test, then, else: other }, test !== e.test || then !== e.then || other !== e.else)
    }
    case 'Call': {
      const args = e.args.map((a) => mapVars(a, f))
      return same({ ...e, args: Object.freeze(args) }, args.some((a, i) => a !== e.args[i]))
    }
  }
}
