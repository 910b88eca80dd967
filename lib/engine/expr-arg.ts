import type { Expr } from 'dflow-ts'
import { readVar } from './control.ts'
import { EvalError, evaluate } from './expr-eval.ts'
import { argoTagText } from './go-values.ts'
import { ResolveError, type Scope } from './values.ts'

/**
 * The text an expression argument gives its parameter, evaluated in the scope of the call when it starts:
 * the value as Argo substitutes a `{{=…}}` tag ({@link argoTagText}: a string as it is, any other value as
 * JSON, util/template/expression_template.go since v3.6); a nil result is an error, as Argo's
 * is for a tag it must resolve. An output a step did not produce reads as nil (see {@link readVar}).
 *
 * @example
 * ```ts
 * exprArgWire(expr`${a.outputs.n} * 10`, scope) // '30'
 * ```
 */
export const exprArgWire = (e: Expr, scope: Scope): string => exprWire(e, scope, 'argument expression')

/**
 * An expression's value in a scope as the text of a parameter (as Argo writes a tag's: {@link argoTagText}), `what` naming it in errors:
 * an evaluation error or a nil value is a {@link ResolveError}.
 *
 * @example
 * ```ts
 * exprWire(expr`${producer.outputs.msg} ?? "fallback"`, scope, 'output "result"') // 'fallback' when producer was skipped
 * ```
 */
export const exprWire = (e: Expr, scope: Scope, what: string): string => {
  let v: unknown
  try {
    v = evaluate(e, readVar(scope, true))
  } catch (x) {
    if (x instanceof EvalError) throw new ResolveError(`${what}: ${x.message}`)
    throw x
  }
  if (v === null || v === undefined) throw new ResolveError(`${what}: the value is nil${e._tag === 'Binary' && e.op === '??' ? '' : ' (an output its step did not produce reads as nil: give a fallback with ??)'}`)
  return argoTagText(v)
}
