import { isExpr, varsOf } from './expr/ast.ts'
import type { Arg } from './node.ts'
import { isRef, type Ref } from './refs.ts'

/**
 * The references an argument reads: itself when it is one, the variables of an expression argument
 * (`` expr`${a.outputs.n} + 1` ``, evaluated when the step starts), none for a literal.
 *
 * @example
 * ```ts
 * argRefs(a.outputs.n)                 // [a.outputs.n]
 * argRefs(expr`${a.outputs.n} * 10`)   // [a.outputs.n]
 * argRefs('hello')                     // []
 * ```
 */
export const argRefs = (a: Arg): readonly Ref[] => (isRef(a) ? [a] : isExpr(a) ? varsOf(a) : [])

/** Whether an argument is an expression, evaluated when the step starts. @example isExprArg(expr`${a.outputs.n} + 1`) // true */
export const isExprArg = (a: Arg): boolean => !isRef(a) && isExpr(a)
