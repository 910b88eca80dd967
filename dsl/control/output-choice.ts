import type { Expr } from '../expr/ast.ts'
import { varsOf } from '../expr/ast.ts'
import { DflowError, problem } from '../problem.ts'
import type { Ref } from '../refs.ts'
import { conditionProblems } from '../expr/types.ts'
import type { OutputExpr } from './output-expr.ts'

/**
 * A template output chosen by a condition when the template ends (dflow's `if_expression`; Argo's
 * `valueFrom.expression` for a parameter, `fromExpression` for an artifact).
 *
 * @example
 * ```ts
 * subflow({ name: 'steps', body: () => ({ run: seq(r), outputs: { msg: ifExpr(expr`${r.outputs.isHead}`, r.outputs.msg1, r.outputs.msg2) } }) })
 * ```
 */
export interface OutputChoice<R extends Ref = Ref> {
  readonly _tag: 'OutputChoice'
  readonly cond: Expr
  readonly then: R
  readonly else: R
}

/**
 * Chooses between two references of the same kind by a boolean expression, evaluated when the template
 * ends (the branch not taken may come from a step that was skipped).
 *
 * @example
 * ```ts
 * ifExpr(expr`${flip.outputs.result} == "heads"`, heads.outputs.result, tails.outputs.result)
 * ```
 */
export const ifExpr = <R extends Ref>(cond: Expr, then: R, otherwise: R): OutputChoice<R> => {
  const ps = conditionProblems(cond)
  if (then._tag !== otherwise._tag) ps.push(`ifExpr chooses between ${then._tag} and ${otherwise._tag}: both branches must be parameters or both artifacts`)
  if (ps.length) throw new DflowError(ps.map((p) => problem(['ifExpr'], p)))
  return Object.freeze({ _tag: 'OutputChoice' as const, cond, then, else: otherwise })
}

/**
 * What a template may expose as an output: a reference, a choice between two, or an expression over its
 * steps' outputs ({@link OutputExpr}).
 *
 * @example const e: Exposable = h.outputs.msg
 */
export type Exposable = Ref | OutputChoice | OutputExpr<any>

/**
 * The reference that stands for an exposed output's kind and type: the first branch of a choice; for an
 * expression, a stand-in parameter reference of its codec (it names no step: never looked up).
 *
 * @example exposedRef(ifExpr(c, a, b)) // a
 */
export const exposedRef = (x: Exposable): Ref =>
  x._tag === 'OutputChoice' ? x.then : x._tag === 'OutputExpr' ? Object.freeze({ _tag: 'ParamRef' as const, source: Object.freeze({ kind: 'input' as const }), name: '$expr', codec: x.codec }) : x

const paramVars = (e: Expr): readonly Ref[] => varsOf(e).flatMap((v) => (v._tag === 'ParamRef' ? [v] : []))

/** Every reference an exposed output reads. @example refsOfExposed(ifExpr(expr`${c}`, a, b)) // [c, a, b] */
export const refsOfExposed = (x: Exposable): readonly Ref[] =>
  x._tag === 'OutputChoice' ? [...paramVars(x.cond), x.then, x.else] : x._tag === 'OutputExpr' ? paramVars(x.expr) : [x]
