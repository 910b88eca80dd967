import type { Expr } from 'dflow-ts'
import { readVar } from './control.ts'
import { EvalError, evaluate } from './expr-eval.ts'
import { goSprint } from './go-values.ts'
import { ResolveError, type Scope } from './values.ts'

/**
 * The text an expression argument gives its parameter, evaluated in the scope of the call when it starts:
 * the value as Go's `fmt.Sprintf("%v")` prints it, as Argo substitutes a `{{=…}}` tag (its
 * util/template/expression_template.go prints the result with `%v`); a nil result is an error, as Argo's
 * is for a tag it must resolve.
 *
 * @example
 * ```ts
 * exprArgWire(expr`${a.outputs.n} * 10`, scope) // '30'
 * ```
 */
export const exprArgWire = (e: Expr, scope: Scope): string => {
  let v: unknown
  try {
    v = evaluate(e, readVar(scope))
  } catch (x) {
    if (x instanceof EvalError) throw new ResolveError(`argument expression: ${x.message}`)
    throw x
  }
  if (v === null || v === undefined) throw new ResolveError('argument expression: the value is nil')
  return goSprint(v)
}
