import { foldExpr, nodeType, type Expr, type ExprType, type ExprVar } from 'dflow-ts'
import { compareStrings, EvalError, goAtoi, goEqual, goJson, goKind, goParseFloat, goSprint, utf8Length } from './go-values.ts'

export { EvalError } from './go-values.ts'

const num = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v
  throw new EvalError(`${what} must be a number, got ${JSON.stringify(v) ?? 'nothing'}`)
}

/** Reads a JSON path (`$`, `.key`, `['key']`, `[0]`) in a JSON document; a missing key or index is an error, as in Argo's jsonpath. */
const jsonpath = (doc: unknown, path: string): unknown => {
  if (typeof doc !== 'string') throw new EvalError(`jsonpath(): the document must be a JSON string, got a ${goKind(doc)}`)
  let v: unknown
  try {
    v = JSON.parse(doc)
  } catch {
    throw new EvalError(`jsonpath(): the document is not JSON: ${JSON.stringify(doc.slice(0, 60))}`)
  }
  if (!path.startsWith('$')) throw new EvalError(`jsonpath(): a path starts with "$", got ${JSON.stringify(path)}`)
  const parts = [...path.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)]
  for (const m of parts) {
    const key = m[1] ?? m[3] ?? m[4]
    const here = v as Record<string, unknown>
    if (key !== undefined ? typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(here, key) : !Array.isArray(v) || Number(m[2]) >= v.length)
      throw new EvalError(`jsonpath(${JSON.stringify(path)}): ${m[0]} not found`)
    v = key !== undefined ? here[key] : (v as unknown[])[Number(m[2])]
  }
  return v
}

/** Go's `int(x)` of `%`'s operands: a number truncated, a string read by Atoi; the result is never -0. */
const goInt = (v: unknown, what: string): number => {
  if (typeof v === 'string') return goAtoi(v)
  const n = num(v, what)
  if (!Number.isFinite(n) || Math.abs(n) >= 2 ** 63) throw new EvalError(`${what}: ${n} has no 64-bit integer`)
  return Math.trunc(n) + 0
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

const binary = (op: string, l: unknown, r: unknown, rightType: ExprType | undefined): unknown => {
  switch (op) {
    case '==':
      return goEqual(l, r)
    case '!=':
      return !goEqual(l, r)
    case 'in':
      return member(l, r, rightType)
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
      return jsonpath(a, String(b))
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
}

/** The next child of a frame to evaluate, or nothing when its value can be computed: `&&`, `||`, `?:` short-circuit. */
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
      return e.args[vals.length]
    case 'Binary':
      if (vals.length === 0) return e.left
      if (vals.length === 1 && (e.op === '&&' ? holds(vals[0]) : e.op === '||' ? !holds(vals[0]) : true)) return e.right
      return undefined
  }
}

const valueOf = ({ e, vals }: Frame, types: Map<Expr, ExprType>, read: (v: ExprVar) => unknown): unknown => {
  switch (e._tag) {
    case 'Lit':
      return e.value
    case 'Var':
      return read(e.ref)
    case 'Unary':
      return e.op === '!' ? !holds(vals[0]) : -num(vals[0], 'the operand of "-"')
    case 'Cond':
      return vals[1]
    case 'Call':
      return call(e.fn, vals, types.get(e.args[0]!))
    case 'Binary':
      if (e.op === '&&' || e.op === '||') return vals.length === 2 ? holds(vals[1]) : e.op === '||'
      return binary(e.op, vals[0], vals[1], types.get(e.right))
  }
}

/**
 * Evaluates an expression tree as Argo's expr-lang does (the printer in lib/argo/expr-print.ts makes the
 * program): variables are read (already decoded by their codecs) through `read`. No `eval`, no string
 * rewriting, no recursion (a tree of any depth); `&&`, `||` and `?:` short-circuit. Throws
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
  const stack: Frame[] = [{ e: root, vals: [] }]
  for (;;) {
    const top = stack[stack.length - 1]!
    const child = nextChild(top)
    if (child) {
      stack.push({ e: child, vals: [] })
      continue
    }
    stack.pop()
    const v = valueOf(top, types, read)
    if (!stack.length) return v
    stack[stack.length - 1]!.vals.push(v)
  }
}
