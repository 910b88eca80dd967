import type { Expr, ExprVar } from 'dflow-ts'

/** Thrown when an expression cannot be evaluated (a value of the wrong kind at run time, a bad JSON path). @example throw new EvalError('length(3): not a string or list') */
export class EvalError extends Error {}

const num = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v
  throw new EvalError(`${what} must be a number, got ${JSON.stringify(v)}`)
}

const equal = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b)

/** Reads a JSON path (`$`, `.key`, `['key']`, `[0]`) in a document (a JSON string or a value). */
const jsonpath = (doc: unknown, path: string): unknown => {
  let v: unknown = doc
  if (typeof doc === 'string') {
    try {
      v = JSON.parse(doc)
    } catch {
      throw new EvalError(`jsonpath(): the document is not JSON: ${JSON.stringify(doc.slice(0, 60))}`)
    }
  }
  if (!path.startsWith('$')) throw new EvalError(`jsonpath(): a path starts with "$", got ${JSON.stringify(path)}`)
  const parts = [...path.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)]
  for (const m of parts) {
    const key = m[1] ?? m[3] ?? m[4]
    v = key !== undefined ? (v as Record<string, unknown> | undefined)?.[key] : (v as unknown[] | undefined)?.[Number(m[2])]
  }
  return v
}

const asNumber = (v: unknown, fn: string, parse: (s: string) => number): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? parse(v.trim()) : NaN
  if (Number.isNaN(n)) throw new EvalError(`${fn}(${JSON.stringify(v)}): not a number`)
  return fn === 'asInt' ? Math.trunc(n) : n
}

/**
 * Evaluates an expression tree: variables are read (already decoded by their codecs) through `read`.
 * No `eval`, no string rewriting; `&&`, `||` and `?:` short-circuit. Throws {@link EvalError} for values of
 * the wrong kind at run time.
 *
 * @example
 * ```ts
 * evaluate(expr`${n} < 10`, () => 9)   // true
 * evaluate(expr`asInt("42") + 1`, () => undefined) // 43
 * ```
 */
export const evaluate = (e: Expr, read: (v: ExprVar) => unknown): unknown => {
  const go = (x: Expr): unknown => evaluate(x, read)
  switch (e._tag) {
    case 'Lit':
      return e.value
    case 'Var':
      return read(e.ref)
    case 'Unary':
      return e.op === '!' ? !go(e.arg) : -num(go(e.arg), 'the operand of "-"')
    case 'Cond':
      return go(e.test) ? go(e.then) : go(e.else)
    case 'Call': {
      const [a, b] = e.args.map(go)
      switch (e.fn) {
        case 'length':
          if (typeof a === 'string' || Array.isArray(a)) return a.length
          throw new EvalError(`length(${JSON.stringify(a)}): not a string or list`)
        case 'asInt':
          return asNumber(a, 'asInt', (s) => (/^[-+]?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN))
        case 'asFloat':
          return asNumber(a, 'asFloat', (s) => (s === '' ? NaN : Number(s)))
        case 'string':
          return typeof a === 'string' ? a : JSON.stringify(a)
        case 'toJson':
          return JSON.stringify(a)
        case 'jsonpath':
          return jsonpath(a, String(b))
      }
    }
    // falls through: the switch above is exhaustive
    case 'Binary': {
      const b = e as Extract<Expr, { _tag: 'Binary' }>
      if (b.op === '&&') return !!go(b.left) && !!go(b.right)
      if (b.op === '||') return !!go(b.left) || !!go(b.right)
      const l = go(b.left)
      const r = go(b.right)
      switch (b.op) {
        case '==':
          return equal(l, r)
        case '!=':
          return !equal(l, r)
        case 'in':
          return Array.isArray(r) ? r.some((x) => equal(x, l)) : typeof r === 'string' ? r.includes(String(l)) : false
        case '<':
          return (l as number) < (r as number)
        case '<=':
          return (l as number) <= (r as number)
        case '>':
          return (l as number) > (r as number)
        case '>=':
          return (l as number) >= (r as number)
        case '+':
          return typeof l === 'string' || typeof r === 'string' ? String(l) + String(r) : num(l, 'the left operand of "+"') + num(r, 'the right operand of "+"')
        case '-':
          return num(l, 'the left operand of "-"') - num(r, 'the right operand of "-"')
        case '*':
          return num(l, 'the left operand of "*"') * num(r, 'the right operand of "*"')
        case '/':
          return num(l, 'the left operand of "/"') / num(r, 'the right operand of "/"')
        case '%':
          return Math.trunc(num(l, 'the left operand of "%"')) % Math.trunc(num(r, 'the right operand of "%"'))
      }
    }
  }
}
