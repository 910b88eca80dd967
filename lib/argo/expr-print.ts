import { typeOfVar, type Expr, type ExprVar } from 'dflow-ts'

const KEYWORDS = new Set(['steps', 'tasks', 'inputs', 'outputs', 'parameters', 'artifacts', 'workflow', 'result', 'status', 'exitCode', 'item'])

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/**
 * An Argo variable path in expr-lang, with bracket access for every user-chosen name (names may hold `-`).
 *
 * @example
 * ```ts
 * accessPath('steps.flip-coin.outputs.result') // "steps['flip-coin'].outputs.result"
 * ```
 */
export const accessPath = (path: string): string =>
  path
    .split('.')
    .map((seg, i) => (i === 0 ? seg : KEYWORDS.has(seg) ? `.${seg}` : `[${quote(seg)}]`))
    .join('')

/** A variable read with coercion by its declared type: Argo carries every value as a string. */
const coerced = (v: ExprVar, access: string): string => {
  if (v._tag !== 'ParamRef') return access
  switch (typeOfVar(v)) {
    case 'number':
      return /^(Int|Integer)$/.test(v.codec.name) ? `asInt(${access})` : `asFloat(${access})`
    case 'boolean':
      return `(${access} == 'true')`
    case 'list':
    case 'any':
      return `jsonpath(${access}, '$')`
    default:
      return access
  }
}

const FN: Readonly<Record<string, string>> = { length: 'len' }

/**
 * Prints an expression tree as an expr-lang program for Argo's `{{= … }}`: every variable read through
 * `path` (an Argo variable path such as `steps.a.outputs.result`) with bracket access for names and
 * coercion by declared type (`asFloat`/`asInt`, so "10" < "9" cannot happen); sub-expressions are
 * parenthesised so that precedence never depends on the printer.
 *
 * @example
 * ```ts
 * printExpr(expr`${flip.outputs.result} == "heads"`, () => 'steps.flip-coin.outputs.result')
 * // "steps['flip-coin'].outputs.result == 'heads'"
 * ```
 */
export const printExpr = (e: Expr, path: (v: ExprVar) => string): string => {
  const go = (x: Expr): string => (x._tag === 'Binary' || x._tag === 'Cond' ? `(${printExpr(x, path)})` : printExpr(x, path))
  switch (e._tag) {
    case 'Lit':
      return e.value === null ? 'nil' : typeof e.value === 'string' ? quote(e.value) : String(e.value)
    case 'Var':
      return coerced(e.ref, accessPath(path(e.ref)))
    case 'Unary':
      return `${e.op}${go(e.arg)}`
    case 'Cond':
      return `${go(e.test)} ? ${go(e.then)} : ${go(e.else)}`
    case 'Call':
      return `${FN[e.fn] ?? e.fn}(${e.args.map((a) => printExpr(a, path)).join(', ')})`
    case 'Binary':
      return e.op === '%' ? `int(${go(e.left)}) % int(${go(e.right)})` : `${go(e.left)} ${e.op} ${go(e.right)}`
  }
}
