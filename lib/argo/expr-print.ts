import { DflowError, foldExpr, isIntegerVar, nodeType, problem, typeOfVar, type Expr, type ExprType, type ExprVar, type LitValue } from 'dflow-ts'

const KEYWORDS = new Set(['steps', 'tasks', 'inputs', 'outputs', 'parameters', 'artifacts', 'workflow', 'result', 'status', 'exitCode', 'item'])

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`

/**
 * A string literal of expr-lang that survives Argo's template engine: Argo finds a tag from `{{` to the
 * first `}}` (fasttemplate), so a brace that follows a brace is written `\x7b`/`\x7d` and the delimiters
 * never appear; a backslash is `\x5c` (Argo rewrites `\u003c` in the JSON of a tag before it reads it)
 * and control characters are `\xNN` (expr-lang ends a literal at a newline).
 *
 * @example
 * ```ts
 * quote("a}}b") // "'a}\\x7db'"
 * ```
 */
export const quote = (s: string): string =>
  `'${s.replace(/[\\'\x00-\x1f\x7f]|(?<=\{)\{|(?<=\})\}/g, (c) => (c === "'" ? "\\'" : hex(c)))}'`

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

/**
 * An Argo variable path read with optional chaining (`steps?.['a']?.outputs?.result`): nil where any part is
 * missing, as the local evaluator reads an output its step did not produce (a skipped step without declared
 * outputs has no `outputs` map in Argo's scope, and expr-lang fails to fetch a member of nil).
 *
 * @example
 * ```ts
 * optionalPath('steps.flip-coin.outputs.result') // "steps?.['flip-coin']?.outputs?.result"
 * ```
 */
export const optionalPath = (path: string): string =>
  path
    .split('.')
    .map((seg, i) => (i === 0 ? seg : KEYWORDS.has(seg) ? `?.${seg}` : `?.[${quote(seg)}]`))
    .join('')

/** A variable read with coercion by its declared type: Argo carries every value as a string. */
const coerced = (v: ExprVar, access: string): string => {
  if (v._tag !== 'ParamRef') return access
  switch (typeOfVar(v)) {
    case 'number':
      return isIntegerVar(v) ? `asInt(${access})` : `asFloat(${access})`
    case 'boolean':
      return `(${access} == 'true')`
    case 'list':
    case 'any':
      return `jsonpath(${access}, '$')`
    default:
      return access
  }
}

/** How many expr-lang nodes the coercion of a variable adds: a call is two nodes, a comparison with its literal two, jsonpath's path one more. */
const coercionNodes = (v: ExprVar): number => ({ number: 2, boolean: 2, list: 3, any: 3 })[typeOfVar(v) as string] ?? 0

/**
 * A number as an expr-lang literal that means the same double: integers up to 2^53 as digits (Go ints,
 * exact there), larger ones in exponent form (Go would overflow an integer literal past 2^63), `-0` as
 * `-0.0`, negative numbers in parentheses.
 *
 * @example
 * ```ts
 * numberLiteral(1e21) // '1e+21'
 * ```
 */
export const numberLiteral = (v: number): string => {
  if (!Number.isFinite(v)) throw new DflowError([problem(['expr'], `the number ${v} is not finite: expr-lang has no literal for it`)])
  if (Object.is(v, -0)) return '(-0.0)'
  if (v < 0) return `(-${numberLiteral(-v)})`
  return Number.isInteger(v) && !Number.isSafeInteger(v) ? v.toExponential() : String(v)
}

const literal = (v: LitValue): string =>
  v === null ? 'nil' : typeof v === 'string' ? quote(v) : typeof v === 'number' ? numberLiteral(v) : String(v)

const FN: Readonly<Record<string, string>> = { length: 'len' }
/** expr-lang's builtins are one node; the functions Argo adds to the environment are a call and a name. */
const BUILTIN = new Set(['len', 'string', 'int', 'flatten'])

/**
 * The most nodes expr-lang (v1.17, Argo 4) accepts in one expression (`conf.DefaultMaxNodes`); more is
 * "compilation failed: expression exceeds maximum allowed nodes" at run time.
 *
 * @example
 * ```ts
 * EXPR_LANG_MAX_NODES // 10000
 * ```
 */
export const EXPR_LANG_MAX_NODES = 10_000

interface Printed {
  readonly s: string
  readonly t: ExprType
  /** expr-lang nodes, as its parser counts them. */
  readonly n: number
  readonly e: Expr
}

/** A sub-expression in parentheses where it is an operand (Binary, Cond, or a Unary under a Unary). */
const operand = (k: Printed): string => (k.e._tag === 'Binary' || k.e._tag === 'Cond' ? `(${k.s})` : k.s)

/** A value in a boolean place: an untyped one is compared with `true` (the local evaluator reads it the same way). */
const truth = (k: Printed): Printed => (k.t === 'any' ? { ...k, s: `(${operand(k)} == true)`, n: k.n + 2, t: 'boolean' } : k)

/** A number as text, as the local evaluator makes it: JSON's shortest digits (`string()` of a float is Go's `%v`, `1e+06`), never `-0`. */
const numberText = (k: Printed): { s: string; n: number } => ({ s: `toJson(${operand(k)} + 0)`, n: k.n + 4 })

const callText = (fn: string, ks: readonly Printed[]): { s: string; n: number } => {
  if ((fn === 'string' || fn === 'toJson') && ks[0]!.t === 'number') return numberText(ks[0]!)
  const name = FN[fn] ?? fn
  return { s: `${name}(${ks.map((k) => k.s).join(', ')})`, n: (BUILTIN.has(name) ? 1 : 2) + ks.reduce((a, k) => a + k.n, 0) }
}

const binaryText = (e: Extract<Expr, { _tag: 'Binary' }>, l: Printed, r: Printed): { s: string; n: number } => {
  switch (e.op) {
    case '%':
      return { s: `int(${operand(l)}) % int(${operand(r)})`, n: 3 + l.n + r.n }
    case '=~':
      return { s: `${operand(l)} matches ${operand(r)}`, n: 1 + l.n + r.n }
    case 'in':
      // expr-lang's `in` looks in lists and maps; a substring test is `contains`
      return r.t === 'string' ? { s: `${operand(r)} contains ${operand(l)}`, n: 1 + l.n + r.n } : { s: `${operand(l)} in ${operand(r)}`, n: 1 + l.n + r.n }
    case '&&':
    case '||': {
      const [a, b] = [truth(l), truth(r)]
      return { s: `${operand(a)} ${e.op} ${operand(b)}`, n: 1 + a.n + b.n }
    }
    default:
      return { s: `${operand(l)} ${e.op} ${operand(r)}`, n: 1 + l.n + r.n }
  }
}

/**
 * `L ?? R`. expr-lang reads `??` before a unary operator (`-a ?? b` is `-(a ?? b)`), so a unary operand is
 * parenthesised; a step's output is read with optional chaining ({@link optionalPath}), and one read with coercion is
 * tested for nil before it is coerced (`asInt(nil)` fails on Argo, where the local evaluator has nil):
 * `X == nil ? R : asInt(X)`.
 */
const coalesceText = (e: Extract<Expr, { _tag: 'Binary' }>, l: Printed, r: Printed, path: (v: ExprVar) => string): { s: string; n: number } => {
  const side = (k: Printed) => (k.e._tag === 'Unary' ? `(${k.s})` : operand(k))
  if (e.left._tag !== 'Var') return { s: `${side(l)} ?? ${side(r)}`, n: 1 + l.n + r.n }
  // only a step's output may be missing (inputs and parameters are always there)
  const raw = (e.left.ref.source.kind === 'step' ? optionalPath : accessPath)(path(e.left.ref))
  if (coercionNodes(e.left.ref) > 0) return { s: `${raw} == nil ? ${side(r)} : ${l.s}`, n: 3 + 2 * l.n + r.n }
  return { s: `${raw} ?? ${side(r)}`, n: 1 + l.n + r.n }
}

const printNode = (e: Expr, ks: readonly Printed[], path: (v: ExprVar) => string): { s: string; n: number } => {
  switch (e._tag) {
    case 'Lit':
      return { s: literal(e.value), n: typeof e.value === 'number' && (e.value < 0 || Object.is(e.value, -0)) ? 2 : 1 }
    case 'Var': {
      const p = path(e.ref)
      return { s: coerced(e.ref, accessPath(p)), n: 2 * p.split('.').length - 1 + coercionNodes(e.ref) }
    }
    case 'Unary': {
      const k = e.op === '!' ? truth(ks[0]!) : ks[0]!
      return { s: `${e.op}${k.e._tag === 'Unary' && k === ks[0] ? `(${k.s})` : operand(k)}`, n: 1 + k.n }
    }
    case 'Cond': {
      const [test, a, b] = [truth(ks[0]!), ks[1]!, ks[2]!]
      return { s: `${operand(test)} ? ${operand(a)} : ${operand(b)}`, n: 1 + test.n + a.n + b.n }
    }
    case 'Call':
      return callText(e.fn, ks)
    case 'Foreign':
      throw new DflowError([problem(['expr'], `the expression ${JSON.stringify(e.text)} was imported from Argo and is evaluated by the importer: it does not compile back to Argo`, 'run the Argo document it was imported from')])
    case 'Binary':
      return e.op === '??' ? coalesceText(e, ks[0]!, ks[1]!, path) : binaryText(e, ks[0]!, ks[1]!)
  }
}

const printed = (e: Expr, path: (v: ExprVar) => string): Printed =>
  foldExpr<Printed>(e, (x, ks) => ({ ...printNode(x, ks, path), t: nodeType(x, ks.map((k) => k.t), []), e: x }))

const within = (p: Printed, at: readonly string[]): string => {
  if (p.n > EXPR_LANG_MAX_NODES)
    throw new DflowError([
      problem(at, `the expression is ${p.n} expr-lang nodes: Argo's expr-lang refuses more than ${EXPR_LANG_MAX_NODES}`, 'split it, or compute the value in a step'),
    ])
  return p.s
}

/**
 * Prints an expression tree as an expr-lang program for Argo's `{{= … }}`: every variable read through
 * `path` (an Argo variable path such as `steps.a.outputs.result`) with bracket access for names and
 * coercion by declared type (`asFloat`/`asInt`, so "10" < "9" cannot happen); sub-expressions are
 * parenthesised so that precedence never depends on the printer. Where expr-lang and the local evaluator
 * would differ the program says what the evaluator does: `int(…) % int(…)`, `contains` for a substring,
 * `toJson(x + 0)` for a number as text, `(x == true)` for an untyped value in a boolean place. No recursion
 * (a tree of any depth); more than {@link EXPR_LANG_MAX_NODES} nodes is a {@link DflowError} at `at`.
 *
 * @example
 * ```ts
 * printExpr(expr`${flip.outputs.result} == "heads"`, () => 'steps.flip-coin.outputs.result')
 * // "steps['flip-coin'].outputs.result == 'heads'"
 * ```
 */
export const printExpr = (e: Expr, path: (v: ExprVar) => string, at: readonly string[] = ['expr']): string => within(printed(e, path), at)

/**
 * Prints a condition (`when`, an output chosen by `ifExpr`): as {@link printExpr}, an untyped value compared
 * with `true`, so that Argo gets a boolean (govaluate would read a string such as "1 > 0" in a `when`).
 *
 * @example
 * ```ts
 * printCondition(expr`jsonpath(${doc}, '$.ok')`, path) // "jsonpath(…, '$.ok') == true"
 * ```
 */
export const printCondition = (e: Expr, path: (v: ExprVar) => string, at: readonly string[] = ['expr']): string => {
  const p = printed(e, path)
  return within(p.t === 'any' ? { ...p, s: `${operand(p)} == true`, n: p.n + 2 } : p, at)
}
