import { DflowError, problem } from '../problem.ts'
import { FUNCTIONS, isExpr, isExprVar, type BinaryOp, type Expr, type ExprVar, type FnName, type LitValue, type UnaryOp } from './ast.ts'
import { typeProblems } from './types.ts'

/** What a builder accepts: an expression, a variable, or a literal. @example const o: Operand = 3 */
export type Operand = Expr | ExprVar | LitValue

/** Turns an operand into a tree. @example toExpr(3) // { _tag: 'Lit', value: 3 } */
export const toExpr = (o: Operand): Expr =>
  isExpr(o) ? o : isExprVar(o) ? Object.freeze({ _tag: 'Var', ref: o }) : Object.freeze({ _tag: 'Lit', value: o })

/** Returns a freshly built tree, or throws its type problems as a {@link DflowError}. @example checked(tree, '${…} < 3') */
export const checked = (e: Expr, source?: string): Expr => {
  const ps = typeProblems(e)
  if (ps.length) throw new DflowError(ps.map((p) => problem(['expr'], source ? `${p} in: ${source}` : p)))
  return e
}

const bin = (op: BinaryOp) => (l: Operand, r: Operand): Expr => checked(Object.freeze({ _tag: 'Binary', op, left: toExpr(l), right: toExpr(r) }))
const un = (op: UnaryOp) => (a: Operand): Expr => checked(Object.freeze({ _tag: 'Unary', op, arg: toExpr(a) }))

/**
 * Builder functions: the same trees as `` expr`…` ``, type-checked the same way.
 *
 * @example
 * ```ts
 * ex.lt(plus1.outputs.iter, limit)           // same as expr`${plus1.outputs.iter} < ${limit}`
 * ex.cond(isHead, msg1, msg2)                // same as expr`${isHead} ? ${msg1} : ${msg2}`
 * ex.matches(msg, 'pod deleted|shutdown')     // same as expr`${msg} =~ "pod deleted|shutdown"`
 * ex.coalesce(producer.outputs.msg, 'none')   // same as expr`${producer.outputs.msg} ?? "none"`
 * ```
 */
export const ex = Object.freeze({
  add: bin('+'), sub: bin('-'), mul: bin('*'), div: bin('/'), mod: bin('%'),
  eq: bin('=='), ne: bin('!='), lt: bin('<'), le: bin('<='), gt: bin('>'), ge: bin('>='),
  and: bin('&&'), or: bin('||'), in: bin('in'), matches: bin('=~'), coalesce: bin('??'),
  not: un('!'), neg: un('-'),
  cond: (test: Operand, then: Operand, otherwise: Operand): Expr =>
    checked(Object.freeze({ _tag: 'Cond', test: toExpr(test), then: toExpr(then), else: toExpr(otherwise) })),
  call: (fn: FnName, ...args: readonly Operand[]): Expr => {
    if (!(fn in FUNCTIONS)) throw new DflowError([problem(['expr'], `unknown function "${fn}"`, `known: ${Object.keys(FUNCTIONS).join(', ')}`)])
    return checked(Object.freeze({ _tag: 'Call', fn, args: Object.freeze(args.map(toExpr)) }))
  },
})
