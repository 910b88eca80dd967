import { foldExpr, goRegex, isIntegerVar, nodeType, typeOfVar, type Expr, type ExprType, type ExprVar } from 'dflow-ts'
import { compareStrings, EvalError, goAtoi, goEqual, goJson, goKind, goParseFloat, goSprint, utf8Length } from './go-values.ts'
import { jsonpathCall } from './jsonpath.ts'

export { EvalError } from './go-values.ts'

const num = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v
  throw new EvalError(`${what} must be a number, got ${JSON.stringify(v) ?? 'nothing'}`)
}

/**
 * Go's `int(x)` (expr-lang's `int`, Argo's `asInt`, `%`'s operands): a number truncated, a string read by
 * Atoi; the result is never -0. NaN and a float out of the int64 range give the minimum int64, as Go's
 * conversion does on amd64 (arm64 would saturate).
 */
const goInt = (v: unknown, what: string): number => {
  if (typeof v === 'string') return goAtoi(v)
  const n = num(v, what)
  if (!Number.isFinite(n) || n >= 2 ** 63 || n < -(2 ** 63)) return -(2 ** 63)
  return Math.trunc(n) + 0
}

/** `+ - *` of two Go ints: int64 arithmetic, which wraps (never -0). */
const intArith = (op: string, a: number, b: number): number => {
  const [x, y] = [BigInt(a), BigInt(b)]
  return Number(BigInt.asIntN(64, op === '+' ? x + y : op === '-' ? x - y : x * y))
}

const asNumber = (v: unknown, fn: 'asInt' | 'asFloat'): number => {
  if (typeof v === 'string') return fn === 'asInt' ? goAtoi(v) : goParseFloat(v)
  if (typeof v !== 'number') throw new EvalError(`${fn}(${JSON.stringify(v) ?? 'nothing'}): not a number or string`)
  return fn === 'asInt' ? goInt(v, 'asInt()') : v
}

const ordered = (l: unknown, r: unknown, op: string): number => {
  if (typeof l === 'number' && typeof r === 'number') return l < r ? -1 : l > r ? 1 : l === r ? 0 : NaN
  if (typeof l === 'string' && typeof r === 'string') return compareStrings(l, r)
  throw new EvalError(`"${op}" compares a ${goKind(l)} with a ${goKind(r)}`)
}

const member = (l: unknown, r: unknown, rightType: ExprType | undefined): boolean => {
  if (Array.isArray(r)) return r.some((x) => goEqual(x, l))
  if (r === null || r === undefined) return false
  if (typeof r === 'string' && rightType === 'string' && typeof l === 'string') return r.includes(l)
  if (typeof r === 'object' && typeof l === 'string') return Object.hasOwn(r, l)
  throw new EvalError(`"in" looks in a list (or a string known to be one, or a map by key), not in a ${goKind(r)} for a ${goKind(l)}`)
}

const regexes = new Map<string, RegExp>()

/** `=~` (expr-lang's `matches`): the pattern read as Go reads it ({@link goRegex}), searched anywhere in the string. */
const matches = (l: unknown, r: unknown): boolean => {
  if (typeof l !== 'string' || typeof r !== 'string') throw new EvalError(`"=~" matches a string against a pattern, not a ${goKind(l)} against a ${goKind(r)}`)
  let re = regexes.get(r)
  if (!re) {
    const g = goRegex(r)
    if ('unsupported' in g) throw new EvalError(`"=~": the pattern ${JSON.stringify(r)} is not read here from ${JSON.stringify(g.unsupported)} on`)
    re = new RegExp(g.source, g.flags)
    if (regexes.size > 256) regexes.clear()
    regexes.set(r, re)
  }
  return re.test(l)
}

const binary = (op: string, l: unknown, r: unknown, rightType: ExprType | undefined, ints: boolean): unknown => {
  if (ints && (op === '+' || op === '-' || op === '*') && typeof l === 'number' && typeof r === 'number') return intArith(op, l, r)
  switch (op) {
    case '==':
      return goEqual(l, r)
    case '!=':
      return !goEqual(l, r)
    case 'in':
      return member(l, r, rightType)
    case '=~':
      return matches(l, r)
    case '<':
      return ordered(l, r, op) < 0
    case '<=':
      return ordered(l, r, op) <= 0
    case '>':
      return ordered(l, r, op) > 0
    case '>=':
      return ordered(l, r, op) >= 0
    case '+':
      if (typeof l === 'string' && typeof r === 'string') return l + r
      if (typeof l === 'number' && typeof r === 'number') return l + r
      throw new EvalError(`"+" adds a ${goKind(l)} and a ${goKind(r)}: it adds two numbers or two strings`)
    case '-':
      return num(l, 'the left operand of "-"') - num(r, 'the right operand of "-"')
    case '*':
      return num(l, 'the left operand of "*"') * num(r, 'the right operand of "*"')
    case '/':
      return num(l, 'the left operand of "/"') / num(r, 'the right operand of "/"')
    case '%': {
      const a = goInt(l, 'the left operand of "%"')
      const b = goInt(r, 'the right operand of "%"')
      if (b === 0) throw new EvalError(`${a} % 0: integer divide by zero (as on Argo)`)
      return (a % b) + 0
    }
  }
  throw new EvalError(`unknown operator ${op}`)
}

/** A number's text as the Argo printer makes it (`toJson(x + 0)`): the shortest digits, never `-0`. */
const asText = (v: unknown, t: ExprType | undefined, fn: 'string' | 'toJson'): string =>
  t === 'number' ? goJson(num(v, `the argument of ${fn}()`) + 0) : fn === 'string' ? goSprint(v) : goJson(v)

/** expr-lang's `flatten`: the elements of nested lists at every depth, in order. */
const flatDeep = (xs: readonly unknown[]): unknown[] => xs.flatMap((x) => (Array.isArray(x) ? flatDeep(x) : [x]))

const call = (fn: string, [a, b]: readonly unknown[], argType: ExprType | undefined): unknown => {
  switch (fn) {
    case 'length':
      if (typeof a === 'string') return utf8Length(a)
      if (Array.isArray(a)) return a.length
      if (typeof a === 'object' && a !== null) return Object.keys(a).length
      throw new EvalError(`length(${JSON.stringify(a) ?? 'nothing'}): not a string or list`)
    case 'asInt':
    case 'asFloat':
      return asNumber(a, fn)
    case 'string':
    case 'toJson':
      return asText(a, argType, fn)
    case 'jsonpath':
      return jsonpathCall(a, String(b))
    case 'flatten':
      if (!Array.isArray(a)) throw new EvalError(`flatten(${JSON.stringify(a) ?? 'nothing'}): not a list`)
      return flatDeep(a)
  }
  throw new EvalError(`unknown function ${fn}`)
}

/** A value in a boolean place (`!`, `&&`, `||`, `?:`, a condition): `true` only; Argo's printer compares untyped values with `true`. */
const holds = (v: unknown): boolean => v === true

/** The static type of every node of a tree (the evaluator follows the printer where the printed form depends on it). */
const typesOf = (e: Expr): Map<Expr, ExprType> => {
  const types = new Map<Expr, ExprType>()
  foldExpr<ExprType>(e, (x, kids) => {
    const t = nodeType(x, kids, [])
    types.set(x, t)
    return t
  })
  return types
}

interface Frame {
  readonly e: Expr
  readonly vals: unknown[]
  /** Whether each value in `vals` is a Go int on Argo (else a float, or not a number). */
  readonly ints: boolean[]
}

/**
 * Whether a node's value is a Go int in the program the printer makes (an integer literal, `asInt`, `len`,
 * `%`, an integer variable, and `+ - *` or unary `-` of ints): expr-lang computes those in int64, which
 * wraps. Everything else that is a number is a float64.
 */
const isGoInt = ({ e, ints }: Frame): boolean => {
  switch (e._tag) {
    case 'Lit':
      return typeof e.value === 'number' && Number.isSafeInteger(e.value) && !Object.is(e.value, -0)
    case 'Var':
      return typeOfVar(e.ref) === 'number' && isIntegerVar(e.ref)
    case 'Unary':
      return e.op === '-' && ints[0]!
    case 'Cond':
      return ints[1]!
    case 'Call':
      return e.fn === 'asInt' || e.fn === 'length'
    case 'Foreign':
      return false
    case 'Binary':
      if (e.op === '??') return ints[ints.length - 1]!
      return e.op === '%' || (['+', '-', '*'].includes(e.op) && ints[0]! && ints[1]!)
  }
}

/** Whether a value is expr-lang's nil (what `??` falls back from). */
const isNil = (v: unknown): boolean => v === null || v === undefined

/** The next child of a frame to evaluate, or nothing when its value can be computed: `&&`, `||`, `?:`, `??` short-circuit. */
const nextChild = ({ e, vals }: Frame): Expr | undefined => {
  switch (e._tag) {
    case 'Lit':
    case 'Var':
      return undefined
    case 'Unary':
      return vals.length ? undefined : e.arg
    case 'Cond':
      return vals.length === 0 ? e.test : vals.length === 1 ? (holds(vals[0]) ? e.then : e.else) : undefined
    case 'Call':
    case 'Foreign':
      return e.args[vals.length]
    case 'Binary':
      if (vals.length === 0) return e.left
      if (vals.length === 1 && (e.op === '&&' ? holds(vals[0]) : e.op === '||' ? !holds(vals[0]) : e.op === '??' ? isNil(vals[0]) : true)) return e.right
      return undefined
  }
}

const valueOf = ({ e, vals, ints }: Frame, types: Map<Expr, ExprType>, read: (v: ExprVar) => unknown): unknown => {
  switch (e._tag) {
    case 'Lit':
      return e.value
    case 'Var': {
      const v = read(e.ref)
      if (v === null && e.substituted) throw new EvalError(`{{…}} of "${e.ref.name}": its step did not produce it, and a tag of nothing is an error (as on Argo)`)
      return v
    }
    case 'Unary':
      if (e.op === '!') return !holds(vals[0])
      return ints[0] ? intArith('-', 0, num(vals[0], 'the operand of "-"')) : -num(vals[0], 'the operand of "-"')
    case 'Cond':
      return vals[1]
    case 'Call':
      return call(e.fn, vals, types.get(e.args[0]!))
    case 'Foreign':
      try {
        return e.evaluate(vals)
      } catch (x) {
        throw x instanceof EvalError ? x : new EvalError(`${e.text}: ${(x as Error).message}`)
      }
    case 'Binary':
      if (e.op === '&&' || e.op === '||') return vals.length === 2 ? holds(vals[1]) : e.op === '||'
      if (e.op === '??') return vals[vals.length - 1]
      return binary(e.op, vals[0], vals[1], types.get(e.right), ints[0]! && ints[1]!)
  }
}

/**
 * Evaluates an expression tree as Argo's expr-lang does (the printer in lib/argo/expr-print.ts makes the
 * program): variables are read (already decoded by their codecs) through `read`. No `eval`, no string
 * rewriting, no recursion (a tree of any depth); `&&`, `||`, `?:` and `??` short-circuit. Throws
 * {@link EvalError} where expr-lang fails at run time: a value of the wrong kind, `% 0`, a bad number.
 *
 * @example
 * ```ts
 * evaluate(expr`${n} < 10`, () => 9)   // true
 * evaluate(expr`asInt("42") + 1`, () => undefined) // 43
 * ```
 */
export const evaluate = (root: Expr, read: (v: ExprVar) => unknown): unknown => {
  const types = typesOf(root)
  const stack: Frame[] = [{ e: root, vals: [], ints: [] }]
  for (;;) {
    const top = stack[stack.length - 1]!
    const child = nextChild(top)
    if (child) {
      stack.push({ e: child, vals: [], ints: [] })
      continue
    }
    stack.pop()
    const v = valueOf(top, types, read)
    if (!stack.length) return v
    stack[stack.length - 1]!.vals.push(v)
    stack[stack.length - 1]!.ints.push(isGoInt(top))
  }
}
