import { DflowError, problem } from '../problem.ts'
import { foldExpr, type BinaryOp, type Expr, type ExprVar } from './ast.ts'
import { jsonPathProblem } from './jsonpath.ts'
import { goRegex } from './regex.ts'

/** The static type of an expression: `any` for JSON values whose shape the codec does not say. @example const t: ExprType = 'number' */
export type ExprType = 'number' | 'string' | 'boolean' | 'list' | 'null' | 'any'

/**
 * The expression type of a codec, by its io-ts name: numbers and integers, strings (and string literal
 * unions), booleans, arrays; anything else is `any`.
 *
 * @example
 * ```ts
 * typeOfCodecName('number')        // 'number'
 * typeOfCodecName('Array<string>') // 'list'
 * ```
 */
export const typeOfCodecName = (name: string): ExprType => {
  if (name === 'number' || name === 'Int' || name === 'Integer') return 'number'
  if (name === 'string' || /^("[^"]*"( \| )?)+$/.test(name)) return 'string'
  if (name === 'boolean') return 'boolean'
  if (/^(Array<.*>|ReadonlyArray<.*>|UnknownArray)$/.test(name)) return 'list'
  return 'any'
}

/** Whether a variable holds integers (its codec is `t.Int`): Argo reads it with `asInt`, others numbers with `asFloat`. @example isIntegerVar(exitCode(a)) // false */
export const isIntegerVar = (v: ExprVar): boolean => /^(Int|Integer)$/.test(v.codec.name)

/** The type of a variable. @example typeOfVar(status(a)) // 'string' */
export const typeOfVar = (v: ExprVar): ExprType => typeOfCodecName(v.codec.name)

const litType = (v: unknown): ExprType => (v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'boolean')

const fits = (t: ExprType, want: readonly ExprType[]): boolean => t === 'any' || want.includes(t)
const same = (a: ExprType, b: ExprType): boolean => a === 'any' || b === 'any' || a === b || a === 'null' || b === 'null'

type Need = (t: ExprType, want: readonly ExprType[], what: string) => void

/** A literal path of jsonpath() outside the grammar both interpreters read (dsl/expr/jsonpath.ts): a problem when built. */
const pathProblem = (path: Expr, problems: string[]): void => {
  if (path._tag !== 'Lit' || typeof path.value !== 'string') return
  const p = jsonPathProblem(path.value)
  if (p) problems.push(p)
}

/** A literal pattern of `=~` that is not in the subset both interpreters read alike: a problem when built. */
const patternProblem = (pattern: Expr, problems: string[]): void => {
  if (pattern._tag !== 'Lit' || typeof pattern.value !== 'string') return
  const r = goRegex(pattern.value)
  if ('unsupported' in r) problems.push(`the pattern ${JSON.stringify(pattern.value)} of "=~" is read alike by Go and here only up to ${JSON.stringify(r.unsupported)} (no backreferences, lookaround, \\p{…}, POSIX classes, (?m) or named groups)`)
}

const callType = (e: Extract<Expr, { _tag: 'Call' }>, ts: readonly ExprType[], need: Need, problems: string[]): ExprType => {
  switch (e.fn) {
    case 'length':
      need(ts[0]!, ['string', 'list'], 'the argument of length()')
      return 'number'
    case 'asInt':
    case 'asFloat':
      need(ts[0]!, ['string', 'number'], `the argument of ${e.fn}()`)
      return 'number'
    case 'string':
    case 'toJson':
      return 'string'
    case 'flatten':
      need(ts[0]!, ['list'], 'the argument of flatten()')
      return 'list'
    case 'jsonpath':
      need(ts[0]!, ['string'], 'the document of jsonpath()')
      need(ts[1]!, ['string'], 'the path of jsonpath()')
      pathProblem(e.args[1]!, problems)
      return 'any'
  }
}

const binaryType = (op: BinaryOp, l: ExprType, r: ExprType, problems: string[], need: Need): ExprType => {
  switch (op) {
    case '&&':
    case '||':
      need(l, ['boolean'], `the left operand of "${op}"`)
      need(r, ['boolean'], `the right operand of "${op}"`)
      return 'boolean'
    case '==':
    case '!=':
      if (!same(l, r)) problems.push(`"${op}" compares a ${l} with a ${r}`)
      return 'boolean'
    case '<':
    case '<=':
    case '>':
    case '>=':
      need(l, ['number', 'string'], `the left operand of "${op}"`)
      need(r, ['number', 'string'], `the right operand of "${op}"`)
      if (!same(l, r)) problems.push(`"${op}" compares a ${l} with a ${r}`)
      return 'boolean'
    case '=~':
      need(l, ['string'], 'the left operand of "=~"')
      need(r, ['string'], 'the pattern of "=~"')
      return 'boolean'
    case 'in':
      need(r, ['list', 'string'], 'the right operand of "in"')
      // a substring test: expr-lang's `contains`, which takes two strings
      if (r === 'string') need(l, ['string'], 'the left operand of "in" (a substring test)')
      return 'boolean'
    case '??':
      // expr-lang's checker: the type of the side that is not nil; two types that differ are untyped
      if (!same(l, r)) problems.push(`"??" falls back from a ${l} to a ${r}: give both sides one type`)
      return l === 'null' ? r : r === 'null' || l === r ? l : 'any'
    case '+':
      if (l === 'null' || r === 'null') {
        problems.push(`"+" adds a ${l} and a ${r}: null has no sum (expr-lang refuses it at run time)`)
        return l === 'null' ? r : l
      }
      if (l === 'string' || r === 'string') {
        if (!same(l, r)) problems.push(`"+" adds a ${l} and a ${r}`)
        return 'string'
      }
      need(l, ['number'], 'the left operand of "+"')
      need(r, ['number'], 'the right operand of "+"')
      return 'number'
    default:
      need(l, ['number'], `the left operand of "${op}"`)
      need(r, ['number'], `the right operand of "${op}"`)
      return 'number'
  }
}

/**
 * The type of one node from the types of its children (left to right), with every mismatch (a number
 * compared with a string, `!` on a number, a ternary whose branches differ, …) pushed as a message. The one
 * rule that {@link inferType}, the Argo printer and the local evaluator share.
 *
 * @example
 * ```ts
 * nodeType(expr`1 < 2`, ['number', 'number'], []) // 'boolean'
 * ```
 */
export const nodeType = (e: Expr, kids: readonly ExprType[], problems: string[]): ExprType => {
  const need: Need = (t, want, what) => {
    if (!fits(t, want)) problems.push(`${what} must be ${want.join(' or ')}, not ${t}`)
  }
  switch (e._tag) {
    case 'Lit':
      if (typeof e.value === 'number' && !Number.isFinite(e.value))
        problems.push(`the number ${e.value} is not finite: expr-lang has no literal for it (Argo cannot read it)`)
      return litType(e.value)
    case 'Var':
      return typeOfVar(e.ref)
    case 'Unary':
      need(kids[0]!, e.op === '!' ? ['boolean'] : ['number'], `the operand of "${e.op}"`)
      return e.op === '!' ? 'boolean' : 'number'
    case 'Cond': {
      need(kids[0]!, ['boolean'], 'the condition of "?:"')
      const [, a, b] = kids as [ExprType, ExprType, ExprType]
      if (!same(a, b)) problems.push(`the branches of "?:" differ: ${a} and ${b}`)
      return a === 'any' || b === 'any' ? 'any' : a === 'null' ? b : a
    }
    case 'Call':
      return callType(e, kids, need, problems)
    case 'Foreign':
      return 'string'
    case 'Binary':
      if (e.op === '=~') patternProblem(e.right, problems)
      return binaryType(e.op, kids[0]!, kids[1]!, problems, need)
  }
}

/**
 * Infers the type of an expression, collecting every mismatch as a message (a walk without recursion).
 *
 * @example
 * ```ts
 * inferType({ _tag: 'Lit', value: 1 }, []) // 'number'
 * ```
 */
export const inferType = (e: Expr, problems: string[]): ExprType => foldExpr<ExprType>(e, (x, kids) => nodeType(x, kids, problems))

/** Every type problem of an expression. @example typeProblems(ex.lt(1, 'a')) // ['"<" compares a number with a string'] */
export const typeProblems = (e: Expr): string[] => {
  const ps: string[] = []
  inferType(e, ps)
  return ps
}

/**
 * The problems of an expression used as a condition (`when`, `ifExpr`): its own, and a type that is not
 * boolean — Argo reads a `when` string with govaluate, so a string such as "1 > 0" would hold there. An
 * untyped value (`any`) is compared with `true` on both interpreters.
 *
 * @example
 * ```ts
 * conditionProblems(expr`${flip.outputs.result}`) // ['a condition must be boolean, not string …']
 * ```
 */
export const conditionProblems = (e: Expr): string[] => {
  const ps: string[] = []
  const t = inferType(e, ps)
  if (!fits(t, ['boolean'])) ps.push(`a condition must be boolean, not ${t}: compare it (for instance \`== "yes"\`)`)
  return ps
}

/**
 * Returns a condition, or throws its {@link conditionProblems} as a {@link DflowError} under `field`.
 *
 * @example
 * ```ts
 * checkedCondition(expr`${n} > 2`, 'when') // the same expression
 * ```
 */
export const checkedCondition = (e: Expr, field: string): Expr => {
  const ps = conditionProblems(e)
  if (ps.length) throw new DflowError(ps.map((p) => problem([field], p)))
  return e
}
