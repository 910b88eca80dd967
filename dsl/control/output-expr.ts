import type { Codec } from '../codec.ts'
import { t } from '../codec.ts'
import { isExpr, type Expr } from '../expr/ast.ts'
import { inferType, typeOfCodecName, type ExprType } from '../expr/types.ts'
import { DflowError, problem } from '../problem.ts'

/**
 * A template output computed by an expression over its steps' outputs when the template ends (Argo's
 * `valueFrom.expression` of a steps or DAG template's output parameter). An output its step did not produce
 * (the step was skipped, omitted, or failed and was continued on, and declares no default) reads as nil, so
 * that `??` can give a fallback; a nil value of the whole expression is an error, as on Argo. Its text is
 * the value as Go's `%v` prints it.
 *
 * @example
 * ```ts
 * const o: OutputExpr<string> = exprOutput(expr`${producer.outputs.msg} ?? "fallback"`, t.string)
 * ```
 */
export interface OutputExpr<A = unknown> {
  readonly _tag: 'OutputExpr'
  readonly expr: Expr
  readonly codec: Codec<A>
}

/** The codec an expression's static type gives an output that does not name one. */
const CODECS: Readonly<Record<Exclude<ExprType, 'null'>, Codec<any>>> = { string: t.string, number: t.number, boolean: t.boolean, list: t.UnknownArray, any: t.unknown }

/**
 * An output computed by an expression (see {@link OutputExpr}), of the type `codec` declares (by default the
 * expression's own: string, number, boolean, a list, or unknown). The expression's type problems, a nil
 * literal as the whole value, and a codec that does not fit its type are errors when built.
 *
 * @example
 * ```ts
 * subflow({ name: 'main', body: () => ({ run: seq(producer), outputs: { result: exprOutput(expr`${producer.outputs.msg} ?? "none"`, t.string) } }) })
 * ```
 */
export function exprOutput<A>(e: Expr, codec: Codec<A>): OutputExpr<A>
export function exprOutput(e: Expr): OutputExpr<unknown>
export function exprOutput(e: Expr, codec?: Codec<any>): OutputExpr<any> {
  if (!isExpr(e)) throw new DflowError([problem(['outputs'], 'exprOutput takes an expression', 'build it with expr`…` or ex.*')])
  const ps: string[] = []
  const type = inferType(e, ps)
  if (type === 'null') ps.push('the expression is always nil: an output needs a value')
  const declared = codec ? typeOfCodecName(codec.name) : undefined
  if (declared !== undefined && type !== 'any' && declared !== 'any' && declared !== type && type !== 'null')
    ps.push(`the expression is a ${type}, but the output is declared ${codec!.name}`)
  if (ps.length) throw new DflowError(ps.map((p) => problem(['outputs'], p, 'an output expression reads the outputs of its steps, e.g. expr`${a.outputs.msg} ?? "none"`')))
  return Object.freeze({ _tag: 'OutputExpr' as const, expr: e, codec: codec ?? CODECS[type as Exclude<ExprType, 'null'>] })
}
